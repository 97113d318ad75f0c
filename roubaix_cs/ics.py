"""Calendar feeds (RFC 5545), written with the icalendar library.

An event is all-day (`debut` a date; its DTEND is the day after, exclusive) or timed (`debut` a
datetime, shown in Europe/Paris with its VTIMEZONE block). A feed that calendars subscribe to is
published with METHOD:PUBLISH and carries no attendee; an invitation e-mailed to a meeting's participants
(iTIP, RFC 5546: METHOD:REQUEST, or METHOD:CANCEL when it is cancelled, with an organiser and attendees)
is written by `invitation`.

The UID names the object (`<kind>-<key>@DOMAINE_UID`), so it stays the same across downloads.
The SEQUENCE is given by the caller: comptes/flux_calendrier.py counts the changes of each event's
published content, so that it rises when the event changes and not when it is downloaded again.
"""

import datetime
import hashlib
import zoneinfo
from dataclasses import dataclass

import icalendar
from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Ville de Roubaix//Mission Centres Sociaux//FR"
DOMAINE_UID = "centres-sociaux.roubaix"
FUSEAU = zoneinfo.ZoneInfo("Europe/Paris")
PUBLISH = "PUBLISH"
REQUEST = "REQUEST"  # an invitation, or its update (same UID, higher SEQUENCE)
CANCEL = "CANCEL"  # the event is cancelled: same UID, higher SEQUENCE, STATUS:CANCELLED
# How often subscribed calendars should fetch the feed again (RFC 7986 REFRESH-INTERVAL, and the
# X-PUBLISHED-TTL that Outlook reads): deadlines move by the day, so a few hours is enough.
RAFRAICHIR = datetime.timedelta(hours=4)
DUREE_PAR_DEFAUT = datetime.timedelta(hours=1)  # a timed event given without its end


@dataclass(frozen=True)
class EvenementIcs:
    """One event. `uid` must stay the same for the same object across downloads."""

    uid: str
    debut: datetime.date | datetime.datetime  # a date: an all-day event
    resume: str
    fin: datetime.date | datetime.datetime | None = None  # exclusive; by default the next day or one hour
    lieu: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0

    @property
    def journee(self):
        return not isinstance(self.debut, datetime.datetime)

    @property
    def fin_exclusive(self):
        if self.fin is not None:
            return self.fin
        return self.debut + (datetime.timedelta(days=1) if self.journee else DUREE_PAR_DEFAUT)

    @property
    def empreinte(self):
        """The published content, hashed: a change of it must raise the SEQUENCE."""
        contenu = "\x1f".join(
            str(v) for v in (self.debut, self.fin_exclusive, self.resume, self.lieu, self.description, self.url)
        )
        return hashlib.sha256(contenu.encode()).hexdigest()


@dataclass(frozen=True)
class Personne:
    """An organiser or an attendee of an invitation: an address, and the name calendars show."""

    email: str
    nom: str = ""


def type_mime_invitation(methode: str) -> str:
    """The MIME type of an invitation's part in an e-mail (iMIP, RFC 6047): the method in a parameter."""
    return f"text/calendar; method={methode}; charset=utf-8"


def uid(nature: str, cle) -> str:
    """The UID of an object: `nature` names what it is (`ag`, a deadline's kind), `cle` which one."""
    return f"{nature}-{cle}@{DOMAINE_UID}"


def _heure(moment):
    """A timed event's moments in Europe/Paris (a naive one is taken as Paris time)."""
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=FUSEAU)
    return moment.astimezone(FUSEAU)


def _vevent(e, stamp):
    event = icalendar.Event()
    event.add("uid", e.uid)
    event.add("dtstamp", stamp)
    if e.journee:
        event.add("dtstart", e.debut)
        event.add("dtend", e.fin_exclusive)
        event.add("transp", "TRANSPARENT")  # a due date does not make anyone busy
    else:
        event.add("dtstart", _heure(e.debut))
        event.add("dtend", _heure(e.fin_exclusive))
        event.add("transp", "OPAQUE")
    event.add("sequence", e.sequence)
    event.add("summary", e.resume)
    if e.lieu:
        event.add("location", e.lieu)
    if e.description:
        event.add("description", e.description)
    if e.url:
        event.add("url", e.url)
    return event


def calendrier(nom: str, evenements, *, maintenant=None) -> bytes:
    """The whole VCALENDAR of a subscribed feed (METHOD:PUBLISH, no attendee), as UTF-8 bytes."""
    stamp = (maintenant or timezone.now()).astimezone(datetime.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", PUBLISH)
    cal.add("name", nom)
    cal.add("x-wr-calname", nom)
    cal.add("x-wr-timezone", FUSEAU.key)
    cal.add("refresh-interval", RAFRAICHIR, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(RAFRAICHIR))
    evenements = list(evenements)
    for e in evenements:
        cal.add_component(_vevent(e, stamp))
    _fuseaux(cal, evenements)
    return cal.to_ical()


def _fuseaux(cal, evenements):
    """The VTIMEZONE of Europe/Paris, its transitions over the years of the timed events only."""
    annees = {annee for e in evenements if not e.journee for annee in (e.debut.year, e.fin_exclusive.year)}
    if annees:
        cal.add_missing_timezones(
            first_date=datetime.date(min(annees) - 1, 1, 1), last_date=datetime.date(max(annees) + 1, 12, 31)
        )


def _adresse(personne, **parametres):
    adresse = icalendar.vCalAddress(f"mailto:{personne.email}")
    if personne.nom:
        adresse.params["CN"] = personne.nom
    for nom, valeur in parametres.items():
        adresse.params[nom.replace("_", "-").upper()] = valeur
    return adresse


def invitation(evenement, *, methode, organisateur, participants, maintenant=None) -> bytes:
    """The VCALENDAR of an invitation e-mailed to `participants` (Personne) by `organisateur` (iTIP):
    METHOD:REQUEST for an invitation or its update (the caller keeps the UID and raises the SEQUENCE when
    the event changed), METHOD:CANCEL with STATUS:CANCELLED when it is called off, never a REQUEST with a
    cancelled status. As UTF-8 bytes."""
    if methode not in (REQUEST, CANCEL):
        raise ValueError(f"Méthode d'invitation inconnue : {methode}")
    stamp = (maintenant or timezone.now()).astimezone(datetime.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", methode)
    event = _vevent(evenement, stamp)
    event.add("organizer", _adresse(organisateur))
    for personne in participants:
        event.add(
            "attendee",
            _adresse(personne, cutype="INDIVIDUAL", role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="TRUE"),
        )
    event.add("status", "CANCELLED" if methode == CANCEL else "CONFIRMED")
    cal.add_component(event)
    _fuseaux(cal, [evenement])
    return cal.to_ical()


def reponse(nom_fichier: str, contenu: bytes):
    """The feed's response: served as is (never compressed, which some calendars do not read), and
    private (a personal feed must not sit in a shared cache)."""
    response = HttpResponse(contenu, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{nom_fichier}"'
    response["Cache-Control"] = "private, max-age=0"
    return response
