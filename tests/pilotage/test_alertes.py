"""The daily job of the deadline alerts (pilotage/alertes.py): when a deadline alerts, once whoever runs the
job and however often; closed when its deadline disappears; a day missed caught up once; each alert to the
people who follow the object. On the demo data: test_alertes_demo.py."""

import datetime
import re
import threading
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from centres.models import Agrement
from comptes.models import Role
from conventions.models import Convention
from pilotage import alertes
from pilotage.models import Alerte
from pilotage.tasks import alertes_du_jour
from roubaix_cs.deadlines import Deadline

from ..factories import (
    AgrementFactory,
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    LocalFactory,
    UserFactory,
    convention_signee_par_la_ville,
)
from ..requetes import GRAND, PETIT, verifier

pytestmark = pytest.mark.django_db


def test_the_job_is_scheduled_every_morning_at_half_past_six_paris_time():
    planifie = django_settings.CELERY_BEAT_SCHEDULE["alertes-du-jour"]
    assert planifie["task"] == alertes_du_jour.name
    assert (planifie["schedule"].hour, planifie["schedule"].minute) == ({6}, {30})
    assert django_settings.CELERY_TIMEZONE == "Europe/Paris"


# --- When a deadline alerts --------------------------------------------------------------------------


def _deadline(due, threshold):
    return Deadline(due=due, kind="k", label="l", url="/", threshold=threshold, object_key="centres.centre:1")


@pytest.mark.parametrize(
    ("threshold", "alerte_le"),
    [
        ("J-30", datetime.date(2026, 12, 1)),  # its lead: 30 days before the due date
        ("J-60", datetime.date(2026, 11, 1)),
        ("M-12", datetime.date(2026, 12, 31)),  # a back-planning step is dated at its step
        ("J+15", datetime.date(2026, 12, 31)),  # a delay counted from an event is dated at its end
        ("retard", datetime.date(2026, 12, 31)),
        ("2025", datetime.date(2026, 12, 31)),
    ],
)
def test_a_deadline_alerts_from_its_alert_date_on(threshold, alerte_le):
    assert alertes.date_d_alerte(_deadline(datetime.date(2026, 12, 31), threshold)) == alerte_le


@pytest.fixture
def suivi():
    """A centre followed by an agent, with an agrément ending on 31/12/2027 (M-14 on 31/10/2026, M-12 on
    31/12/2026, M-6 on 30/06/2027)."""
    referent = UserFactory(role=Role.AGENT)
    centre = CentreFactory(referent=referent)
    return {
        "referent": referent,
        "responsable": UserFactory(role=Role.RESPONSABLE),
        "centre": centre,
        "agrement": AgrementFactory(centre=centre, debut=datetime.date(2024, 1, 1)),
    }


def _agrement(centre):
    return {
        (a.threshold, a.user_id, a.closed_at is None)
        for a in Alerte.objects.filter(kind="agrement_renouvellement", centre=centre)
    }


def test_avs_3_a_renewal_step_alerts_from_its_day_on_not_the_day_before(suivi):
    centre, referent, responsable = suivi["centre"], suivi["referent"], suivi["responsable"]
    alertes.synchroniser(datetime.date(2026, 12, 30))
    assert _agrement(centre) == {("M-14", referent.pk, True), ("M-14", responsable.pk, True)}

    bilan = alertes.synchroniser(datetime.date(2026, 12, 31))
    assert (bilan.creees["agrement_renouvellement"], bilan.closes["agrement_renouvellement"]) == (2, 0)
    # The day after, the step reached most recently replaces the previous one (centres/deadlines.py).
    bilan = alertes.synchroniser(datetime.date(2027, 1, 1))
    assert (bilan.creees["agrement_renouvellement"], bilan.closes["agrement_renouvellement"]) == (0, 2)
    assert {(t, u) for t, u, ouverte in _agrement(centre) if ouverte} == {
        ("M-12", referent.pk),
        ("M-12", responsable.pk),
    }


