"""The Cellule de veille's signals (domain-rules §6): each numeric one just below, at and just above its
thresholds, each governance one on and off, the level they propose (CV-1) and their cost in queries."""

import datetime
import time
from decimal import Decimal

import pytest

from centres.models import AvisCommissaire, Centre, IndicateursAnnuels
from pilotage.models import Niveau, SituationVeille
from pilotage.signaux import (
    GRIS,
    ORANGE,
    ROUGE,
    VERT,
    Evaluation,
    Signal,
    evaluer,
    evaluer_centres,
    signaux_financiers,
)
from roubaix_cs.seuils import VEILLE_ROUGES_CRITIQUE
from subventions.models import CompteRenduFinancier

from ..factories import (
    AgrementFactory,
    AssembleeGeneraleFactory,
    CentreFactory,
    DecisionNiveauFactory,
    DemandeFactory,
    DirectionFactory,
    IndicateursAnnuelsFactory,
    SituationVeilleFactory,
)
from ..requetes import requetes_de

pytestmark = pytest.mark.django_db

JOUR = datetime.date(2026, 9, 15)
D = Decimal

# A year where every ratio is green, chosen so that each threshold falls on a round figure:
# decaissable charges 365 000 € (cash in days = net cash / 1 000), charges and produits 730 000 €
# (own funds: 3 months = 182 500 €; working capital: 60 days = 120 000 €; grants receivable: 90 days
# = 180 000 €; payroll: 80 % = 584 000 €; largest funder: 50 % = 365 000 €; deficit: 5 % = 36 500 €).
VERT_PARTOUT = {
    "administrateurs": 10,
    "charges_total": D("730000"),
    "charges_exploitation": D("389000"),
    "dotations_amortissements": D("24000"),
    "masse_salariale": D("500000"),
    "produits_total": D("730000"),
    "produits_ville": D("150000"),
    "produits_caf": D("300000"),
    "produits_departement": D("100000"),
    "produits_etat": D("80000"),
    "produits_autres": D("100000"),
    "tresorerie": D("100000"),
    "decouverts_bancaires": D("0"),
    "fonds_propres": D("300000"),
    "ressources_stables": D("300000"),
    "immobilisations_nettes": D("100000"),
    "dettes_sociales_echues": D("0"),
    "subventions_a_recevoir": D("100000"),
    "avis_commissaire": AvisCommissaire.SANS_RESERVE,
    "procedure_alerte": False,
}


def _centre(**kwargs):
    """An association centre whose every signal is green on JOUR: a director in post, its board above
    the statutory minimum, its AG of 2025 held with the accounts approved, an AGC agrément ending after
    24 months, its 2025 indicators all green."""
    centre = CentreFactory(ca_minimum_statutaire=kwargs.pop("ca_minimum_statutaire", 9), **kwargs)
    DirectionFactory(centre=centre, debut=datetime.date(2018, 9, 1))
    AssembleeGeneraleFactory(centre=centre, exercice=2025, date=datetime.date(2026, 6, 12))
    AgrementFactory(centre=centre, debut=datetime.date(2025, 1, 1), fin=datetime.date(2028, 12, 31))
    return centre


def _indicateurs(centre, annee=2025, **chiffres):
    return IndicateursAnnuelsFactory(centre=centre, annee=annee, **{**VERT_PARTOUT, **chiffres})


def _signal(centre, code, jour=JOUR) -> Signal:
    return evaluer(Centre.objects.get(pk=centre.pk), jour).signal(code)


def _financier(code, precedent=None, **chiffres) -> Signal:
    """The financial signal `code` of 2025's figures `chiffres` (unsaved: the thresholds need no database)."""
    n = IndicateursAnnuels(annee=2025, **{**VERT_PARTOUT, **chiffres})
    return next(s for s in signaux_financiers(n, precedent, JOUR) if s.code == code)


def _couleur(code, **chiffres):
    return _financier(code, **chiffres).couleur


def test_a_centre_in_good_health_has_only_green_signals_and_no_proposed_level():
    centre = _centre()
    _indicateurs(centre)
    evaluation = evaluer(centre, JOUR)
    assert [(s.code, s.couleur) for s in evaluation.signaux if s.couleur != VERT] == []
    assert evaluation.annee == 2025
    assert evaluation.niveau_propose is None
    assert evaluation.rouges == evaluation.oranges == []


