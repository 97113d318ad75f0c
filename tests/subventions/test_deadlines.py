import datetime

import pytest
from django.urls import reverse

from roubaix_cs.deadlines import collect
from subventions.deadlines import upcoming
from subventions.models import CompteRenduFinancier, DemandeSubvention

from ..factories import DemandeFactory

pytestmark = pytest.mark.django_db


def _crf(deadlines):
    return [(d.threshold, d.due) for d in deadlines if d.kind == "crf"]


def test_sub_4_nothing_before_30_days_ahead_of_the_due_date():
    DemandeFactory(votee=True, annee=2025)  # due 30/06/2026
    assert upcoming(datetime.date(2026, 5, 30)) == []


def test_sub_4_alert_30_days_before_the_due_date():
    demande = DemandeFactory(votee=True, annee=2025)
    (deadline,) = upcoming(datetime.date(2026, 5, 31))  # 30 days before 30 June
    assert (deadline.kind, deadline.threshold, deadline.due) == ("crf", "J-30", datetime.date(2026, 6, 30))
    assert deadline.url == reverse("subventions:crf", args=[demande.pk])
    assert deadline.object_key == f"subventions.demandesubvention:{demande.pk}"
    assert deadline.centre_id == demande.centre_id
    assert deadline.label == f"{demande.centre.libelle_court} — compte rendu financier 2025 (fonctionnement) à recevoir"
    assert _crf(upcoming(datetime.date(2026, 6, 30))) == [("J-30", datetime.date(2026, 6, 30))]


def test_sub_4_overdue_the_day_after_and_until_received():
    demande = DemandeFactory(votee=True, annee=2025)
    assert _crf(upcoming(datetime.date(2026, 7, 1))) == [("retard", datetime.date(2026, 6, 30))]
    assert "en retard" in upcoming(datetime.date(2027, 3, 1))[0].label
    crf = CompteRenduFinancier.objects.create(demande=demande)  # lines typed, report not received yet
    assert _crf(upcoming(datetime.date(2026, 7, 1))) == [("retard", datetime.date(2026, 6, 30))]
    crf.date_reception = datetime.date(2026, 7, 3)
    crf.save()
    assert upcoming(datetime.date(2026, 7, 4)) == []


def test_sub_4_only_voted_grants_owe_a_report():
    for statut in ("recue", "proposee", "validee", "deliberation", "rejetee", "retiree", "ajournee"):
        DemandeFactory(annee=2025, statut=statut)
    for statut in DemandeSubvention.STATUTS_VOTES:
        DemandeFactory(votee=True, annee=2025, statut=statut)
    assert len(upcoming(datetime.date(2026, 7, 1))) == 3


def test_the_deadlines_are_collected_with_the_other_apps():
    DemandeFactory(votee=True, annee=2025)
    assert "crf" in {d.kind for d in collect(datetime.date(2026, 7, 1))}
