"""Demo data of pilotage for seed_demo, after every lower app's demo data: the meetings and their actions
(pilotage/demo_reunions.py), the Cellule de veille's files of the centres in difficulty (`cellule_de_veille`),
then the alerts of the day as the morning job
stores them (so they grow with `--scale`, one per deadline reached and person who follows it), the
responsable's already read for the safety commissions, the agent's choice of a weekly e-mail for the
expiring documents, the élu's weekly summary, and the responsable's personal calendar address.

Idempotent: the service creates each alert once, the rest is read before it is written.
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from centres.demo import EN_DIFFICULTE
from comptes import flux_calendrier
from roubaix_cs.workflow import enregistrer

from . import alertes, demo_reunions, veille
from .models import (
    Action,
    Alerte,
    LectureSituation,
    Niveau,
    ParticipantReunion,
    PreferenceAlerte,
    ResumeElu,
    Reunion,
    SituationVeille,
)

LUES_PAR_LA_RESPONSABLE = "commission_securite"
HEBDOMADAIRE_POUR_L_AGENT = "document_expiration"


def charger(contexte):
    today, users = contexte["today"], contexte["users"]
    demo_reunions.charger(contexte)  # before the alerts: their actions' deadlines alert
    cellule_de_veille(contexte)
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


# --- The Cellule de veille ------------------------------------------------------------------------------

# The first block's file was decided « alerte » 50 days ago and the cellule has not met since: past the 45
# days of CV-2, its deadline alerts. Each further block of ten centres (--scale) has its own file, followed
# in « vigilance ».
REUNION_IL_Y_A_JOURS = 50
SIGNALEE_IL_Y_A_JOURS = 75
# The cash plan's monthly receipts and expenses (€), from 8 000 €: the seventh and eighth months (the summer,
# on the demo's day) go below zero, until the CAF's balance is paid.
ENCAISSEMENTS = [59000, 52000, 59000, 54000, 52000, 52000, 49000, 30000, 69000, 58000, 57000, 59000]
DECAISSEMENTS = [55000, 54000, 56000, 55000, 54000, 56000, 58000, 36000, 54000, 55000, 56000, 57000]
S = SituationVeille.Statut


def cellule_de_veille(contexte):
    """A file per centre in difficulty (one in ten, centres/demo.py), those that have none yet: signalled,
    snapshots of its three years, a Cellule de veille meeting with the CAF, the Département and the Fédération
    that decided its level, its action plan (one action owned by the Fédération, one overdue), a 12-month cash
    plan that goes negative in the summer, a read by the CAF."""
    today, users, organisations = contexte["today"], contexte["users"], contexte["organisations"]
    en_difficulte = [(rang, centre) for rang, centre in enumerate(contexte["centres"]) if rang % 10 == EN_DIFFICULTE]
    avec_dossier = set(SituationVeille.objects.values_list("centre_id", flat=True))
    for rang, centre in en_difficulte:
        if centre.pk not in avec_dossier:
            _dossier(centre, alerte=rang < 10, today=today, users=users, organisations=organisations)


def _dossier(centre, *, alerte, today, users, organisations):
    responsable, agent, caf = users["responsable"], users["agent"], organisations["CAF du Nord"]
    federation = organisations["Fédération des centres sociaux du Nord"]
    situation = veille.signaler(
        centre=centre,
        signalee_le=today - datetime.timedelta(days=SIGNALEE_IL_Y_A_JOURS),
        motif="Trésorerie négative à la clôture, deux exercices déficitaires et des dettes sociales échues "
        "(alerte de la CAF lors du contrôle des comptes).",
        par=agent,
    )
    situation.analyse = (
        "Fonds de roulement épuisé : la trésorerie ne couvre plus les charges du mois. Les déficits viennent "
        "de la baisse de la fréquentation des accueils de loisirs et de postes non financés. Un plan de "
        "redressement sur deux ans est à construire avec la direction et le conseil d'administration."
    )
    situation.tresorerie_initiale = Decimal("8000.00")
    situation.notes_internes = "Le commissaire aux comptes a été contacté directement par la responsable."
    enregistrer(situation, par=agent, motif="Analyse de la cellule")
    reunion = Reunion.objects.create(
        type=Reunion.Type.CELLULE_VEILLE,
        titre=f"Cellule de veille — {centre.libelle_court}",
        date=today - datetime.timedelta(days=REUNION_IL_Y_A_JOURS),
        heure_debut=datetime.time(9, 30),
        heure_fin=datetime.time(11, 30),
        lieu="Hôtel de ville, salle des commissions",
        statut=Reunion.Statut.TENUE,
        ordre_du_jour=f"1. Situation financière de {centre.nom}\n2. Niveau de veille\n3. Plan d'actions",
        compte_rendu=(
            f"La cellule a examiné les comptes de {centre.nom} : trésorerie négative, deux déficits de suite, "
            "dettes sociales échues. Elle retient un accompagnement du DLA et de la Fédération, et l'étude d'un "
            "calendrier de versement adapté."
        ),
        decisions="Niveau de veille décidé ; plan d'actions adopté.",
        organisateur=responsable,
    )
    reunion.situations.add(situation)
    ParticipantReunion.objects.bulk_create(
        [
            ParticipantReunion(reunion=reunion, user=responsable, presence=ParticipantReunion.Presence.PRESENT),
            ParticipantReunion(
                reunion=reunion, user=users["caf"], organisation=caf, presence=ParticipantReunion.Presence.PRESENT
            ),
            ParticipantReunion(
                reunion=reunion,
                user=users["departement"],
                organisation=organisations["Département du Nord"],
                presence=ParticipantReunion.Presence.PRESENT,
            ),
            ParticipantReunion(
                reunion=reunion,
                organisation=federation,
                nom="Chargée de mission de la Fédération",
                email="federation@demo.invalid",
                presence=ParticipantReunion.Presence.EXCUSE,
            ),
        ]
    )
    veille.decider_niveau(
        situation=situation,
        niveau=Niveau.ALERTE if alerte else Niveau.VIGILANCE,
        reunion=reunion,
        motifs="Trésorerie négative et deux déficits de suite : la cellule retient le niveau proposé par les "
        "signaux financiers, en attendant le diagnostic du DLA.",
        par=responsable,
        jour=today,
    )
    veille.changer_statut(situation=situation, vers=S.EN_ANALYSE, par=agent, jour=today)
    veille.changer_statut(
        situation=situation, vers=S.SUIVIE, par=agent, commentaire="Plan d'actions adopté par la cellule", jour=today
    )
    actions = [
        Action(
            libelle="Étudier un calendrier de versement adapté de la subvention de fonctionnement",
            mesure=Action.Mesure.CALENDRIER_VERSEMENTS,
            porteur_user=responsable,
            echeance=today + datetime.timedelta(days=30),
        ),
        Action(
            libelle="Mobiliser le DLA pour un diagnostic financier",
            mesure=Action.Mesure.DLA,
            porteur_organisation=federation,
            echeance=today - datetime.timedelta(days=10),  # overdue
            statut=Action.Statut.EN_COURS,
        ),
        Action(
            libelle="Accompagner la direction et le conseil d'administration",
            mesure=Action.Mesure.FEDERATION,
            porteur_organisation=federation,
            echeance=today + datetime.timedelta(days=60),
        ),
    ]
    for action in actions:
        action.reunion, action.situation = reunion, situation
        action._history_user = responsable
        action.save()
    premier = today.replace(day=1) + relativedelta(months=1)
    mois = {
        premier + relativedelta(months=i): (Decimal(e), Decimal(d), "Versement du solde CAF" if i == 8 else "")
        for i, (e, d) in enumerate(zip(ENCAISSEMENTS, DECAISSEMENTS, strict=True))
    }
    veille.enregistrer_plan(situation=situation, mois=mois, par=agent)
    LectureSituation.objects.create(
        situation=situation,
        user=users["caf"],
        lu_le=timezone.now() - datetime.timedelta(days=REUNION_IL_Y_A_JOURS - 2),
        page="page du dossier",
    )
