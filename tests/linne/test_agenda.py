"""The public agenda of Espace Linné, open to all without signing in, the date pinned on Wednesday
13 January 2027: the public events to come by month, their calendar feed, and nothing else — no
private booking, no contact of any booking."""

import datetime
from html import unescape

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from linne.agenda import AGENDA_PAR_PAGE
from linne.models import Reservation
from roubaix_cs import ics

from ..factories import OrganisationFactory, ReservationFactory, SalleFactory, moment

pytestmark = pytest.mark.django_db

S = Reservation.Statut
MERCREDI = datetime.date(2027, 1, 13)


@pytest.fixture(autouse=True)
def _mercredi(time_machine):
    time_machine.move_to(moment(MERCREDI, 9), tick=False)


@pytest.fixture
def salle():
    return SalleFactory(nom="Grande salle")


def _reservation(salle, jour, heure, **champs):
    debut = moment(jour, heure)
    return ReservationFactory(salle=salle, debut=debut, fin=debut + datetime.timedelta(hours=2), **champs)


def _agenda(client, **params):
    response = client.get(reverse("linne:agenda"), params)
    assert response.status_code == 200
    return unescape(response.content.decode())


def _flux(client):
    response = client.get(reverse("linne:agenda_ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == ics.CONTENT_TYPE
    return response


@pytest.fixture
def evenements(salle):
    """A public event, its contact's data, and a private booking whose organisation and contact are
    distinctive: neither may ever appear on the public side."""
    public = _reservation(
        salle,
        datetime.date(2027, 1, 20),
        18,
        public=True,
        organisation=OrganisationFactory(nom="Chorale du Pile"),
        objet="Concert du Nouvel An",
        contact_nom="Mme Publiquecontact",
        contact_email="publique@chorale.example",
        contact_telephone="0611111111",
        notes_internes="Note réservée au service",
    )
    prive = _reservation(
        salle,
        datetime.date(2027, 1, 20),
        10,
        public=False,
        organisation=OrganisationFactory(nom="Association Confidentielle Zeta"),
        objet="Réunion du bureau restreint",
        contact_nom="M. Privatissime",
        contact_email="prive@zeta.example",
        contact_telephone="0622222222",
    )
    return public, prive


SECRETS = (
    "Association Confidentielle Zeta",
    "Réunion du bureau restreint",
    "M. Privatissime",
    "prive@zeta.example",
    "0622222222",
    "Mme Publiquecontact",
    "publique@chorale.example",
    "0611111111",
    "Note réservée au service",
)


def test_the_agenda_is_open_to_anyone_and_lists_the_public_events_to_come(client, evenements):
    page = _agenda(client)
    assert "Janvier 2027" in page
    assert "Mercredi 20 janvier" in page and "18:00–20:00" in page
    assert "Grande salle" in page and "Chorale du Pile" in page and "Concert du Nouvel An" in page
    assert reverse("linne:agenda_ics") in page
    assert "Se déconnecter" not in page  # the page for visitors, without the team's navigation


def test_nothing_of_a_private_booking_nor_any_contact_appears_publicly(client, evenements):
    page = _agenda(client)
    texte = _flux(client).content.decode()
    cal = unescape(icalendar.Calendar.from_ical(texte).to_ical().decode())
    for secret in SECRETS:
        assert secret not in page, secret
        assert secret not in texte and secret not in cal, secret
    assert "Concert du Nouvel An" in texte


def test_the_public_side_reads_nothing_but_what_it_shows(client, evenements):
    """The queries of the public pages load no contact nor note column, whatever the template does."""
    for url in (reverse("linne:agenda"), reverse("linne:agenda_ics")):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        lectures = " ".join(q["sql"] for q in ctx.captured_queries if "linne_reservation" in q["sql"])
        assert lectures
        for colonne in ("contact_nom", "contact_email", "contact_telephone", "notes_internes", "motif"):
            assert f'"{colonne}"' not in lectures, (url, colonne)


def test_only_confirmed_public_events_not_over_are_announced(client, salle):
    _reservation(salle, datetime.date(2027, 1, 12), 18, public=True, objet="Hier soir")
    _reservation(salle, MERCREDI, 8, public=True, objet="En cours ce matin")
    _reservation(salle, datetime.date(2027, 1, 21), 18, public=True, objet="Demandé", statut=S.DEMANDEE)
    _reservation(
        salle, datetime.date(2027, 1, 22), 18, public=True, objet="Annulé", statut=S.ANNULEE, motif="Intempéries"
    )
    page = _agenda(client)
    texte = _flux(client).content.decode()
    assert "En cours ce matin" in page and "En cours ce matin" in texte
    for absent in ("Hier soir", "Demandé", "Annulé"):
        assert absent not in page and absent not in texte


def test_the_agenda_is_grouped_by_month_and_paginated(client, salle):
    jour = datetime.date(2027, 1, 14)
    for i in range(AGENDA_PAR_PAGE + 2):
        _reservation(salle, jour + datetime.timedelta(days=2 * i), 18, public=True, objet=f"Soirée {i:02d}")
    premiere = _agenda(client)
    assert "Janvier 2027" in premiere and "Février 2027" in premiere
    assert premiere.index("Janvier 2027") < premiere.index("Février 2027")
    assert "Soirée 00" in premiere and f"Soirée {AGENDA_PAR_PAGE - 1:02d}" in premiere
    assert f"Soirée {AGENDA_PAR_PAGE:02d}" not in premiere
    assert "Page 1 / 2" in premiere
    seconde = _agenda(client, page=2)
    assert f"Soirée {AGENDA_PAR_PAGE + 1:02d}" in seconde and "Soirée 00" not in seconde
    assert "Page 2 / 2" in _agenda(client, page="999")  # past the end: the last page


def test_the_agenda_links_to_the_request_form_once_it_exists(client):
    page = _agenda(client)
    try:
        assert f'href="{reverse("linne:demande")}"' in page
    except NoReverseMatch:
        assert "Demander une salle" not in page


def test_the_public_feed_events_name_the_room_and_link_to_the_agenda(client, evenements):
    public, _ = evenements
    cal = icalendar.Calendar.from_ical(_flux(client).content)
    assert cal["X-WR-CALNAME"] == "Espace Linné — agenda public"
    (e,) = cal.walk("VEVENT")
    assert str(e["UID"]) == ics.uid("linne-agenda", public.pk)
    assert e["SUMMARY"] == "Concert du Nouvel An — Chorale du Pile"
    assert e["LOCATION"] == "Espace Linné, Grande salle"
    assert str(e["URL"]) == f"http://testserver{reverse('linne:agenda')}"
    assert e.decoded("DTSTART") == moment(datetime.date(2027, 1, 20), 18)


def test_the_public_pages_take_no_write(client):
    for nom in ("linne:agenda", "linne:agenda_ics"):
        assert client.post(reverse(nom)).status_code == 405
