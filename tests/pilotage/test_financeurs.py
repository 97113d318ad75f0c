"""The « Financeurs » tab of the centre page: every funder's contribution each year, with its source,
the shares of the produits (SEN-2) and the dependency on the largest funder (DEPENDANCE)."""

import csv
import datetime
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from comptes.models import Organisation, Role
from conventions.models import Avenant, AvenantMontant, Convention
from pilotage.financeurs import financeurs_du_centre, parts_en_pourcentage
from pilotage.onglets_centre import visible
from roubaix_cs.seuils import ECART_PARTS_MAX_PCT

from ..factories import (
    AgrementFactory,
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    EngagementFactory,
    IndicateursAnnuelsFactory,
    LocalFactory,
    OrganisationFactory,
    UserFactory,
    VersementFactory,
)

JOUR = datetime.datetime(2026, 9, 15, 10, 0)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]
S = Convention.Statut
D = Decimal


def _ville():
    return OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)


def _convention(centre, financeurs, *, statut=S.EN_COURS, debut=2025, fin=2028, parties=None):
    """A convention of `centre` from `debut` to `fin`, committing {(year, organisation): amount}."""
    convention = ConventionFactory(
        centre=centre,
        statut=statut,
        debut=datetime.date(debut, 1, 1),
        fin=datetime.date(fin, 12, 31),
        parties=parties if parties is not None else sorted({o for _, o in financeurs}, key=lambda o: o.pk),
    )
    for (annee, organisation), montant in financeurs.items():
        EngagementFactory(convention=convention, annee=annee, financeur=organisation, montant=montant)
    return convention


def _annee(annees, annee):
    return next(a for a in annees if a.annee == annee)


def _ligne(annee, financeur):
    return next(c for c in annee.contributions if c.financeur == financeur)


def _onglet(client, user, centre, onglet="financeurs"):
    client.force_login(user)
    return client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": onglet})


# --- The city's figures ------------------------------------------------------------------------------


def test_the_city_s_figures_equal_the_financements_tab_s_voted_and_paid_totals(client, agent, settings):
    centre = CentreFactory()
    for annee, vote, verses in [(2026, D("30000"), [D("12000"), D("3000")]), (2025, D("25000"), [D("25000")])]:
        demande = DemandeFactory(centre=centre, annee=annee, votee=True, montant_vote=vote)
        for verse in verses:
            VersementFactory(demande=demande, montant=verse)
    DemandeFactory(centre=centre, annee=2026, votee=True, nature="compensation_loyers", montant_vote=D("4500"))
    DemandeFactory(centre=centre, annee=2026, proposee=True)  # neither voted nor paid
    DemandeFactory(centre=centre, annee=2026, statut="rejetee")

    financements = {e.annee: e for e in _onglet(client, agent, centre, "financements").context["exercices"]}
    financeurs = _onglet(client, agent, centre).context["financeurs"]

    for annee in (2026, 2025):
        ville = _ligne(_annee(financeurs, annee), settings.VILLE_NOM)
        assert (ville.numeraire, ville.verse) == (financements[annee].vote, financements[annee].verse)
    assert _ligne(_annee(financeurs, 2026), settings.VILLE_NOM).numeraire == D("34500")


def test_the_city_s_in_kind_aid_is_its_premises_valued(agent, settings):
    centre = CentreFactory()
    LocalFactory(centre=centre, valeur_locative=D("12000"), charges_ville=D("0"), loyer_facture=D("0"))
    ville = _ligne(_annee(financeurs_du_centre(centre, agent), 2026), settings.VILLE_NOM)
    assert ville.nature == D("12000.00")
    assert any("locaux mis à disposition" in s.texte for s in ville.sources)


# --- Conventions first, then the centre's accounts -------------------------------------------------


