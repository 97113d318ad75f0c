"""Espace Linné's calendars, the date pinned on Wednesday 13 January 2027: a room's week and the day of
every room (their bookings, requests and closures, their navigation with and without htmx), the
régisseurs' printable day sheet, the bookings in the personal feeds and each room's own feed."""

import datetime
import uuid
from html import unescape

import icalendar
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from comptes import flux_calendrier
from linne import calendrier, grille, services
from linne.models import Reservation
from roubaix_cs import ics
from roubaix_cs.formats import NBSP, NNBSP

from ..factories import FermetureFactory, OrganisationFactory, ReservationFactory, SalleFactory, UserFactory, moment

pytestmark = pytest.mark.django_db

S = Reservation.Statut
LUNDI = datetime.date(2027, 1, 11)
MERCREDI = datetime.date(2027, 1, 13)


@pytest.fixture(autouse=True)
def _mercredi(time_machine):
    time_machine.move_to(moment(MERCREDI, 9), tick=False)


@pytest.fixture
def salle():
    return SalleFactory(nom="Salle Méliès")


def _reservation(salle, jour, heure, duree=2, **champs):
    debut = moment(jour, heure)
    return ReservationFactory(salle=salle, debut=debut, fin=debut + datetime.timedelta(hours=duree), **champs)


def _page(client, user, nom, **params):
    client.force_login(user)
    response = client.get(reverse(nom), params)
    assert response.status_code == 200
    return unescape(response.content.decode())


# --- The week of a room ---------------------------------------------------------------------------------


def test_the_week_shows_its_confirmed_bookings_and_the_requests_marked_in_words(client, regisseur, salle):
    asso = OrganisationFactory(nom="Les Amis du Pile")
    _reservation(salle, LUNDI, 10, organisation=asso, objet="Atelier couture")
    _reservation(salle, MERCREDI, 14, objet="Assemblée des locataires", statut=S.DEMANDEE)
    _reservation(salle, MERCREDI, 18, objet="Réunion annulée", statut=S.ANNULEE, motif="Plus besoin")
    _reservation(salle, LUNDI + datetime.timedelta(days=7), 10, objet="La semaine d'après")
    page = _page(client, regisseur, "linne:semaine", salle=salle.pk, semaine="2027-01-14")
    assert "Salle Méliès — semaine du lundi 11 janvier au dimanche 17 janvier 2027" in page
    assert "Les Amis du Pile" in page and "Atelier couture" in page and "10:00–12:00" in page
    assert "Assemblée des locataires" in page and "Demandée, à confirmer" in page
    assert page.count("Demandée, à confirmer") == 2  # the request, and the legend saying what the mark means
    assert "Réunion annulée" not in page and "La semaine d'après" not in page


def test_the_week_is_this_week_of_the_first_room_open_to_bookings_by_default(client, elu):
    SalleFactory(nom="Atelier", active=False)
    salle = SalleFactory(nom="Bibliothèque")
    _reservation(salle, MERCREDI, 10, objet="Lecture contée")
    page = _page(client, elu, "linne:semaine")
    assert "Bibliothèque — semaine du lundi 11 janvier" in page
    assert "Lecture contée" in page
    assert "Atelier (fermée aux réservations)" in page  # still a choice, marked


def test_the_week_shows_the_closures_and_the_days_the_room_is_closed(client, regisseur, salle):
    FermetureFactory(salle=salle, debut=MERCREDI, fin=MERCREDI, motif="travaux", libelle="Peinture")
    FermetureFactory(salle=None, debut=datetime.date(2027, 1, 15), fin=datetime.date(2027, 1, 15), motif="ferie")
    page = _page(client, regisseur, "linne:semaine", salle=salle.pk)
    assert "Fermé : Peinture" in page
    assert "Fermé : Jour férié" in page
    assert "Fermé ce jour" in page  # Sunday: no opening hours
    assert "08:00–22:00" in page  # the other days' hours


