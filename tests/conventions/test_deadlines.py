import datetime

import pytest
import time_machine
from django.urls import reverse

from centres.models import Centre
from conventions.deadlines import upcoming
from conventions.models import Convention
from roubaix_cs.deadlines import collect

from ..factories import ConventionFactory
from ..requetes import requetes_de
from .factories import AvenantFactory, EvaluationFactory

pytestmark = pytest.mark.django_db

EN_COURS = Convention.Statut.EN_COURS


def _fins(today):
    return [(d.threshold, d.due) for d in upcoming(today) if d.kind == "convention_fin"]


def _evaluations(today):
    return [(d.threshold, d.due) for d in upcoming(today) if d.kind == "evaluation_cpom"]


def test_convention_end_alerts_at_6_and_3_months():
    convention = ConventionFactory(statut=EN_COURS, debut=datetime.date(2025, 1, 1), fin=datetime.date(2028, 12, 31))
    with time_machine.travel(datetime.date(2028, 1, 1), tick=False):
        deadlines = [d for d in upcoming(datetime.date(2028, 1, 1)) if d.kind == "convention_fin"]
    assert [(d.threshold, d.due) for d in deadlines] == [
        ("M-6", datetime.date(2028, 6, 30)),
        ("M-3", datetime.date(2028, 9, 30)),
    ]
    (m6, _) = deadlines
    assert m6.object_key == f"conventions.convention:{convention.pk}"
    assert m6.centre_id == convention.centre_id
    assert m6.url == reverse("conventions:detail", args=[convention.pk])
    assert m6.label == (
        f"{convention.centre.libelle_court} — CPOM : fin le 31/12/2028, préparer le renouvellement (alerte à 6 mois)"
    )


def test_convention_end_the_step_reached_stays_until_the_end_then_nothing():
    ConventionFactory(statut=EN_COURS, fin=datetime.date(2028, 12, 31))
    assert _fins(datetime.date(2028, 8, 1)) == [
        ("M-6", datetime.date(2028, 6, 30)),
        ("M-3", datetime.date(2028, 9, 30)),
    ]
    assert _fins(datetime.date(2028, 10, 1)) == [("M-3", datetime.date(2028, 9, 30))]
    assert _fins(datetime.date(2028, 12, 31)) == [("M-3", datetime.date(2028, 9, 30))]
    assert _fins(datetime.date(2029, 1, 1)) == []


def test_cpo_5_convention_end_moved_by_the_last_signed_avenant_only():
    convention = ConventionFactory(statut=EN_COURS, fin=datetime.date(2028, 12, 31))
    AvenantFactory(convention=convention, signe=True, numero=1, nouvelle_fin=datetime.date(2028, 6, 30))
    AvenantFactory(convention=convention, signe=True, numero=2, nouvelle_fin=datetime.date(2029, 6, 30))
    AvenantFactory(convention=convention, signe=True, numero=3)  # amounts only: the end stays
    AvenantFactory(convention=convention, delibere=True, numero=4, nouvelle_fin=datetime.date(2030, 6, 30))
    assert _fins(datetime.date(2028, 11, 1)) == [
        ("M-6", datetime.date(2028, 12, 30)),
        ("M-3", datetime.date(2029, 3, 30)),
    ]
    # Past the original end, the convention still runs until its moved end.
    assert _fins(datetime.date(2029, 4, 1)) == [("M-3", datetime.date(2029, 3, 30))]


def test_convention_end_only_for_signed_or_running_conventions():
    for statut in Convention.Statut.values:
        ConventionFactory(statut=statut, fin=datetime.date(2028, 12, 31))
    assert len(_fins(datetime.date(2028, 1, 1))) == 2 * 2  # signee, en_cours: M-6 and M-3 each


def test_convention_end_not_once_the_next_convention_is_signed():
    convention = ConventionFactory(statut=EN_COURS, debut=datetime.date(2025, 1, 1), fin=datetime.date(2028, 12, 31))
    suivante = ConventionFactory(
        centre=convention.centre,
        statut=Convention.Statut.BROUILLON,
        debut=datetime.date(2029, 1, 1),
        fin=datetime.date(2032, 12, 31),
    )
    assert len(_fins(datetime.date(2028, 8, 1))) == 2  # a draft renewal is not a renewal yet
    suivante.statut = Convention.Statut.SIGNEE
    suivante.save()
    assert {d.object_key for d in upcoming(datetime.date(2028, 8, 1)) if d.kind == "convention_fin"} == {
        f"conventions.convention:{suivante.pk}"
    }


