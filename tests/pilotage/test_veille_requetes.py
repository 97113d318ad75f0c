"""The query guard of the Cellule de veille's pages: the same count whatever the number of centres, files,
meetings, decisions, actions, months of the cash plan, partners' reads and history entries
(tests/requetes.py)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from pilotage import veille
from pilotage.models import Niveau, Reunion

from ..factories import (
    ActionFactory,
    CentreFactory,
    DirectionFactory,
    IndicateursAnnuelsFactory,
    OrganisationFactory,
    ParticipantReunionFactory,
    ReunionFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 12, 1, 10, 0))]

JOUR = datetime.datetime(2026, 12, 1, 10, 0)


def _cellule(situation, etat, date):
    reunion = ReunionFactory(type=Reunion.Type.CELLULE_VEILLE, date=date, organisateur=etat["responsable"])
    reunion.situations.add(situation)
    ParticipantReunionFactory(reunion=reunion, organisation=etat["caf"])
    return reunion


def _dossier(centre, etat):
    """An open file on `centre`, a meeting with the CAF that decided its level, an action, a month of plan."""
    responsable = etat["responsable"]
    situation = veille.signaler(centre=centre, signalee_le=JOUR.date(), motif="Trésorerie", par=responsable)
    reunion = _cellule(situation, etat, datetime.date(2026, 11, 2))
    veille.decider_niveau(
        situation=situation, niveau=Niveau.ALERTE, reunion=reunion, motifs="Trésorerie", par=responsable
    )
    ActionFactory(reunion=reunion, situation=situation, porteur_user=None, porteur_organisation=etat["caf"])
    return situation


def _grandir(n, etat):
    """n more centres, each with two years of figures, a director and an open file; and, on the first file,
    n more meetings, decisions, actions (one overdue), months of plan, partners' reads and changes."""
    responsable, principal = etat["responsable"], etat["principal"]
    with time_machine.travel(JOUR, tick=False):
        for _ in range(n):
            i = etat["n"] = etat["n"] + 1
            centre = CentreFactory(partenaires=[etat["caf"]])
            DirectionFactory(centre=centre)
            IndicateursAnnuelsFactory(centre=centre, annee=2024)
            IndicateursAnnuelsFactory(centre=centre, annee=2025, tresorerie=Decimal(-1000 * i))
            _dossier(centre, etat)
            reunion = _cellule(principal, etat, datetime.date(2026, 11, 1) - datetime.timedelta(days=i))
            veille.decider_niveau(
                situation=principal, niveau=Niveau.CRITIQUE, reunion=reunion, motifs=f"Décision {i}", par=responsable
            )
            ActionFactory(
                reunion=reunion,
                situation=principal,
                porteur_user=responsable,
                echeance=datetime.date(2026, 11, 1) if i % 2 else datetime.date(2027, 3, 1),
            )
            mois = datetime.date(2027, 1, 1) + relativedelta(months=i)
            veille.enregistrer_plan(
                situation=principal, mois={mois: (Decimal("1000"), Decimal(2000 * i), "")}, par=responsable
            )
            veille.noter_lecture(principal, etat["partenaire"], "page du dossier")
            principal.analyse = f"Analyse {i}"
            veille.enregistrer(principal, par=responsable, motif="")


@calcule_une_fois
def veille_grandie():
    """The overview, the list and the file page, read by the responsable and the CAF, at 3 then 30 rounds."""
    caf = OrganisationFactory(caf=True)
    personas = lecteurs("responsable", "partenaire_caf", organisation=caf)
    etat = {"n": 0, "caf": caf, "responsable": personas["responsable"], "partenaire": personas["partenaire_caf"]}
    with time_machine.travel(JOUR, tick=False):
        centre = CentreFactory(partenaires=[caf])
        IndicateursAnnuelsFactory(centre=centre, annee=2025, tresorerie=Decimal("-5000"))
        etat["principal"] = principal = _dossier(centre, etat)
        fiche = reverse("pilotage:veille_detail", args=[principal.pk])
        pages = [
            Page("pilotage:veille responsable", reverse("pilotage:veille")),
            Page("pilotage:veille_export responsable", reverse("pilotage:veille_export", kwargs={"fmt": "xlsx"})),
            *(Page(f"pilotage:veille_dossiers {p}", reverse("pilotage:veille_dossiers")) for p in personas),
            *(Page(f"pilotage:veille_detail {p}", fiche) for p in personas),
            Page(
                "centres:detail?onglet=veille responsable",
                reverse("centres:detail", args=[centre.pk]),
                {"onglet": "veille"},
            ),
        ]
        return mesurer(pages, lambda n: _grandir(n, etat), personas)


@pytest.mark.parametrize(
    "cle",
    [
        "pilotage:veille responsable",
        "pilotage:veille_export responsable",
        "pilotage:veille_dossiers responsable",
        "pilotage:veille_dossiers partenaire_caf",
        "pilotage:veille_detail responsable",
        "pilotage:veille_detail partenaire_caf",
        "centres:detail?onglet=veille responsable",
    ],
)
def test_the_cellule_de_veille_s_pages_cost_the_same_whatever_the_centres_files_and_their_rows(veille_grandie, cle):
    verifier(veille_grandie, cle)
