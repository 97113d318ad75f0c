"""Demo data of pilotage for seed_demo, after every lower app's demo data: the meetings and their actions
(pilotage/demo_reunions.py), then the alerts of the day as the morning job
stores them (so they grow with `--scale`, one per deadline reached and person who follows it), the
responsable's already read for the safety commissions, the agent's choice of a weekly e-mail for the
expiring documents, the élu's weekly summary, and the responsable's personal calendar address.

Idempotent: the service creates each alert once, the rest is read before it is written.
"""

from django.utils import timezone

from comptes import flux_calendrier

from . import alertes, demo_reunions
from .models import Alerte, PreferenceAlerte, ResumeElu

LUES_PAR_LA_RESPONSABLE = "commission_securite"
HEBDOMADAIRE_POUR_L_AGENT = "document_expiration"


def charger(contexte):
    today, users = contexte["today"], contexte["users"]
    demo_reunions.charger(contexte)  # before the alerts: their actions' deadlines alert
    alertes.synchroniser(today)
    Alerte.objects.filter(user=users["responsable"], kind=LUES_PAR_LA_RESPONSABLE).acquitter(timezone.now())
    PreferenceAlerte.objects.get_or_create(
        user=users["agent"],
        kind=HEBDOMADAIRE_POUR_L_AGENT,
        defaults={"frequence": PreferenceAlerte.Frequence.HEBDOMADAIRE},
    )
    ResumeElu.objects.get_or_create(user=users["elu"], defaults={"actif": True})
    if flux_calendrier.jeton_actif(users["responsable"]) is None:
        flux_calendrier.regenerer(user=users["responsable"])