def test_a_convention_s_commitment_wins_over_the_indicators_for_the_same_funder_and_year(client, agent, caf):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2026, produits_caf=D("360000"), produits_departement=D("80000"))
    convention = _convention(centre, {(2026, caf): D("300000")})

    annee = _annee(financeurs_du_centre(centre, agent), 2026)

    caf_ligne = _ligne(annee, "CAF")
    assert caf_ligne.numeraire == D("300000")
    assert "convention" in caf_ligne.source and "signée" in caf_ligne.source
    assert caf_ligne.sources[0].url == convention.get_absolute_url()
    assert caf_ligne.sources[1].texte == "comptes annuels du centre (indicateurs 2026) : 360\u202f000,00\u00a0€"
    departement = _ligne(annee, "Département")  # no convention commits it: the accounts
    assert departement.numeraire == D("80000")
    assert departement.source == "comptes annuels du centre (indicateurs 2026)"
    page = _onglet(client, agent, centre).content.decode()
    assert f'href="{convention.get_absolute_url()}"' in page


def test_the_indicators_stand_when_no_signed_convention_covers_the_year(agent, caf):
    centre = CentreFactory()
    for annee in (2024, 2025, 2026):
        IndicateursAnnuelsFactory(centre=centre, annee=annee, produits_caf=D("360000"))
    _convention(centre, {(2026, caf): D("300000")}, debut=2026)
    _convention(centre, {(2024, caf): D("1")}, statut=S.APPROUVEE, debut=2023, fin=2025)  # not signed
    _convention(centre, {(2024, caf): D("2")}, statut=S.RESILIEE, debut=2023, fin=2025)  # terminated

    annees = financeurs_du_centre(centre, agent)

    assert _ligne(_annee(annees, 2026), "CAF").numeraire == D("300000")
    for annee in (2025, 2024):
        caf_ligne = _ligne(_annee(annees, annee), "CAF")
        assert caf_ligne.numeraire == D("360000")
        assert "comptes annuels du centre" in caf_ligne.source


def test_a_signed_avenant_s_amounts_apply_and_the_source_names_it(agent, caf):
    centre = CentreFactory()
    convention = _convention(centre, {(2026, caf): D("300000"), (2027, caf): D("300000")})
    signe = Avenant.objects.create(
        convention=convention, numero=1, date=datetime.date(2026, 3, 1), objet="Hausse", statut=Avenant.Statut.SIGNE
    )
    AvenantMontant.objects.create(avenant=signe, annee=2026, financeur=caf, montant=D("320000"))
    projet = Avenant.objects.create(convention=convention, numero=2, date=datetime.date(2026, 6, 1), objet="Projet")
    AvenantMontant.objects.create(avenant=projet, annee=2027, financeur=caf, montant=D("999999"))

    annees = financeurs_du_centre(centre, agent)

    apres = _ligne(_annee(annees, 2026), "CAF")
    assert apres.numeraire == D("320000")
    assert "avenant n° 1 appliqué" in apres.source
    inchange = _ligne(_annee(annees, 2027), "CAF")  # an avenant still a project changes nothing
    assert inchange.numeraire == D("300000")
    assert "avenant" not in inchange.source


def test_an_avenant_extending_the_end_extends_the_years_the_convention_covers(agent, caf):
    centre = CentreFactory()
    convention = _convention(centre, {}, debut=2022, fin=2025)
    avenant = Avenant.objects.create(
        convention=convention,
        numero=1,
        date=datetime.date(2025, 6, 1),
        objet="Prolongation",
        nouvelle_fin=datetime.date(2026, 12, 31),
        statut=Avenant.Statut.SIGNE,
    )
    AvenantMontant.objects.create(avenant=avenant, annee=2026, financeur=caf, montant=D("150000"))
    assert _ligne(_annee(financeurs_du_centre(centre, agent), 2026), "CAF").numeraire == D("150000")


def test_each_other_funder_of_a_convention_has_its_own_row_and_the_rest_of_the_accounts_follows(agent):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2026)  # 810 000 € of produits, 160 000 € "autres"
    federation = OrganisationFactory(nom="Fédération des centres sociaux", nature=Organisation.Nature.FEDERATION)
    bailleur = OrganisationFactory(nom="Bailleur social", nature=Organisation.Nature.AUTRE)
    _convention(centre, {(2026, federation): D("5000"), (2026, bailleur): D("7000")})

    annee = _annee(financeurs_du_centre(centre, agent), 2026)

    assert _ligne(annee, "Fédération des centres sociaux").numeraire == D("5000")
    assert _ligne(annee, "Bailleur social").numeraire == D("7000")
    reste = _ligne(
        annee, "Autres ressources du centre (écart avec ses comptes)"
    )  # users' fees and the rest of the accounts
    assert reste.numeraire == D("810000") - D("0") - D("360000") - D("80000") - D("60000") - D("12000")
    assert not reste.identifie


