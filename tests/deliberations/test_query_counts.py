"""Query-count guards: the deliberation pages cost the same number of queries at 3 and 30 records."""

import pytest
from django.urls import reverse

from comptes.models import Role
from deliberations.models import Mandat

from ..factories import DeliberationFactory, SeanceFactory, UserFactory, VersionPdfFactory, lecteurs
from ..partage import calcule_une_fois
from ..requetes import Page, garde, mesurer, verifier
from .conftest import demande_validee

pytestmark = pytest.mark.django_db


def _grow_list(n, seance):
    for _ in range(n):
        deliberation = DeliberationFactory(seance=seance, rapporteur=UserFactory(role=Role.ELU))
        deliberation.demandes.add(demande_validee(), demande_validee())


LISTES = ["deliberations:liste", "deliberations:seance_liste"]
LECTEURS = ["agent", "elu"]


@calcule_une_fois
def listes():
    """The lists of deliberations and sessions, at 3 then 30 deliberations (3 per session)."""

    def grow(n):
        for _ in range(n // 3):
            _grow_list(3, SeanceFactory())

    pages = [Page(f"{name} {p}", reverse(name)) for name in LISTES for p in LECTEURS]
    return mesurer(pages, grow, lecteurs(*LECTEURS))


@pytest.mark.parametrize("name", LISTES)
@pytest.mark.parametrize("persona", LECTEURS)
def test_lists_queries_do_not_grow_with_the_data(listes, persona, name):
    verifier(listes, f"{name} {persona}")


def _grow_deliberation(deliberation, n):
    """n more grants in the annex (each with a board member), PDF versions and history records."""
    for _ in range(n):
        demande = demande_validee()
        Mandat.objects.create(elu=UserFactory(role=Role.ELU), organisation=demande.centre.organisation)
        deliberation.demandes.add(demande)
        deliberation.ne_prennent_pas_part.add(UserFactory(role=Role.ELU))
        VersionPdfFactory(deliberation=deliberation, numero=deliberation.versions.count() + 1)
        deliberation.commission = f"Commission {deliberation.versions.count()}"
        deliberation.save()


@calcule_une_fois
def fiche():
    """A voted deliberation's page, with 3 then 30 grants, PDF versions and edits."""
    deliberation = DeliberationFactory(statut="votee", rapporteur=UserFactory(role=Role.ELU))
    pages = [Page(f"deliberations:detail {p}", deliberation.get_absolute_url()) for p in LECTEURS]
    return mesurer(pages, lambda n: _grow_deliberation(deliberation, n), lecteurs(*LECTEURS))


@pytest.mark.parametrize("persona", LECTEURS)
def test_deliberation_detail_queries_do_not_grow_with_the_data(fiche, persona):
    verifier(fiche, f"deliberations:detail {persona}")


def test_seance_detail_queries_do_not_grow_with_the_data(client, agent):
    client.force_login(agent)
    seance = SeanceFactory()
    garde(client, "deliberations:seance_detail agent", seance.get_absolute_url(), lambda n: _grow_list(n, seance))


def test_preview_queries_do_not_grow_with_the_data(client, agent):
    client.force_login(agent)
    deliberation = DeliberationFactory()
    url = reverse("deliberations:apercu", args=[deliberation.pk])
    garde(client, "deliberations:apercu agent", url, lambda n: _grow_deliberation(deliberation, n))
