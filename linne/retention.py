"""Retention of the personal data Espace Linné keeps (RGPD art. 5-1-e), run by `roubaix_cs.retention.purger`.

The contact of a booking, of a series or of a request from the public (name, e-mail, telephone; the
request's message and the keyed hash of its sender's address) is kept to organise the booking and answer
for it, then `RETENTION_DEMANDES_PUBLIC_MOIS` months after the booking's end (the series' last date, the
request's receipt or its last booking) it is effaced with the history rows that held it: the booking stays
with its organisation, room, times and amounts, so that the statistics and the in-kind aid stay right. An
insurance certificate's file is deleted the same time after the end of its validity.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from roubaix_cs.retention import MOTIF_ANONYMISATION, Purge, effacer_historique

from . import frequentation
from .models import DemandeReservation, Justificatif, Reservation, Serie

ANONYME = "(anonymisé)"
_CONTACT = {"contact_nom": ANONYME, "contact_email": "", "contact_telephone": ""}


def limite(today: datetime.date) -> datetime.date:
    return today - relativedelta(months=settings.RETENTION_DEMANDES_PUBLIC_MOIS)


def _debut_du_jour(jour):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time.min))


def a_anonymiser(today: datetime.date):
    """What holds a contact past its retention period: (model, queryset, the extra fields to empty)."""
    avant = _debut_du_jour(limite(today))
    pas_encore = ~Q(contact_nom=ANONYME)
    demandes = (
        DemandeReservation.objects.filter(pas_encore, recue_le__lt=avant)
        .annotate(derniere=Max("reservations__fin"))
        .filter(Q(derniere__isnull=True) | Q(derniere__lt=avant))
    )
    return [
        (Reservation, Reservation.objects.filter(pas_encore, fin__lt=avant), {}),
        (Serie, Serie.objects.filter(pas_encore, date_fin__lt=limite(today)), {}),
        (DemandeReservation, demandes, {"message": "", "empreinte_adresse": ""}),
    ]


def _anonymiser(modele, objets, autres):
    effacer_historique(modele, [o.pk for o in objets])
    for objet in objets:
        for champ, valeur in {**_CONTACT, **autres}.items():
            setattr(objet, champ, valeur)
        objet._change_reason = MOTIF_ANONYMISATION
        objet.save()


def purger(today: datetime.date, *, simuler: bool = False) -> list[Purge]:
    mois = settings.RETENTION_DEMANDES_PUBLIC_MOIS
    if not simuler:
        # The statistics read the snapshots: take those the nightly job has not taken yet, first.
        frequentation.figer_passees()
    purges = []
    for modele, queryset, autres in a_anonymiser(today):
        purge = Purge(
            f"Contacts des {modele._meta.verbose_name_plural} de l'Espace Linné, {mois} mois après, anonymisés"
        )
        objets = list(queryset.order_by("pk"))
        purge.objets = [str(o) for o in objets]
        purge.historique = modele.history.filter(id__in=[o.pk for o in objets]).count()
        if objets and not simuler:
            _anonymiser(modele, objets, autres)
        purges.append(purge)
    fichiers = Purge(f"Attestations d'assurance de l'Espace Linné échues depuis {mois} mois, supprimées")
    for justificatif in Justificatif.objects.exclude(fichier="").filter(valide_jusqu_au__lt=limite(today)):
        fichiers.objets.append(f"{justificatif} ({justificatif.nom_fichier})")
        if not simuler:
            justificatif.fichier.delete(save=False)
            justificatif.nom_fichier = ""
            justificatif.save(update_fields=["fichier", "nom_fichier"])
    purges.append(fichiers)
    return purges
