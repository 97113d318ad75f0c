"""What Espace Linné's calendars read besides the grids (linne/grille.py): the régisseurs' day sheet, and
the public agenda of the public events to come with its calendar feed.

The public side reads only what a public event announces: its date and time, its room, its organisation
and its purpose. The queries load no other column (`only`), so that a contact's name, e-mail or telephone
or an internal note cannot reach a public page, whatever its template does.
"""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.utils import timezone

from roubaix_cs import ics

from .grille import debut_du_jour
from .models import Fermeture, Reservation

# A page of the public agenda: about a month of Espace Linné's public events.
AGENDA_PAR_PAGE = 20
# The public feed announces the coming year: associations book their public events a season ahead
# at most, and a calendar application has no use for more.
HORIZON_AGENDA = datetime.timedelta(days=366)
NOM_FLUX_AGENDA = "Espace Linné — agenda public"
CHAMPS_PUBLICS = ("version", "debut", "fin", "objet", "salle__nom", "organisation__nom")


@dataclass(frozen=True)
class SalleDuJour:
    """A room on the day sheet, with its confirmed bookings of the day in order."""

    salle: object
    reservations: list


def feuille_du_jour(jour):
    """Each room that has confirmed bookings on `jour`, by name, with them in order; and the closures of
    that day (the whole site's, and those of a room). Two queries."""
    reservations = (
        Reservation.objects.confirmees()
        .entre(debut_du_jour(jour), debut_du_jour(jour + datetime.timedelta(days=1)))
        .select_related("salle", "organisation")
        .order_by("salle__nom", "salle_id", "debut", "pk")
    )
    salles = [SalleDuJour(salle, list(lot)) for salle, lot in groupby(reservations, key=lambda r: r.salle)]
    fermetures = Fermeture.objects.filter(debut__lte=jour, fin__gte=jour).select_related("salle")
    return {"salles": salles, "fermetures": list(fermetures.order_by("salle__nom", "pk")), "jour": jour}


def evenements_publics(maintenant):
    """The confirmed public events not yet over, soonest first: only what the public agenda shows."""
    return (
        Reservation.objects.publiques_a_venir(maintenant)
        .select_related("salle", "organisation")
        .only(*CHAMPS_PUBLICS)
        .order_by("debut", "pk")
    )


def par_mois(reservations):
    """[(first day of the month, [its events])] of events in order."""
    return [
        (mois, list(lot))
        for mois, lot in groupby(reservations, key=lambda r: timezone.localtime(r.debut).date().replace(day=1))
    ]


def evenements_ics_publics(maintenant, url_agenda):
    """The public events of the coming year as calendar events: no contact, no note; their link the
    public agenda. One query."""
    reservations = evenements_publics(maintenant).filter(debut__lt=maintenant + HORIZON_AGENDA)
    return [
        ics.EvenementIcs(
            uid=ics.uid("linne-agenda", r.pk),
            debut=r.debut,
            fin=r.fin,
            resume=f"{r.objet} — {r.organisation.nom}",
            lieu=f"Espace Linné, {r.salle.nom}",
            description=f"Organisé par {r.organisation.nom}.",
            url=url_agenda,
            sequence=r.version - 1,  # each save of the booking raises it: no write on a public read
        )
        for r in reservations
    ]