# --- SEN-2 and DEPENDANCE --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("montants", "attendues"),
    [
        ([D(1), D(1), D(1)], [D("33.4"), D("33.3"), D("33.3")]),  # each rounded alone: 99,9 %
        ([D(1)] * 6, [D("16.7"), D("16.7"), D("16.7"), D("16.7"), D("16.6"), D("16.6")]),  # alone: 100,2 %
        ([D("500"), D("250"), D("250")], [D("50.0"), D("25.0"), D("25.0")]),
        ([D("1000"), D(0)], [D("100.0"), D("0.0")]),
    ],
)
def test_sen_2_shares_rounded_to_one_decimal_add_up_to_100_by_the_largest_remainder(montants, attendues):
    parts = parts_en_pourcentage(montants, sum(montants))
    assert parts == attendues
    assert sum(parts) == 100


def test_sen_2_shares_of_a_year_add_up_to_100_within_half_a_point(agent, caf):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(
        centre=centre,
        annee=2026,
        produits_total=D("300000"),
        produits_ville=D("100000"),
        produits_caf=D("100000"),
        produits_departement=D("100000"),
        produits_etat=D("0"),
        produits_autres=D("0"),
    )
    DemandeFactory(centre=centre, annee=2026, votee=True, montant_vote=D("100000"))

    annee = _annee(financeurs_du_centre(centre, agent), 2026)

    parts = [c.part for c in annee.contributions if c.part is not None]
    assert sum(parts) == 100
    assert abs(sum(parts) - 100) <= ECART_PARTS_MAX_PCT
    assert not annee.avertissements


def test_sen_2_contributions_above_the_accounts_produits_are_warned(agent, caf):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2026)  # 810 000 € of produits
    _convention(centre, {(2026, caf): D("700000")})  # the accounts said 360 000 €

    annee = _annee(financeurs_du_centre(centre, agent), 2026)

    assert sum(c.part for c in annee.contributions if c.part is not None) > 100
    assert any("dépassent" in a for a in annee.avertissements)
    assert any("totalisent" in a for a in annee.avertissements)


def _dependance(centre, vote):
    """Produits of 200 000 €, the city voting `vote` and the CAF giving the rest."""
    IndicateursAnnuelsFactory(
        centre=centre,
        annee=2026,
        produits_total=D("200000"),
        produits_ville=vote,
        produits_caf=D("200000") - vote,
        produits_departement=D("0"),
        produits_etat=D("0"),
        produits_autres=D("0"),
    )
    DemandeFactory(centre=centre, annee=2026, votee=True, montant_vote=vote)


def test_a_dependency_of_exactly_50_percent_is_not_amber(client, agent, settings):
    centre = CentreFactory()
    _dependance(centre, D("100000"))
    annee = _annee(financeurs_du_centre(centre, agent), 2026)
    assert annee.dependance == D("50.0")
    assert not annee.dependance_elevee
    assert "text-bg-warning" not in _onglet(client, agent, centre).content.decode()


def test_a_dependency_above_50_percent_is_amber(client, agent, settings):
    centre = CentreFactory()
    _dependance(centre, D("100000.01"))
    annee = _annee(financeurs_du_centre(centre, agent), 2026)
    assert annee.dependance == D("50.0")  # shown rounded, judged exactly
    assert annee.dependance_elevee
    assert annee.premier.financeur == settings.VILLE_NOM
    page = _onglet(client, agent, centre).content.decode()
    assert "text-bg-warning" in page
    assert "Dépendance élevée" in page


def test_without_produits_the_shares_and_the_dependency_are_a_dash(client, agent):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2025, produits_total=D("0"), produits_caf=D("0"))
    DemandeFactory(centre=centre, annee=2026, votee=True)
    annees = financeurs_du_centre(centre, agent)
    for annee in (_annee(annees, 2025), _annee(annees, 2026)):  # produits of 0, accounts not entered
        assert annee.dependance is None
        assert all(c.part is None for c in annee.contributions)
    assert _annee(annees, 2026).avertissements


# --- The years, the agréments and conventions in force ----------------------------------------------