# --- The financial signals at their thresholds --------------------------------------------------------


@pytest.mark.parametrize(
    ("tresorerie", "couleur", "affiche"),
    [
        (D("29999"), ROUGE, "29 jours"),  # 29,999 days
        (D("30000"), ORANGE, "30 jours"),
        (D("30001"), ORANGE, "30 jours"),
        (D("89999"), ORANGE, "89 jours"),
        (D("90000"), VERT, "90 jours"),
        (D("90001"), VERT, "90 jours"),
    ],
)
def test_treso_j_red_below_30_days_green_from_90(tresorerie, couleur, affiche):
    signal = _financier("TRESO_J", tresorerie=tresorerie)
    assert (signal.couleur, signal.valeur_affichee, signal.annee) == (couleur, affiche, 2025)
    assert signal.seuils == "rouge < 30 j, orange 30 à 90 j, vert ≥ 90 j"


def test_treso_j_counts_the_bank_overdrafts_against_the_cash():
    assert _couleur("TRESO_J", tresorerie=D("100000"), decouverts_bancaires=D("70001")) == ROUGE
    assert _couleur("TRESO_J", tresorerie=D("100000"), decouverts_bancaires=D("70000")) == ORANGE


def test_treso_j_is_grey_without_cash_outflows():
    signal = _financier("TRESO_J", charges_exploitation=D("24000"), dotations_amortissements=D("24000"))
    assert (signal.couleur, signal.valeur, signal.niveau) == (GRIS, None, None)
    assert "Non calculable" in signal.valeur_affichee


@pytest.mark.parametrize(
    ("fonds_propres", "couleur"),
    [
        (D("-0.01"), ROUGE),
        (D("0"), ORANGE),
        (D("0.01"), ORANGE),
        (D("182499.99"), ORANGE),
        (D("182500"), VERT),
        (D("182500.01"), VERT),
    ],
)
def test_fp_mois_red_below_0_green_from_3_months(fonds_propres, couleur):
    assert _couleur("FP_MOIS", fonds_propres=fonds_propres) == couleur


def test_fp_mois_shows_the_months_rounded_toward_their_colour():
    # 2,99999… months: amber, shown 2,9
    assert _financier("FP_MOIS", fonds_propres=D("182499.99")).valeur_affichee == "2,9 mois"


@pytest.mark.parametrize(
    ("ressources_stables", "couleur"),
    [
        (D("99999.99"), ROUGE),  # working capital -0,01 €
        (D("100000"), ORANGE),
        (D("100000.01"), ORANGE),
        (D("219999.99"), ORANGE),
        (D("220000"), VERT),  # 120 000 €: 60 days
        (D("220000.01"), VERT),
    ],
)
def test_fr_j_red_below_0_green_from_60_days(ressources_stables, couleur):
    assert _couleur("FR_J", ressources_stables=ressources_stables) == couleur


@pytest.mark.parametrize(
    ("charges_total", "couleur"),
    [
        (D("729999.99"), VERT),  # a surplus
        (D("730000"), VERT),  # balanced
        (D("730000.01"), ORANGE),  # one deficit
        (D("766499.99"), ORANGE),
        (D("766500"), ORANGE),  # a deficit of exactly 5 % of the produits
        (D("766500.01"), ROUGE),  # beyond 5 %
    ],
)
def test_resultat_one_deficit_amber_beyond_5_percent_red(charges_total, couleur):
    assert _couleur("RESULTAT", charges_total=charges_total) == couleur


def test_resultat_two_deficits_running_are_red():
    centre = _centre()
    _indicateurs(centre, 2024, charges_total=D("730000.01"))
    _indicateurs(centre, 2025, charges_total=D("730000.01"))
    signal = _signal(centre, "RESULTAT")
    assert signal.couleur == ROUGE
    assert "déficit aussi en 2024" in signal.detail
    precedent = IndicateursAnnuels(annee=2024, **{**VERT_PARTOUT, "charges_total": D("730000")})  # balanced
    assert _financier("RESULTAT", precedent, charges_total=D("730000.01")).couleur == ORANGE


