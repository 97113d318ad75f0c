"""Query-count guards: the conventions pages cost the same number of queries at 3 and 30 records."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from comptes.models import Organisation
from conventions import services
from conventions.models import Convention, Partie

from ..factories import (
    CentreFactory,
    ConventionFactory,
    EngagementFactory,
    LocalFactory,
    OrganisationFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import GRAND, PETIT, Page, mesurer, requetes_de, verifier
from .factories import (
    AvenantFactory,
    AvenantMontantFactory,
    EvaluationFactory,
    ObjectifFactory,
    ValeurObjectifFactory,
)

pytestmark = pytest.mark.django_db
S = Convention.Statut
ANNEES = [2025, 2026, 2027, 2028]


def _grow_list(n, ville, caf, agent):
    """n signed conventions the CAF is party to, each of another centre, with a referent."""
    for _ in range(n):
        centre = CentreFactory(partenaires=[caf])
        ConventionFactory(centre=centre, statut=S.SIGNEE, referent=agent, parties=[ville, caf])


def _grow_convention(convention, n, ville):
    """n more of every record shown on the detail page, and their history."""
    for _ in range(n):
        financeur = OrganisationFactory(nature=Organisation.Nature.AUTRE)
        Partie.objects.create(convention=convention, organisation=financeur, date_signature=datetime.date(2024, 12, 1))
        for annee in ANNEES:
            EngagementFactory(convention=convention, financeur=financeur, annee=annee, avance=Decimal("100"))
        objectif = ObjectifFactory(convention=convention)
        for annee in ANNEES:
            ValeurObjectifFactory(objectif=objectif, annee=annee)
        EvaluationFactory(convention=convention, date=datetime.date(2026, 1, 1))
        numero = convention.avenants.count() + 1
        avenant = AvenantFactory(convention=convention, numero=numero, signe=numero % 2 == 0)
        AvenantMontantFactory(avenant=avenant, annee=2026, financeur=ville, montant=Decimal(20000 + numero))
        AvenantMontantFactory(avenant=avenant, annee=2027, financeur=financeur, montant=Decimal(1000 + numero))
        convention.locaux.add(LocalFactory(centre=convention.centre))


def _convention(ville, caf, agent):
    centre = CentreFactory(partenaires=[caf])
    convention = ConventionFactory(centre=centre, complete=True, statut=S.SIGNEE, referent=agent, parties=[ville, caf])
    convention.parties.update(date_signature=datetime.date(2024, 12, 1))
    for annee in ANNEES:
        EngagementFactory(convention=convention, financeur=ville, annee=annee)
    return convention


def _organisations():
    return (
        OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE),
        OrganisationFactory(caf=True),
    )


PERSONAS = ["agent", "partenaire_caf"]
FORMATS = ["csv", "xlsx"]


@calcule_une_fois
def liste():
    """The list and its exports, at 3 then 30 signed conventions."""
    ville, caf = _organisations()
    personas = lecteurs(*PERSONAS, organisation=caf)
    pages = [
        *(Page(f"conventions:liste {p}", reverse("conventions:liste")) for p in PERSONAS),
        *(
            Page(f"conventions:export {f} {p}", reverse("conventions:export", kwargs={"fmt": f}))
            for f in FORMATS
            for p in PERSONAS
        ),
    ]
    return mesurer(pages, lambda n: _grow_list(n, ville, caf, personas["agent"]), personas)


@pytest.mark.parametrize("persona", PERSONAS)
def test_convention_list_queries_do_not_grow_with_the_data(liste, persona):
    verifier(liste, f"conventions:liste {persona}")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_convention_export_queries_do_not_grow_with_the_data(liste, persona, fmt):
    verifier(liste, f"conventions:export {fmt} {persona}")


@calcule_une_fois
def fiche():
    """A convention's page with 3 then 30 of every record it shows."""
    ville, caf = _organisations()
    personas = lecteurs(*PERSONAS, organisation=caf)
    convention = _convention(ville, caf, personas["agent"])
    pages = [Page(f"conventions:detail {p}", convention.get_absolute_url()) for p in PERSONAS]
    return mesurer(pages, lambda n: _grow_convention(convention, n, ville), personas)


@pytest.mark.parametrize("persona", PERSONAS)
def test_convention_detail_queries_do_not_grow_with_the_data(fiche, persona):
    verifier(fiche, f"conventions:detail {persona}")


@calcule_une_fois
def onglet_centre():
    """The conventions tab of a centre's page, with 3 then 30 conventions."""
    ville, caf = _organisations()
    personas = lecteurs(*PERSONAS, organisation=caf)
    centre = CentreFactory(partenaires=[caf])
    url = reverse("centres:detail", args=[centre.pk])

    def grow(n):
        for _ in range(n):
            convention = ConventionFactory(
                centre=centre, statut=S.SIGNEE, referent=personas["agent"], parties=[ville, caf]
            )
            _grow_convention(convention, 1, ville)

    pages = [Page(f"centres:detail?onglet=conventions {p}", url, {"onglet": "conventions"}) for p in PERSONAS]
    return mesurer(pages, grow, personas)


@pytest.mark.parametrize("persona", PERSONAS)
def test_centre_conventions_tab_queries_do_not_grow_with_the_data(onglet_centre, persona):
    verifier(onglet_centre, f"centres:detail?onglet=conventions {persona}")


def test_aides_annuelles_queries_do_not_grow_with_the_data(ville, caf, agent):
    """Not a page: the yearly aid of a centre (SUB-3, LOC-2) that several pages and the open data read."""
    convention = _convention(ville, caf, agent)

    def count():
        return requetes_de(lambda: services.aides_annuelles(centre=convention.centre, annees=ANNEES))

    _grow_convention(convention, PETIT, ville)
    small = count()
    _grow_convention(convention, GRAND - PETIT, ville)
    verifier({"conventions.services.aides_annuelles": (small, count())}, "conventions.services.aides_annuelles")