def test_the_years_with_data_newest_first_bounded(agent, caf):
    centre = CentreFactory()
    for annee in range(2015, 2026):
        IndicateursAnnuelsFactory(centre=centre, annee=annee)
    _convention(centre, {(2030, caf): D("1"), (2027, caf): D("1")}, debut=2026, fin=2030)
    annees = [a.annee for a in financeurs_du_centre(centre, agent)]
    assert annees == [2027, 2026, 2025, 2024, 2023, 2022]


def test_the_agrements_and_signed_conventions_in_force_each_year(agent, caf):
    centre = CentreFactory()
    agc = AgrementFactory(centre=centre, debut=datetime.date(2023, 1, 1), fin=datetime.date(2026, 6, 30))
    AgrementFactory(centre=centre, debut=datetime.date(2026, 7, 1), fin=datetime.date(2030, 6, 30), statut="refuse")
    cpom = _convention(centre, {(2026, caf): D("1")}, debut=2025, fin=2026)
    _convention(centre, {(2026, caf): D("1")}, statut=S.BROUILLON)

    annee = _annee(financeurs_du_centre(centre, agent), 2026)

    assert annee.agrements == [agc]
    assert annee.conventions == [cpom]


# --- Who sees it, and what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "voit"),
    [
        (Role.RESPONSABLE, True),
        (Role.AGENT, True),
        (Role.ELU, True),
        (Role.PARTENAIRE, True),
        (Role.REGISSEUR, False),
        ("", False),
    ],
)
def test_the_tab_is_visible_to_the_team_the_elus_and_the_partners_not_the_regisseurs(client, role, voit):
    user = UserFactory(role=role, organisation=OrganisationFactory(caf=True) if role == Role.PARTENAIRE else None)
    assert visible(user) is voit
    centre = CentreFactory(partenaires=[user.organisation] if user.organisation else [])
    response = _onglet(client, user, centre)
    if role:
        assert response.status_code == 200
        assert (response.context["onglet"] == "financeurs") is voit
        assert ("?onglet=financeurs" in response.content.decode()) is voit
    else:
        assert response.status_code == 403


@pytest.fixture
def centre_complet(caf, departement_org):
    """A centre in the CAF's scope with everything a partner must not read beside what it may."""
    centre = CentreFactory(partenaires=[caf])
    IndicateursAnnuelsFactory(centre=centre, annee=2026, notes_internes="Note interne sur les comptes")
    votee = DemandeFactory(centre=centre, annee=2026, votee=True, montant_demande=D("41234"), montant_vote=D("30000"))
    VersementFactory(demande=votee, montant=D("17777"))
    DemandeFactory(
        centre=centre,
        annee=2026,
        proposee=True,
        montant_demande=D("98765"),
        montant_propose=D("87654"),
        note_analyse="Analyse confidentielle du service",
    )
    DemandeFactory(centre=centre, annee=2026, montant_demande=D("55555"))  # received, a draft of a request
    LocalFactory(centre=centre, nom="Salle des Trois-Ponts")
    _convention(centre, {(2026, caf): D("300000")})
    brouillon = _convention(centre, {(2026, caf): D("444444")}, statut=S.BROUILLON)
    brouillon.notes_internes = "Négociation en cours"
    brouillon.save()
    # A convention the CAF is not party to: its amounts come from the accounts for the CAF's reader.
    _convention(centre, {(2026, departement_org): D("66666")}, parties=[departement_org])
    return centre


def test_a_partner_reads_amounts_voted_never_requests_proposals_payments_notes_or_premises(
    client, partenaire_caf, centre_complet
):
    page = _onglet(client, partenaire_caf, centre_complet).content.decode()
    assert "30\u202f000,00" in page  # voted
    assert "300\u202f000,00" in page  # committed by a convention the CAF signed
    assert "40\u202f200,00" in page  # the premises' value, unnamed
    for interdit in [
        "41\u202f234",  # requested
        "98\u202f765",
        "87\u202f654",  # proposed
        "55\u202f555",
        "17\u202f777",  # paid
        "444\u202f444",  # a draft convention
        "66\u202f666",  # a convention the CAF is not party to
        "Analyse confidentielle",
        "Note interne",
        "Négociation",
        "Salle des Trois-Ponts",
        "Versé",
        reverse("subventions:detail", args=[centre_complet.demandes.first().pk]),
        "onglet=locaux",
    ]:
        assert interdit not in page, interdit
    assert "80\u202f000,00" in page  # the Département from the accounts instead


