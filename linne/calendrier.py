"""Espace Linné's calendar feeds: the bookings in the service's personal feeds (extension point
`calendrier`), and each room's own feed at its secret address (`Salle.jeton_flux`).

The personal feed of a régisseur carries all the confirmed bookings to come, with the contact to call; that
of the rest of the team (who manage Linné too, but do not run the site) the bookings they made and the
public events; the élus and the partners get none in theirs. A régisseur's feed carries their own shifts of
the rota too, the responsable's every régisseur's shifts (one query more). A room's feed is read by the
calendars of the site (a screen at the door, a shared agenda): it names the room, the organisation and
the purpose, never a contact.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from comptes.models import Role
from comptes.permissions import GESTION_LINNE
from roubaix_cs import ics
from roubaix_cs.lecture import lisible

from .grille import debut_du_jour, liens_reservations
from .models import Creneau, Reservation
from .planning import url_semaine

# The personal feed shows the next three months: what the régisseurs plan (set-ups, the rota) and what
# the requests ask for. The seasonal series are booked to June; a year of weekly occurrences of every
# room would bury the feed's other events (deadlines, meetings) and slow every calendar's refresh.
HORIZON_FLUX_PERSONNEL = relativedelta(months=3)
# A room's feed keeps the past month (what took place, when a question comes back) and the next six
# months (the season booked so far, about 26 weeks).
RECUL_FLUX_SALLE = datetime.timedelta(days=30)
HORIZON_FLUX_SALLE = relativedelta(months=6)


def _heure(moment):
    return f"{timezone.localtime(moment):%H:%M}"


def _creneau(r):
    """The room's time the booking holds, set-up and clean-up included."""
    return f"Salle occupée de {_heure(r.debut_bloque)} (installation) à {_heure(r.fin_bloque)} (rangement)."


def _lieu(r):
    return f"Espace Linné, {r.salle.nom}"


def _acces(r):
    return "Événement public" if r.public else "Événement privé"


def evenements(user, today):
    """The confirmed bookings of the next three months: all of them for a régisseur, those they made and the
    public events for the rest of the team; none for the others. One query; and the shifts, one more."""
    if user.role not in GESTION_LINNE:
        return []
    return _reservations(user, today) + creneaux(user, today)


def creneaux(user, today):
    """The shifts of the next three months: a régisseur's own, every régisseur's for the responsable; none
    for the others. One query (none for them)."""
    if user.role not in (Role.REGISSEUR, Role.RESPONSABLE):
        return []
    qs = Creneau.objects.filter(
        debut__gte=debut_du_jour(today), debut__lt=debut_du_jour(today + HORIZON_FLUX_PERSONNEL)
    )
    if user.role == Role.REGISSEUR:
        qs = qs.filter(regisseur=user)
    trouves = []
    for c in qs.select_related("regisseur").order_by("debut", "pk"):
        qui = c.regisseur.get_full_name() or c.regisseur.username
        trouves.append(
            ics.EvenementIcs(
                uid=ics.uid("linne-creneau", c.pk),
                debut=c.debut,
                fin=c.fin,
                resume=f"Permanence à l'Espace Linné — {qui}",
                lieu="Espace Linné",
                description=c.note,
                url=url_semaine(timezone.localtime(c.debut).date()),
            )
        )
    return trouves


def _reservations(user, today):
    avec_contact = lisible(user, Reservation, "contact_nom")
    reservations = Reservation.objects.confirmees()
    if user.role != Role.REGISSEUR:
        reservations = reservations.filter(Q(cree_par=user) | Q(public=True))
    reservations = (
        reservations.filter(debut__gte=debut_du_jour(today), debut__lt=debut_du_jour(today + HORIZON_FLUX_PERSONNEL))
        .select_related("salle", "organisation")
        .order_by("debut", "pk")
    )
    lien = liens_reservations()
    trouves = []
    for r in reservations:
        lignes = [r.objet, f"{_acces(r)}, {r.effectif_prevu} personnes attendues.", _creneau(r)]
        if avec_contact:
            telephone = f", {r.contact_telephone}" if r.contact_telephone else ""
            lignes.append(f"Contact : {r.contact_nom}{telephone}.")
        trouves.append(
            ics.EvenementIcs(
                uid=ics.uid("linne-reservation", r.pk),
                debut=r.debut,
                fin=r.fin,
                resume=f"{r.salle.nom} — {r.organisation.nom}",
                lieu=_lieu(r),
                description="\n".join(lignes),
                url=lien(r.pk),
            )
        )
    return trouves


def evenements_salle(salle, today):
    """The confirmed bookings of `salle` from a month ago to six months ahead: its room, organisation and
    purpose, never a contact. One query."""
    reservations = (
        Reservation.objects.confirmees()
        .filter(
            salle=salle,
            debut__gte=debut_du_jour(today - RECUL_FLUX_SALLE),
            debut__lt=debut_du_jour(today + HORIZON_FLUX_SALLE),
        )
        .select_related("salle", "organisation")
        .only(
            "pk",
            "version",
            "debut",
            "fin",
            "debut_bloque",
            "fin_bloque",
            "objet",
            "public",
            "salle__nom",
            "organisation__nom",
        )
        .order_by("debut", "pk")
    )
    lien = liens_reservations()
    return [
        ics.EvenementIcs(
            uid=ics.uid("linne-salle", r.pk),
            debut=r.debut,
            fin=r.fin,
            resume=f"{r.organisation.nom} — {r.objet}",
            lieu=_lieu(r),
            description=f"{r.objet}\n{_acces(r)}.\n{_creneau(r)}",
            url=lien(r.pk),
            sequence=r.version - 1,  # each save of the booking raises it: the feed's read writes nothing
        )
        for r in reservations
    ]
