"""« Comparer les centres »: the figures equal the indicators, the ratios and their "—", a partner's
scope, the year-on-year flag (SEN-4), the exports and the charts' data equal the tables, the page
without JavaScript, bad input."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilotage import comparaisons
from roubaix_cs.formats import montant, nombre
from roubaix_cs.seuils import VAR_MAX

from ..etapes import lire
from ..factories import CentreFactory, DemandeFactory, IndicateursAnnuelsFactory, LigneBudgetaireFactory
from ..outils import contenu

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 1, 10, 0))]

URL = reverse("pilotage:comparaisons")


def _export_url(tableau, fmt):
    return reverse("pilotage:comparaisons_export", args=[tableau, fmt])


def _texte(element):
    """An element's text as shown: the template's line breaks and indents collapsed, the non-breaking
    spaces of the French formats kept."""
    return re.sub(r"[ \t\r\n]+", " ", "".join(element._textes())).strip()


def _table(response, ident):
    return next(e for e in lire(contenu(response)).trouver("table") if e.attrs.get("id") == ident)


def _tableau(response, ident):
    """The rows of the table `ident` as a user reads them: [[header, cell, …], …], the body only."""
    corps = _table(response, ident).trouver("tbody")[0]
    return [[_texte(c) for c in tr.enfants if c.tag in ("th", "td")] for tr in corps.trouver("tr")]


def _entetes(response, ident):
    return [_texte(c) for c in _table(response, ident).trouver("thead")[0].trouver("th")]


def _graphiques(response):
    script = next(e for e in lire(contenu(response)).trouver("script") if e.attrs.get("id") == "donnees-comparaisons")
    return json.loads("".join(script._textes()))


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))


def _xlsx(response):
    return [[c.value for c in ligne] for ligne in load_workbook(io.BytesIO(response.content)).active.iter_rows()]


@pytest.fixture
def trois_centres():
    """Three centres with their figures of 2024 and 2025; one has no users reached in 2025."""
    centres = [CentreFactory(nom=nom) for nom in ("Alma", "Basse Masure", "Carihem")]
    for i, centre in enumerate(centres):
        IndicateursAnnuelsFactory(centre=centre, annee=2024, usagers=900 + i, charges_total=Decimal("700000.00"))
        IndicateursAnnuelsFactory(
            centre=centre,
            annee=2025,
            usagers=0 if i == 2 else 1000 + 100 * i,
            familles_adherentes=200 + 50 * i,
            produits_total=Decimal("810000.00") + i,
            masse_salariale=Decimal("500000.00"),
            charges_total=Decimal("800000.00"),
        )
    return centres


# --- The figures are the indicators' -----------------------------------------------------------


@pytest.mark.parametrize("code", ["usagers", "etp", "charges_total", "produits_caf", "tresorerie"])
def test_the_figures_across_centres_are_the_indicators(client_of, agent, trois_centres, code):
    response = client_of(agent).get(URL, {"indicateur": code, "annee": "2025"})
    assert response.status_code == 200
    unite = comparaisons.INDICATEURS[code].unite
    attendu = [
        [c.nom, comparaisons.texte(Decimal(getattr(c.indicateurs.get(annee=2025), code)), unite)] for c in trois_centres
    ]
    assert _tableau(response, "tableau-centres") == attendu


def test_the_figures_across_years_are_the_indicators_of_each_centre(client_of, elu, trois_centres):
    response = client_of(elu).get(URL, {"indicateur": "usagers", "annee": "2025"})
    assert _entetes(response, "tableau-annees") == ["Centre", "2024", "2025"]
    assert _tableau(response, "tableau-annees") == [
        ["Alma", "900", nombre(1000)],
        ["Basse Masure", "901", nombre(1100)],
        ["Carihem", "902", "0"],
    ]


def test_a_year_without_figures_is_a_dash_across_the_years(client_of, agent, trois_centres):
    IndicateursAnnuelsFactory(centre=CentreFactory(nom="Delta"), annee=2023, usagers=500)
    response = client_of(agent).get(URL, {"indicateur": "usagers", "annee": "2025"})
    assert ["Delta", "500", "—", "—"] in _tableau(response, "tableau-annees")
    assert "Delta" not in [ligne[0] for ligne in _tableau(response, "tableau-centres")]  # no figures in 2025


def test_the_ratios_are_computed_from_the_figures(client_of, agent, trois_centres):
    alma = trois_centres[0]
    attendus = {
        "resultat": montant(Decimal("10000.00")),  # 810 000 − 800 000
        "produits_par_usager": montant(Decimal("810.00")),  # 810 000 / 1 000
        "etp_pour_100_usagers": "1,4",  # 14 ETP / 1 000 × 100
        "part_masse_salariale": "62,5\u00a0%",  # 500 000 / 800 000
        "part_produits_caf": "44,4\u00a0%",  # 360 000 / 810 000
    }
    for code, texte in attendus.items():
        response = client_of(agent).get(URL, {"indicateur": code, "annee": "2025"})
        assert _tableau(response, "tableau-centres")[0] == [alma.nom, texte], code


@pytest.mark.parametrize("code", ["produits_par_usager", "etp_pour_100_usagers"])
def test_a_division_by_zero_is_a_dash_never_an_error(client_of, agent, trois_centres, code):
    response = client_of(agent).get(URL, {"indicateur": code, "annee": "2025", "centre": trois_centres[2].pk})
    assert response.status_code == 200
    assert _tableau(response, "tableau-centres")[2] == ["Carihem", "—"]
    assert _graphiques(response)["barres"]["valeurs"][2] is None


def test_the_grants_voted_per_family_are_the_councils_decisions_only(client_of, agent, trois_centres):
    alma = trois_centres[0]
    ligne = LigneBudgetaireFactory()
    DemandeFactory(centre=alma, annee=2025, votee=True, montant_vote=Decimal("12000.00"), ligne_budgetaire=ligne)
    DemandeFactory(centre=alma, annee=2025, statut="payee", montant_vote=Decimal("4000.00"), ligne_budgetaire=ligne)
    DemandeFactory(centre=alma, annee=2025, proposee=True, ligne_budgetaire=ligne)  # a proposal: not voted
    DemandeFactory(centre=alma, annee=2024, votee=True, ligne_budgetaire=ligne)  # another year
    response = client_of(agent).get(URL, {"indicateur": "subvention_par_famille", "annee": "2025"})
    # (12 000 + 4 000) / 200 families; no grant voted: 0 € per family.
    assert _tableau(response, "tableau-centres") == [
        ["Alma", montant(Decimal("80.00"))],
        ["Basse Masure", montant(Decimal("0"))],
        ["Carihem", montant(Decimal("0"))],
    ]


# --- Who reads what ------------------------------------------------------------------------------


def test_a_partner_sees_only_the_centres_in_its_scope(client_of, partenaire_caf, caf):
    mien = CentreFactory(nom="Centre de la CAF", partenaires=[caf])
    autre = CentreFactory(nom="Centre hors périmètre")
    IndicateursAnnuelsFactory(centre=mien, annee=2025, usagers=1234)
    IndicateursAnnuelsFactory(centre=autre, annee=2025, usagers=4321)
    response = client_of(partenaire_caf).get(URL, {"indicateur": "usagers"})
    page = contenu(response)
    assert _tableau(response, "tableau-centres") == [["Centre de la CAF", nombre(1234)]]
    assert "Centre hors périmètre" not in page
    assert nombre(4321) not in page
    assert _graphiques(response)["barres"]["libelles"] == ["Centre de la CAF"]


def test_a_centre_outside_a_partners_scope_is_refused_and_ignored(client_of, partenaire_caf, caf):
    mien = CentreFactory(nom="Centre de la CAF", partenaires=[caf])
    autre = CentreFactory(nom="Centre hors périmètre")
    IndicateursAnnuelsFactory(centre=mien, annee=2025)
    IndicateursAnnuelsFactory(centre=autre, annee=2025, usagers=4321)
    response = client_of(partenaire_caf).get(URL, {"centre": autre.pk})
    assert response.status_code == 200
    assert "centre" in response.context["filtre"].errors
    assert "Sélectionnez un choix valide" in contenu(response)
    assert response.context["comparaison"].centre is None
    assert "Centre hors périmètre" not in contenu(response)
    export = client_of(partenaire_caf).get(_export_url("evolution", "csv"), {"centre": autre.pk})
    assert _csv(export) == [["Indicateur", "Unité"]]  # no centre chosen: no evolution, nothing of the other


def test_a_partner_reads_the_grants_voted_per_family_of_its_centres(client_of, partenaire_caf, caf):
    """The grants voted are public (published as open data): the ratio is shown, from the votes only."""
    mien = CentreFactory(partenaires=[caf])
    IndicateursAnnuelsFactory(centre=mien, annee=2025, familles_adherentes=100)
    DemandeFactory(centre=mien, annee=2025, votee=True, montant_vote=Decimal("5000.00"))
    DemandeFactory(centre=mien, annee=2025, proposee=True, montant_propose=Decimal("99999.00"))
    response = client_of(partenaire_caf).get(URL, {"indicateur": "subvention_par_famille"})
    assert _tableau(response, "tableau-centres") == [[mien.nom, montant(Decimal("50.00"))]]
    assert "99" not in json.dumps(_graphiques(response))


def test_internal_notes_never_appear(client_of, responsable, trois_centres):
    trois_centres[0].indicateurs.update(notes_internes="Trésorier en arrêt maladie")
    pages = [client_of(responsable).get(URL, {"centre": trois_centres[0].pk})]
    pages += [
        client_of(responsable).get(_export_url(t, "csv"), {"centre": trois_centres[0].pk})
        for t in comparaisons.TABLEAUX
    ]
    assert all("arrêt maladie" not in p.content.decode() for p in pages)
    assert "notes_internes" not in comparaisons.INDICATEURS


@pytest.mark.parametrize(
    ("persona", "vue"), [("elu", True), ("partenaire_caf", True), ("agent", True), ("regisseur", False)]
)
def test_the_menu_offers_the_comparisons_to_their_readers(client_of, request, persona, vue):
    response = client_of(request.getfixturevalue(persona)).get(reverse("accueil"))
    assert (f'href="{URL}"' in contenu(response)) is vue


# --- SEN-4: a centre's evolution, its jumps of more than 30 % flagged ----------------------------


def _evolution(client, centre):
    response = client.get(URL, {"centre": centre.pk})
    return response, {ligne.indicateur.code: ligne for ligne in response.context["comparaison"].evolution}


def test_sen_4_a_change_of_exactly_30_percent_is_not_flagged_and_above_is(client_of, agent):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2024, usagers=1000, charges_total=Decimal("800000.00"))
    IndicateursAnnuelsFactory(
        centre=centre, annee=2025, usagers=1300, charges_total=Decimal("1040000.01"), etp=Decimal("14.00")
    )
    response, lignes = _evolution(client_of(agent), centre)
    usagers, charges = lignes["usagers"].cellules[1], lignes["charges_total"].cellules[1]
    assert (usagers.variation, usagers.excessive) == (Decimal("30.0"), False)  # exactly VAR_MAX %: not flagged
    assert (charges.variation, charges.excessive) == (Decimal("30.0"), True)  # 30,000001 %: above, flagged
    assert VAR_MAX == 30
    evolution = _tableau(response, "tableau-evolution")
    assert evolution[0] == ["Usagers distincts", nombre(1000), nombre(1300), "+30\u00a0%"]
    signalees = [td for td in lire(contenu(response)).trouver("td") if "data-variation-excessive" in td.attrs]
    assert len(signalees) == 1
    assert _texte(signalees[0].trouver("strong")[0]) == "+30\u00a0%"
    assert _texte(signalees[0].trouver("span")[0]) == "plus de 30 % en un an"
    assert _texte(signalees[0].parent.trouver("th")[0]) == "Total des charges"


def test_sen_4_a_fall_of_more_than_30_percent_is_flagged_too(client_of, agent):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2024, etp=Decimal("14.00"))
    IndicateursAnnuelsFactory(centre=centre, annee=2025, etp=Decimal("9.79"))  # −30,07 %
    _, lignes = _evolution(client_of(agent), centre)
    assert lignes["etp"].cellules[1].excessive
    assert lignes["etp"].cellules[1].variation_texte == "-30,1\u00a0%"


def test_sen_4_only_the_figures_the_rule_follows_are_flagged(client_of, agent):
    """Users, ETP and charges (domain-rules §2); a jump of the produits is shown, not flagged."""
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2024)
    IndicateursAnnuelsFactory(centre=centre, annee=2025, produits_total=Decimal("1620000.00"))
    _, lignes = _evolution(client_of(agent), centre)
    assert lignes["produits_total"].cellules[1].variation == Decimal("100.0")
    assert not any(c.excessive for ligne in lignes.values() for c in ligne.cellules)


def test_sen_4_compares_with_the_year_just_before_only(client_of, agent):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2022, usagers=100)
    IndicateursAnnuelsFactory(centre=centre, annee=2024, usagers=1000)  # 2023 missing: no change computed
    response, lignes = _evolution(client_of(agent), centre)
    assert lignes["usagers"].cellules[1].variation is None
    assert _tableau(response, "tableau-evolution")[0] == ["Usagers distincts", "100", nombre(1000), "—"]


# --- The exports and the charts' data are the tables ---------------------------------------------


def _valeurs_du_tableau(lignes):
    """The numbers of a table as read: "—" is no value."""
    return [[ligne[0], *[None if c == "—" else c for c in ligne[1:]]] for ligne in lignes]


@pytest.mark.parametrize("tableau", comparaisons.TABLEAUX)
@pytest.mark.parametrize("indicateur", ["usagers", "charges_total", "part_masse_salariale", "produits_par_usager"])
def test_the_exports_rows_are_the_tables_rows(client_of, agent, trois_centres, tableau, indicateur):
    params = {"indicateur": indicateur, "annee": "2025", "centre": trois_centres[2].pk}
    client = client_of(agent)
    page = client.get(URL, params)
    comparaison = page.context["comparaison"]
    lues = _tableau(page, f"tableau-{tableau}")
    csv_lu, xlsx_lu = (
        _csv(client.get(_export_url(tableau, "csv"), params)),
        _xlsx(client.get(_export_url(tableau, "xlsx"), params)),
    )
    assert len(csv_lu) == len(xlsx_lu) == len(lues) + 1
    for ligne_page, ligne_csv, ligne_xlsx in zip(lues, csv_lu[1:], xlsx_lu[1:], strict=True):
        if tableau == "evolution":  # the export's unit column: the page shows the unit in each cell
            unite = next(i for i in comparaisons.INDICATEURS.values() if i.libelle == ligne_csv[0]).unite
            assert ligne_csv[1] == ligne_xlsx[1] == comparaisons.UNITES[unite]
            ligne_csv, ligne_xlsx = [ligne_csv[0], *ligne_csv[2:]], [ligne_xlsx[0], *ligne_xlsx[2:]]
            # The years' values, each year after the first followed by its change: 2024, 2025, change, …
            unites = [unite if j == 0 or j % 2 else comparaisons.POURCENTAGE for j in range(len(ligne_csv) - 1)]
        else:
            unites = [comparaison.indicateur.unite] * (len(ligne_csv) - 1)
        assert ligne_csv[0] == ligne_xlsx[0] == ligne_page[0]
        for unite, cellule, valeur_csv, valeur_xlsx in zip(
            unites, ligne_page[1:], ligne_csv[1:], ligne_xlsx[1:], strict=True
        ):
            cellule = re.split(r"\s*plus de", cellule)[0].lstrip("+")  # the flag's words are the page's alone
            if cellule == "—":
                assert valeur_csv == "" and valeur_xlsx is None
                continue
            lu_csv = Decimal(valeur_csv.replace(",", "."))
            assert comparaisons.texte(lu_csv, unite).lstrip("+") == cellule
            assert Decimal(str(valeur_xlsx)) == lu_csv


def test_the_xlsx_amounts_are_amounts_and_the_other_figures_plain_numbers(client_of, agent, trois_centres):
    client = client_of(agent)
    feuille = load_workbook(
        io.BytesIO(client.get(_export_url("evolution", "xlsx"), {"centre": trois_centres[0].pk}).content)
    ).active
    formats = {ligne[0].value: ligne[2].number_format for ligne in feuille.iter_rows(min_row=2)}
    assert formats["Total des charges"] == '#,##0.00\\ "€"'
    assert formats["Équivalents temps plein (ETP)"] == "General"  # 14 ETP, not 14,00 €


def test_the_charts_data_are_the_tables_data(client_of, elu, trois_centres):
    response = client_of(elu).get(URL, {"indicateur": "produits_par_usager", "annee": "2025"})
    donnees = _graphiques(response)
    comparaison = response.context["comparaison"]
    assert donnees["indicateur"] == "Produits par usager" and donnees["annee"] == 2025
    barres = _tableau(response, "tableau-centres")
    assert [
        [nom, texte] for nom, texte in zip(donnees["barres"]["libelles"], donnees["barres"]["textes"], strict=True)
    ] == barres
    assert donnees["barres"]["valeurs"] == [
        str(ligne.cellules[0].valeur) if ligne.cellules[0].valeur is not None else None
        for ligne in comparaison.par_centre
    ]
    for valeur, (_, texte) in zip(donnees["barres"]["valeurs"], barres, strict=True):
        assert (valeur is None and texte == "—") or comparaisons.texte(Decimal(valeur), comparaisons.MONTANT) == texte
    assert donnees["courbes"]["annees"] == [2024, 2025]
    assert [[s["nom"], *s["textes"]] for s in donnees["courbes"]["series"]] == _tableau(response, "tableau-annees")


# --- Without JavaScript, and bad input ----------------------------------------------------------------


def test_the_page_works_without_javascript(client_of, agent, trois_centres):
    response = client_of(agent).get(URL, {"centre": trois_centres[0].pk})
    page = lire(contenu(response))
    # The three tables are in the page, with their caption and headers; the charts wait for the script.
    for ident in ("tableau-centres", "tableau-annees", "tableau-evolution"):
        table = _table(response, ident)
        assert table.trouver("caption")[0].text()
        assert {th.attrs.get("scope") for th in table.trouver("th")} == {"col", "row"}
    assert all("hidden" in e.attrs for e in page.trouver(**{"data-graphique": "barres"}))
    assert all("hidden" in e.attrs for e in page.trouver(**{"data-graphique": "courbes"}))
    # The links that choose a centre are plain links, the form a plain GET form.
    assert page.trouver("a", href=f"?indicateur=usagers&annee=2025&centre={trois_centres[1].pk}")
    assert page.trouver("form", method="get")
    # Scripts are static files (the Content-Security-Policy runs no inline script); the data is JSON.
    scripts = page.trouver("script")
    assert all("src" in s.attrs or s.attrs.get("type") == "application/json" for s in scripts)
    assert {"/static/vendor/chart-4.6.2.umd.min.js", "/static/js/comparaisons.js"} <= {
        s.attrs.get("src") for s in scripts
    }


def test_without_any_figures_the_page_says_so(client_of, elu):
    response = client_of(elu).get(URL)
    assert response.status_code == 200
    assert "Aucun indicateur annuel n'est encore enregistré" in contenu(response)


@pytest.mark.parametrize(
    ("champ", "valeur"),
    [
        ("indicateur", "notes_internes"),
        ("indicateur", "<script>alert(1)</script>"),
        ("annee", "deux-mille"),
        ("annee", "1999"),
        ("annee", str(2**70)),
        ("centre", str(2**70)),
        ("centre", "-1"),
        ("centre", "\x00"),
    ],
)
def test_bad_input_gets_a_french_message_not_a_server_error(client_of, agent, trois_centres, champ, valeur):
    response = client_of(agent).get(URL, {champ: valeur})
    assert response.status_code == 200
    erreurs = response.context["filtre"].errors
    assert champ in erreurs
    assert erreurs[champ][0].startswith(("Sélectionnez un choix valide", "Le caractère nul n’est pas autorisé"))
    assert "<script>alert" not in contenu(response)
    # The invalid choice falls back to its default: the page still compares.
    assert _tableau(response, "tableau-centres")
    for tableau in comparaisons.TABLEAUX:
        assert client_of(agent).get(_export_url(tableau, "csv"), {champ: valeur}).status_code == 200


def test_an_unknown_table_or_format_is_not_found(client_of, agent, trois_centres):
    assert client_of(agent).get(_export_url("budget", "csv")).status_code == 404
    assert client_of(agent).get(_export_url("centres", "pdf")).status_code == 404
