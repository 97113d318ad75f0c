"""Query-count guard of « Comparer les centres » and its exports: the same count at 3 and at 30 centres
and years (3 × 3, then 30 × 30 yearly figures, and grants voted to the centres across the years)."""

import datetime
import itertools

import pytest
import time_machine
from django.urls import reverse

from centres.models import IndicateursAnnuels
from subventions.models import DemandeSubvention

from ..factories import (
    CentreFactory,
    DemandeFactory,
    IndicateursAnnuelsFactory,
    LigneBudgetaireFactory,
    OrganisationFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

JOUR = datetime.date(2026, 9, 15)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]

PERSONAS = ["agent", "elu", "partenaire_caf"]
URL = reverse("pilotage:comparaisons")
# Each page with its query: the default (usagers, the latest year, every centre), a ratio of the grants
# voted for one centre (its evolution too), and the three exports of that comparison.
CENTRE = "centre"  # replaced by the first centre's id once it exists
PAGES = {
    "pilotage:comparaisons": (URL, {}),
    "pilotage:comparaisons?indicateur=subvention_par_famille&centre": (
        URL,
        {"indicateur": "subvention_par_famille", "centre": CENTRE},
    ),
    **{
        f"pilotage:comparaisons_export {tableau} xlsx": (
            reverse("pilotage:comparaisons_export", args=[tableau, "xlsx"]),
            {"indicateur": "subvention_par_famille", "centre": CENTRE},
        )
        for tableau in ("centres", "annees", "evolution")
    },
}


@calcule_une_fois
def comparaisons():
    caf = OrganisationFactory(caf=True)
    ligne = LigneBudgetaireFactory(annee=2025)
    centres, annees = [CentreFactory(partenaires=[caf])], []  # the first one is the centre the pages choose
    plus_tot = itertools.count(2025, -1)

    def grandir(n):
        """n more centres and n more years: every centre has its figures of every year, and a grant voted
        for each of them."""
        nouveaux, anciennes = [CentreFactory(partenaires=[caf]) for _ in range(n)], set(annees)
        centres.extend(nouveaux)
        annees.extend(next(plus_tot) for _ in range(n))
        manquants = [(c, a) for c in centres for a in annees if c in nouveaux or a not in anciennes]
        IndicateursAnnuels.objects.bulk_create(IndicateursAnnuelsFactory.build(centre=c, annee=a) for c, a in manquants)
        DemandeSubvention.objects.bulk_create(
            DemandeFactory.build(centre=c, annee=a, votee=True, ligne_budgetaire=ligne) for c, a in manquants
        )

    pages = [
        Page(f"{cle} {persona}", url, {k: centres[0].pk if v == CENTRE else v for k, v in params.items()})
        for cle, (url, params) in PAGES.items()
        for persona in PERSONAS
    ]
    with time_machine.travel(JOUR):
        return mesurer(pages, grandir, lecteurs(*PERSONAS, organisation=caf))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_comparisons_queries_do_not_grow_with_the_centres_nor_the_years(comparaisons, page, persona):
    verifier(comparaisons, f"{page} {persona}")
