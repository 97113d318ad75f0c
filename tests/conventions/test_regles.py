"""LOC-2 (premises lent by the city are in-kind aid) and SUB-3 (above 23 000 € a year, strictly,
the aid needs a signed convention): conventions.services.consolider, aide_annuelle, aides_annuelles."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from conventions import services
from conventions.models import Convention
from subventions import services as subventions_services

from ..factories import (
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    EngagementFactory,
    LocalFactory,
    OrganisationFactory,
)
from .factories import AvenantFactory, AvenantMontantFactory

pytestmark = pytest.mark.django_db
S = Convention.Statut


@pytest.fixture
def centre():
    return CentreFactory()


def _local(centre, **champs):
    """A local worth 12 000 + 1 000 − 500 = 12 500 € a year of in-kind aid, unless told otherwise."""
    montants = {"valeur_locative": "12000", "charges_ville": "1000", "loyer_facture": "500"}
    return LocalFactory(centre=centre, **{k: Decimal(v) for k, v in montants.items()} | champs)


def _signee(centre, ville, caf=None, statut=S.SIGNEE, ville_signe=True, **kwargs):
    """A convention whose parties signed (the city only when `ville_signe`)."""
    convention = ConventionFactory(
        centre=centre, complete=True, statut=statut, parties=[ville, caf] if caf else [ville], **kwargs
    )
    convention.parties.exclude(organisation=ville).update(date_signature=datetime.date(2024, 12, 10))
    if ville_signe:
        convention.parties.filter(organisation=ville).update(date_signature=datetime.date(2024, 12, 15))
    return convention


def _ligne(convention, annee, financeur):
    return next(
        ligne
        for ligne in services.consolider(convention).lignes
        if (ligne.annee, ligne.financeur) == (annee, financeur)
    )


# --- LOC-2 ---------------------------------------------------------------------------------


def test_loc_2_the_value_of_premises_is_rental_value_plus_city_charges_minus_rent(centre):
    assert _local(centre).avantage_en_nature == Decimal("12500")
    assert _local(centre, loyer_facture=Decimal("20000")).avantage_en_nature == Decimal("0")  # never below zero


def test_loc_2_premises_covered_add_their_value_to_the_citys_in_kind_lines_only(centre, ville, caf):
    convention = _signee(centre, ville, caf)
    convention.locaux.set([_local(centre)])
    _local(centre, nom="Annexe hors convention")
    EngagementFactory(convention=convention, financeur=ville, annee=2026, montant=Decimal("10000"))
    EngagementFactory(
        convention=convention, financeur=caf, annee=2026, montant=Decimal("8000"), valeur_nature=Decimal("300")
    )

    ville_2026 = _ligne(convention, 2026, ville)
    assert (ville_2026.valeur_locaux, ville_2026.nature_totale, ville_2026.total) == (
        Decimal("12500"),
        Decimal("12500"),
        Decimal("22500"),
    )
    caf_2026 = _ligne(convention, 2026, caf)
    assert (caf_2026.valeur_locaux, caf_2026.nature_totale, caf_2026.total) == (
        Decimal("0"),
        Decimal("300"),
        Decimal("8300"),
    )


def test_loc_2_premises_count_for_the_months_they_are_lent(centre, ville):
    """Lent from 01/07/2025 to 31/12/2026: 6 months of 2025, all of 2026, none of 2027."""
    convention = _signee(centre, ville)
    convention.locaux.set([_local(centre, debut=datetime.date(2025, 7, 1), fin=datetime.date(2026, 12, 31))])
    for annee in (2025, 2026, 2027):
        EngagementFactory(convention=convention, financeur=ville, annee=annee)
    assert [_ligne(convention, annee, ville).valeur_locaux for annee in (2025, 2026, 2027)] == [
        Decimal("6250.00"),
        Decimal("12500.00"),
        Decimal("0"),
    ]


@pytest.mark.parametrize(
    ("debut", "fin", "mois"),
    [
        (datetime.date(2026, 3, 1), None, 10),
        (datetime.date(2026, 3, 31), None, 10),  # a month begun counts
        (datetime.date(2026, 4, 1), None, 9),
        (None, datetime.date(2026, 1, 1), 1),
        (None, datetime.date(2025, 12, 31), 0),
    ],
)
def test_loc_2_the_value_is_prorated_by_the_months_lent_in_the_year(centre, debut, fin, mois):
    local = _local(centre, debut=debut, fin=fin)  # 12 500 € a year
    assert local.mois_occupes(2026) == mois
    assert local.avantage_pour(2026) == (Decimal("12500") * mois / 12).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("proprietaire", "ville_locataire", "aide"),
    [("ville", False, True), ("bailleur", False, False), ("bailleur", True, True), ("prive", False, False)],
)
def test_loc_2_only_premises_the_city_owns_or_rents_are_its_aid(centre, proprietaire, ville_locataire, aide):
    local = _local(centre)
    local.proprietaire, local.ville_locataire = proprietaire, ville_locataire
    assert local.avantage_pour(2026) == (Decimal("12500.00") if aide else Decimal("0"))


def test_loc_2_the_premises_page_shows_how_the_aid_is_computed(client, agent, centre):
    local = _local(centre, debut=datetime.date(2026, 7, 1))
    client.force_login(agent)
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10)):
        page = client.get(reverse("centres:local_detail", args=[local.pk])).content.decode()
    assert "× 6/12 mois occupés en 2026" in page


def test_loc_2_the_detail_page_shows_the_premises_column(client, agent, centre, ville):
    convention = _signee(centre, ville)
    convention.locaux.set([_local(centre)])
    EngagementFactory(convention=convention, financeur=ville, annee=2026, montant=Decimal("10000"))
    client.force_login(agent)
    [ligne] = client.get(convention.get_absolute_url()).context["etat"].lignes
    assert (ligne.valeur_locaux, ligne.total) == (Decimal("12500"), Decimal("22500"))


# --- SUB-3 ---------------------------------------------------------------------------------


def test_sub_3_the_aid_is_cash_plus_valued_in_kind_aid_premises_included(centre, ville):
    convention = _signee(centre, ville)
    _local(centre)  # occupied by the centre: in-kind aid whether or not a convention names it
    EngagementFactory(
        convention=convention, financeur=ville, annee=2026, montant=Decimal("10000"), valeur_nature=Decimal("500")
    )
    aide = services.aide_annuelle(centre=centre, annee=2026)
    assert (aide.numeraire, aide.nature, aide.total) == (Decimal("10000"), Decimal("13000"), Decimal("23000"))
    assert aide.convention == convention


def test_sub_3_exactly_23_000_is_not_above_the_threshold(centre):
    _local(centre)
    aide = services.aide_annuelle(centre=centre, annee=2026, numeraire=Decimal("10500.00"))
    assert aide.total == Decimal("23000.00")
    assert not aide.seuil_depasse
    assert not aide.convention_manquante


def test_sub_3_one_cent_above_23_000_needs_a_signed_convention(centre):
    _local(centre)
    aide = services.aide_annuelle(centre=centre, annee=2026, numeraire=Decimal("10500.01"))
    assert aide.total == Decimal("23000.01")
    assert aide.seuil_depasse
    assert aide.convention is None
    assert aide.convention_manquante


@pytest.mark.parametrize(
    ("numeraire", "depasse"), [(Decimal("22999.99"), False), (Decimal("23000.00"), False), (Decimal("23000.01"), True)]
)
def test_sub_3_the_threshold_holds_for_cash_alone(centre, numeraire, depasse):
    assert services.aide_annuelle(centre=centre, annee=2026, numeraire=numeraire).seuil_depasse is depasse


def test_sub_3_the_given_cash_replaces_the_commitments_but_keeps_the_in_kind_aid(centre, ville):
    convention = _signee(centre, ville)
    _local(centre)
    EngagementFactory(
        convention=convention, financeur=ville, annee=2026, montant=Decimal("10000"), valeur_nature=Decimal("500")
    )
    aide = services.aide_annuelle(centre=centre, annee=2026, numeraire=Decimal("4000"))
    assert (aide.numeraire, aide.nature) == (Decimal("4000"), Decimal("13000"))


@pytest.mark.parametrize("statut", [S.SIGNEE, S.EN_COURS, S.EXPIREE])
def test_sub_3_a_convention_signed_by_the_city_covers_its_years(centre, ville, caf, statut):
    convention = _signee(centre, ville, caf, statut=statut)
    for annee in range(2025, 2029):  # it states the city's cash for each of its years
        EngagementFactory(convention=convention, financeur=ville, annee=annee)
    aides = services.aides_annuelles(centre=centre, annees=[2024, 2025, 2028, 2029])
    assert {annee: aide.convention for annee, aide in aides.items()} == {
        2024: None,
        2025: convention,
        2028: convention,
        2029: None,
    }


@pytest.mark.parametrize("statut", [S.BROUILLON, S.REVUE_JURIDIQUE, S.APPROUVEE, S.DELIBEREE, S.RESILIEE])
def test_sub_3_a_convention_not_signed_does_not_cover_the_year(centre, ville, statut):
    _signee(centre, ville, statut=statut)
    assert services.aide_annuelle(centre=centre, annee=2026).convention is None


def test_sub_3_a_signed_convention_the_city_has_not_signed_does_not_cover_the_year(centre, ville, caf):
    _signee(centre, ville, caf, ville_signe=False)
    assert services.aide_annuelle(centre=centre, annee=2026).convention is None


def test_sub_3_another_centres_convention_does_not_cover_the_year(centre, ville):
    _signee(CentreFactory(), ville)
    assert services.aide_annuelle(centre=centre, annee=2026).convention is None


@pytest.mark.parametrize(("statut", "compte"), [(S.BROUILLON, False), (S.REVUE_JURIDIQUE, False), (S.APPROUVEE, True)])
def test_sub_3_a_draft_conventions_commitments_do_not_count(centre, ville, statut, compte):
    convention = _signee(centre, ville, statut=statut)
    EngagementFactory(
        convention=convention, financeur=ville, annee=2026, montant=Decimal("30000"), valeur_nature=Decimal("700")
    )
    aide = services.aide_annuelle(centre=centre, annee=2026)
    assert (aide.numeraire, aide.nature) == ((Decimal("30000"), Decimal("700")) if compte else (0, 0))


def test_sub_3_other_funders_do_not_count_towards_the_citys_aid(centre, ville, caf):
    convention = _signee(centre, ville, caf)
    EngagementFactory(convention=convention, financeur=caf, annee=2026, montant=Decimal("60000"))
    assert services.aide_annuelle(centre=centre, annee=2026).total == Decimal("0")


def test_sub_3_the_amounts_of_signed_avenants_are_used(centre, ville):
    convention = _signee(centre, ville)
    EngagementFactory(convention=convention, financeur=ville, annee=2026, montant=Decimal("20000"))
    signe = AvenantFactory(convention=convention, numero=1, signe=True)
    AvenantMontantFactory(
        avenant=signe, annee=2026, financeur=ville, montant=Decimal("24000"), valeur_nature=Decimal("250")
    )
    projet = AvenantFactory(convention=convention, numero=2)
    AvenantMontantFactory(avenant=projet, annee=2026, financeur=ville, montant=Decimal("90000"))
    aide = services.aide_annuelle(centre=centre, annee=2026)
    assert (aide.numeraire, aide.nature, aide.seuil_depasse) == (Decimal("24000"), Decimal("250"), True)


def test_sub_3_a_convention_extended_by_a_signed_avenant_covers_the_added_year(centre, ville):
    convention = _signee(centre, ville, type=Convention.Type.OBJECTIFS, fin=datetime.date(2026, 12, 31))
    avenant = AvenantFactory(convention=convention, numero=1, signe=True, nouvelle_fin=datetime.date(2027, 12, 31))
    AvenantMontantFactory(avenant=avenant, annee=2027, financeur=ville, montant=Decimal("26000"))
    aide = services.aide_annuelle(centre=centre, annee=2027)
    assert (aide.numeraire, aide.convention, aide.convention_manquante) == (Decimal("26000"), convention, False)
    # A project of avenant extends nothing.
    AvenantFactory(convention=convention, numero=2, nouvelle_fin=datetime.date(2028, 12, 31))
    assert services.aide_annuelle(centre=centre, annee=2028).convention is None


def test_sub_3_premises_of_other_occupants_do_not_count(centre):
    LocalFactory(linne=True)
    _local(CentreFactory())
    assert services.aide_annuelle(centre=centre, annee=2026).nature == Decimal("0")


def test_sub_3_the_latest_signed_convention_is_named_when_two_cover_the_year(centre, ville):
    ancienne = _signee(centre, ville, debut=datetime.date(2020, 1, 1), fin=datetime.date(2026, 6, 30))
    recente = _signee(centre, ville, debut=datetime.date(2026, 7, 1), fin=datetime.date(2030, 6, 30))
    for convention in (ancienne, recente):
        EngagementFactory(convention=convention, financeur=ville, annee=2026)
    assert services.aide_annuelle(centre=centre, annee=2026).convention == recente


def test_sub_3_a_premises_only_convention_does_not_cover_the_year(centre, ville):
    """It values the premises lent (LOC-2) but states no cash of the city for the year."""
    locaux = _signee(centre, ville, type=Convention.Type.LOCAUX, debut=datetime.date(2020, 1, 1))
    locaux.locaux.set([_local(centre)])
    aide = services.aide_annuelle(centre=centre, annee=2026, numeraire=Decimal("20000"))
    assert (aide.seuil_depasse, aide.convention) == (True, None)
    EngagementFactory(convention=locaux, financeur=ville, annee=2026, montant=Decimal("20000"))
    assert services.aide_annuelle(centre=centre, annee=2026, numeraire=Decimal("20000")).convention == locaux


@pytest.mark.parametrize(("deuxieme", "depasse"), [(Decimal("11500.00"), False), (Decimal("11500.01"), True)])
def test_sub_3_counts_per_beneficiary_the_association_running_several_centres(deuxieme, depasse):
    """11 500 € to each of two centres of one association: 23 000 €, not above; one cent more is."""
    association = OrganisationFactory(association=True, nom="Association des deux centres")
    nord, sud = CentreFactory(organisation=association), CentreFactory(organisation=association)
    DemandeFactory(centre=nord, votee=True, montant_vote=Decimal("11500.00"))
    DemandeFactory(centre=sud, votee=True, montant_vote=deuxieme)
    autre = CentreFactory()  # another beneficiary's grant does not count
    DemandeFactory(centre=autre, votee=True, montant_vote=Decimal("30000"))
    for centre in (nord, sud):
        numeraire = subventions_services.numeraire_vote(centre, 2026)
        assert numeraire == Decimal("11500.00") + deuxieme
        assert services.aide_annuelle(centre=centre, annee=2026, numeraire=numeraire).seuil_depasse is depasse
