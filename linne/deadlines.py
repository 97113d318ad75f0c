"""Espace Linné's deadlines for the alerts (roubaix_cs.deadlines): each request of the public waiting
for its answer, due a set number of days after it was received. Its alert is born the day it arrives
(threshold « J-N »), for the régisseurs who answer it (and, as every deadline, the responsables).
And each day of the coming `PLANNING_HORIZON_JOURS` whose hours the régisseurs' rota leaves uncovered
(linne.planning), due that day, alerting as soon as it enters the horizon.

The safety register's (linne.securite): each followed periodic check's next due date (alert
`CONTROLE_SECURITE_ALERTE_JOURS` days ahead, one alert per kind and due date; none before the first check
is recorded), the safety commission's next
visit, and each follow-up action of an incident not done, on its due date, for who takes it on."""

import datetime

from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from roubaix_cs.deadlines import Deadline
from roubaix_cs.liens import chemins
from roubaix_cs.seuils import (
    COMMISSION_SECURITE_ALERTE_JOURS,
    CONTROLE_SECURITE_ALERTE_JOURS,
    DEMANDE_SALLE_REPONSE_JOURS,
    PLANNING_HORIZON_JOURS,
)

from . import planning, securite
from .models import ActionIncident, Creneau, DemandeReservation, Incident, VisiteCommission

KIND_DEMANDE = "linne_demande_salle"
KIND_CRENEAU = "linne_creneau_non_couvert"
KIND_CONTROLE = "linne_controle_securite"
KIND_COMMISSION = "linne_commission_securite"
KIND_ACTION_INCIDENT = "linne_action_incident"
TYPES = {
    KIND_DEMANDE: "Demande de salle à traiter (Espace Linné)",
    KIND_CRENEAU: "Heures non couvertes au planning des régisseurs (Espace Linné)",
    KIND_CONTROLE: "Contrôle de sécurité à faire (Espace Linné)",
    KIND_COMMISSION: "Visite de la commission de sécurité (Espace Linné)",
    KIND_ACTION_INCIDENT: "Action de suivi d'un incident (Espace Linné)",
}
# Who answers the requests: the régisseurs; the alerts reach the responsables too (pilotage.alertes).
DESTINATAIRES = frozenset({Role.REGISSEUR})
# Who the alerts' routing reaches as the named referent of an object (pilotage.alertes.DESTINATAIRES and the
# responsables): an action of an incident one of them takes on goes to them alone.
EQUIPE_NOMMEE = frozenset({Role.RESPONSABLE, Role.AGENT})


def upcoming(today):
    return [*_demandes(), *_heures_non_couvertes(today), *_controles(today), *_commission(), *_actions_incidents()]


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
    since closes its alert. Four queries (linne.planning); none, and no alert, before the first shift is
    recorded here (a new installation, whose rota is still kept elsewhere, does not alert on every day)."""
    if not Creneau.objects.exists():
        return []
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


def _controles(today):
    """Each followed check's next due date, one alert per kind and due date. A check never done is due
    today, once the register is kept here (a check of any kind recorded): until then, the service keeps its
    paper register, and a new installation does not alert on every check at once."""
    lien = reverse("linne:controle_creer")
    seuil = f"J-{CONTROLE_SECURITE_ALERTE_JOURS}"
    etats = securite.etat_des_controles(today)
    if not any(etat.dernier for etat in etats):
        return []
    return [
        Deadline(
            due=etat.echeance,
            kind=KIND_CONTROLE,
            label=f"Contrôle de sécurité à faire : {etat.type_controle.nom} (Espace Linné"
            + (", jamais fait)" if etat.jamais_fait else f", dernier le {etat.dernier.date:%d/%m/%Y})"),
            url=f"{lien}?type_controle={etat.type_controle.pk}",
            threshold=seuil,
            # One alert per kind and due date: the last check names both (a new check, a new alert).
            object_key=f"linne.controle:{etat.dernier.pk}"
            if etat.dernier
            else f"linne.typecontrole:{etat.type_controle.pk}",
            roles=DESTINATAIRES,
        )
        for etat in etats
    ]


def _commission():
    """The next visit of the safety commission, as the last visit recorded set it, when the building has no
    premises file: with one, the visit's dates are in it and its deadline alerts (centres.deadlines), once."""
    if securite.identite_du_batiment() is not None:
        return []
    visite = VisiteCommission.objects.order_by("-date", "-pk").only("pk", "date", "prochaine_visite").first()
    if visite is None or visite.prochaine_visite is None:
        return []
    return [
        Deadline(
            due=visite.prochaine_visite,
            kind=KIND_COMMISSION,
            label=f"Visite de la commission de sécurité de l'Espace Linné (la dernière le {visite.date:%d/%m/%Y})",
            url=reverse("linne:registre"),
            threshold=f"J-{COMMISSION_SECURITE_ALERTE_JOURS}",
            object_key=f"linne.visitecommission:{visite.pk}",
            roles=DESTINATAIRES,
        )
    ]


def _actions_incidents():
    """Each action of an open incident not done, due on its date: for who takes it on when a member of the
    team (pilotage.alertes reaches the team's referents: ActionIncident.REFERENTS_DES_ALERTES), for every
    régisseur otherwise (nobody named, or a régisseur, whom the referents' routing does not reach)."""
    lien = chemins("linne:incident_detail", "#actions")
    lignes = ActionIncident.objects.filter(faite_le__isnull=True, incident__statut=Incident.Statut.OUVERT).values_list(
        "pk", "libelle", "echeance", "incident_id", "responsable__role", named=True
    )
    return [
        Deadline(
            due=ligne.echeance,
            kind=KIND_ACTION_INCIDENT,
            label=f"Suite d'un incident à l'Espace Linné : {ligne.libelle}",
            url=lien(ligne.incident_id),
            threshold="echeance",
            object_key=f"linne.actionincident:{ligne.pk}",
            roles=frozenset() if ligne.responsable__role in EQUIPE_NOMMEE else DESTINATAIRES,
        )
        for ligne in lignes.order_by("echeance", "pk")
    ]