def test_avs_3_a_renewed_agrement_closes_its_alerts(suivi):
    centre = suivi["centre"]
    alertes.synchroniser(datetime.date(2027, 1, 15))
    assert Alerte.objects.ouvertes().filter(kind="agrement_renouvellement", centre=centre).count() == 2

    AgrementFactory(centre=centre, debut=datetime.date(2028, 1, 1), statut=Agrement.Statut.ACCORDE)
    bilan = alertes.synchroniser(datetime.date(2027, 1, 16))

    assert bilan.creees["agrement_renouvellement"] == 0
    assert bilan.closes["agrement_renouvellement"] == 2
    assert not Alerte.objects.ouvertes().filter(kind="agrement_renouvellement", centre=centre).exists()
    assert alertes.synchroniser(datetime.date(2027, 1, 17)).closes["agrement_renouvellement"] == 0  # closed once


def test_avs_3_a_day_the_job_did_not_run_is_caught_up_once(suivi):
    alertes.synchroniser(datetime.date(2026, 12, 30))
    # No run on 31/12 (the M-12 step): the next run alerts it, once.
    assert alertes.synchroniser(datetime.date(2027, 1, 1)).creees["agrement_renouvellement"] == 2
    assert alertes.synchroniser(datetime.date(2027, 1, 2)).creees["agrement_renouvellement"] == 0
    assert Alerte.objects.filter(threshold="M-12").count() == 2


def test_avs_3_a_job_missed_for_weeks_alerts_the_step_reached_most_recently_only(suivi):
    bilan = alertes.synchroniser(datetime.date(2027, 1, 20))
    assert set(Alerte.objects.filter(kind="agrement_renouvellement").values_list("threshold", flat=True)) == {"M-12"}
    assert bilan.creees["agrement_renouvellement"] == 2


def test_sub_4_the_financial_report_alerts_30_days_before_then_once_overdue():
    responsable = UserFactory(role=Role.RESPONSABLE)
    demande = DemandeFactory(votee=True, annee=2025)  # report due on 30/06/2026
    assert alertes.synchroniser(datetime.date(2026, 5, 30)).creees["crf"] == 0
    assert alertes.synchroniser(datetime.date(2026, 5, 31)).creees["crf"] == 1

    bilan = alertes.synchroniser(datetime.date(2026, 7, 1))
    assert (bilan.creees["crf"], bilan.closes["crf"]) == (1, 1)  # « J-30 » gives way to « retard »
    ouverte = Alerte.objects.ouvertes().get(object_key=f"subventions.demandesubvention:{demande.pk}")
    assert (ouverte.threshold, ouverte.user, "en retard" in ouverte.label) == ("retard", responsable, True)


def _le_matin_du(jour, kind):
    """The morning job run on `jour`, the date pinned: (alerts of `kind` created, closed)."""
    with time_machine.travel(datetime.datetime.combine(jour, datetime.time(6, 30)), tick=False):
        compte = alertes_du_jour().get(kind, {})
    return compte.get("creees", 0), compte.get("closes", 0)


def test_sub_9_the_publication_alerts_30_days_before_the_limit_then_on_the_limit_day():
    responsable = UserFactory(role=Role.RESPONSABLE)
    convention = convention_signee_par_la_ville(
        CentreFactory(), signature=datetime.date(2026, 1, 15), montant_ville=Decimal("30000")
    )  # to publish by 15/04/2026: warned from 16/03/2026
    assert _le_matin_du(datetime.date(2026, 3, 15), "donnees_essentielles") == (0, 0)
    assert _le_matin_du(datetime.date(2026, 3, 16), "donnees_essentielles") == (1, 0)
    avant = Alerte.objects.ouvertes().get(kind="donnees_essentielles")
    assert (avant.threshold, avant.due, avant.user) == ("J-30", datetime.date(2026, 4, 15), responsable)
    assert "au plus tard le 15/04/2026" in avant.label

    assert _le_matin_du(datetime.date(2026, 4, 14), "donnees_essentielles") == (0, 0)
    # On the limit day « J-30 » gives way to the limit itself: a second alert, read as the last day.
    assert _le_matin_du(datetime.date(2026, 4, 15), "donnees_essentielles") == (1, 1)
    limite = Alerte.objects.ouvertes().get(kind="donnees_essentielles")
    assert (limite.threshold, limite.object_key) == ("M+3", f"conventions.convention:{convention.pk}")
    assert limite.label.endswith("— dernier jour")
    assert _le_matin_du(datetime.date(2026, 4, 16), "donnees_essentielles") == (0, 0)  # the same alert, overdue
    assert Alerte.objects.ouvertes().get(kind="donnees_essentielles").label.endswith("— en retard")


