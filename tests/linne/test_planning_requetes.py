"""The query guard of the régisseurs' rota (tests/requetes.py): the rota's week, the template week and a
régisseur's home page cost the same number of queries with 3 and with 30 of every row they read (shifts,
bookings, rooms and their hours, closures, template shifts, room requests), within their ceilings
(tests/plafonds.py, block « linne — planning »)."""

import datetime
import itertools

import pytest
from django.urls import reverse

from ..factories import (
    CreneauFactory,
    CreneauTypeFactory,
    DemandeReservationFactory,
    FermetureFactory,
    OrganisationFactory,
    ReservationFactory,
    SalleFactory,
    UserFactory,
    moment,
)
from ..requetes import garde

pytestmark = pytest.mark.django_db

LUNDI = datetime.date(2027, 1, 11)


@pytest.fixture(autouse=True)
def _lundi(time_machine):
    time_machine.move_to(moment(LUNDI, 7), tick=False)


def _grandir(regisseur):
    """n more: régisseurs with a shift each day of the week (the followed régisseur too, one a day), rooms
    with their hours and a confirmed booking (some of more than 50 people), room closures, template
    shifts, requests of the public."""
    rangs = itertools.count()

    def grandir(n):
        for _ in range(n):
            i = next(rangs)
            jour = LUNDI + datetime.timedelta(days=i % 7)
            autre = UserFactory(regisseur=True)
            CreneauFactory(regisseur=autre, debut=moment(jour, 8), fin=moment(jour, 12))
            debut = moment(LUNDI + datetime.timedelta(days=i % 7), 6 + (i // 7) % 16)
            CreneauFactory(regisseur=regisseur, debut=debut, fin=debut + datetime.timedelta(minutes=30))
            salle = SalleFactory()
            ReservationFactory(
                salle=salle,
                organisation=OrganisationFactory(),
                debut=moment(jour, 18),
                fin=moment(jour, 20),
                effectif_prevu=60 if i % 2 else 20,
            )
            FermetureFactory(salle=salle, debut=jour, fin=jour)
            CreneauTypeFactory(regisseur=autre, jour_semaine=i % 6)
            DemandeReservationFactory()

    return grandir


@pytest.mark.parametrize("persona", ["regisseur", "responsable"])
def test_the_rota_week(client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    regisseur = user if persona == "regisseur" else UserFactory(regisseur=True)
    garde(client, f"linne:planning {persona}", reverse("linne:planning"), _grandir(regisseur))


def test_the_rota_week_swapped_by_htmx(client, regisseur):
    client.force_login(regisseur)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    garde(client, "linne:planning htmx regisseur", reverse("linne:planning"), _grandir(regisseur))


def test_the_template_week(client, regisseur):
    client.force_login(regisseur)
    garde(client, "linne:semaine_type regisseur", reverse("linne:semaine_type"), _grandir(regisseur))


def test_the_home_page_of_a_regisseur(client, regisseur):
    client.force_login(regisseur)
    garde(client, "accueil regisseur", reverse("accueil"), _grandir(regisseur))
