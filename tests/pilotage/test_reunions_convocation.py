"""The convocation of a meeting (issue 16, point 1): an e-mail to every participant with an address, users
or partner contacts without an account, with an ICS invitation (iTIP, RFC 5546) that the `icalendar`
library reads: METHOD:REQUEST, the service as ORGANIZER, one ATTENDEE per participant, the same UID at each
sending and a SEQUENCE raised when the meeting changed; a cancellation is a METHOD:CANCEL message."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from comptes.models import Role
from pilotage import reunions
from pilotage.models import ParticipantReunion, Reunion
from pilotage.tasks import envoyer_convocation

from ..factories import ParticipantReunionFactory, ReunionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 11, 2, 10, 0))]
S = Reunion.Statut
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _service(settings):
    settings.SERVICE_EMAIL = "mission-cs@ville.example"
    settings.SERVICE_NOM = "Mission des centres sociaux"
    settings.DEFAULT_FROM_EMAIL = "ne-pas-repondre@ville.example"


@pytest.fixture
def reunion(caf):
    """A copil on 8 December 2026, 14:00–16:30: a partner account, a CAF contact, a contact without address."""
    reunion = ReunionFactory(
        titre="Copil n° 4",
        date=datetime.date(2026, 12, 8),
        heure_debut=datetime.time(14, 0),
        heure_fin=datetime.time(16, 30),
        lieu="Hôtel de ville",
    )
    partenaire = UserFactory(role=Role.PARTENAIRE, organisation=caf, email="julie@caf.example", first_name="Julie")
    ParticipantReunion.objects.create(reunion=reunion, user=partenaire, organisation=caf)
    ParticipantReunionFactory(reunion=reunion, organisation=caf, nom="Marc Contact", email="marc@caf.example")
    ParticipantReunionFactory(reunion=reunion, organisation=caf, nom="Sans adresse", email="")
    return reunion


def _convoquer(client, reunion, capture):
    with capture(execute=True):
        return client.post(reverse("pilotage:reunion_convoquer", args=[reunion.pk]))


def _invitation(message):
    """The ICS part of an e-mail, parsed, and its MIME part."""
    (piece,) = [p for p in message.attachments if getattr(p, "get_content_type", lambda: "")() == "text/calendar"]
    return icalendar.Calendar.from_ical(piece.get_payload(decode=True)), piece


def _attendees(evenement):
    valeur = evenement["ATTENDEE"]
    return valeur if isinstance(valeur, list) else [valeur]


def test_the_convocation_is_e_mailed_to_every_participant_with_an_address_with_its_invitation(
    client, agent, reunion, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    response = _convoquer(client, reunion, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == ["julie@caf.example", "marc@caf.example"]
    message = next(m for m in mailoutbox if m.to == ["julie@caf.example"])
    assert message.subject == "Convocation : Copil n° 4 du 08/12/2026"
    assert message.reply_to == ["mission-cs@ville.example"]
    assert "Le 08/12/2026 de 14:00 à 16:30" in message.body
    assert reunion.get_absolute_url() in message.body  # an account: the link to the page
    contact = next(m for m in mailoutbox if m.to == ["marc@caf.example"])
    assert reunion.get_absolute_url() not in contact.body  # a contact without an account: no link
    cal, piece = _invitation(message)
    assert piece.get_content_type() == "text/calendar"
    assert piece.get_param("method") == "REQUEST"
    assert cal["METHOD"] == "REQUEST"
    (evenement,) = cal.walk("VEVENT")
    assert str(evenement["UID"]) == f"reunion-{reunion.pk}@centres-sociaux.roubaix"
    assert evenement["SEQUENCE"] == 0
    assert str(evenement["STATUS"]) == "CONFIRMED"
    assert str(evenement["ORGANIZER"]) == "mailto:mission-cs@ville.example"
    assert evenement["ORGANIZER"].params["CN"] == "Mission des centres sociaux"
    assert {str(a): a.params["CN"] for a in _attendees(evenement)} == {
        "mailto:julie@caf.example": "Julie " + reunion.participants.get(user__isnull=False).user.last_name,
        "mailto:marc@caf.example": "Marc Contact",
    }
    assert all(a.params["PARTSTAT"] == "NEEDS-ACTION" for a in _attendees(evenement))
    assert evenement.decoded("DTSTART") == datetime.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS)
    assert evenement.decoded("DTEND") == datetime.datetime(2026, 12, 8, 16, 30, tzinfo=PARIS)
    assert evenement["DTSTART"].params["TZID"] == "Europe/Paris"
    assert cal.walk("VTIMEZONE")
    assert str(evenement["SUMMARY"]) == "Copil stratégique — Copil n° 4"
    assert str(evenement["LOCATION"]) == "Hôtel de ville"
    reunion.refresh_from_db()
    assert reunion.convoquee_le is not None and reunion.sequence_convocation == 0


def test_an_update_keeps_the_uid_and_raises_the_sequence_a_plain_resend_does_not(
    client, agent, reunion, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    _convoquer(client, reunion, django_capture_on_commit_callbacks)
    premier, _ = _invitation(mailoutbox[0])
    mailoutbox.clear()
    _convoquer(client, reunion, django_capture_on_commit_callbacks)  # nothing changed: the same revision
    assert _invitation(mailoutbox[0])[0].walk("VEVENT")[0]["SEQUENCE"] == 0
    mailoutbox.clear()
    form = client.get(reverse("pilotage:reunion_modifier", args=[reunion.pk])).context["form"]
    donnees = {k: v for k, v in form.initial.items() if v is not None and k != "situations"}
    donnees |= {"version_vue": form["version_vue"].value(), "heure_debut": "15:00", "heure_fin": "17:00"}
    assert client.post(reverse("pilotage:reunion_modifier", args=[reunion.pk]), donnees).status_code == 302
    page = client.get(reunion.get_absolute_url())
    assert page.context["convocation"].modifiee
    assert "La réunion a changé depuis" in page.content.decode()
    _convoquer(client, reunion, django_capture_on_commit_callbacks)
    assert mailoutbox[0].subject.startswith("Convocation modifiée : ")
    cal, _ = _invitation(mailoutbox[0])
    (evenement,) = cal.walk("VEVENT")
    assert cal["METHOD"] == "REQUEST"
    assert evenement["UID"] == premier.walk("VEVENT")[0]["UID"]
    assert evenement["SEQUENCE"] == 1
    assert evenement.decoded("DTSTART") == datetime.datetime(2026, 12, 8, 15, 0, tzinfo=PARIS)
    assert not client.get(reunion.get_absolute_url()).context["convocation"].modifiee


def test_a_cancellation_is_a_cancel_message_with_the_same_uid_and_a_higher_sequence(
    client, agent, reunion, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    _convoquer(client, reunion, django_capture_on_commit_callbacks)
    uid = _invitation(mailoutbox[0])[0].walk("VEVENT")[0]["UID"]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pilotage:reunion_transition", args=[reunion.pk]),
            {"vers": S.ANNULEE, "commentaire": "Quorum non atteint"},
        )
    assert sorted(m.to[0] for m in mailoutbox) == ["julie@caf.example", "marc@caf.example"]
    assert mailoutbox[0].subject == "Annulation : Copil n° 4 du 08/12/2026"
    cal, piece = _invitation(mailoutbox[0])
    assert cal["METHOD"] == "CANCEL" and piece.get_param("method") == "CANCEL"
    (evenement,) = cal.walk("VEVENT")
    assert str(evenement["STATUS"]) == "CANCELLED"
    assert evenement["UID"] == uid
    assert evenement["SEQUENCE"] == 1
    assert "est annulée" in mailoutbox[0].body
    assert client.get(reunion.get_absolute_url()).context["convocation"].annulee


def test_cancelling_a_meeting_never_convened_sends_nothing(
    client, agent, reunion, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pilotage:reunion_transition", args=[reunion.pk]), {"vers": S.ANNULEE, "commentaire": "x"})
    reunion.refresh_from_db()
    assert reunion.statut == S.ANNULEE and mailoutbox == [] and reunion.sequence_convocation == 0


def test_a_meeting_held_or_cancelled_or_without_addresses_is_not_convened(
    client, agent, mailoutbox, django_capture_on_commit_callbacks, caf
):
    client.force_login(agent)
    tenue = ReunionFactory(statut=S.TENUE)
    ParticipantReunionFactory(reunion=tenue, organisation=caf)
    sans_adresse = ReunionFactory()
    ParticipantReunionFactory(reunion=sans_adresse, organisation=caf, email="")
    for reunion, refus in (
        (tenue, "Seule une réunion prévue se convoque"),
        (sans_adresse, "Aucun participant n'a d'adresse e-mail"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("pilotage:reunion_convoquer", args=[reunion.pk]), follow=True)
        assert [refus in str(m) for m in response.context["messages"]] == [True]
        reunion.refresh_from_db()
        assert reunion.convoquee_le is None
    assert mailoutbox == []


def test_a_queued_sending_replaced_by_a_later_one_sends_nothing(reunion, mailoutbox):
    participant = reunion.participants.get(nom="Marc Contact")
    assert envoyer_convocation(reunion.pk, participant.pk, 0, "REQUEST") == 1
    Reunion.objects.filter(pk=reunion.pk).update(sequence_convocation=1)
    assert envoyer_convocation(reunion.pk, participant.pk, 0, "REQUEST") == 0  # superseded
    assert envoyer_convocation(reunion.pk, participant.pk, 1, "CANCEL") == 0  # the meeting is not cancelled
    assert envoyer_convocation(reunion.pk, reunion.participants.get(nom="Sans adresse").pk, 1, "REQUEST") == 0
    assert len(mailoutbox) == 1


def test_the_page_tells_who_was_added_since_the_convocation(
    client, agent, reunion, django_capture_on_commit_callbacks, caf
):
    client.force_login(agent)
    _convoquer(client, reunion, django_capture_on_commit_callbacks)
    ParticipantReunionFactory(reunion=reunion, organisation=caf)
    etat = client.get(reunion.get_absolute_url()).context["convocation"]
    assert (etat.ajoutes, etat.sans_adresse, etat.destinataires, etat.a_renvoyer) == (1, 1, 3, True)


def test_the_invitation_lists_every_participant_with_an_address_as_an_attendee(reunion):
    cal = icalendar.Calendar.from_ical(
        reunions.contenu_invitation(reunion, list(reunion.participants.all()), "REQUEST")
    )
    assert len(_attendees(cal.walk("VEVENT")[0])) == 2