def test_cpo_4_the_evaluation_alerts_3_months_before_the_limit_then_on_the_limit_day():
    UserFactory(role=Role.RESPONSABLE)
    ConventionFactory(statut=Convention.Statut.EN_COURS, fin=datetime.date(2028, 12, 31))
    # The evaluation is due by 30/09/2028 (3 months before the end): warned 92 days before, on 30/06/2028.
    assert _le_matin_du(datetime.date(2028, 6, 29), "evaluation_cpom") == (0, 0)
    assert _le_matin_du(datetime.date(2028, 6, 30), "evaluation_cpom") == (1, 0)
    avant = Alerte.objects.ouvertes().get(kind="evaluation_cpom")
    assert (avant.threshold, avant.due) == ("J-92", datetime.date(2028, 9, 30))
    assert "évaluation à faire au plus tard le 30/09/2028" in avant.label

    assert _le_matin_du(datetime.date(2028, 9, 29), "evaluation_cpom") == (0, 0)
    assert _le_matin_du(datetime.date(2028, 9, 30), "evaluation_cpom") == (1, 1)
    limite = Alerte.objects.ouvertes().get(kind="evaluation_cpom")
    assert limite.threshold == "M-3"
    assert "dernier jour pour l'évaluation (le 30/09/2028)" in limite.label
    assert _le_matin_du(datetime.date(2028, 10, 1), "evaluation_cpom") == (0, 0)
    assert "le renouvellement est bloqué" in Alerte.objects.ouvertes().get(kind="evaluation_cpom").label


# --- Who gets what ----------------------------------------------------------------------------------


def test_each_alert_goes_to_the_referent_of_the_file_or_of_the_centre_and_the_responsables():
    du_centre, du_dossier = UserFactory(role=Role.AGENT), UserFactory(role=Role.AGENT)
    responsables = {UserFactory(role=Role.RESPONSABLE), UserFactory(role=Role.RESPONSABLE)}
    UserFactory(role=Role.RESPONSABLE, is_active=False)
    UserFactory(role=Role.ELU)
    UserFactory(partenaire=True)
    centre = CentreFactory(referent=du_centre)
    AgrementFactory(centre=centre, debut=datetime.date(2024, 1, 1))  # M-12 reached on 31/12/2026
    convention = ConventionFactory(
        centre=centre, statut=Convention.Statut.SIGNEE, fin=datetime.date(2027, 5, 31), referent=du_dossier
    )  # M-6 reached on 30/11/2026
    linne = LocalFactory(linne=True, commission_prochaine=datetime.date(2027, 2, 1))  # J-60 on 3/12/2026

    alertes.synchroniser(datetime.date(2027, 1, 1))

    def pour(**filtre):
        return set(Alerte.objects.filter(**filtre).values_list("user__username", flat=True))

    noms = {u.username for u in responsables}
    assert pour(kind="agrement_renouvellement") == noms | {du_centre.username}
    assert pour(object_key=f"conventions.convention:{convention.pk}") == noms | {du_dossier.username}
    assert pour(object_key=f"centres.local:{linne.pk}") == noms  # no centre, no referent
    assert pour() <= noms | {du_centre.username, du_dossier.username}


