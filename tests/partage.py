"""Read-only data built once per module: one transaction around the module, a savepoint per test."""

import copy
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

# Hashing cost is irrelevant to what the tests check; keep the suite fast.
HACHAGE_RAPIDE = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Partage:
    fixture: str
    media_root: Path


# The shared data sets open right now (see `donnees_partagees`), innermost last.
_OUVERTS: list[Partage] = []


def media_root():
    """The folder of the innermost shared data open now, or None."""
    return _OUVERTS[-1].media_root if _OUVERTS else None


def refuser_hors_de_ses_donnees(request):
    """A test that uses the database while a module's shared data is open must have asked for that
    data (it would see rows it does not expect) and must not be transactional (flushing the database
    would break the module's transaction). Tests without database access are blocked from it anyway."""
    if not _OUVERTS:
        return
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    noeud = request.node.nodeid
    absents = [p.fixture for p in _OUVERTS if p.fixture not in request.fixturenames]
    if absents:
        pytest.fail(f"{noeud} uses the database inside the shared data {absents} without requesting it.")
    if {"transactional_db", "live_server"} & set(request.fixturenames) or (marker and marker.kwargs.get("transaction")):
        pytest.fail(f"{noeud} is transactional: it cannot run inside shared data.")


def donnees_partagees(construire):
    """Make `construire()` a fixture of the same name: data built once for a module and read by its tests.

        @donnees_partagees
        def monde():
            return Monde(centre=CentreFactory(), ...)

    One transaction is opened around the module; each test runs in a savepoint inside it, rolled back
    at the test's end as usual, and the whole is rolled back when the module ends, so that nothing
    leaks into the next module. Each test gets its own deep copy of the objects (as Django's
    `setUpTestData` does), so that one test changing them in memory leaves the next unaffected.
    The data's files go to a folder of their own, which its tests read as MEDIA_ROOT.
    """
    nom = construire.__name__
    du_module_nom = f"_{nom}_du_module"

    @pytest.fixture(scope="module", name=du_module_nom)
    def du_module(django_db_setup, django_db_blocker, tmp_path_factory):
        partage = Partage(nom, tmp_path_factory.mktemp(nom))
        with django_db_blocker.unblock():
            atomique = _ouvrir()
            try:
                with override_settings(PASSWORD_HASHERS=HACHAGE_RAPIDE, MEDIA_ROOT=partage.media_root):
                    valeur = construire()
            except BaseException:
                _annuler(atomique)
                raise
        _OUVERTS.append(partage)
        try:
            yield valeur
        finally:
            _OUVERTS.remove(partage)
            with django_db_blocker.unblock():
                _annuler(atomique)

    def par_test(**fixtures):
        return copy.deepcopy(fixtures[du_module_nom])

    # Asked for by name in the signature (not through getfixturevalue), the module-scoped fixture is
    # set up before the test's own transaction opens, as pytest sets up wider scopes first.
    par_test.__signature__ = inspect.Signature([inspect.Parameter(du_module_nom, inspect.Parameter.KEYWORD_ONLY)])
    par_test.__doc__ = construire.__doc__
    # pytest finds fixtures among a module's attributes: the module-scoped one goes beside the other.
    setattr(sys.modules[construire.__module__], du_module_nom, du_module)
    return pytest.fixture(name=nom)(par_test)


def calcule_une_fois(calculer):
    """Make `calculer()` a module-scoped fixture of the same name: figures computed once for a module
    (the query counts of several pages, say) on data that is rolled back as soon as they are known.
    Its tests read the figures, not the database."""
    nom = calculer.__name__

    @pytest.fixture(scope="module", name=nom)
    def fixture(django_db_setup, django_db_blocker, tmp_path_factory):
        with django_db_blocker.unblock():
            atomique = _ouvrir()
            try:
                with override_settings(PASSWORD_HASHERS=HACHAGE_RAPIDE, MEDIA_ROOT=tmp_path_factory.mktemp(nom)):
                    return calculer()
            finally:
                _annuler(atomique)

    fixture.__doc__ = calculer.__doc__
    return fixture


def _ouvrir():
    atomique = transaction.atomic()
    atomique.__enter__()
    return atomique


def _annuler(atomique):
    transaction.set_rollback(True)
    atomique.__exit__(None, None, None)
