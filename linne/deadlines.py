"""Espace Linné's deadlines for the alerts (roubaix_cs.deadlines): each request of the public waiting
for its answer, due a set number of days after it was received. Its alert is born the day it arrives
(threshold « J-N »), for the régisseurs who answer it (and, as every deadline, the responsables)."""

import datetime

from django.utils import timezone

from comptes.models import Role
from roubaix_cs.deadlines import Deadline
from roubaix_cs.liens import chemins
from roubaix_cs.seuils import DEMANDE_SALLE_REPONSE_JOURS

from .models import DemandeReservation

KIND_DEMANDE = "linne_demande_salle"
TYPES = {KIND_DEMANDE: "Demande de salle à traiter (Espace Linné)"}
# Who answers the requests: the régisseurs; the alerts reach the responsables too (pilotage.alertes).
DESTINATAIRES = frozenset({Role.REGISSEUR})


def upcoming(today):
    lien = chemins("linne:demande_detail")
    seuil = f"J-{DEMANDE_SALLE_REPONSE_JOURS}"
    delai = datetime.timedelta(days=DEMANDE_SALLE_REPONSE_JOURS)
    en_attente = DemandeReservation.objects.filter(statut=DemandeReservation.Statut.RECUE).order_by("recue_le", "pk")
    deadlines = []
    for pk, nom, recue_le in en_attente.values_list("pk", "nom_organisation", "recue_le"):
        recue = timezone.localtime(recue_le).date()
        deadlines.append(
            Deadline(
                due=recue + delai,
                kind=KIND_DEMANDE,
                label=f"Répondre à la demande de salle de {nom} (reçue le {recue:%d/%m/%Y})",
                url=lien(pk),
                threshold=seuil,
                object_key=f"linne.demandereservation:{pk}",
                roles=DESTINATAIRES,
            )
        )
    return deadlines
