"""Calendar feeds (RFC 5545), written by hand: all-day events are all the feeds need."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Ville de Roubaix//Mission Centres Sociaux//FR"
DOMAINE_UID = "centres-sociaux.roubaix"


@dataclass(frozen=True)
class EvenementIcs:
    """One all-day event. `uid` must stay the same for the same object across downloads."""

    uid: str
    jour: datetime.date
    resume: str
    lieu: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0


def echapper(texte: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        texte.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def plier(ligne: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    morceaux, courant, taille = [], "", 0
    for caractere in ligne:
        octets = len(caractere.encode("utf-8"))
        limite = 75 if not morceaux else 74  # continuation lines start with a space
        if taille + octets > limite:
            morceaux.append(courant)
            courant, taille = "", 0
        courant += caractere
        taille += octets
    morceaux.append(courant)
    return "\r\n ".join(morceaux)


def calendrier(nom: str, evenements, *, maintenant=None) -> str:
    """The whole VCALENDAR, CRLF line endings."""
    stamp = (maintenant or timezone.now()).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lignes = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{echapper(nom)}",
    ]
    for e in evenements:
        lignes += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{e.jour:%Y%m%d}",
            f"DTEND;VALUE=DATE:{e.jour + datetime.timedelta(days=1):%Y%m%d}",
            f"SEQUENCE:{e.sequence}",
            f"SUMMARY:{echapper(e.resume)}",
        ]
        if e.lieu:
            lignes.append(f"LOCATION:{echapper(e.lieu)}")
        if e.description:
            lignes.append(f"DESCRIPTION:{echapper(e.description)}")
        if e.url:
            lignes.append(f"URL:{e.url}")
        lignes += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lignes.append("END:VCALENDAR")
    return "".join(plier(ligne) + "\r\n" for ligne in lignes)
