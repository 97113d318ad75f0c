"""The daily job of the deadline alerts on the demo data with the date pinned: the alerts of each kind
once, to the team only, whoever runs it and however often."""

import io
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from comptes.models import JetonCalendrier, Role
from pilotage.models import Alerte, ExecutionAlertes, PreferenceAlerte, ResumeElu
from pilotage.tasks import alertes_du_jour

from ..partage import donnees_partagees
from .a_faire_demo import JOUR

# What the demo scenario alerts on 1 December 2026 (centres/, conventions/,
# subventions/ and deliberations/demo.py): kind → alerts, one for each person who gets it (the responsable
# always, the agent for the centres and files he follows).
ALERTES_DEMO = {
    "action_visite": 2,  # Épeule's overdue follow-up action: agent and responsable
    "ag_non_tenue": 2,  # Trois-Ponts, AG of 2025 not held by 30 June 2026
    "agrement_expire": 1,  # Sainte-Élisabeth, followed by the responsable only
    "agrement_renouvellement": 6,  # Épeule M-12, Hauts-Champs M-6, Trois-Ponts M-12
    "commission_securite": 6,  # four premises within 60 days, Linné's without a centre
    "convention_fin": 2,  # Épeule's CPOM ends on 30/04/2027: M-6 reached
    "crf": 1,  # Pile's 2025 report, overdue
    "demande_sans_suite": 2,  # requests untouched for 30 days
    "proposition_a_valider": 1,  # a proposal waiting for validation for 7 days
    "transmission_prefecture": 1,  # a voted deliberation not transmitted after 15 days
    "travaux_retard": 1,  # works past their planned end
    "document_expiration": 1,  # Pile's insurance certificate
    "donnees_essentielles": 8,  # five CPOM above 23 000 € not published
    # The political copil's action the agent owns, overdue (pilotage/demo_reunions.py): agent and responsable; the
    # overdue action of Épeule's Cellule de veille plan, owned by the Fédération: the responsable who organised it.
    "action_reunion": 3,
    "veille_reunion": 2,  # Épeule's Cellule de veille file in alerte, no meeting for 50 days: agent and responsable
    # Espace Linné's room requests waiting for their answer (linne/demo_demandes.py: 7 of the 11 centres'): the
    # three régisseurs and the responsable.
    "linne_demande_salle": 28,
    # Espace Linné's rota leaves Wednesday 2 December's evening uncovered (linne/demo_planning.py), and its
    # emergency lighting's yearly check is overdue (linne/demo_securite.py): the régisseurs and the responsable.
    "linne_creneau_non_couvert": 4,
    "linne_controle_securite": 4,
}
# Two referents on the demo data: the agent and the responsable; the three régisseurs for Espace Linné.
DESTINATAIRES_DEMO = {"responsable": 34, "agent": 14, "regisseur": 9, "regisseur2": 9, "regisseur3": 9}

pytestmark = pytest.mark.django_db


@donnees_partagees
def demo_du_jour():
    with time_machine.travel(JOUR, tick=False), override_settings(DEVELOPPEMENT=True):
        call_command("seed_demo", verbosity=0)


# --- On the demo data ------------------------------------------------------------------------------


@time_machine.travel(JOUR, tick=False)
def test_the_demo_comes_with_the_alerts_of_the_day_and_the_job_then_creates_none(demo_du_jour):
    assert Counter(Alerte.objects.values_list("kind", flat=True)) == ALERTES_DEMO
    assert ExecutionAlertes.objects.get().jour == JOUR.date()
    assert alertes_du_jour() == {}  # the same day: nothing created, nothing closed


@time_machine.travel(JOUR, tick=False)
def test_the_job_on_the_demo_data_creates_the_alerts_of_each_kind_and_a_second_run_none(demo_du_jour):
    Alerte.objects.all().delete()
    premier = alertes_du_jour()
    assert {kind: compte["creees"] for kind, compte in premier.items()} == ALERTES_DEMO
    assert Counter(Alerte.objects.values_list("kind", flat=True)) == ALERTES_DEMO

    assert alertes_du_jour() == {}  # the same day again: nothing created, nothing closed
    assert Alerte.objects.count() == sum(ALERTES_DEMO.values())


@time_machine.travel(JOUR, tick=False)
def test_the_demo_grows_the_alert_tables_and_a_second_run_adds_nothing(demo_du_jour):
    avant = {modele: modele.objects.count() for modele in (Alerte, PreferenceAlerte, ResumeElu, JetonCalendrier)}
    assert all(avant.values()), avant
    assert Alerte.objects.filter(user__username="responsable", kind="commission_securite").non_lues().count() == 0
    with override_settings(DEVELOPPEMENT=True):
        call_command("seed_demo", verbosity=0)
    assert {modele: modele.objects.count() for modele in avant} == avant


@time_machine.travel(JOUR, tick=False)
def test_the_demo_alerts_go_to_the_team_never_to_elus_or_partners(demo_du_jour):
    alertes_du_jour()
    par_personne = Counter(Alerte.objects.values_list("user__username", flat=True))
    assert par_personne == DESTINATAIRES_DEMO
    assert not Alerte.objects.exclude(user__role__in=[Role.RESPONSABLE, Role.AGENT, Role.REGISSEUR]).exists()
    assert set(Alerte.objects.filter(user__role=Role.REGISSEUR).values_list("kind", flat=True)) == {
        "linne_demande_salle",
        "linne_creneau_non_couvert",
        "linne_controle_securite",
    }


@time_machine.travel(JOUR, tick=False)
def test_the_command_for_cron_does_the_same_and_says_it_in_french(demo_du_jour):
    Alerte.objects.all().delete()
    sortie = io.StringIO()
    call_command("alertes", stdout=sortie)
    texte = sortie.getvalue()
    assert "Renouvellement d'agrément : 6 créée(s), 0 close(s)" in texte
    assert f"{sum(ALERTES_DEMO.values())} alerte(s) créée(s), 0 close(s)." in texte

    sortie = io.StringIO()
    call_command("alertes", stdout=sortie)
    assert sortie.getvalue().strip().splitlines()[0] == "0 alerte(s) créée(s), 0 close(s)."