def test_resultat_a_deficit_after_a_surplus_or_two_years_apart_is_amber():
    centre = _centre()
    _indicateurs(centre, 2023, charges_total=D("740000"))
    _indicateurs(centre, 2025, charges_total=D("740000"))  # 2024 not entered: not two running
    assert _signal(centre, "RESULTAT").couleur == ORANGE
    autre = _centre()
    _indicateurs(autre, 2024, charges_total=D("700000"))
    _indicateurs(autre, 2025, charges_total=D("740000"))
    assert _signal(autre, "RESULTAT").couleur == ORANGE


@pytest.mark.parametrize(
    ("produits_caf", "produits_autres", "couleur", "affiche"),
    [
        (D("364999.99"), D("65000.01"), VERT, "50,0\u00a0% (CAF)"),
        (D("365000"), D("65000"), VERT, "50,0\u00a0% (CAF)"),  # exactly half: not above
        (D("365000.01"), D("64999.99"), ORANGE, "50,1\u00a0% (CAF)"),
    ],
)
def test_dependance_amber_strictly_above_50_percent(produits_caf, produits_autres, couleur, affiche):
    signal = _financier("DEPENDANCE", produits_caf=produits_caf, produits_autres=produits_autres)
    assert (signal.couleur, signal.valeur_affichee) == (couleur, affiche)


def test_dependance_never_counts_the_other_produits_as_a_funder():
    # The users' fees and the small funders together, 60 % of the produits: not one funder.
    signal = _financier(
        "DEPENDANCE",
        produits_ville=D("100000"),
        produits_caf=D("100000"),
        produits_departement=D("50000"),
        produits_etat=D("42000"),
        produits_autres=D("438000"),
    )
    assert (signal.couleur, signal.valeur_affichee) == (VERT, "13,7\u00a0% (Ville)")


@pytest.mark.parametrize(
    ("masse_salariale", "couleur"),
    [(D("583999.99"), VERT), (D("584000"), VERT), (D("584000.01"), ORANGE)],
)
def test_masse_sal_amber_strictly_above_80_percent(masse_salariale, couleur):
    assert _couleur("MASSE_SAL", masse_salariale=masse_salariale) == couleur


@pytest.mark.parametrize(("dettes", "couleur"), [(D("0"), VERT), (D("0.01"), ROUGE)])
def test_dettes_soc_red_from_the_first_cent(dettes, couleur):
    assert _couleur("DETTES_SOC", dettes_sociales_echues=dettes) == couleur


@pytest.mark.parametrize(
    ("a_recevoir", "couleur", "affiche"),
    [(D("179999.99"), VERT, "90 jours"), (D("180000"), VERT, "90 jours"), (D("180000.01"), ORANGE, "91 jours")],
)
def test_delai_fin_amber_strictly_above_90_days(a_recevoir, couleur, affiche):
    signal = _financier("DELAI_FIN", subventions_a_recevoir=a_recevoir)
    assert (signal.couleur, signal.valeur_affichee) == (couleur, affiche)


@pytest.mark.parametrize("code", ["FP_MOIS", "FR_J", "MASSE_SAL"])
def test_the_ratios_on_charges_are_grey_when_the_charges_are_nil(code):
    assert _couleur(code, charges_total=D("0")) == GRIS


@pytest.mark.parametrize("code", ["RESULTAT", "DEPENDANCE", "DELAI_FIN"])
def test_the_ratios_on_produits_are_grey_when_the_produits_are_nil(code):
    assert _couleur(code, produits_total=D("0")) == GRIS


def test_without_indicators_the_financial_signals_are_grey_and_say_why():
    centre = _centre()
    _indicateurs(centre, 2021)  # older than the 3 years read
    evaluation = evaluer(centre, JOUR)
    assert evaluation.annee is None
    tresorerie = evaluation.signal("TRESO_J")
    assert (tresorerie.couleur, tresorerie.annee) == (GRIS, None)
    assert tresorerie.valeur_affichee == "Aucun indicateur annuel saisi depuis 2023."


def test_the_latest_indicators_are_read():
    centre = _centre()
    _indicateurs(centre, 2024, tresorerie=D("10000"))
    _indicateurs(centre, 2025)
    signal = _signal(centre, "TRESO_J")
    assert (signal.couleur, signal.annee) == (VERT, 2025)


# --- The governance and compliance signals on and off ----------------------------------------------------


