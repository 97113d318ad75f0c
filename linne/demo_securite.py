"""Demo data of Espace Linné's safety register for seed_demo: a year of periodic checks of each kind the
rules ask for (migration 0004), one of them overdue (the emergency lighting, last checked 14 months ago)
and one with observations (the extinguishers), the last visit of the safety commission (favourable, with
a prescription) and its next date, and one incident (a fall on the stairs during the autumn concert) with
two follow-up actions, one done.

Not grown by `seed_demo --scale`: the register is the building's, one whatever the number of rooms or
centres. Idempotent: the checks, the visit and the incident are each written once.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from . import securite
from .models import Controle, Incident, Reservation, Salle, TypeControle, VisiteCommission
from .types_controle import creer_types

INTERVENANTS = {
    "Installations électriques": "Bureau de contrôle Norisko (fictif)",
    "Installations de gaz": "Gaz Services Métropole (fictif)",
}
INTERVENANT = "Société Sécurité Nord (fictive)"
# Months before the demo day of each kind's last check (the one before it came a periodicity earlier).
ANCIENNETE_MOIS = {"Éclairage de sécurité": 14}
OBSERVATIONS = {
    "Extincteurs": "Un extincteur de l'atelier à recharger (pression basse) : remplacé le jour même.",
}
CONCERT = "Concert d'automne de la chorale"


def charger(contexte):
    today, par = contexte["today"], contexte["users"]["regisseur"]
    creer_types(TypeControle)  # a database emptied since its migration (a test's flush) has lost them
    if not Controle.objects.exists():
        _controles(today, par)
    if not VisiteCommission.objects.exists():
        _commission(today, par)
    if not Incident.objects.exists():
        _incident(today, par)


def _controles(today, par):
    for rang, type_controle in enumerate(TypeControle.objects.filter(actif=True).order_by("ordre", "nom")):
        mois = ANCIENNETE_MOIS.get(type_controle.nom, 2 + rang % 9)
        dernier = today - relativedelta(months=mois)
        for date in (dernier - relativedelta(months=type_controle.periodicite_mois), dernier):
            observations = OBSERVATIONS.get(type_controle.nom, "") if date == dernier else ""
            securite.enregistrer_controle(
                type_controle=type_controle,
                date=date,
                intervenant=INTERVENANTS.get(type_controle.nom, INTERVENANT),
                resultat=Controle.Resultat.OBSERVATIONS if observations else Controle.Resultat.CONFORME,
                observations=observations,
                par=par,
            )


def _commission(today, par):
    # The same dates as the building's premises file (centres/demo.py).
    securite.enregistrer_visite(
        date=today - datetime.timedelta(days=700),
        nature=VisiteCommission.Nature.PERIODIQUE,
        avis=VisiteCommission.Avis.FAVORABLE,
        prescriptions="Afficher le plan d'évacuation à jour à chaque étage et à l'accueil.",
        prochaine_visite=today + datetime.timedelta(days=45),
        par=par,
    )


def _incident(today, par):
    concert = Reservation.objects.filter(objet=CONCERT).select_related("salle").order_by("debut").first()
    if concert is not None:
        salle, survenu_le = concert.salle, concert.debut + datetime.timedelta(hours=1, minutes=20)
    else:
        salle = Salle.objects.order_by("-capacite", "nom").first()
        survenu_le = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=17), datetime.time(15))
        )
    incident = securite.declarer_incident(
        survenu_le=survenu_le,
        salle=salle,
        nature=Incident.Nature.ACCIDENT,
        description=(
            "Une spectatrice a glissé dans l'escalier qui descend vers la grande salle, à l'entracte : "
            "entorse de la cheville, sans autre blessure."
        ),
        mesures_immediates="Premiers secours donnés par le régisseur, pompiers appelés, escalier balisé.",
        secours_appeles=True,
        par=par,
    )
    faite = securite.ajouter_action(
        incident=incident,
        libelle="Poser des nez de marche antidérapants dans l'escalier",
        echeance=today - datetime.timedelta(days=5),
        par=par,
    )
    securite.marquer_action_faite(action=faite, faite_le=today - datetime.timedelta(days=8), par=par)
    securite.ajouter_action(
        incident=incident,
        libelle="Renforcer l'éclairage de l'escalier et le signaler aux organisateurs",
        echeance=today + datetime.timedelta(days=20),
        par=par,
    )
