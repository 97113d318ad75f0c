"""The query guard of the Espace Linné's yearly evaluation: its page and its PDF panel cost the same
whatever the number of rooms, organisations, bookings, public events, attendance snapshots, centres
sociaux, generations and versions (tests/requetes.py), for the responsable (who writes the texts), a
régisseur (who generates the PDF) and an élu (who reads)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from linne import evaluation, frequentation
from linne.models import Reservation

from ..factories import (
    CentreFactory,
    EvaluationLinneFactory,
    OrganisationFactory,
    ReservationFactory,
    SalleFactory,
    VersionEvaluationLinneFactory,
    lecteurs,
    moment,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

JOUR = datetime.datetime(2026, 12, 1, 9, 0)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]

PERSONAS = ("responsable", "regisseur", "elu")
PAGES = ("linne:evaluation", "linne:evaluation_statut")


def _grandir(n, etat):
    """n more rooms, organisations (one in two runs a centre social) with a past booking lent free (its
    snapshot taken, attendance recorded), public events, generations and versions of the year."""
    for _ in range(n):
        i = etat["n"] = etat["n"] + 1
        salle = SalleFactory()
        organisation = OrganisationFactory(association=True)
        if i % 2:
            CentreFactory(organisation=organisation)
        jour = datetime.date(2026, 1, 5) + datetime.timedelta(days=i)
        passee = ReservationFactory(
            salle=salle, organisation=organisation, debut=moment(jour, 10), public=i % 3 == 0, valeur=Decimal(40)
        )
        ReservationFactory(
            salle=salle, organisation=organisation, debut=moment(datetime.date(2026, 12, 10), 10), public=True
        )
        frequentation.figer(Reservation.objects.filter(pk=passee.pk))
        frequentation.enregistrer(passee, effectif_reel=10 + i, par=etat["par"])
        evaluation.GenerationEvaluation.objects.create(annee=2026, demandee_par=etat["par"])
        VersionEvaluationLinneFactory(generee_par=etat["par"])


@calcule_une_fois
def evaluation_grandie():
    """The pages read by the responsable, a régisseur and an élu, at 3 then 30 rounds of growth."""
    with time_machine.travel(JOUR, tick=False):
        personas = lecteurs(*PERSONAS)
        EvaluationLinneFactory(annee=2026, modifiee_par=personas["responsable"])
        etat = {"n": 0, "par": personas["regisseur"]}
        urls = {
            "linne:evaluation": reverse("linne:evaluation"),
            "linne:evaluation_statut": reverse("linne:evaluation_statut", args=[2026]),
        }
        pages = [Page(f"{page} {persona}", urls[page], {"annee": 2026}) for persona in PERSONAS for page in PAGES]
        return mesurer(pages, lambda n: _grandir(n, etat), personas)


CLES = [f"{page} {persona}" for persona in PERSONAS for page in PAGES]


@pytest.mark.parametrize("cle", CLES)
def test_l_evaluation_coute_autant_quel_que_soit_le_nombre_de_reservations(evaluation_grandie, cle):
    verifier(evaluation_grandie, cle)