def test_a_file_given_to_another_referent_moves_its_open_alerts_to_them(suivi):
    jour = datetime.date(2027, 1, 1)
    alertes.synchroniser(jour)
    ancien, nouveau = suivi["referent"], UserFactory(role=Role.AGENT)
    suivi["centre"].referent = nouveau
    suivi["centre"].save()

    alertes.synchroniser(jour)

    ouvertes = set(Alerte.objects.ouvertes().filter(kind="agrement_renouvellement").values_list("user", flat=True))
    assert ouvertes == {nouveau.pk, suivi["responsable"].pk}
    assert Alerte.objects.filter(user=ancien, closed_at__isnull=False).exists()


def test_the_alert_centre_brings_the_alerts_up_to_date_only_without_a_broker(suivi, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker: the morning job does it
    assert alertes.synchroniser_sans_planificateur(datetime.date(2027, 1, 1)) is None
    assert not Alerte.objects.exists()
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default
    assert alertes.synchroniser_sans_planificateur(datetime.date(2027, 1, 1)).creees


# --- Cost and concurrency -----------------------------------------------------------------------------


ALERTES_PAR_CENTRE = 4  # what _grandir gives each centre on 1 January 2027, each to two people


def _grandir(n):
    """n more centres, each with its referent, its AG of 2025 not held, an agrément at its M-12 step and a
    CPOM at M-6 with its own referent, its evaluation (due by 28/02/2027) warned, on 1 January 2027."""
    for _ in range(n):
        centre = CentreFactory(referent=UserFactory(role=Role.AGENT))
        AgrementFactory(centre=centre, debut=datetime.date(2024, 1, 1))
        ConventionFactory(
            centre=centre,
            statut=Convention.Statut.SIGNEE,
            fin=datetime.date(2027, 5, 31),
            referent=UserFactory(role=Role.AGENT),
        )


INSERTION = re.compile(r'INSERT (OR IGNORE )?INTO "pilotage_alerte"')


def _requetes(appel):
    """The queries `appel` costs, the batches of one bulk insert counted as one: SQLite takes at most 999
    parameters a statement, so Django splits the insert of many alerts (83 rows a batch); PostgreSQL
    receives one statement."""
    with CaptureQueriesContext(connection) as ctx:
        appel()
    insertions = [bool(INSERTION.match(q["sql"])) for q in ctx.captured_queries]
    return len(insertions) - sum(
        1 for avant, ici in zip([False, *insertions], insertions, strict=False) if avant and ici
    )


def test_the_job_costs_the_same_queries_whatever_the_number_of_deadlines():
    jour = datetime.date(2027, 1, 1)
    UserFactory(role=Role.RESPONSABLE)
    premier, second = [], []
    for n in (PETIT, GRAND - PETIT):
        _grandir(n)
        Alerte.objects.all().delete()
        premier.append(_requetes(lambda: alertes.synchroniser(jour)))  # creates them all
        second.append(_requetes(lambda: alertes.synchroniser(jour)))  # finds them all
    assert Alerte.objects.count() == GRAND * ALERTES_PAR_CENTRE * 2
    verifier({"pilotage.alertes.synchroniser": premier}, "pilotage.alertes.synchroniser")
    verifier({"pilotage.alertes.synchroniser": second}, "pilotage.alertes.synchroniser")


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_job_at_once_create_each_alert_once():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent inserts under a unique constraint need PostgreSQL.")
    jour = datetime.date(2027, 1, 1)
    UserFactory(role=Role.RESPONSABLE)
    _grandir(5)
    barriere = threading.Barrier(2)
    bilans, erreurs = [], []

    def lancer():
        try:
            barriere.wait(timeout=10)
            bilans.append(alertes.synchroniser(jour))
        except Exception as erreur:  # noqa: BLE001 - reported by the assertion below
            erreurs.append(erreur)
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=lancer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert erreurs == []
    assert Alerte.objects.count() == 5 * ALERTES_PAR_CENTRE * 2
    assert (
        sum(sum(b.creees.values()) for b in bilans) == 5 * ALERTES_PAR_CENTRE * 2
    )  # each counted by the run that created it
