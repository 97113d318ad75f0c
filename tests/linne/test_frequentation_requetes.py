"""The query guard of Espace Linné's attendance pages (tests/requetes.py): the day's list, a booking's
attendance form, the statistics of the year (all rooms, or one) and their XLSX file cost the same whatever
the number of rooms, bookings, attendance records, closures and months with data; for a régisseur (who
records) and an élu (who reads the statistics)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from linne import frequentation

from ..factories import FermetureFactory, OrganisationFactory, ReservationFactory, SalleFactory, lecteurs, moment
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

JOUR = datetime.datetime(2027, 2, 1, 12, 0)
LUNDI = datetime.date(2027, 1, 11)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]

PAGES = (
    "linne:frequentation regisseur",
    "linne:frequentation_saisir regisseur",
    "linne:statistiques regisseur",
    "linne:statistiques elu",
    "linne:statistiques?salle regisseur",
    "linne:statistiques_export elu",
)


def _grandir(n, etat):
    """n more rooms, each with a booking of its own organisation on the followed day (one recorded, one a
    no-show, one left to record) and another one another day, and a closure of the room."""
    for _ in range(n):
        i = etat["n"] = etat["n"] + 1
        # A room of its own, by name (a factory's sequence may give an earlier room's name back, and two
        # bookings of one room on one day and hour are refused by PostgreSQL's constraint).
        salle = SalleFactory(nom=f"Salle de la fréquentation {i}")
        debut = moment(LUNDI, 9 + i % 8)
        du_jour = ReservationFactory(salle=salle, organisation=OrganisationFactory(), debut=debut)
        autre_jour = datetime.date(2027, 1, 12 + i % 19)  # another day than the followed Monday
        ReservationFactory(
            salle=salle, organisation=OrganisationFactory(quartier_prioritaire=i % 2 == 0), debut=moment(autre_jour, 14)
        )
        suivie = moment(datetime.date(2027, 1, 1) + datetime.timedelta(days=i), 8)
        ReservationFactory(salle=etat["salle"], organisation=etat["organisation"], debut=suivie)
        if i % 3 == 0:
            frequentation.enregistrer(du_jour, effectif_reel=10 + i, par=etat["par"])
        elif i % 3 == 1:
            frequentation.enregistrer(du_jour, absence=True, par=etat["par"])
        FermetureFactory(salle=salle, debut=datetime.date(2027, 1, 20), fin=datetime.date(2027, 1, 20), motif="travaux")
    frequentation.figer_passees()


@calcule_une_fois
def frequentation_grandie():
    """The pages at 3 then 30 rounds of growth."""
    with time_machine.travel(JOUR, tick=False):
        personas = lecteurs("regisseur", "elu")
        salle = SalleFactory(nom="Salle suivie")
        suivie = ReservationFactory(salle=salle, debut=moment(LUNDI, 18))
        etat = {"n": 0, "salle": salle, "organisation": suivie.organisation, "par": personas["regisseur"]}
        jour = {"jour": LUNDI.isoformat()}
        pages = [
            Page("linne:frequentation regisseur", reverse("linne:frequentation"), jour),
            Page("linne:frequentation_saisir regisseur", reverse("linne:frequentation_saisir", args=[suivie.pk])),
            Page("linne:statistiques regisseur", reverse("linne:statistiques")),
            Page("linne:statistiques elu", reverse("linne:statistiques")),
            Page("linne:statistiques?salle regisseur", reverse("linne:statistiques"), {"salle": salle.pk}),
            Page("linne:statistiques_export elu", reverse("linne:statistiques_export")),
        ]
        return mesurer(pages, lambda n: _grandir(n, etat), personas)


@pytest.mark.parametrize("cle", PAGES)
def test_les_pages_de_frequentation_coutent_autant_quel_que_soit_leur_nombre(frequentation_grandie, cle):
    verifier(frequentation_grandie, cle)
