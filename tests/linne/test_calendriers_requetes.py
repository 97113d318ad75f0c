"""The query guard of Espace Linné's calendars (tests/requetes.py): a room's week, the day of every room,
the day sheet, the feeds and the public agenda cost the same number of queries with 3 and with 30
bookings (rooms, closures), within their ceilings (tests/plafonds.py, block « linne — calendriers »)."""

import datetime
import itertools

import pytest
from django.urls import reverse

from comptes import flux_calendrier
from linne.models import Reservation

from ..factories import FermetureFactory, OrganisationFactory, ReservationFactory, SalleFactory, moment
from ..requetes import garde

pytestmark = pytest.mark.django_db

LUNDI = datetime.date(2027, 1, 11)
MERCREDI = datetime.date(2027, 1, 13)


@pytest.fixture(autouse=True)
def _mercredi(time_machine):
    time_machine.move_to(moment(MERCREDI, 9), tick=False)


@pytest.fixture(autouse=True)
def _pdf_sans_rendu(monkeypatch):
    """The sheet's queries are the view's: WeasyPrint's rendering reads no table."""
    monkeypatch.setattr("linne.views_calendriers.render_pdf", lambda gabarit, contexte: b"%PDF-1.7")


def _reserver(salle, jour, heure, minute=0, **champs):
    debut = moment(jour, heure, minute)
    champs.setdefault("organisation", OrganisationFactory())
    return ReservationFactory(salle=salle, debut=debut, fin=debut + datetime.timedelta(hours=1), **champs)


def _creneaux(jours):
    """Slots that never overlap, buffers included: each of `jours` at 8:00, 9:30, 11:00…"""
    for rang in itertools.count():
        for jour in jours:
            minutes = 8 * 60 + rang * 90
            yield jour, minutes // 60, minutes % 60


def _semaine_de(salle):
    creneaux = _creneaux([LUNDI + datetime.timedelta(days=i) for i in range(6)])

    def grandir(n):
        for i in range(n):
            jour, heure, minute = next(creneaux)
            statut = Reservation.Statut.DEMANDEE if i % 3 == 0 else Reservation.Statut.CONFIRMEE
            _reserver(salle, jour, heure, minute, statut=statut)
            FermetureFactory(salle=salle, debut=jour, fin=jour)

    return grandir


def _journee():
    """n more rooms, each with a confirmed booking and a request that day, and a closure of one of them."""

    def grandir(n):
        for _ in range(n):
            salle = SalleFactory()
            _reserver(salle, MERCREDI, 10)
            _reserver(salle, MERCREDI, 14, statut=Reservation.Statut.DEMANDEE)
            FermetureFactory(salle=salle, debut=MERCREDI, fin=MERCREDI)

    return grandir


@pytest.mark.parametrize("persona", ["regisseur", "elu"])
def test_the_week_of_a_room(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    salle = SalleFactory()
    SalleFactory()  # another room to choose
    garde(client, f"linne:semaine {persona}", reverse("linne:semaine"), _semaine_de(salle), {"salle": salle.pk})


def test_the_week_swapped_by_htmx(client, regisseur):
    client.force_login(regisseur)
    salle = SalleFactory()
    url = reverse("linne:semaine")
    client.defaults["HTTP_HX_REQUEST"] = "true"
    garde(client, "linne:semaine htmx regisseur", url, _semaine_de(salle), {"salle": salle.pk})


@pytest.mark.parametrize("persona", ["regisseur", "elu"])
def test_the_day_of_every_room(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    garde(client, f"linne:jour {persona}", reverse("linne:jour"), _journee())


@pytest.mark.parametrize("persona", ["regisseur", "elu"])
def test_the_day_sheet(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    garde(client, f"linne:feuille_du_jour {persona}", reverse("linne:feuille_du_jour"), _journee())


def test_a_room_feed(client):
    salle = SalleFactory()
    url = reverse("linne:salle_ics", args=[salle.jeton_flux])
    garde(client, "linne:salle_ics anonyme", url, _semaine_de(salle))


def test_the_personal_feed_of_a_regisseur(client, regisseur):
    salle = SalleFactory()
    url = reverse("pilotage:calendrier_ics", kwargs={"jeton": flux_calendrier.regenerer(user=regisseur).jeton})
    garde(client, "pilotage:calendrier_ics regisseur", url, _semaine_de(salle))


def _agenda():
    """n more public events to come, and as many private bookings."""
    salle = SalleFactory()
    creneaux = _creneaux([MERCREDI + datetime.timedelta(days=i) for i in range(1, 60)])

    def grandir(n):
        for _ in range(n):
            for public in (True, False):
                jour, heure, minute = next(creneaux)
                _reserver(salle, jour, heure, minute, public=public)

    return grandir


def test_the_public_agenda(client):
    garde(client, "linne:agenda anonyme", reverse("linne:agenda"), _agenda())


def test_the_public_agenda_feed(client):
    garde(client, "linne:agenda_ics anonyme", reverse("linne:agenda_ics"), _agenda())
