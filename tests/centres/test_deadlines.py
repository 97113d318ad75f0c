import datetime

import pytest
import time_machine

from centres import deadlines
from centres.deadlines import _agrements as upcoming
from centres.deadlines import _travaux
from centres.models import Agrement, Centre, Travaux
from roubaix_cs.deadlines import collect

from ..factories import AgrementFactory, LocalFactory, TravauxFactory
from ..requetes import requetes_de

pytestmark = pytest.mark.django_db

COLLECTEURS = {
    nom: getattr(deadlines, nom)
    for nom in ("_agrements", "_assemblees", "_actions", "_documents", "_commissions", "_travaux")
}


def test_avs_3_renewal_milestones_at_m14_m12_m6_m3_and_the_end():
    agrement = AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
    deadlines = upcoming(datetime.date(2026, 1, 1))
    assert [(d.threshold, d.due) for d in deadlines] == [
        ("M-14", datetime.date(2026, 10, 31)),
        ("M-12", datetime.date(2026, 12, 31)),
        ("M-6", datetime.date(2027, 6, 30)),
        ("M-3", datetime.date(2027, 9, 30)),
        ("fin", datetime.date(2027, 12, 31)),
    ]
    assert all(d.object_key == f"centres.agrement:{agrement.pk}" for d in deadlines)


def test_avs_3_the_current_step_stays_until_renewal_and_earlier_steps_drop():
    AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
    assert [d.threshold for d in upcoming(datetime.date(2027, 7, 1))] == ["M-6", "M-3", "fin"]


def test_avs_3_an_expired_agrement_without_granted_renewal_is_flagged():
    AgrementFactory(debut=datetime.date(2021, 1, 1), fin=datetime.date(2024, 12, 31))
    assert [(d.kind, d.due) for d in upcoming(datetime.date(2025, 3, 1))] == [
        ("agrement_expire", datetime.date(2024, 12, 31))
    ]


def test_avs_3_no_milestone_once_the_renewal_is_granted():
    agc = AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
    AgrementFactory(centre=agc.centre, debut=datetime.date(2028, 1, 1), fin=datetime.date(2031, 12, 31))
    assert {d.due.year for d in upcoming(datetime.date(2027, 1, 1))} == {2030, 2031}
    assert {d.object_key for d in upcoming(datetime.date(2027, 1, 1))} != {f"centres.agrement:{agc.pk}"}


def test_avs_3_refused_or_pending_agrements_raise_no_milestone():
    AgrementFactory(
        statut=Agrement.Statut.INSTRUCTION, debut=datetime.date(2026, 1, 1), fin=datetime.date(2029, 12, 31)
    )
    assert upcoming(datetime.date(2026, 6, 1)) == []


def test_collect_finds_every_apps_deadlines_module():
    AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
    assert {"agrement_renouvellement", "agrement_fin"} <= {d.kind for d in collect(datetime.date(2026, 1, 1))}


def test_a_closed_centre_raises_no_deadline():
    agrement = AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
    agrement.centre.statut = Centre.Statut.FERME
    agrement.centre.save()
    assert upcoming(datetime.date(2026, 1, 1)) == []


def test_works_past_their_planned_end_and_not_finished_are_overdue():
    travaux = TravauxFactory(fin_prevue=datetime.date(2026, 12, 15))
    assert _travaux(datetime.date(2026, 12, 15)) == []
    (deadline,) = _travaux(datetime.date(2026, 12, 16))
    assert (deadline.kind, deadline.threshold, deadline.due) == (
        "travaux_retard",
        "retard",
        datetime.date(2026, 12, 15),
    )
    assert deadline.object_key == f"centres.travaux:{travaux.pk}"
    assert deadline.centre_id == travaux.local.centre_id
    assert deadline.url == travaux.get_absolute_url()
    assert deadline.label == (
        f"{travaux.local.nom} — travaux « {travaux.objet} » (travaux en cours) : fin prévue le 15/12/2026 dépassée"
    )


def test_finished_or_abandoned_works_or_without_planned_end_are_not_overdue():
    TravauxFactory(phase=Travaux.Phase.RECEPTIONNES)
    TravauxFactory(phase=Travaux.Phase.ABANDONNES)
    TravauxFactory(fin_reelle=datetime.date(2026, 12, 20))
    TravauxFactory(fin_prevue=None)
    linne = TravauxFactory(local=LocalFactory(linne=True), phase=Travaux.Phase.ETUDE)  # no centre: still flagged
    assert [(d.object_key, d.centre_id) for d in _travaux(datetime.date(2027, 1, 1))] == [
        (f"centres.travaux:{linne.pk}", None)
    ]


def test_the_queries_of_each_collector_do_not_grow_with_the_data():
    jour = datetime.date(2027, 1, 1)

    def creer():
        AgrementFactory(debut=datetime.date(2024, 1, 1), fin=datetime.date(2027, 12, 31))
        TravauxFactory()

    creer()
    with time_machine.travel(datetime.datetime(2027, 1, 1, 9), tick=False):
        une = {nom: requetes_de(lambda f=f: f(jour)) for nom, f in COLLECTEURS.items()}
        for _ in range(4):
            creer()
        assert {nom: requetes_de(lambda f=f: f(jour)) for nom, f in COLLECTEURS.items()} == une
    assert len(_travaux(jour)) == 5
