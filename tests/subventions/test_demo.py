"""The demo grants seeded by seed_demo follow the rules they illustrate."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Sum

from conventions.services import aide_annuelle
from roubaix_cs.validators import valider_siret
from subventions import opendata, services
from subventions.deadlines import upcoming
from subventions.demo import annee_instruite
from subventions.models import CompteRenduFinancier, DemandeSubvention, Dispositif, LigneBudgetaire, Versement

pytestmark = pytest.mark.django_db


def test_budget_lines_for_three_years_in_both_sections_and_some_dispositifs(demo):
    annee = annee_instruite(demo)
    imputations = set(LigneBudgetaire.objects.values_list("annee", "section", "chapitre", "compte"))
    for a in (annee - 2, annee - 1, annee):
        assert (a, "fonctionnement", "65", "65748") in imputations
        assert (a, "investissement", "204", "20421") in imputations
    assert 2 <= Dispositif.objects.count() <= 3
    for ligne in LigneBudgetaire.objects.all():
        assert services.disponible(ligne) >= 0, ligne  # SUB-15: no line overcommitted


def test_three_years_of_requests_in_every_status(demo):
    annee = annee_instruite(demo)
    assert set(DemandeSubvention.objects.values_list("annee", flat=True)) == {annee - 2, annee - 1, annee}
    assert set(DemandeSubvention.objects.values_list("statut", flat=True)) == set(DemandeSubvention.Statut.values)
    assert set(DemandeSubvention.objects.values_list("nature", flat=True)) == set(DemandeSubvention.Nature.values)


def test_every_payment_follows_sub_1_sub_3_and_sub_14(demo):
    assert Versement.objects.count() >= 10
    for versement in Versement.objects.select_related("demande__centre"):
        demande = versement.demande
        assert demande.statut in DemandeSubvention.STATUTS_VOTES
        assert demande.date_executoire <= versement.date <= demo
        aide = aide_annuelle(
            centre=demande.centre, annee=demande.annee, numeraire=services.numeraire_vote(demande.centre, demande.annee)
        )
        if aide.seuil_depasse:
            assert aide.convention is not None, demande
            assert services.signature_ville(aide.convention) <= versement.date
    totaux = DemandeSubvention.objects.annotate(verse=Sum("versements__montant")).filter(verse__isnull=False)
    for demande in totaux:
        assert demande.verse <= demande.montant_vote
        assert (demande.statut == "payee") == (demande.verse == demande.montant_vote)


def test_one_beneficiary_above_23000_has_its_payment_blocked_for_want_of_a_convention(demo):
    bloquees = []
    for demande in DemandeSubvention.objects.votees().filter(versements__isnull=True, date_executoire__isnull=False):
        aide = aide_annuelle(
            centre=demande.centre, annee=demande.annee, numeraire=services.numeraire_vote(demande.centre, demande.annee)
        )
        if aide.convention_manquante:
            bloquees.append(demande)
    assert len(bloquees) == 1
    refus = services.refus_de_versement(bloquees[0], bloquees[0].montant_vote, demo)
    assert any("une convention signée couvrant l'année est requise" in raison for raison in refus)


def test_financial_reports_received_with_their_lines_and_exactly_one_overdue(demo):
    recus = CompteRenduFinancier.objects.filter(date_reception__isnull=False)
    assert recus.exists()
    assert all(crf.date_reception <= crf.echeance for crf in recus)
    assert not recus.annotate(n=Count("lignes")).filter(n=0).exists()
    assert any(ligne.ecart_significatif for crf in recus for ligne in crf.lignes.all())  # SUB-5 shows
    en_retard = [d for d in upcoming(demo) if d.threshold == "retard"]
    assert len(en_retard) == 1
    # The same centre's next request waits for it (SUB-4).
    demande = DemandeSubvention.objects.get(pk=en_retard[0].object_key.split(":")[1])
    suivante = DemandeSubvention.objects.get(centre=demande.centre, annee=annee_instruite(demo), nature=demande.nature)
    assert suivante.statut == DemandeSubvention.Statut.PROPOSEE
    assert services.crf_en_retard(suivante, demo) == [demande]


def test_one_request_waits_untouched_and_one_proposal_waits_for_validation_by_their_history(demo):
    attentes = [d for d in upcoming(demo) if d.kind in ("demande_sans_suite", "proposition_a_valider")]
    assert sorted(d.kind for d in attentes) == ["demande_sans_suite", "proposition_a_valider"]
    attentes = {d.kind: d for d in attentes}
    sans_suite = DemandeSubvention.objects.get(pk=attentes["demande_sans_suite"].object_key.split(":")[1])
    assert sans_suite.statut == DemandeSubvention.Statut.RECUE
    proposee = DemandeSubvention.objects.get(pk=attentes["proposition_a_valider"].object_key.split(":")[1])
    etapes = proposee.history.order_by("history_date").values_list("history_date__date", "statut")
    recue_le = proposee.date_reception
    assert [(jour - recue_le).days for jour, _ in etapes] == [0, 7, 14]
    assert [statut for _, statut in etapes] == ["recue", "instruction", "proposee"]


def test_the_open_data_export_of_the_demo_is_valid(demo, settings):
    settings.VILLE_SIRET = "21590512800017"
    export = opendata.lignes_scdl(annee_instruite(demo) - 1)
    assert {ligne["nature"] for ligne in export.lignes} == {opendata.NUMERAIRE, opendata.NATURE}
    for ligne in export.lignes:
        valider_siret(ligne["idBeneficiaire"])
    assert any("Sartel" in str(ecartee) for ecartee in export.ecartees)  # the municipal centre: not a grant
    assert opendata.verifier(export.lignes) == []


def _snapshot():
    labels = [m for m in apps.get_models() if m._meta.app_label in ("subventions", "conventions", "centres")]
    return {model._meta.label: model.objects.count() for model in labels} | {
        "versions": sorted(DemandeSubvention.objects.values_list("pk", "version", "statut"))
    }


def test_a_second_run_changes_nothing(demo, settings):
    settings.DEVELOPPEMENT = True
    before = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == before
