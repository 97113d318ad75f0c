"""Personal calendar feeds (issue 14, point 6): a secret address per user, regenerated or revoked from
« Mon calendrier », read by Outlook, Google and Thunderbird; parsed here with the icalendar library."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from comptes import flux_calendrier as calendrier
from comptes import services
from comptes.models import Role
from roubaix_cs import ics

from ..factories import AgrementFactory, AssembleeGeneraleFactory, CentreFactory, UserFactory
from ..requetes import garde

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.date(2026, 11, 29))]
JOUR = datetime.date(2026, 11, 29)


def _url(jeton):
    return reverse("pilotage:calendrier_ics", kwargs={"jeton": jeton.jeton})


def _flux(client, jeton, status=200):
    client.logout()  # a calendar application has no session
    response = client.get(_url(jeton))
    assert response.status_code == status
    return response


def _lire(client, jeton):
    response = _flux(client, jeton)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert not response.has_header("Content-Encoding")  # served uncompressed
    return icalendar.Calendar.from_ical(response.content)


def _evenements(cal):
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _ag(centre, date, **champs):
    return AssembleeGeneraleFactory(centre=centre, exercice=2025, date=date, **champs)


def test_the_feed_is_a_published_calendar_to_subscribe_to(client, responsable):
    _ag(CentreFactory(), datetime.date(2027, 3, 12))
    cal = _lire(client, calendrier.regenerer(user=responsable))
    assert cal["METHOD"] == "PUBLISH"
    assert cal["VERSION"] == "2.0"
    assert cal.decoded("REFRESH-INTERVAL") == ics.RAFRAICHIR
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(cal["X-PUBLISHED-TTL"].to_ical().decode()) == "PT4H"
    assert cal.walk("VEVENT")
    assert all("ATTENDEE" not in e and "ORGANIZER" not in e for e in cal.walk("VEVENT"))


def test_an_all_day_event_ends_the_next_day_exclusive(client, responsable):
    ag = _ag(CentreFactory(nom="Centre social de l'Alma"), datetime.date(2027, 3, 12), lieu="Salle A")
    evenement = _evenements(_lire(client, calendrier.regenerer(user=responsable)))[ics.uid("ag", ag.pk)]
    assert evenement.decoded("DTSTART") == datetime.date(2027, 3, 12)
    assert evenement.decoded("DTEND") == datetime.date(2027, 3, 13)
    assert evenement["SUMMARY"] == "AG — Centre social de l'Alma"
    assert evenement["LOCATION"] == "Salle A"
    assert str(evenement["URL"]).startswith("http://testserver/centres/")


def test_uids_and_sequences_stay_the_same_across_downloads_and_a_changed_ag_raises_its_sequence(client, responsable):
    ag = _ag(CentreFactory(), datetime.date(2027, 3, 12))
    AgrementFactory(centre=ag.centre, debut=datetime.date(2023, 1, 1), fin=JOUR + datetime.timedelta(days=60))
    jeton = calendrier.regenerer(user=responsable)
    premier = {uid: e["SEQUENCE"] for uid, e in _evenements(_lire(client, jeton)).items()}
    second = {uid: e["SEQUENCE"] for uid, e in _evenements(_lire(client, jeton)).items()}
    assert len(premier) > 2  # the AG and the agrément's deadlines
    assert premier == second
    assert set(premier.values()) == {0}

    ag.date = datetime.date(2027, 3, 19)
    ag.save()
    apres = _evenements(_lire(client, jeton))
    assert apres[ics.uid("ag", ag.pk)]["SEQUENCE"] == 1
    assert apres[ics.uid("ag", ag.pk)].decoded("DTSTART") == datetime.date(2027, 3, 19)
    assert {uid: e["SEQUENCE"] for uid, e in apres.items() if uid != ics.uid("ag", ag.pk)} == {
        uid: s for uid, s in premier.items() if uid != ics.uid("ag", ag.pk)
    }
    assert _evenements(_lire(client, jeton))[ics.uid("ag", ag.pk)]["SEQUENCE"] == 1  # and stays there


def test_a_timed_event_carries_the_vtimezone_of_paris():
    reunion = ics.EvenementIcs(uid="reunion-1@test", debut=datetime.datetime(2027, 3, 12, 14, 30), resume="Réunion")
    cal = icalendar.Calendar.from_ical(ics.calendrier("Test", [reunion]))
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    evenement = cal.walk("VEVENT")[0]
    assert evenement["DTSTART"].params["TZID"] == "Europe/Paris"
    debut = evenement.decoded("DTSTART")
    assert debut.utcoffset() == datetime.timedelta(hours=1)  # 14:30 in winter, Paris time
    assert evenement.decoded("DTEND") - debut == ics.DUREE_PAR_DEFAUT
    # A feed of all-day events only needs no time zone.
    journee = ics.EvenementIcs(uid="j-1@test", debut=datetime.date(2027, 3, 12), resume="Échéance")
    assert not icalendar.Calendar.from_ical(ics.calendrier("Test", [journee])).walk("VTIMEZONE")


def test_an_agent_s_feed_has_the_deadlines_and_ags_of_the_centres_they_follow(client, agent, responsable):
    suivi, autre = CentreFactory(referent=agent), CentreFactory()
    for centre in (suivi, autre):
        AgrementFactory(centre=centre, debut=datetime.date(2023, 1, 1), fin=JOUR + datetime.timedelta(days=60))
    ag_suivi, ag_autre = _ag(suivi, datetime.date(2027, 3, 12)), _ag(autre, datetime.date(2027, 3, 13))
    contenu = _flux(client, calendrier.regenerer(user=agent)).content.decode()
    assert ics.uid("ag", ag_suivi.pk) in contenu
    assert ics.uid("ag", ag_autre.pk) not in contenu
    assert suivi.nom_court in contenu
    assert autre.nom_court not in contenu
    assert autre.nom_court in _flux(client, calendrier.regenerer(user=responsable)).content.decode()


def test_a_revoked_address_answers_404(client, agent):
    jeton = calendrier.regenerer(user=agent)
    _flux(client, jeton)
    client.force_login(agent)
    assert client.post(reverse("comptes:calendrier_revoquer")).status_code == 302
    _flux(client, jeton, 404)
    client.force_login(agent)
    assert "pas d'adresse" in client.get(reverse("comptes:calendrier")).content.decode()


def test_a_regenerated_address_replaces_the_old_one(client, agent):
    ancien = calendrier.regenerer(user=agent)
    client.force_login(agent)
    response = client.post(reverse("comptes:calendrier_regenerer"), follow=True)
    nouveau = calendrier.jeton_actif(agent)
    assert nouveau.jeton != ancien.jeton
    assert len(nouveau.jeton) >= 43  # 32 random bytes, url-safe
    assert "ancienne ne fonctionne plus" in response.content.decode()
    assert f"http://testserver{_url(nouveau)}" in response.content.decode()
    _flux(client, ancien, 404)
    _flux(client, nouveau, 200)


def test_a_closed_account_s_address_answers_404(client, agent):
    jeton = calendrier.regenerer(user=agent)
    agent.is_active = False
    agent.save()
    _flux(client, jeton, 404)


def test_deactivating_an_account_revokes_its_address_at_once_and_for_good(client, agent, responsable):
    jeton = calendrier.regenerer(user=agent)
    autre = calendrier.regenerer(user=UserFactory(role=Role.AGENT))
    client.force_login(responsable)
    assert client.post(reverse("comptes:desactiver", args=[agent.pk]), {"motif": "Départ"}).status_code == 302
    _flux(client, jeton, 404)
    jeton.refresh_from_db()
    assert jeton.revoque_le is not None
    # Back in the service, the account does not get the old address back: it makes a new one.
    services.reactiver_compte(compte=agent, par=responsable, motif="Retour")
    _flux(client, jeton, 404)
    assert calendrier.jeton_actif(agent) is None
    _flux(client, autre, 200)  # the others' addresses still work


def test_the_ag_feed_takes_the_token_instead_of_a_login(client, partenaire_caf, centre_caf, centre_hors_caf):
    dans, hors = _ag(centre_caf, datetime.date(2027, 3, 12)), _ag(centre_hors_caf, datetime.date(2027, 3, 13))
    jeton = calendrier.regenerer(user=partenaire_caf)
    url = reverse("centres:ag_ics")
    response = client.get(url, {"jeton": jeton.jeton})
    assert response.status_code == 200
    uids = set(_evenements(icalendar.Calendar.from_ical(response.content)))
    assert uids == {ics.uid("ag", dans.pk)}  # the partner's scope, as when logged in
    assert ics.uid("ag", hors.pk) not in uids
    assert client.get(url, {"jeton": "inconnu"}).status_code == 404
    calendrier.revoquer(user=partenaire_caf)
    assert client.get(url, {"jeton": jeton.jeton}).status_code == 404
    assert client.get(url)["Location"].startswith(reverse("comptes:login"))  # no token: the login, as before


def test_the_feed_costs_the_same_queries_with_more_centres(client, responsable):
    jeton = calendrier.regenerer(user=responsable)

    def grandir(n):
        for _ in range(n):
            centre = CentreFactory()
            AgrementFactory(centre=centre, debut=datetime.date(2023, 1, 1), fin=JOUR + datetime.timedelta(days=60))
            _ag(centre, datetime.date(2027, 3, 12))

    garde(client, "pilotage:calendrier_ics responsable", _url(jeton), grandir)


def test_an_account_deactivated_in_the_django_admin_loses_its_address_too(admin_client, agent):
    jeton = calendrier.regenerer(user=agent)
    url = reverse("admin:comptes_user_change", args=[agent.pk])
    form = admin_client.get(url).context["adminform"].form
    donnees = {nom: form[nom].value() for nom in form.fields if nom != "password" and form[nom].value() is not None}
    donnees |= {"is_active": "", "date_joined_0": agent.date_joined.strftime("%d/%m/%Y"), "date_joined_1": "12:00:00"}
    donnees = {k: v for k, v in donnees.items() if k not in ("date_joined", "last_login") and v is not False}
    assert admin_client.post(url, donnees).status_code == 302
    agent.refresh_from_db()
    jeton.refresh_from_db()
    assert not agent.is_active and jeton.revoque_le is not None
