"""The query guard of the élus' dashboard: the same count whatever the number of centres, grants,
budget lines, conventions or years (tests/requetes.py)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from conventions.models import Convention
from subventions.models import DemandeSubvention

from ..factories import (
    CentreFactory,
    ConventionFactory,
    DeliberationFactory,
    DemandeFactory,
    DispositifFactory,
    IndicateursAnnuelsFactory,
    LigneBudgetaireFactory,
    OrganisationFactory,
    SeanceFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier
from .test_tableau_de_bord import ANNEE, JOUR, _avenant, _votee

S = DemandeSubvention.Statut
N = DemandeSubvention.Nature

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]


def _grandir(n, etat):
    """n more centres (one association in two running two), each with grants of every nature and of
    several statuses, payments, a budget line, a convention moved by an avenant, figures for one more
    year each, and a grant in the coming session; and one more year of grants and figures."""
    with time_machine.travel(JOUR, tick=False):
        for _ in range(n):
            i = etat["n"] = etat["n"] + 1
            organisation = OrganisationFactory(association=True) if i % 2 else None
            centres = [CentreFactory(organisation=organisation) for _ in range(2 if organisation else 1)]
            ligne = LigneBudgetaireFactory(annee=ANNEE)
            for centre in centres:
                for nature in (N.FONCTIONNEMENT, N.COMPENSATION_LOYERS, N.INVESTISSEMENT):
                    _votee(centre, "1000", ligne, nature=nature, verse=["400"])
                _votee(centre, "700", ligne, nature=N.DISPOSITIF, dispositif=DispositifFactory(), statut=S.PAYEE)
                _votee(centre, "900", ligne, annee=ANNEE - 1 - i % 5)  # other years
                DemandeFactory(centre=centre, annee=ANNEE, statut=S.REJETEE)
                validee = DemandeFactory(
                    centre=centre, annee=ANNEE, statut=S.VALIDEE, montant_propose=Decimal("500"), ligne_budgetaire=ligne
                )
                etat["deliberation"].demandes.add(validee)
                convention = ConventionFactory(
                    centre=centre,
                    statut=Convention.Statut.EN_COURS,
                    debut=datetime.date(2024, 1, 1),
                    fin=datetime.date(2026, 8, 31),
                )
                _avenant(convention, 1, datetime.date(2026, 11, 30))
                for annee in (2025, 2024, 2023 - i % 10):
                    IndicateursAnnuelsFactory(centre=centre, annee=annee)
            DeliberationFactory(seance=etat["deliberation"].seance, objet=f"Délibération {i}")


@calcule_une_fois
def tableau_grandi():
    """The dashboard and its export, read by an agent and an élu, at 3 then 30 rounds of growth."""
    personas = lecteurs("agent", "elu")
    etat = {"n": 0, "deliberation": DeliberationFactory(seance=SeanceFactory(date=datetime.date(2026, 6, 22)))}
    url = reverse("pilotage:tableau_de_bord")
    export = reverse("pilotage:tableau_de_bord_export", kwargs={"fmt": "xlsx"})
    pages = [
        *(Page(f"pilotage:tableau_de_bord {persona}", url, {"annee": ANNEE}) for persona in personas),
        *(Page(f"pilotage:tableau_de_bord_export {persona}", export, {"annee": ANNEE}) for persona in personas),
        Page("accueil elu", reverse("accueil")),
    ]
    with time_machine.travel(JOUR, tick=False):
        return mesurer(pages, lambda n: _grandir(n, etat), personas)


@pytest.mark.parametrize(
    "cle",
    [
        "pilotage:tableau_de_bord agent",
        "pilotage:tableau_de_bord elu",
        "pilotage:tableau_de_bord_export agent",
        "pilotage:tableau_de_bord_export elu",
        "accueil elu",
    ],
)
def test_the_dashboard_s_queries_do_not_grow_with_centres_grants_lines_or_years(tableau_grandi, cle):
    verifier(tableau_grandi, cle)