def test_director_post_vacant_more_than_3_months_is_red():
    centre = _centre()
    _indicateurs(centre)
    centre.directions.update(fin=datetime.date(2026, 6, 15))
    assert _signal(centre, "DIRECTION_VACANTE", datetime.date(2026, 9, 15)).couleur == ORANGE  # 3 months exactly
    signal = _signal(centre, "DIRECTION_VACANTE", datetime.date(2026, 9, 16))
    assert (signal.couleur, signal.valeur) == (ROUGE, 93)
    assert signal.valeur_affichee == "Vacant depuis le 15/06/2026 (93 jours)"


def test_an_interim_fills_the_director_post():
    centre = _centre()
    centre.directions.update(fin=datetime.date(2026, 3, 31))
    DirectionFactory(centre=centre, debut=datetime.date(2026, 4, 1), interim=True)
    signal = _signal(centre, "DIRECTION_VACANTE")
    assert (signal.couleur, signal.valeur_affichee) == (VERT, "Pourvu depuis le 01/04/2026 (intérim)")


def test_no_director_recorded_is_grey():
    centre = CentreFactory()
    assert _signal(centre, "DIRECTION_VACANTE").couleur == GRIS
    assert _signal(centre, "ROTATION_DIRECTION").couleur == GRIS


def test_two_directors_in_3_years_is_amber():
    centre = _centre()
    centre.directions.update(fin=datetime.date(2023, 9, 15))  # left 3 years ago to the day: counts
    DirectionFactory(centre=centre, debut=datetime.date(2023, 10, 1))
    signal = _signal(centre, "ROTATION_DIRECTION")
    assert (signal.couleur, signal.valeur) == (ORANGE, 2)
    centre.directions.filter(debut__year=2018).update(fin=datetime.date(2023, 9, 14))  # a day earlier: not
    assert _signal(centre, "ROTATION_DIRECTION").couleur == VERT


def test_a_board_below_its_statutory_minimum_is_amber():
    centre = _centre(ca_minimum_statutaire=11)
    _indicateurs(centre, administrateurs=10)
    signal = _signal(centre, "CA_MINIMUM")
    assert (signal.couleur, signal.annee) == (ORANGE, 2025)
    assert signal.valeur_affichee == "10 administrateurs pour un minimum statutaire de 11"
    Centre.objects.filter(pk=centre.pk).update(ca_minimum_statutaire=10)  # at the minimum
    assert _signal(centre, "CA_MINIMUM").couleur == VERT
    Centre.objects.filter(pk=centre.pk).update(ca_minimum_statutaire=None)
    assert _signal(centre, "CA_MINIMUM").couleur == GRIS


def test_a_resigned_president_is_amber_until_replaced():
    centre = _centre(presidence_vacante_depuis=datetime.date(2026, 9, 1))
    _indicateurs(centre)
    signal = _signal(centre, "PRESIDENCE_VACANTE")
    assert (signal.couleur, signal.valeur_affichee) == (ORANGE, "Vacante depuis le 01/09/2026")
    assert signal.niveau == Niveau.VIGILANCE
    Centre.objects.filter(pk=centre.pk).update(presidence_vacante_depuis=None)
    assert _signal(centre, "PRESIDENCE_VACANTE").couleur == VERT


def test_a_municipal_centre_has_no_board_president_or_ag_signal():
    centre = _centre(gestion=Centre.Gestion.MUNICIPALE, presidence_vacante_depuis=datetime.date(2026, 1, 1))
    centre.assemblees.all().delete()
    evaluation = evaluer(centre, JOUR)
    for code in ["CA_MINIMUM", "PRESIDENCE_VACANTE", "AG_NON_TENUE", "COMPTES_NON_APPROUVES"]:
        assert evaluation.signal(code).couleur == GRIS, code


def test_the_ag_not_held_within_6_months_of_the_year_end_is_amber():
    centre = _centre()
    AssembleeGeneraleFactory(centre=centre, exercice=2024, date=datetime.date(2025, 6, 12))
    centre.assemblees.filter(exercice=2025).update(date=datetime.date(2026, 7, 1))  # held, but after 30 June
    assert _signal(centre, "AG_NON_TENUE", datetime.date(2026, 6, 30)).couleur == VERT  # 2024's is the one due
    signal = _signal(centre, "AG_NON_TENUE", datetime.date(2026, 7, 1))
    assert (signal.couleur, signal.annee) == (ORANGE, 2025)
    assert signal.valeur_affichee == "AG des comptes 2025 non tenue au 30/06/2026"
    centre.assemblees.filter(exercice=2025).update(date=datetime.date(2026, 6, 30))
    assert _signal(centre, "AG_NON_TENUE", datetime.date(2026, 7, 1)).couleur == VERT