def test_the_team_reads_the_payments_and_opens_the_grants(client, agent, centre_complet):
    page = _onglet(client, agent, centre_complet).content.decode()
    votee = centre_complet.demandes.get(statut="votee")
    assert "17\u202f777,00" in page
    assert f'href="{votee.get_absolute_url()}"' in page
    assert "66\u202f666,00" in page  # the team reads every signed convention
    assert "Salle des Trois-Ponts" not in page  # the premises' value, not their name


def test_a_partner_gets_404_for_a_centre_outside_its_scope(client, partenaire_caf):
    hors = CentreFactory()
    IndicateursAnnuelsFactory(centre=hors, annee=2026)
    client.force_login(partenaire_caf)
    assert client.get(reverse("centres:detail", args=[hors.pk]), {"onglet": "financeurs"}).status_code == 404
    export = reverse("pilotage:financeurs_export", kwargs={"pk": hors.pk, "fmt": "csv"})
    assert client.get(export).status_code == 404


def test_a_regisseur_cannot_export_it(client, regisseur):
    client.force_login(regisseur)
    url = reverse("pilotage:financeurs_export", kwargs={"pk": CentreFactory().pk, "fmt": "xlsx"})
    assert client.get(url).status_code == 403


# --- The export ------------------------------------------------------------------------------------


class _Tableaux(HTMLParser):
    """The rows of the page's tables, each a list of its cells' text."""

    def __init__(self):
        super().__init__()
        self.lignes, self._ligne, self._cellule = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._ligne = []
        elif tag in ("td", "th") and self._ligne is not None:
            self._cellule = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cellule is not None:
            self._ligne.append(" ".join("".join(self._cellule).split()))
            self._cellule = None
        elif tag == "tr" and self._ligne is not None:
            self.lignes.append(self._ligne)
            self._ligne = None

    def handle_data(self, data):
        if self._cellule is not None:
            self._cellule.append(data)


def _nombre(texte):
    """A cell as the export writes it: « 12 345,67 € » → « 12345,67 », « 50,0 % » → « 50,0 », « — » → «»."""
    return "".join(texte.split()).replace("€", "").replace("%", "").replace("—", "")


@pytest.mark.parametrize("persona", ["agent", "partenaire_caf"])
def test_the_export_s_rows_are_the_page_s(client, request, persona, centre_complet):
    user = request.getfixturevalue(persona)
    IndicateursAnnuelsFactory(centre=centre_complet, annee=2025)
    page = _onglet(client, user, centre_complet).content.decode()
    tableaux = _Tableaux()
    tableaux.feed(page)
    annees = [a.annee for a in _onglet(client, user, centre_complet).context["financeurs"]]
    # The page's rows without their headers, each year's rows in order.
    affichees = [ligne for ligne in tableaux.lignes if ligne[0] != "Financeur"]

    response = client.get(reverse("pilotage:financeurs_export", kwargs={"pk": centre_complet.pk, "fmt": "csv"}))
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    titres, exportees = lignes[0], lignes[1:]

    assert ("Versé par la Ville (€)" in titres) is (persona == "agent")
    assert sorted({int(ligne[0]) for ligne in exportees}, reverse=True) == annees
    assert len(exportees) == len(affichees)
    for exportee, affichee in zip(exportees, affichees, strict=True):
        assert exportee[1] == affichee[0]
        assert exportee[2:-1] == [_nombre(cellule) for cellule in affichee[1:-1]]
        assert " ".join(exportee[-1].replace(" ; ", " ").split()) == affichee[-1]  # the page's spaces folded


def test_the_accounts_figure_for_the_city_is_given_when_it_differs_from_its_records(agent, settings):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2024, produits_ville=D("150000"))
    ville = _ligne(_annee(financeurs_du_centre(centre, agent), 2024), settings.VILLE_NOM)
    assert ville.numeraire == 0  # no grant voted in the city's records
    assert [s.texte for s in ville.sources] == [
        "aucune subvention votée par le conseil municipal pour cette année",
        "comptes annuels du centre (indicateurs 2024) : 150\u202f000,00\u00a0€",
    ]
