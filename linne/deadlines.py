"""Espace Linné's deadlines for the alerts (roubaix_cs.deadlines): each request of the public waiting
for its answer, due a set number of days after it was received. Its alert is born the day it arrives
(threshold « J-N »), for the régisseurs who answer it (and, as every deadline, the responsables).
And each day of the coming `PLANNING_HORIZON_JOURS` whose hours the régisseurs' rota leaves uncovered
(linne.planning), due that day, alerting as soon as it enters the horizon."""

import datetime

from django.utils import timezone

from comptes.models import Role
from roubaix_cs.deadlines import Deadline
from roubaix_cs.liens import chemins
from roubaix_cs.seuils import DEMANDE_SALLE_REPONSE_JOURS, PLANNING_HORIZON_JOURS

from . import planning
from .models import DemandeReservation

KIND_DEMANDE = "linne_demande_salle"
KIND_CRENEAU = "linne_creneau_non_couvert"
TYPES = {
    KIND_DEMANDE: "Demande de salle à traiter (Espace Linné)",
    KIND_CRENEAU: "Heures non couvertes au planning des régisseurs (Espace Linné)",
}
# Who answers the requests: the régisseurs; the alerts reach the responsables too (pilotage.alertes).
DESTINATAIRES = frozenset({Role.REGISSEUR})


def upcoming(today):
    return _demandes() + _heures_non_couvertes(today)


def _demandes():
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


def _heures_non_couvertes(today):
    """One deadline per day of the horizon with uncovered hours, due that day; its key is the day (an alert
    key names a model and an integer: the rota's model and the day as YYYYMMDD), so that a day covered
    since closes its alert. Four queries (linne.planning)."""
    au = today + datetime.timedelta(days=PLANNING_HORIZON_JOURS - 1)
    seuil = f"J-{PLANNING_HORIZON_JOURS}"
    deadlines = []
    for jour, trous in planning.couverture(today, au).items():
        if not trous:
            continue
        heures = " ; ".join(str(t) for t in trous)
        deadlines.append(
            Deadline(
                due=jour,
                kind=KIND_CRENEAU,
                label=f"Heures non couvertes au planning des régisseurs le {jour:%d/%m/%Y} : {heures}",
                url=planning.url_semaine(jour),
                threshold=seuil,
                object_key=f"linne.creneau:{jour:%Y%m%d}",
                roles=DESTINATAIRES,
            )
        )
    return deadlines
