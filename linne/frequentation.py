"""The attendance of Espace Linné's past bookings, and the snapshot the statistics read (issue 18).

Each confirmed booking that has ended gets one `Frequentation` row: a copy of what the statistics need
(room, organisation and its kind, times, kind of activity, value and amount charged), and the attendance
the régisseurs record (people present, or the organisation did not come). The copy holds no contact:
erasing a contact's personal data (`linne.retention`) leaves the statistics as they were. This module
is the only writer of those rows; the nightly task snapshots the bookings of the day before.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .grille import debut_du_jour
from .models import Frequentation, Reservation

HEURE = Decimal(3600)


def _duree_heures(reservation):
    secondes = Decimal((reservation.fin - reservation.debut).total_seconds())
    return (secondes / HEURE).quantize(Decimal("0.01"))


def instantane(reservation):
    """The snapshot fields of `reservation` (its room and organisation loaded), without the attendance."""
    organisation = reservation.organisation
    return {
        "salle_id": reservation.salle_id,
        "organisation_id": reservation.organisation_id,
        "organisation_nom": organisation.nom,
        "nature_organisation": organisation.nature,
        "quartier_prioritaire": organisation.quartier_prioritaire,
        "categorie": reservation.categorie,
        "type_activite": reservation.type_activite,
        "public": reservation.public,
        "date": timezone.localtime(reservation.debut).date(),
        "debut": reservation.debut,
        "fin": reservation.fin,
        "duree_heures": _duree_heures(reservation),
        "valeur": reservation.valeur,
        "montant": reservation.montant,
        "effectif_prevu": reservation.effectif_prevu,
    }


def a_figer(maintenant=None):
    """The confirmed bookings that have ended and have no snapshot yet."""
    maintenant = maintenant or timezone.now()
    return Reservation.objects.confirmees().filter(fin__lte=maintenant, frequentation__isnull=True)


@transaction.atomic
def figer(reservations):
    """Snapshot each booking of `reservations` (confirmed and ended) that has none yet; return how many
    were taken. Three queries whatever their number; taking them again adds nothing."""
    nouvelles = [
        Frequentation(reservation=r, **instantane(r))
        for r in reservations.filter(frequentation__isnull=True).select_related("organisation")
    ]
    Frequentation.objects.bulk_create(nouvelles)
    return len(nouvelles)


def figer_passees(maintenant=None):
    """The nightly job: snapshot every confirmed booking ended by `maintenant` (default: now)."""
    return figer(a_figer(maintenant))


def a_saisir(jour, maintenant=None):
    """The bookings of `jour` whose attendance can be recorded (confirmed and ended by `maintenant`), with
    their snapshot if taken, for the day's list the régisseurs fill in."""
    maintenant = maintenant or timezone.now()
    return (
        Reservation.objects.confirmees()
        .filter(debut__gte=debut_du_jour(jour), debut__lt=debut_du_jour(jour + datetime.timedelta(days=1)))
        .filter(fin__lte=maintenant)
        .select_related("salle", "organisation", "frequentation")
        .order_by("debut", "salle__nom", "pk")
    )


@transaction.atomic
def enregistrer(reservation, *, effectif_reel=None, absence=False, par, maintenant=None):
    """Record the attendance of `reservation`: the number of people present, or that the organisation
    did not come. Refused (ValidationError, in French) before the booking's end, for a booking not
    confirmed, or without a count when the organisation came. Taking the snapshot if it was not."""
    maintenant = maintenant or timezone.now()
    reservation = Reservation.objects.select_related("organisation").get(pk=reservation.pk)
    if reservation.statut != Reservation.Statut.CONFIRMEE:
        raise ValidationError("La fréquentation se saisit pour une réservation confirmée.")
    if reservation.fin > maintenant:
        raise ValidationError("La fréquentation se saisit une fois la réservation terminée.")
    if absence:
        effectif_reel = None
    elif effectif_reel is None:
        raise ValidationError(
            {"effectif_reel": "Indiquez le nombre de personnes présentes, ou que l'organisation n'est pas venue."}
        )
    frequentation = Frequentation.objects.select_for_update().filter(reservation=reservation).first()
    if frequentation is None:
        frequentation = Frequentation(reservation=reservation, **instantane(reservation))
    frequentation.effectif_reel = effectif_reel
    frequentation.absence = absence
    frequentation.saisie_par = par
    frequentation.saisie_le = maintenant
    frequentation.full_clean(exclude=["reservation", "salle", "organisation"])
    frequentation.save()
    return frequentation
