"""What a reader may read of each model: one rule per model, used by its page and its history alike.

Each app declares its rules in its `permissions` module, a dict `CHAMPS_CACHES = {Model: regle}`
where `regle(user)` returns the names of the fields (many-to-many included) that this user may not
read. The name `TOUT` hides the whole model: its records are not listed at all, and a link to them
from another model (a convention's premises) is hidden with them. A model without a rule shows
every field to whoever may open its page (the page's own `@access` rule decides that).

The detail templates read the same rule through the `lecture` context variable
(`{% if lecture.convention.notes_internes %}`), and `roubaix_cs.history.evenements(..., lecteur=user)`
never lists a change of a field the rule hides: what a role may not read on a page never appears in
its history table either.
"""

from functools import cache

from django.apps import apps

from .extensions import modules

TOUT = "*"  # the whole model is hidden from this reader


@cache
def regles():
    """Every model's rule, gathered once from the apps' `permissions` modules."""
    found = {}
    for module in modules("permissions"):
        found.update(getattr(module, "CHAMPS_CACHES", {}))
    return found


def _modele(modele):
    """The model itself, from a model, an instance or a historical model (django-simple-history)."""
    if not isinstance(modele, type):
        modele = type(modele)
    modele = getattr(modele, "instance_type", modele)
    return modele._meta.concrete_model


def caches_sauf_pour(peut_lire, *champs):
    """The rule « these fields (or `TOUT`) are hidden from whoever `peut_lire(user)` refuses »."""
    champs = frozenset(champs)

    def regle(user):
        return frozenset() if peut_lire(user) else champs

    return regle


def _regle(user, modele):
    regle = regles().get(modele)
    return frozenset(regle(user)) if regle else frozenset()


def champs_caches(user, modele) -> frozenset:
    """The fields of `modele` that `user` may not read (`TOUT` among them: the whole model).

    Besides those its rule names, a foreign key or many-to-many to a model hidden whole from this
    reader is hidden too: a convention's premises from a partner, who reads no premises."""
    modele = _modele(modele)
    caches = _regle(user, modele)
    if TOUT in caches:
        return caches
    vers_caches = {
        f.name
        for f in modele._meta.get_fields()
        if f.concrete
        and (f.many_to_many or f.many_to_one or f.one_to_one)
        and f.related_model not in (None, modele)
        and TOUT in _regle(user, f.related_model)
    }
    return caches | vers_caches


def lisible(user, modele, champ=None) -> bool:
    """May `user` read the field `champ` of `modele` (without `champ`: any of its records at all)?"""
    caches = champs_caches(user, modele)
    return TOUT not in caches and (champ is None or champ not in caches)


class _Champs:
    """One model's fields for one reader, as a template reads them: `champs.notes_internes` is a bool."""

    def __init__(self, caches):
        self._caches = caches

    def __getitem__(self, champ):
        return TOUT not in self._caches and champ not in self._caches

    def __bool__(self):
        return TOUT not in self._caches


class Lecture:
    """The rules for one reader, by model name (`lecture.convention.locaux`), for the templates."""

    def __init__(self, user):
        self.user = user
        self._par_nom = None

    def __getitem__(self, nom):
        if self._par_nom is None:
            self._par_nom = {modele._meta.model_name: modele for modele in apps.get_models()}
        # An unknown name raises KeyError: the template reads it as empty, so the field stays hidden.
        return _Champs(champs_caches(self.user, self._par_nom[nom]))


def lecture(request):
    """Context processor: `lecture`, the field rules for the request's user."""
    return {"lecture": Lecture(request.user)}
