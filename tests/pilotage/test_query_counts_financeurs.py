"""Query-count guard of the « Financeurs » tab and its export: the same count at 3 and at 30 years, grants,
conventions (with their avenants) and funders."""

import datetime
import itertools
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from comptes.models import Organisation
from conventions.models import Avenant, AvenantMontant, Convention

from ..factories import (
    AgrementFactory,
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    EngagementFactory,
    IndicateursAnnuelsFactory,
    LocalFactory,
    OrganisationFactory,
    UserFactory,
    VersementFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

JOUR = datetime.datetime(2026, 9, 15, 10, 0)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]
PERSONAS = ["agent", "elu", "partenaire_caf"]
FORMATS = ["csv", "xlsx"]


def _grandir(centre, caf, n, compteur, par):
    """n more years of accounts, voted grants with payments and proposals, funders with their signed
    convention (and its signed avenant), premises and agréments."""
    for _ in range(n):
        k = next(compteur)
        annee = 2026 - k
        IndicateursAnnuelsFactory(centre=centre, annee=annee)
        votee = DemandeFactory(centre=centre, annee=2026 - k % 6, votee=True)
        VersementFactory.create_batch(2, demande=votee, montant=Decimal("100"), cree_par=par)
        DemandeFactory(centre=centre, annee=2026 - k % 6, proposee=True)
        financeur = OrganisationFactory(nom=f"Financeur {k}", nature=Organisation.Nature.AUTRE)
        convention = ConventionFactory(
            centre=centre,
            statut=Convention.Statut.EN_COURS,
            debut=datetime.date(annee, 1, 1),
            fin=datetime.date(annee + 1, 12, 31),
            parties=[caf, financeur],
        )
        for organisation in (caf, financeur):
            EngagementFactory(convention=convention, annee=annee, financeur=organisation, montant=Decimal("1000"))
        avenant = Avenant.objects.create(
            convention=convention, numero=1, date=datetime.date(annee, 6, 1), objet="Hausse", statut="signe"
        )
        AvenantMontant.objects.create(avenant=avenant, annee=annee, financeur=caf, montant=Decimal("2000"))
        LocalFactory(centre=centre)
        AgrementFactory(centre=centre, debut=datetime.date(annee, 1, 1), fin=datetime.date(annee, 12, 31))


@calcule_une_fois
def financeurs():
    """The tab and its exports for the team, an élu and the CAF, at 3 then 30 of everything."""
    caf = OrganisationFactory(caf=True)
    centre = CentreFactory(partenaires=[caf])
    url = reverse("centres:detail", args=[centre.pk])
    pages = [Page(f"centres:detail?onglet=financeurs {p}", url, {"onglet": "financeurs"}) for p in PERSONAS]
    pages += [
        Page(
            f"pilotage:financeurs_export {fmt} {p}",
            reverse("pilotage:financeurs_export", kwargs={"pk": centre.pk, "fmt": fmt}),
        )
        for fmt in FORMATS
        for p in ["agent", "partenaire_caf"]
    ]
    compteur, par = itertools.count(), UserFactory()
    with time_machine.travel(JOUR):
        return mesurer(pages, lambda n: _grandir(centre, caf, n, compteur, par), lecteurs(*PERSONAS, organisation=caf))


@pytest.mark.parametrize("persona", PERSONAS)
def test_financeurs_tab_queries_do_not_grow_with_years_grants_conventions_or_funders(financeurs, persona):
    verifier(financeurs, f"centres:detail?onglet=financeurs {persona}")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("persona", ["agent", "partenaire_caf"])
def test_financeurs_export_queries_do_not_grow_with_the_data(financeurs, persona, fmt):
    verifier(financeurs, f"pilotage:financeurs_export {fmt} {persona}")