def test_the_week_navigation_is_plain_links_enhanced_by_htmx(client, regisseur, salle):
    page = _page(client, regisseur, "linne:semaine", salle=salle.pk, semaine="2027-01-13")
    precedente = f"{reverse('linne:semaine')}?salle={salle.pk}&semaine=2027-01-04"
    assert f'href="{precedente}"' in page and f'hx-get="{precedente}"' in page
    assert f"?salle={salle.pk}&semaine=2027-01-18" in page
    assert 'hx-push-url="true"' in page and 'hx-target="#calendrier"' in page
    client.force_login(regisseur)
    response = client.get(
        reverse("linne:semaine"), {"salle": salle.pk, "semaine": "2027-01-18"}, HTTP_HX_REQUEST="true"
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith("<div") and "<html" not in fragment
    assert 'id="calendrier"' in fragment and "semaine du lundi 18 janvier" in fragment
    assert "HX-Request" in response["Vary"]
    restauration = client.get(
        reverse("linne:semaine"), {"salle": salle.pk}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restauration.content.decode()  # a history restore gets the whole page


def test_an_unknown_room_is_404_and_an_unreadable_date_shows_this_week(client, regisseur, salle):
    client.force_login(regisseur)
    for valeur in ("999999", "abc", "9" * 30, "-1"):
        assert client.get(reverse("linne:semaine"), {"salle": valeur}).status_code == 404
    for valeur in ("13/01/2027", "2027-02-30", "0001-01-01", "9999-12-31", "x" * 500):
        page = _page(client, regisseur, "linne:semaine", salle=salle.pk, semaine=valeur)
        assert "La date demandée n'a pas pu être lue" in page
        assert "semaine du lundi 11 janvier" in page


def test_the_week_without_any_room_says_so(client, regisseur):
    assert "Aucune salle n'est encore enregistrée." in _page(client, regisseur, "linne:semaine")


def test_the_room_feed_address_is_shown_to_the_service_only(client, regisseur, elu, salle):
    adresse = f"http://testserver{reverse('linne:salle_ics', args=[salle.jeton_flux])}"
    assert adresse in _page(client, regisseur, "linne:semaine", salle=salle.pk)
    assert str(salle.jeton_flux) not in _page(client, elu, "linne:semaine", salle=salle.pk)


def test_the_calendars_never_show_a_contact(client, elu, regisseur, salle):
    _reservation(salle, MERCREDI, 10, contact_nom="Mme Contactnom", contact_telephone="0611223344")
    for user in (elu, regisseur):
        for nom, params in (("linne:semaine", {"salle": salle.pk}), ("linne:jour", {})):
            page = _page(client, user, nom, **params)
            assert "Contactnom" not in page and "0611223344" not in page


# --- The grid ------------------------------------------------------------------------------------------


def test_overlapping_bookings_sit_side_by_side_and_span_their_rows(salle):
    _reservation(salle, LUNDI, 10, duree=2, objet="Confirmée")
    _reservation(salle, LUNDI, 11, duree=1, objet="Demande", statut=S.DEMANDEE)
    _reservation(salle, LUNDI, 13, duree=1, objet="Après")  # after the clean-up and the next set-up
    table = grille.semaine(salle, LUNDI)
    lundi = table.colonnes[0]
    assert lundi.voies == 2
    places = {e.reservation.objet: (e.voie, e.premiere_ligne, e.lignes) for e in lundi.evenements}
    debut = table.lignes[0].heure
    assert debut == datetime.time(8)
    assert places == {"Confirmée": (0, 4, 4), "Demande": (1, 6, 2), "Après": (0, 10, 2)}
    # Every row has one cell a lane of each column, less those a booking above covers.
    largeur = sum(c.voies for c in table.colonnes)
    for i, ligne in enumerate(table.lignes):
        couvertes = sum(
            1 for c in table.colonnes for e in c.evenements if e.premiere_ligne < i < e.premiere_ligne + e.lignes
        )
        assert len(ligne.cellules) == largeur - couvertes


def test_the_grid_stretches_to_a_booking_outside_the_opening_hours(salle):
    _reservation(salle, MERCREDI, 22, duree=2, objet="Veillée")  # until midnight
    table = grille.semaine(salle, LUNDI)
    assert table.lignes[0].heure == datetime.time(8)
    assert table.lignes[-1].heure == datetime.time(23, 30)
    mercredi = table.colonnes[2]
    assert [(e.debut, e.fin) for e in mercredi.evenements] == [(22 * 60, 24 * 60)]


def test_a_booking_links_to_its_page(salle):
    reservation = _reservation(salle, LUNDI, 10)
    attendu = reverse("linne:reservation_detail", args=[reservation.pk])
    assert grille.liens_reservations()(reservation.pk) == attendu


# --- The day of every room ---------------------------------------------------------------------------


def test_the_day_shows_every_room_open_to_bookings_as_a_column(client, regisseur, salle):
    autre = SalleFactory(nom="Salle Varda")
    SalleFactory(nom="Ancienne chaufferie", active=False)
    fermee_avec_reservation = SalleFactory(nom="Ancien gymnase", active=False)
    _reservation(salle, MERCREDI, 10, objet="Chorale")
    _reservation(autre, MERCREDI, 14, objet="Yoga doux", statut=S.DEMANDEE)
    _reservation(fermee_avec_reservation, MERCREDI, 9, objet="Dernier cours")
    _reservation(salle, LUNDI, 10, objet="Un autre jour")
    page = _page(client, regisseur, "linne:jour", jour="2027-01-13")
    assert "Mercredi 13 janvier 2027" in page
    assert "Salle Méliès" in page and "Salle Varda" in page and "Ancien gymnase" in page
    assert "Ancienne chaufferie" not in page
    assert "Chorale" in page and "Yoga doux" in page and "Dernier cours" in page
    assert "Un autre jour" not in page
    assert f"{reverse('linne:feuille_du_jour')}?jour=2027-01-13" in page
    assert f"?salle={salle.pk}&semaine=2027-01-13" in page  # each room's week


def test_the_day_is_today_by_default_with_its_navigation(client, elu, salle):
    page = _page(client, elu, "linne:jour")
    assert "Mercredi 13 janvier 2027" in page
    assert f"{reverse('linne:jour')}?jour=2027-01-12" in page and "?jour=2027-01-14" in page
    client.force_login(elu)
    fragment = client.get(reverse("linne:jour"), {"jour": "2027-01-14"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Jeudi 14 janvier 2027" in fragment


# --- The day sheet ------------------------------------------------------------------------------------


@pytest.fixture
def feuille(monkeypatch):
    """The sheet's HTML, as `render_pdf` is given it (its whole text)."""
    rendus = []

    def rendre(gabarit, contexte):
        rendus.append(render_to_string(gabarit, contexte))
        return b"%PDF-1.7"

    monkeypatch.setattr("linne.views_calendriers.render_pdf", rendre)
    return rendus


def _journee_chargee(salle):
    autre = SalleFactory(nom="Salle Varda")
    _reservation(
        salle,
        MERCREDI,
        14,
        organisation=OrganisationFactory(nom="Club des aînés"),
        objet="Loto",
        contact_nom="M. Lenoir",
        contact_telephone="0320112233",
        effectif_prevu=45,
        public=True,
        notes_internes="Clés au gardien",
    )
    _reservation(salle, MERCREDI, 9, objet="Cours du matin", gratuit=False, montant="1234.50")
    _reservation(autre, MERCREDI, 10, objet="Gratuit", gratuit=True)
    _reservation(autre, MERCREDI, 16, objet="Demande en attente", statut=S.DEMANDEE)
    FermetureFactory(salle=SalleFactory(nom="Cuisine"), debut=MERCREDI, fin=MERCREDI, libelle="Désinfection")


def test_the_day_sheet_lists_each_rooms_bookings_in_order_with_what_the_regisseurs_need(
    client, regisseur, salle, feuille
):
    _journee_chargee(salle)
    client.force_login(regisseur)
    response = client.get(reverse("linne:feuille_du_jour"), {"jour": "2027-01-13"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "espace-linne-2027-01-13.pdf" in response["Content-Disposition"]
    html = feuille[0]
    assert html.index("Salle Méliès") < html.index("Salle Varda")
    assert html.index("Cours du matin") < html.index("Loto")  # in order within the room
    assert "installation dès 13:45, rangement jusqu'à 16:15" in html
    assert "Club des aînés" in html and "M. Lenoir" in html and "0320112233" in html
    assert "45" in html and "Public" in html and "Privé" in html
    assert "Clés au gardien" in html
    assert f"1{NNBSP}234,50{NBSP}€" in html and "gratuit" in html
    assert "Demande en attente" not in html
    assert "Cuisine" in html and "Désinfection" in html


def test_an_elu_reads_the_day_sheet_without_contacts_nor_notes(client, elu, salle, feuille):
    _journee_chargee(salle)
    client.force_login(elu)
    assert client.get(reverse("linne:feuille_du_jour"), {"jour": "2027-01-13"}).status_code == 200
    html = feuille[0]
    assert "Loto" in html and "Club des aînés" in html
    assert "M. Lenoir" not in html and "0320112233" not in html and "Clés au gardien" not in html


def test_the_day_sheet_is_a_pdf(client, regisseur, salle):
    _reservation(salle, MERCREDI, 10)
    client.force_login(regisseur)
    response = client.get(reverse("linne:feuille_du_jour"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_an_empty_day_sheet_says_so(client, regisseur, feuille):
    client.force_login(regisseur)
    client.get(reverse("linne:feuille_du_jour"), {"jour": "2027-01-17"})
    assert "Aucune réservation confirmée ce jour." in feuille[0]


# --- The personal feeds ---------------------------------------------------------------------------------


def test_the_regisseurs_get_the_confirmed_bookings_of_the_next_three_months_in_their_feed(
    regisseur, agent, responsable, elu, partenaire_caf, salle
):
    aujourdhui = _reservation(salle, MERCREDI, 8, objet="Ce matin")
    dans_trois_mois = _reservation(salle, datetime.date(2027, 4, 12), 10, objet="Avril")
    _reservation(salle, datetime.date(2027, 4, 13), 10, objet="Trop loin")
    _reservation(salle, datetime.date(2027, 1, 12), 10, objet="Hier")
    _reservation(salle, MERCREDI, 14, objet="Demandée", statut=S.DEMANDEE)
    uids = [e.uid for e in calendrier.evenements(regisseur, MERCREDI)]
    assert uids == [ics.uid("linne-reservation", r.pk) for r in (aujourdhui, dans_trois_mois)]
    assert calendrier.evenements(elu, MERCREDI) == []
    assert calendrier.evenements(partenaire_caf, MERCREDI) == []


def test_the_rest_of_the_team_gets_the_bookings_it_made_and_the_public_events(regisseur, agent, responsable, salle):
    faite_par_l_agent = _reservation(salle, MERCREDI, 8, objet="Réunion de l'agent", cree_par=agent)
    publique = _reservation(salle, MERCREDI, 11, objet="Concert", public=True)
    _reservation(salle, MERCREDI, 14, objet="Autre", cree_par=regisseur)
    attendus = {
        agent: [faite_par_l_agent, publique],
        responsable: [publique],
    }
    for user, reservations in attendus.items():
        assert [e.uid for e in calendrier.evenements(user, MERCREDI)] == [
            ics.uid("linne-reservation", r.pk) for r in reservations
        ]


def test_a_booking_in_the_personal_feed_says_where_what_and_whom_to_call(client, regisseur, salle):
    r = _reservation(
        salle,
        MERCREDI,
        18,
        organisation=OrganisationFactory(nom="Théâtre du Pile"),
        objet="Répétition",
        contact_nom="Mme Scène",
        contact_telephone="0600000001",
        effectif_prevu=12,
    )
    client.logout()
    response = client.get(
        reverse("pilotage:calendrier_ics", kwargs={"jeton": flux_calendrier.regenerer(user=regisseur).jeton})
    )
    evenements = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}
    e = evenements[ics.uid("linne-reservation", r.pk)]
    assert e["SUMMARY"] == "Salle Méliès — Théâtre du Pile"
    assert e["LOCATION"] == "Espace Linné, Salle Méliès"
    assert e.decoded("DTSTART") == moment(MERCREDI, 18) and e.decoded("DTEND") == moment(MERCREDI, 20)
    description = str(e["DESCRIPTION"])
    assert "Répétition" in description and "12 personnes attendues" in description
    assert "de 17:45 (installation) à 20:15 (rangement)" in description
    assert "Mme Scène, 0600000001" in description


# --- A room's feed --------------------------------------------------------------------------------------


def _flux_salle(client, salle):
    client.logout()
    response = client.get(reverse("linne:salle_ics", args=[salle.jeton_flux]))
    assert response.status_code == 200
    assert response["Content-Type"] == ics.CONTENT_TYPE
    return response


def test_a_room_feed_lists_its_confirmed_bookings_without_any_contact(client, salle):
    r = _reservation(
        salle,
        MERCREDI,
        10,
        organisation=OrganisationFactory(nom="Amicale laïque"),
        objet="Gym douce",
        contact_nom="Mme Secrète",
        contact_email="secrete@amicale.example",
        contact_telephone="0699887766",
        notes_internes="Note interne",
    )
    passee = _reservation(salle, datetime.date(2026, 12, 15), 10, objet="Il y a un mois")
    _reservation(salle, datetime.date(2026, 12, 13), 10, objet="Trop ancienne")
    lointaine = _reservation(salle, datetime.date(2027, 7, 12), 10, objet="En juillet")
    _reservation(salle, datetime.date(2027, 7, 13), 10, objet="Trop lointaine")
    _reservation(salle, MERCREDI, 14, objet="Demandée", statut=S.DEMANDEE)
    _reservation(SalleFactory(), MERCREDI, 10, objet="Une autre salle")
    response = _flux_salle(client, salle)
    texte = response.content.decode()
    for secret in ("Mme Secrète", "secrete@amicale.example", "0699887766", "Note interne"):
        assert secret not in texte
    evenements = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}
    assert set(evenements) == {ics.uid("linne-salle", x.pk) for x in (r, passee, lointaine)}
    e = evenements[ics.uid("linne-salle", r.pk)]
    assert e["SUMMARY"] == "Amicale laïque — Gym douce"
    assert e["LOCATION"] == "Espace Linné, Salle Méliès"
    cal = icalendar.Calendar.from_ical(response.content)
    assert cal["X-WR-CALNAME"] == "Espace Linné — Salle Méliès"


def test_a_room_feed_keeps_its_sequences_across_downloads(client, salle):
    r = _reservation(salle, MERCREDI, 10)
    uid = ics.uid("linne-salle", r.pk)

    def sequence():
        cal = icalendar.Calendar.from_ical(_flux_salle(client, salle).content)
        return {str(e["UID"]): e["SEQUENCE"] for e in cal.walk("VEVENT")}[uid]

    assert sequence() == sequence() == 0
    services.deplacer(
        reservation=r,
        nouveau_debut=r.debut + datetime.timedelta(hours=1),
        nouvelle_fin=r.fin + datetime.timedelta(hours=1),
        par=UserFactory(role="regisseur"),
    )
    assert sequence() == 1  # the booking's version, raised by each save: reading the feed writes nothing


def test_an_unknown_room_feed_address_is_404(client, salle):
    assert client.get(reverse("linne:salle_ics", args=[uuid.uuid4()])).status_code == 404
    assert client.get(f"/linne/salles/{str(salle.jeton_flux)[:-1]}.ics").status_code == 404
