"""Query-count guards: list and centre pages cost the same number of queries at 3 and 30 records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pilotage import alertes

from ..factories import (
    ActionSuiviFactory,
    AgrementFactory,
    AssembleeGeneraleFactory,
    CentreFactory,
    ContactFactory,
    DirectionFactory,
    DocumentFactory,
    IndicateursAnnuelsFactory,
    LocalFactory,
    OrganisationFactory,
    TravauxFactory,
    UserFactory,
    VisiteFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

# The figures are computed on the test database (django_db_setup sets up those the tests mark).
pytestmark = pytest.mark.django_db


def _grow_network(n, caf, referent=None):
    """n more centres with their agrément and a contact; then the day's alerts stored, as the morning job
    does, so that the home pages read them (and never bring them up to date while counted)."""
    for _ in range(n):
        centre = CentreFactory(partenaires=[caf], referent=referent)
        AgrementFactory(centre=centre)
        ContactFactory(centre=centre)
    alertes.synchroniser(timezone.localdate())


def _grow_centre(centre, n):
    """n of every record shown on the centre page, and n edits (a long history)."""
    agents = [UserFactory(), UserFactory()]
    deja = centre.assemblees.count()
    for i in range(deja, deja + n):
        AgrementFactory(centre=centre, debut=datetime.date(2000 + i * 4, 1, 1))
        ContactFactory(centre=centre)
        ag = AssembleeGeneraleFactory(centre=centre, exercice=1990 + i, date=datetime.date(1991 + i, 6, 1))
        ag.participants_service.set(agents)
        visite = VisiteFactory(centre=centre, sous_encadree=i % 2 == 0)
        visite.visiteurs.set(agents)
        ActionSuiviFactory(visite=visite)
        TravauxFactory(local=LocalFactory(centre=centre))
        DocumentFactory(centre=centre, assemblee=ag)
        DirectionFactory(centre=centre, debut=datetime.date(1990 + i, 1, 1), fin=datetime.date(1990 + i, 12, 31))
        IndicateursAnnuelsFactory(centre=centre, annee=1990 + i)
    for i in range(n):
        centre.telephone = f"03 20 00 00 {i:02d}"
        centre.version += 1
        centre.save()


@calcule_une_fois
def reseau():
    """The list, export and home pages, counted at 3 then 30 centres."""
    caf = OrganisationFactory(caf=True)
    pages = [
        Page("centres:liste agent", reverse("centres:liste")),
        Page("centres:liste partenaire_caf", reverse("centres:liste")),
        Page("centres:export xlsx agent", reverse("centres:export", kwargs={"fmt": "xlsx"})),
        *(Page(f"accueil {persona}", reverse("accueil")) for persona in ["agent", "elu", "partenaire_caf"]),
    ]
    personas = lecteurs("agent", "elu", "partenaire_caf", organisation=caf)
    return mesurer(pages, lambda n: _grow_network(n, caf, referent=personas["agent"]), personas)


@pytest.mark.parametrize("cle", ["centres:liste agent", "centres:liste partenaire_caf"])
def test_centre_list_queries_do_not_grow_with_the_data(reseau, cle):
    verifier(reseau, cle)


def test_centre_export_queries_do_not_grow_with_the_data(reseau):
    verifier(reseau, "centres:export xlsx agent")


ONGLETS = [
    "identite",
    "agrements",
    "contacts",
    "gouvernance",
    "assemblees",
    "visites",
    "locaux",
    "documents",
    "historique",
]


@calcule_une_fois
def fiche_centre():
    """Each tab of a centre's page, counted with 3 then 30 of every record it shows."""
    caf = OrganisationFactory(caf=True)
    personas = lecteurs("agent", "elu")
    centre = CentreFactory(partenaires=[caf], referent=personas["agent"])
    url = reverse("centres:detail", args=[centre.pk])
    pages = [
        Page(f"centres:detail?onglet={onglet} {persona}", url, {"onglet": onglet})
        for onglet in ONGLETS
        for persona in personas
    ]
    return mesurer(pages, lambda n: _grow_centre(centre, n), personas)


@pytest.mark.parametrize("onglet", ONGLETS)
@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_centre_page_queries_do_not_grow_with_the_data(fiche_centre, persona, onglet):
    cle = f"centres:detail?onglet={onglet} {persona}"
    verifier(fiche_centre, cle)


@pytest.mark.parametrize("persona", ["agent", "elu", "partenaire_caf"])
def test_home_page_queries_do_not_grow_with_the_data(reseau, persona):
    verifier(reseau, f"accueil {persona}")