def test_accounts_not_approved_by_the_latest_ag_are_amber():
    centre = _centre()
    centre.assemblees.update(comptes_approuves=False)
    signal = _signal(centre, "COMPTES_NON_APPROUVES")
    assert (signal.couleur, signal.annee) == (ORANGE, 2025)
    assert signal.valeur_affichee == "Comptes 2025 non approuvés par l'AG du 12/06/2026"
    centre.assemblees.update(comptes_approuves=None)
    assert _signal(centre, "COMPTES_NON_APPROUVES").couleur == GRIS


@pytest.mark.parametrize(
    ("avis", "couleur"),
    [
        (AvisCommissaire.SANS_RESERVE, VERT),
        (AvisCommissaire.AVEC_RESERVES, ROUGE),
        (AvisCommissaire.REFUS, ROUGE),
        (AvisCommissaire.IMPOSSIBILITE, ROUGE),
        ("", GRIS),
    ],
)
def test_the_auditors_reserves_or_refusal_are_red(avis, couleur):
    centre = CentreFactory()
    _indicateurs(centre, avis_commissaire=avis)
    signal = _signal(centre, "AVIS_COMMISSAIRE")
    assert (signal.couleur, signal.annee) == (couleur, 2025)
    assert signal.source == "article L823-9 du code de commerce"


def test_the_auditors_alert_procedure_is_red():
    centre = CentreFactory()
    indicateurs = _indicateurs(centre, procedure_alerte=True)
    signal = _signal(centre, "PROCEDURE_ALERTE")
    assert (signal.couleur, signal.source) == (ROUGE, "article L612-3 du code de commerce")
    IndicateursAnnuels.objects.filter(pk=indicateurs.pk).update(procedure_alerte=False)
    assert _signal(centre, "PROCEDURE_ALERTE").couleur == VERT


def test_an_overdue_financial_report_is_amber():
    centre = _centre()
    _indicateurs(centre)
    votee = DemandeFactory(centre=centre, annee=2025, votee=True)  # due 30/06/2026
    assert _signal(centre, "CRF_EN_RETARD", datetime.date(2026, 6, 30)).couleur == VERT  # due that day
    signal = _signal(centre, "CRF_EN_RETARD", datetime.date(2026, 7, 1))
    assert (signal.couleur, signal.valeur, signal.valeur_affichee) == (ORANGE, 1, "1 en retard (exercice 2025)")
    CompteRenduFinancier.objects.create(demande=votee, date_reception=datetime.date(2026, 7, 3))
    assert _signal(centre, "CRF_EN_RETARD", datetime.date(2026, 7, 4)).couleur == VERT


def test_the_agc_agrement_expired_or_ending_within_24_months_is_amber():
    centre = _centre()  # AGC until 31/12/2028
    assert _signal(centre, "AGREMENT", datetime.date(2026, 12, 30)).couleur == VERT  # ends in 24 months + 1 day
    assert _signal(centre, "AGREMENT", datetime.date(2026, 12, 31)).couleur == ORANGE  # in 24 months exactly
    signal = _signal(centre, "AGREMENT", datetime.date(2029, 1, 1))
    assert (signal.couleur, signal.valeur_affichee) == (ORANGE, "Expiré le 31/12/2028")
    AgrementFactory(centre=centre, debut=datetime.date(2029, 1, 1), fin=datetime.date(2032, 12, 31))  # renewed
    assert _signal(centre, "AGREMENT", datetime.date(2029, 1, 1)).couleur == VERT


def test_senacs_missing_for_the_previous_year_is_amber():
    centre = _centre()
    _indicateurs(centre, 2024)
    signal = _signal(centre, "SENACS")
    assert (signal.couleur, signal.annee, signal.valeur_affichee) == (ORANGE, 2025, "Exercice 2025 non saisi")
    _indicateurs(centre, 2025)
    assert _signal(centre, "SENACS").couleur == VERT


