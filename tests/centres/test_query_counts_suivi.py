"""Query-count guards of the follow-up pages (AG calendar, visits): the same cost at 3 and 30 records."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from ..factories import (
    ActionSuiviFactory,
    AssembleeGeneraleFactory,
    CentreFactory,
    DocumentFactory,
    OrganisationFactory,
    UserFactory,
    VisiteFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

pytestmark = pytest.mark.django_db


JOUR = datetime.date(2026, 9, 15)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]


def _grow_ags(n, caf):
    """n centres with an upcoming AG each (two attendees) and no AG for 2025: all flagged."""
    agents = [UserFactory(), UserFactory()]
    for i in range(n):
        centre = CentreFactory(partenaires=[caf])
        ag = AssembleeGeneraleFactory(centre=centre, exercice=2026, date=datetime.date(2026, 10, 1 + i % 28))
        ag.participants_service.set(agents)


def _grow_visits(n, caf):
    agents = [UserFactory(), UserFactory()]
    for i in range(n):
        visite = VisiteFactory(centre=CentreFactory(partenaires=[caf]), sous_encadree=i % 2 == 0)
        visite.visiteurs.set(agents)
        ActionSuiviFactory(visite=visite, echeance=datetime.date(2026, 9, 1))
        ActionSuiviFactory(visite=visite, statut="faite", date_cloture=datetime.date(2026, 8, 1))


AG = {
    "centres:ag_liste": (reverse("centres:ag_liste"), {}),
    "centres:ag_liste?periode=toutes&comptes_approuves=oui": (
        reverse("centres:ag_liste"),
        {"periode": "toutes", "comptes_approuves": "oui"},
    ),
    "centres:ag_export xlsx": (reverse("centres:ag_export", kwargs={"fmt": "xlsx"}), {}),
    "centres:ag_export csv": (reverse("centres:ag_export", kwargs={"fmt": "csv"}), {}),
    "centres:ag_ics": (reverse("centres:ag_ics"), {}),
}
VISITES = {
    "centres:visite_liste": (reverse("centres:visite_liste"), {}),
    "centres:visite_liste?actions=en_retard&tri=centre": (
        reverse("centres:visite_liste"),
        {"actions": "en_retard", "tri": "centre"},
    ),
    "centres:visite_export xlsx": (reverse("centres:visite_export", kwargs={"fmt": "xlsx"}), {}),
    "centres:visite_export csv": (reverse("centres:visite_export", kwargs={"fmt": "csv"}), {}),
}


def _pages(urls, personas):
    return [Page(f"{vue} {persona}", url, params) for vue, (url, params) in urls.items() for persona in personas]


@calcule_une_fois
def calendrier():
    """The AG calendar, its exports and feed, at 3 then 30 upcoming AGs."""
    caf = OrganisationFactory(caf=True)
    with time_machine.travel(JOUR):
        return mesurer(
            _pages(AG, ["agent", "partenaire_caf"]),
            lambda n: _grow_ags(n, caf),
            lecteurs("agent", "partenaire_caf", organisation=caf),
        )


@pytest.mark.parametrize("vue", AG)
@pytest.mark.parametrize("persona", ["agent", "partenaire_caf"])
def test_ag_pages_queries_do_not_grow_with_the_data(calendrier, persona, vue):
    verifier(calendrier, f"{vue} {persona}")


@calcule_une_fois
def visites():
    """The visits list and its exports, at 3 then 30 visits with their actions."""
    caf = OrganisationFactory(caf=True)
    with time_machine.travel(JOUR):
        return mesurer(_pages(VISITES, ["agent", "elu"]), lambda n: _grow_visits(n, caf), lecteurs("agent", "elu"))


@pytest.mark.parametrize("vue", VISITES)
@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_visit_list_and_export_queries_do_not_grow_with_the_data(visites, persona, vue):
    verifier(visites, f"{vue} {persona}")


def _grow_visit(visite, n):
    for i in range(n):
        ActionSuiviFactory(visite=visite, responsable=UserFactory(), echeance=datetime.date(2026, 8, 1 + i % 28))
        DocumentFactory(centre=visite.centre, visite=visite)
        visite.visiteurs.add(UserFactory())


@calcule_une_fois
def visite():
    """A visit's page and its PDF report, with 3 then 30 actions, documents and visitors."""
    visite = VisiteFactory()
    pages = [
        Page(f"{name} {persona}", reverse(name, args=[visite.pk]))
        for name in ["centres:visite_detail", "centres:visite_rapport_statut"]
        for persona in ["agent", "elu"]
    ]
    with time_machine.travel(JOUR):
        return mesurer(pages, lambda n: _grow_visit(visite, n), lecteurs("agent", "elu"))


@pytest.mark.parametrize("name", ["centres:visite_detail", "centres:visite_rapport_statut"])
@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_visit_page_queries_do_not_grow_with_its_actions(visite, persona, name):
    verifier(visite, f"{name} {persona}")