def test_a_closed_centre_raises_no_convention_deadline():
    convention = ConventionFactory(statut=EN_COURS, fin=datetime.date(2028, 12, 31))
    Centre.objects.filter(pk=convention.centre_id).update(statut=Centre.Statut.FERME)
    assert upcoming(datetime.date(2028, 8, 1)) == []


def test_cpo_4_evaluation_due_3_months_before_the_end_until_one_exists():
    convention = ConventionFactory(statut=EN_COURS, fin=datetime.date(2028, 12, 31))
    (deadline,) = [d for d in upcoming(datetime.date(2027, 1, 1)) if d.kind == "evaluation_cpom"]
    assert (deadline.threshold, deadline.due) == ("J-92", datetime.date(2028, 9, 30))
    assert deadline.object_key == f"conventions.convention:{convention.pk}"
    assert "évaluation à faire au plus tard le 30/09/2028" in deadline.label
    EvaluationFactory(convention=convention, date=datetime.date(2028, 9, 30))
    assert _evaluations(datetime.date(2027, 1, 1)) == []


def test_cpo_4_a_warning_before_the_limit_gives_way_to_the_limit_on_its_day():
    ConventionFactory(statut=EN_COURS, fin=datetime.date(2028, 12, 31))  # limit on 30/09/2028
    assert _evaluations(datetime.date(2028, 9, 29)) == [("J-92", datetime.date(2028, 9, 30))]
    ((threshold, due),) = _evaluations(datetime.date(2028, 9, 30))
    assert (threshold, due) == ("M-3", datetime.date(2028, 9, 30))
    (le_jour,) = [d for d in upcoming(datetime.date(2028, 9, 30)) if d.kind == "evaluation_cpom"]
    assert "dernier jour pour l'évaluation (le 30/09/2028)" in le_jour.label
    assert _evaluations(datetime.date(2028, 10, 1)) == [("M-3", datetime.date(2028, 9, 30))]


def test_cpo_4_an_evaluation_after_the_limit_does_not_count_and_the_renewal_is_blocked():
    convention = ConventionFactory(statut=EN_COURS, fin=datetime.date(2028, 12, 31))
    EvaluationFactory(convention=convention, date=datetime.date(2028, 10, 15))
    (deadline,) = [d for d in upcoming(datetime.date(2028, 11, 1)) if d.kind == "evaluation_cpom"]
    assert deadline.due == datetime.date(2028, 9, 30)
    assert "le renouvellement est bloqué" in deadline.label


def test_cpo_4_evaluation_limit_follows_the_end_moved_by_avenant():
    convention = ConventionFactory(statut=EN_COURS, fin=datetime.date(2028, 12, 31))
    AvenantFactory(convention=convention, signe=True, nouvelle_fin=datetime.date(2029, 6, 30))
    EvaluationFactory(convention=convention, date=datetime.date(2028, 11, 1))  # late for 2028, in time for 2029
    assert _evaluations(datetime.date(2028, 12, 1)) == []


def test_cpo_4_only_cpoms_owe_an_evaluation():
    ConventionFactory(statut=EN_COURS, type=Convention.Type.LOCAUX, fin=datetime.date(2028, 12, 31))
    assert _evaluations(datetime.date(2027, 1, 1)) == []
    assert len(_fins(datetime.date(2028, 8, 1))) == 2


def test_the_deadlines_are_collected_with_the_other_apps():
    ConventionFactory(statut=EN_COURS, fin=datetime.date(2028, 12, 31))
    assert {"convention_fin", "evaluation_cpom"} <= {d.kind for d in collect(datetime.date(2028, 8, 1))}


def test_the_queries_do_not_grow_with_the_conventions():
    def creer():
        convention = ConventionFactory(statut=EN_COURS, fin=datetime.date(2028, 12, 31))
        AvenantFactory(convention=convention, signe=True, nouvelle_fin=datetime.date(2029, 6, 30))
        EvaluationFactory(convention=convention, date=datetime.date(2028, 1, 1))

    creer()
    une = requetes_de(lambda: upcoming(datetime.date(2028, 8, 1)))
    for _ in range(4):
        creer()
    assert requetes_de(lambda: upcoming(datetime.date(2028, 8, 1))) == une
    assert len(upcoming(datetime.date(2028, 8, 1))) == 5 * 2
