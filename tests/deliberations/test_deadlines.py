import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from deliberations.deadlines import upcoming
from deliberations.models import Deliberation
from roubaix_cs.deadlines import collect

from ..factories import DeliberationFactory, SeanceFactory
from ..requetes import requetes_de

pytestmark = pytest.mark.django_db

VOTE = datetime.date(2026, 3, 12)


def _votee(**kwargs):
    return DeliberationFactory(seance=SeanceFactory(date=kwargs.pop("vote", VOTE)), statut="votee", **kwargs)


def test_del_4_a_voted_deliberation_is_due_at_the_prefecture_15_days_after_the_vote():
    deliberation = _votee(annee=2026, numero=42, objet="Subventions de fonctionnement")
    (deadline,) = upcoming(datetime.date(2026, 3, 13))
    assert (deadline.kind, deadline.threshold, deadline.due) == (
        "transmission_prefecture",
        "J+15",
        datetime.date(2026, 3, 27),
    )
    assert deadline.object_key == f"deliberations.deliberation:{deliberation.pk}"
    assert deadline.centre_id is None
    assert deadline.url == reverse("deliberations:detail", args=[deliberation.pk])
    assert deadline.label == (
        "Délibération n° 2026/042 — Subventions de fonctionnement : à transmettre à la Préfecture (votée le 12/03/2026)"
    )
    assert upcoming(datetime.date(2026, 3, 28))[0].label.endswith(" — en retard")


@override_settings(DELAI_TRANSMISSION_PREFECTURE_JOURS=10)
def test_del_4_the_delay_is_a_setting():
    _votee()
    ((threshold, due),) = [(d.threshold, d.due) for d in upcoming(datetime.date(2026, 3, 13))]
    assert (threshold, due) == ("J+10", datetime.date(2026, 3, 22))


def test_del_4_no_deadline_once_transmitted_nor_before_the_vote():
    transmise = _votee()
    transmise.date_transmission = datetime.date(2026, 3, 20)
    transmise.save()
    for statut in (Deliberation.Statut.BROUILLON, Deliberation.Statut.PRETE, Deliberation.Statut.EXECUTOIRE):
        DeliberationFactory(statut=statut)
    assert upcoming(datetime.date(2026, 4, 1)) == []


def test_the_deadlines_are_collected_with_the_other_apps():
    _votee()
    assert "transmission_prefecture" in {d.kind for d in collect(datetime.date(2026, 4, 1))}


def test_the_queries_do_not_grow_with_the_deliberations():
    _votee()
    une = requetes_de(lambda: upcoming(datetime.date(2026, 4, 1)))
    for _ in range(4):
        DeliberationFactory(statut="votee")
    assert requetes_de(lambda: upcoming(datetime.date(2026, 4, 1))) == une
    assert len(upcoming(datetime.date(2026, 4, 1))) == 5