def test_staff_conflicts_written_on_the_file_are_amber():
    centre = _centre()
    _indicateurs(centre)
    assert evaluer(centre, JOUR).signal("CONFLITS_SOCIAUX") is None  # left out when no file is read
    assert evaluer(centre, JOUR, conflits="Grève du personnel d'animation").signal("CONFLITS_SOCIAUX").couleur == ORANGE
    assert evaluer(centre, JOUR, conflits="  ").signal("CONFLITS_SOCIAUX").couleur == VERT


def test_no_signal_shows_a_rule_code():
    centre = _centre()
    evaluation = evaluer(centre, JOUR, conflits="")
    textes = [t for s in evaluation.signaux for t in (s.libelle, s.valeur_affichee, s.seuils, s.source, s.detail)]
    assert not [t for t in textes if "CV-" in t or "_" in t]


# --- CV-1: the proposed level ---------------------------------------------------------------------------


def _avec(*couleurs):
    signaux = [Signal(f"S{i}", "Signal", None, "", c, "", None, "") for i, c in enumerate(couleurs)]
    return Evaluation(centre_id=1, jour=JOUR, annee=2025, signaux=signaux)


@pytest.mark.parametrize(
    ("couleurs", "niveau"),
    [
        ((VERT, GRIS), None),
        ((VERT, ORANGE), Niveau.VIGILANCE),
        ((ORANGE, ROUGE), Niveau.ALERTE),
        ((ROUGE,) * (VEILLE_ROUGES_CRITIQUE - 1) + (ORANGE,), Niveau.ALERTE),
        ((ROUGE,) * VEILLE_ROUGES_CRITIQUE, Niveau.CRITIQUE),
    ],
)
def test_cv_1_the_proposed_level_is_the_highest_signal_critical_from_3_reds(couleurs, niveau):
    assert _avec(*couleurs).niveau_propose == niveau


def test_cv_1_the_signal_levels():
    assert [_avec(c).signaux[0].niveau for c in (ROUGE, ORANGE, VERT, GRIS)] == [
        Niveau.ALERTE,
        Niveau.VIGILANCE,
        None,
        None,
    ]


def test_cv_1_computing_never_writes_the_official_level():
    centre = _centre()
    _indicateurs(centre, dettes_sociales_echues=D("5000"), tresorerie=D("1000"), procedure_alerte=True)
    situation = SituationVeilleFactory(centre=centre)
    DecisionNiveauFactory(situation=situation, niveau=Niveau.VIGILANCE)
    SituationVeille.objects.filter(pk=situation.pk).update(niveau=Niveau.VIGILANCE)
    evaluation = evaluer(centre, JOUR)
    assert evaluation.niveau_propose == Niveau.CRITIQUE
    situation.refresh_from_db()
    assert situation.niveau == Niveau.VIGILANCE
    assert situation.decisions_niveau.count() == 1


# --- Cost: a fixed number of queries ---------------------------------------------------------------------


def _centres_complets(n):
    centres = []
    for k in range(n):
        centre = _centre(presidence_vacante_depuis=datetime.date(2026, 1, 1) if k % 2 else None)
        _indicateurs(centre, 2024)
        _indicateurs(centre, 2025)
        DirectionFactory(centre=centre, debut=datetime.date(2012, 1, 1), fin=datetime.date(2018, 8, 31))
        DemandeFactory(centre=centre, annee=2024, votee=True)
        centres.append(centre)
    return centres


def test_evaluer_centres_costs_the_same_queries_for_1_and_10_centres():
    centres = _centres_complets(10)
    un = requetes_de(lambda: evaluer_centres(Centre.objects.filter(pk=centres[0].pk), JOUR))
    dix = requetes_de(lambda: evaluer_centres(Centre.objects.filter(pk__in=[c.pk for c in centres]), JOUR))
    assert un == dix == 7  # the centres, indicators, directions, AGs, overdue reports, late AGs, agréments
    debut = time.perf_counter()
    evaluations = evaluer_centres(Centre.objects.filter(pk__in=[c.pk for c in centres]), JOUR)
    assert time.perf_counter() - debut < 0.5
    assert {e.signal("CRF_EN_RETARD").couleur for e in evaluations.values()} == {ORANGE}
    assert sum(e.signal("PRESIDENCE_VACANTE").couleur == ORANGE for e in evaluations.values()) == 5
