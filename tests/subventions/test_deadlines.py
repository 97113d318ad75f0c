import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from roubaix_cs.deadlines import collect
from roubaix_cs.formats import montant
from subventions.deadlines import upcoming
from subventions.models import CompteRenduFinancier, DemandeSubvention

from ..factories import DemandeFactory
from ..requetes import requetes_de

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


def _kind(deadlines, kind):
    return [(d.threshold, d.due) for d in deadlines if d.kind == kind]


def _le(jour, heure=10):
    """Pin the clock on `jour` (the history entries' date)."""
    return time_machine.travel(datetime.datetime.combine(jour, datetime.time(heure)), tick=False)


def test_a_request_untouched_for_30_days_is_flagged_from_the_30th_day():
    with _le(datetime.date(2026, 1, 5)):
        demande = DemandeFactory(statut=DemandeSubvention.Statut.INSTRUCTION)
    assert _kind(upcoming(datetime.date(2026, 2, 3)), "demande_sans_suite") == []
    (deadline,) = [d for d in upcoming(datetime.date(2026, 2, 4)) if d.kind == "demande_sans_suite"]
    assert (deadline.threshold, deadline.due) == ("J+30", datetime.date(2026, 2, 4))
    assert deadline.object_key == f"subventions.demandesubvention:{demande.pk}"
    assert deadline.centre_id == demande.centre_id
    assert deadline.url == reverse("subventions:detail", args=[demande.pk])
    assert deadline.label == (
        f"{demande.centre.libelle_court} — demande « Fonctionnement général du centre » (2026, en instruction) "
        "sans suite depuis le 05/01/2026"
    )


def test_any_change_of_the_request_restarts_the_30_days():
    with _le(datetime.date(2026, 1, 5)):
        demande = DemandeFactory()
    with _le(datetime.date(2026, 1, 20)):
        demande.note_analyse = "Budget demandé, relance faite."
        demande.save()
    assert _kind(upcoming(datetime.date(2026, 2, 4)), "demande_sans_suite") == []
    assert _kind(upcoming(datetime.date(2026, 2, 19)), "demande_sans_suite") == [("J+30", datetime.date(2026, 2, 19))]


def test_only_received_or_instructed_requests_can_be_left_without_follow_up():
    with _le(datetime.date(2026, 1, 5)):
        for statut in DemandeSubvention.Statut.values:
            DemandeFactory(statut=statut)
    assert len(_kind(upcoming(datetime.date(2026, 3, 1)), "demande_sans_suite")) == 2


def test_a_proposal_waiting_7_days_for_validation_since_it_was_proposed():
    with _le(datetime.date(2026, 1, 5)):
        demande = DemandeFactory(statut=DemandeSubvention.Statut.INSTRUCTION)
    with _le(datetime.date(2026, 1, 12)):
        demande.statut = DemandeSubvention.Statut.PROPOSEE
        demande.montant_propose = "18000.00"
        demande.save()
    with _le(datetime.date(2026, 1, 14)):
        demande.note_analyse = "Chiffres vérifiés."  # still proposed: the wait goes on
        demande.save()
    assert _kind(upcoming(datetime.date(2026, 1, 18)), "proposition_a_valider") == []
    (deadline,) = [d for d in upcoming(datetime.date(2026, 1, 19)) if d.kind == "proposition_a_valider"]
    assert (deadline.threshold, deadline.due) == ("J+7", datetime.date(2026, 1, 19))
    assert deadline.object_key == f"subventions.demandesubvention:{demande.pk}"
    assert "en attente de validation depuis le 12/01/2026" in deadline.label
    assert f"(2026, {montant(Decimal('18000.00'))} proposés)" in deadline.label


def test_a_proposal_sent_back_then_proposed_again_waits_from_its_last_proposal():
    with _le(datetime.date(2026, 1, 5)):
        demande = DemandeFactory(proposee=True)
    for jour, statut in ((datetime.date(2026, 1, 8), "instruction"), (datetime.date(2026, 1, 20), "proposee")):
        with _le(jour):
            demande.statut = statut
            demande.save()
    assert _kind(upcoming(datetime.date(2026, 1, 26)), "proposition_a_valider") == []
    assert _kind(upcoming(datetime.date(2026, 1, 27)), "proposition_a_valider") == [("J+7", datetime.date(2026, 1, 27))]
    demande.statut = DemandeSubvention.Statut.VALIDEE
    demande.save()
    assert _kind(upcoming(datetime.date(2026, 2, 1)), "proposition_a_valider") == []


def test_a_proposal_never_in_another_status_waits_from_its_creation():
    with _le(datetime.date(2026, 1, 5)):
        DemandeFactory(proposee=True)
    assert _kind(upcoming(datetime.date(2026, 1, 12)), "proposition_a_valider") == [("J+7", datetime.date(2026, 1, 12))]


def test_the_queries_do_not_grow_with_the_requests():
    def creer():
        with _le(datetime.date(2025, 1, 5)):
            DemandeFactory(votee=True, annee=2025)
            DemandeFactory(statut=DemandeSubvention.Statut.INSTRUCTION)
            DemandeFactory(proposee=True)

    jour = datetime.date(2026, 7, 1)
    creer()
    une = requetes_de(lambda: upcoming(jour))
    for _ in range(4):
        creer()
    assert requetes_de(lambda: upcoming(jour)) == une
    assert {
        kind: len(_kind(upcoming(jour), kind)) for kind in ("crf", "demande_sans_suite", "proposition_a_valider")
    } == {
        "crf": 5,
        "demande_sans_suite": 5,
        "proposition_a_valider": 5,
    }
