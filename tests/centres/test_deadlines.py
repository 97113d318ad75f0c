import datetime

import pytest

from centres.deadlines import _agrements as upcoming
from centres.models import Agrement, Centre
from roubaix_cs.deadlines import collect

from ..factories import AgrementFactory

pytestmark = pytest.mark.django_db


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
