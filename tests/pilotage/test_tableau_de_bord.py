"""The élus' dashboard (issue 15): every figure it shows equals the list it links to, summed.

The data is a small network as the service knows it: an association running two centres (one
beneficiary, SUB-3), two centres alone, grants of every nature and of every status (drafts, rejected and
last year's must not count), payments, two budget lines, conventions whose end a signed avenant moves
(CPO-5) or an unsigned one does not, the centres' figures of two years (a jump above 30 %, SEN-4) and the
coming council session. The test reads each figure of the page (`data-chiffre`), follows its link and
sums the list's CSV export (or the rows of the page it opens), figure by figure.
"""

import csv
import datetime
import functools
import io
import re
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import resolve, reverse
from openpyxl import load_workbook

from centres import imports
from comptes.models import Organisation, Role
from conventions.models import Avenant, Convention
from pilotage.chiffres import chiffres_de_l_annee
from subventions.models import DemandeSubvention, LigneBudgetaire

from ..factories import (
    CentreFactory,
    ConventionFactory,
    DeliberationFactory,
    DemandeFactory,
    DispositifFactory,
    IndicateursAnnuelsFactory,
    LigneBudgetaireFactory,
    OrganisationFactory,
    SeanceFactory,
    UserFactory,
    VersementFactory,
)
from ..partage import donnees_partagees

JOUR = datetime.datetime(2026, 5, 15, 9, 0)
ANNEE = 2026
S = DemandeSubvention.Statut
N = DemandeSubvention.Nature

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]


def _avenant(convention, numero, nouvelle_fin, statut=Avenant.Statut.SIGNE):
    return Avenant.objects.create(
        convention=convention,
        numero=numero,
        date=datetime.date(2026, 1, 15),
        objet="Prolongation",
        nouvelle_fin=nouvelle_fin,
        statut=statut,
    )


def _votee(centre, montant, ligne, *, nature=N.FONCTIONNEMENT, annee=ANNEE, statut=S.VOTEE, verse=(), **champs):
    demande = DemandeFactory(
        centre=centre,
        annee=annee,
        nature=nature,
        votee=True,
        statut=statut,
        montant_propose=Decimal(montant),
        montant_vote=Decimal(montant),
        ligne_budgetaire=ligne,
        **champs,
    )
    for versement in verse:
        VersementFactory(demande=demande, montant=Decimal(versement))
    return demande


@donnees_partagees
def reseau():
    with time_machine.travel(JOUR, tick=False):
        association = OrganisationFactory(association=True, nom="Association des centres sociaux de l'Alma")
        alma = CentreFactory(nom="CS Alma", nom_court="Alma", organisation=association)
        gare = CentreFactory(nom="CS Alma-Gare", nom_court="Alma-Gare", organisation=association)
        pile = CentreFactory(nom="CS Pile", nom_court="Pile")
        hommelet = CentreFactory(
            nom="CS Hommelet",
            nom_court="Hommelet",
            organisation=OrganisationFactory(association=True, nom="Association Hommelet"),
        )
        fonctionnement = LigneBudgetaireFactory(
            annee=ANNEE, libelle="Subventions aux centres sociaux", decisions_modificatives=Decimal("10000")
        )
        equipement = LigneBudgetaireFactory(
            annee=ANNEE,
            section=LigneBudgetaire.Section.INVESTISSEMENT,
            chapitre="204",
            compte="20421",
            libelle="Subventions d'équipement",
            credits_votes=Decimal("100000"),
        )
        LigneBudgetaireFactory(annee=ANNEE - 1, libelle="Subventions 2025")  # another year's line
        # Voted (voted, notified, paid): they count, at their voted amount, with their payments.
        _votee(alma, "40000", fonctionnement, verse=["20000"])
        _votee(alma, "5000", fonctionnement, nature=N.DISPOSITIF, dispositif=DispositifFactory(), verse=["5000"])
        _votee(alma, "12000", fonctionnement, nature=N.COMPENSATION_LOYERS, statut=S.NOTIFIEE)
        _votee(gare, "30000", fonctionnement, statut=S.PAYEE, verse=["15000", "15000"])
        _votee(gare, "25000", equipement, nature=N.INVESTISSEMENT)
        _votee(pile, "35000.50", fonctionnement, verse=["10000.25"])
        # Not voted: they never count as voted (a validated one is engaged on its line).
        DemandeFactory(centre=pile, annee=ANNEE, montant_demande=Decimal("50000"))  # just received
        DemandeFactory(
            centre=pile,
            annee=ANNEE,
            statut=S.REJETEE,
            montant_propose=Decimal("20000"),
            ligne_budgetaire=fonctionnement,
        )
        DemandeFactory(centre=hommelet, annee=ANNEE, statut=S.RETIREE, montant_demande=Decimal("9000"))
        validee = DemandeFactory(
            centre=pile,
            annee=ANNEE,
            statut=S.VALIDEE,
            montant_propose=Decimal("15000"),
            ligne_budgetaire=fonctionnement,
        )
        en_deliberation = DemandeFactory(
            centre=hommelet,
            annee=ANNEE,
            statut=S.DELIBERATION,
            montant_propose=Decimal("8000"),
            ligne_budgetaire=fonctionnement,
        )
        _votee(hommelet, "22000", None, annee=ANNEE - 1, verse=["22000"])  # last year's

        # Conventions: covering 2026 by status; in force and ending by 15/05/2027, avenants applied.
        cpom_alma = ConventionFactory(
            centre=alma,
            statut=Convention.Statut.EN_COURS,
            debut=datetime.date(2024, 1, 1),
            fin=datetime.date(2026, 12, 31),
        )
        _avenant(cpom_alma, 1, datetime.date(2027, 12, 31))  # moved beyond the horizon: not ending
        objectifs_gare = ConventionFactory(
            centre=gare,
            type=Convention.Type.OBJECTIFS,
            statut=Convention.Statut.SIGNEE,
            debut=datetime.date(2026, 1, 1),
            fin=datetime.date(2026, 12, 31),
        )
        _avenant(objectifs_gare, 1, datetime.date(2028, 6, 30), statut=Avenant.Statut.PROJET)  # not signed
        cpom_pile = ConventionFactory(
            centre=pile,
            statut=Convention.Statut.EN_COURS,
            debut=datetime.date(2023, 1, 1),
            fin=datetime.date(2026, 6, 30),
        )
        _avenant(cpom_pile, 1, datetime.date(2026, 9, 30))
        _avenant(cpom_pile, 2, datetime.date(2026, 10, 31))  # the last signed one wins
        ConventionFactory(centre=hommelet, debut=datetime.date(2026, 7, 1), fin=datetime.date(2029, 6, 30))  # draft
        ConventionFactory(
            centre=hommelet,
            statut=Convention.Statut.EXPIREE,
            debut=datetime.date(2022, 1, 1),
            fin=datetime.date(2024, 12, 31),
        )

        # The centres' figures: 2025 (the latest known) against 2024.
        IndicateursAnnuelsFactory(centre=alma, annee=2025, usagers=1300, etp=Decimal("15.50"))
        IndicateursAnnuelsFactory(centre=alma, annee=2024, usagers=900)  # +44 %: above 30 % (SEN-4)
        IndicateursAnnuelsFactory(centre=gare, annee=2025, produits_total=Decimal("640000.00"))
        IndicateursAnnuelsFactory(centre=pile, annee=2025, charges_total=Decimal("830000.00"))
        IndicateursAnnuelsFactory(centre=pile, annee=2024, benevoles=55)
        IndicateursAnnuelsFactory(centre=hommelet, annee=2024)  # nothing in 2025

        # The council: a past session, the coming one with two deliberations, a later one.
        DeliberationFactory(seance=SeanceFactory(date=datetime.date(2026, 3, 2)))
        prochaine = SeanceFactory(date=datetime.date(2026, 6, 22))
        subventions = DeliberationFactory(seance=prochaine, objet="Subventions de fonctionnement")
        subventions.demandes.add(validee, en_deliberation)
        DeliberationFactory(seance=prochaine, nature="convention", objet="Approbation d'une convention")
        DeliberationFactory(seance=SeanceFactory(date=datetime.date(2026, 9, 28)))

        return {
            "elu": UserFactory(role=Role.ELU),
            "agent": UserFactory(role=Role.AGENT),
            "centres": {c.nom: c for c in (alma, gare, pile, hommelet)},
            "lignes": {"fonctionnement": fonctionnement, "equipement": equipement},
            "seance": prochaine,
        }


# --- Reading the page and the lists -----------------------------------------------------------

CHIFFRE = re.compile(r'<a href="([^"]+)" data-chiffre="([^"]+)">([^<]*)</a>')


def _nombre(texte):
    """A figure as shown (« 40 000,00 € », « 15,5 », « 3 ») or exported (« 40000,00 »), as a Decimal."""
    texte = re.sub(r"[\s\u00a0\u202f€]", "", texte).replace(",", ".")
    return Decimal(texte or "0")


def _chiffres(page):
    """[(link, what, value)] of every figure of the page."""
    return [(lien.replace("&amp;", "&"), quoi, _nombre(texte)) for lien, quoi, texte in CHIFFRE.findall(page)]


def _lecteur(client):
    """get(url) -> the page's text, each address read once (several figures sum the same list)."""

    @functools.cache
    def get(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    return get


def _csv(get, nom_export, requete):
    texte = get(f"{reverse(nom_export, kwargs={'fmt': 'csv'})}?{requete}")
    return list(csv.DictReader(io.StringIO(texte.lstrip("\ufeff")), delimiter=";"))


def _somme(lignes, colonne):
    return sum((_nombre(ligne[colonne]) for ligne in lignes), Decimal(0))


INDICATEURS = {nom: titre for titre, nom in imports.COLONNES} | {"resultat": "Résultat (€)"}
BUDGET = ["credits_votes", "decisions_modificatives", "credits_ouverts", "total_engage", "total_paye", "disponible"]


def _ligne_de_tableau(page, ouverture):
    """The amounts of the row that `ouverture` opens (« <tr id="ligne-3"> »), in order."""
    ligne = page.split(ouverture, 1)[1].split("</tr>", 1)[0]
    return [_nombre(m) for m in re.findall(r'<td class="montant[^"]*">\s*([^<]*?)\s*</td>', ligne)]


def _valeur_de_la_liste(get, lien, quoi):
    """What the list at `lien` sums for the figure `quoi`: its CSV export, or the rows of its page."""
    parties = urlsplit(lien)
    nom = resolve(parties.path).view_name
    if nom == "subventions:liste":
        lignes = _csv(get, "subventions:export", parties.query)
        return len(lignes) if quoi == "nombre" else _somme(lignes, {"vote": "Montant voté", "verse": "Versé"}[quoi])
    if nom == "conventions:liste":
        return len(_csv(get, "conventions:export", parties.query))
    if nom == "centres:indicateurs_liste":
        return _somme(_csv(get, "centres:indicateurs_export", parties.query), INDICATEURS[quoi])
    if nom == "deliberations:liste":
        lignes = _csv(get, "deliberations:export", parties.query)
        if quoi == "deliberations":
            return len(lignes)
        return _somme(lignes, {"nb_demandes": "Subventions", "total_propose": "Montant total proposé"}[quoi])
    page = get(parties.path)
    if nom == "subventions:budget":
        return _ligne_de_tableau(page, f'id="{parties.fragment}">')[BUDGET.index(quoi)]
    if nom == "deliberations:detail":  # its annex: one row per grant, their total
        annexe = page.split('id="annexe"', 1)[1].split("</table>", 1)[0]
        if quoi == "nb_demandes":
            return annexe.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count('<a href="/subventions/')
        return _ligne_de_tableau(annexe, "<tfoot>")[0] if "<tfoot>" in annexe else Decimal(0)
    raise AssertionError(f"un chiffre mène à une page inattendue : {lien}")


@pytest.mark.parametrize("persona", ["elu", "agent"])
def test_every_figure_equals_the_list_it_links_to(client, reseau, persona):
    client.force_login(reseau[persona])
    page = client.get(reverse("pilotage:tableau_de_bord"), {"annee": ANNEE}).content.decode()
    chiffres = _chiffres(page)
    assert len(chiffres) > 80
    ecarts = []
    get = _lecteur(client)
    for lien, quoi, valeur in chiffres:
        liste = _valeur_de_la_liste(get, lien, quoi)
        if liste != valeur:
            ecarts.append((lien, quoi, valeur, liste))
    assert not ecarts, "\n".join(f"{quoi} {valeur} ≠ {liste} : {lien}" for lien, quoi, valeur, liste in ecarts)
    # Every kind of figure was followed.
    assert {urlsplit(lien).path for lien, _, _ in chiffres} >= {
        reverse("subventions:liste"),
        reverse("subventions:budget", args=[ANNEE]),
        reverse("conventions:liste"),
        reverse("centres:indicateurs_liste"),
        reverse("deliberations:liste"),
    }


def test_the_dashboard_s_figures_are_the_expected_ones(client, reseau):
    """Drafts, rejected, withdrawn and last year's grants do not count; the association is one beneficiary."""
    client.force_login(reseau["elu"])
    chiffres = client.get(reverse("pilotage:tableau_de_bord"), {"annee": ANNEE}).context["chiffres"]
    s = chiffres.subventions
    assert (s.total.nombre, s.total.vote, s.total.verse) == (6, Decimal("147000.50"), Decimal("65000.25"))
    assert {b.nom: (b.total.vote, [c.nom for c in b.centres]) for b in s.beneficiaires} == {
        "Association des centres sociaux de l'Alma": (Decimal("112000.00"), ["CS Alma", "CS Alma-Gare"]),
        "CS Pile": (Decimal("35000.50"), ["CS Pile"]),
    }
    assert {code: m.vote for code, m in s.par_nature.items()} == {
        N.FONCTIONNEMENT: Decimal("105000.50"),
        N.COMPENSATION_LOYERS: Decimal("12000.00"),
        N.DISPOSITIF: Decimal("5000.00"),
        N.INVESTISSEMENT: Decimal("25000.00"),
    }
    fonctionnement, equipement = chiffres.budget.lignes[0], chiffres.budget.lignes[1]
    # Engaged: the voted amounts and the proposals validated or in deliberation, never the rejected.
    assert (fonctionnement.credits_ouverts, fonctionnement.engage, fonctionnement.paye) == (
        Decimal("510000.00"),
        Decimal("145000.50"),
        Decimal("65000.25"),
    )
    assert fonctionnement.disponible == Decimal("364999.50")
    assert (equipement.engage, equipement.paye, equipement.disponible) == (
        Decimal("25000.00"),
        Decimal("0.00"),
        Decimal("75000.00"),
    )
    c = chiffres.conventions
    assert {x.code: x.nombre for x in c.par_statut} == {"brouillon": 1, "signee": 1, "en_cours": 2}
    # CPO-5: the end moved by the last signed avenant; an unsigned avenant moves nothing.
    assert [(f.nom, f.fin, f.reportee) for f in c.finissant] == [
        ("Pile — CPOM", datetime.date(2026, 10, 31), True),
        ("Alma-Gare — Convention annuelle d'objectifs", datetime.date(2026, 12, 31), False),
    ]
    k = chiffres.centres
    assert (k.annee, k.nombre, k.nombre_precedent) == (2025, 3, 3)
    alma = next(centre for centre in k.centres if centre.nom == "CS Alma")
    usagers = alma.chiffres["usagers"]
    assert (usagers.valeur, usagers.precedente, usagers.sens, usagers.forte) == (1300, 900, "hausse", True)
    assert usagers.variation == Decimal("44.4")
    assert not alma.chiffres["benevoles"].forte
    assert [centre.nom for centre in k.centres] == ["CS Alma", "CS Alma-Gare", "CS Pile"]
    assert chiffres.seance.date == datetime.date(2026, 6, 22)
    assert (chiffres.seance.nb_demandes, chiffres.seance.total_propose) == (2, Decimal("23000.00"))


def test_sen_4_a_jump_above_30_percent_is_flagged_with_its_trend(client, reseau):
    client.force_login(reseau["elu"])
    page = client.get(reverse("pilotage:tableau_de_bord"), {"annee": ANNEE}).content.decode()
    section = page.split('id="centres"', 1)[1].split("</section>", 1)[0]
    assert "« forte variation » : plus de 30 % d'une année sur l'autre" in section
    alma = section.split("CS Alma<span", 1)[1].split("</tr>", 1)[0]
    usagers, familles = alma.split("</td>")[:2]
    assert "en hausse" in usagers and "de 44,4 %" in usagers and "forte variation" in usagers
    assert "stable" in familles and "forte variation" not in familles


def test_the_ending_conventions_are_listed_with_their_end_dates(client, reseau):
    client.force_login(reseau["elu"])
    page = client.get(reverse("pilotage:tableau_de_bord"), {"annee": ANNEE}).content.decode()
    fins = re.findall(r"<span data-fin>([^<]+)</span>", page)
    assert fins == ["31/10/2026", "31/12/2026"]
    assert "fin initiale le 30/06/2026" in page
    lien = next(lien for lien, quoi, _ in _chiffres(page) if "fin_avant" in lien)
    exportees = _csv(_lecteur(client), "conventions:export", urlsplit(lien).query)
    assert sorted(ligne["Fin avenants compris"] for ligne in exportees) == sorted(fins)


def test_the_elected_official_s_home_page_is_the_dashboard_of_the_year(client, reseau):
    client.force_login(reseau["elu"])
    response = client.get(reverse("accueil"))
    assert response.status_code == 200
    assert response.context["chiffres"].annee == ANNEE
    page = response.content.decode()
    assert "Subventions votées pour 2026" in page and 'data-chiffre="vote"' in page
    assert 'id="a-faire"' not in page
    # What the élu's weekly summary lists: the conventions ending (M-6: CS Pile's, moved to 31/10/2026).
    assert [ligne.type for ligne in response.context["alertes"].lignes] == ["Fin de convention"]


def test_the_team_sees_its_unread_alerts_count_with_its_link(client, reseau):
    client.force_login(reseau["agent"])
    response = client.get(reverse("pilotage:tableau_de_bord"))
    assert response.context["alertes"].nombre == 0
    assert response.context["alertes"].lien == f"{reverse('pilotage:alertes')}?lue=non"
    assert "Aucune alerte non lue dans vos dossiers." in response.content.decode()


def test_the_cellule_de_veille_section_says_when_no_level_is_decided(client, reseau):
    """The levels themselves: tests/pilotage/test_veille.py (CV-3)."""
    client.force_login(reseau["elu"])
    page = client.get(reverse("pilotage:tableau_de_bord")).content.decode()
    section = page.split('id="cellule-de-veille"', 1)[1].split("</section>", 1)[0]
    phrase = section.split('<p class="text-muted" id="veille-aucun-niveau">', 1)[1].split("</p>", 1)[0]
    assert "Aucun centre n'a de niveau de veille décidé par la cellule." in phrase
    assert not re.search(r"\d", phrase) and "data-chiffre" not in section  # no figure stands in for a level


@pytest.mark.parametrize("annee", ["deux-mille", "1990", "2100", "-1", "2026.5"])
def test_a_bad_year_is_a_french_error_not_a_server_error(client, reseau, annee):
    client.force_login(reseau["elu"])
    response = client.get(reverse("pilotage:tableau_de_bord"), {"annee": annee})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Exercice demandé :" in page
    assert "Indiquez une année entre" in page or "Saisissez un nombre entier" in page
    assert response.context["chiffres"] is None
    export = client.get(reverse("pilotage:tableau_de_bord_export", kwargs={"fmt": "xlsx"}), {"annee": annee})
    assert export.status_code == 400


def test_another_year_shows_its_own_figures(client, reseau):
    client.force_login(reseau["elu"])
    chiffres = client.get(reverse("pilotage:tableau_de_bord"), {"annee": ANNEE - 1}).context["chiffres"]
    assert (chiffres.subventions.total.nombre, chiffres.subventions.total.vote) == (1, Decimal("22000.00"))
    assert chiffres.centres.annee == 2025


@pytest.mark.parametrize("persona", ["partenaire", "regisseur"])
def test_partners_and_regisseurs_do_not_see_the_dashboard(client, reseau, persona):
    role = {"partenaire": Role.PARTENAIRE, "regisseur": Role.REGISSEUR}[persona]
    organisation = Organisation.objects.get(nom="Association Hommelet") if persona == "partenaire" else None
    client.force_login(UserFactory(role=role, organisation=organisation))
    assert client.get(reverse("pilotage:tableau_de_bord")).status_code == 403
    assert client.get(reverse("pilotage:tableau_de_bord_export", kwargs={"fmt": "xlsx"})).status_code == 403
    assert "Tableau de bord" not in client.get(reverse("accueil")).content.decode()


def test_the_menu_offers_the_dashboard_to_the_team_and_the_elus(client, reseau):
    for persona in ("elu", "agent"):
        client.force_login(reseau[persona])
        page = client.get(reverse("centres:liste")).content.decode()
        assert f'href="{reverse("pilotage:tableau_de_bord")}"' in page


def test_the_xlsx_export_has_one_sheet_per_table_with_the_page_s_figures(client, reseau):
    client.force_login(reseau["elu"])
    response = client.get(reverse("pilotage:tableau_de_bord_export", kwargs={"fmt": "xlsx"}), {"annee": ANNEE})
    assert response.status_code == 200
    classeur = load_workbook(io.BytesIO(response.content))
    assert classeur.sheetnames == [
        "Subventions 2026",
        "Budget 2026",
        "Conventions 2026",
        "Conventions finissant",
        "Centres 2025",
        "Séance du 22-06-2026",
    ]
    subventions = list(classeur["Subventions 2026"].iter_rows(values_only=True))
    assert subventions[-1] == ("Tous", None, "Total", 6, 147000.5, 65000.25)
    sous_totaux = [ligne for ligne in subventions if ligne[2] == "Total du bénéficiaire"]
    assert sous_totaux == [
        ("Association des centres sociaux de l'Alma", None, "Total du bénéficiaire", 5, 112000, 55000)
    ]
    budget = list(classeur["Budget 2026"].iter_rows(values_only=True))
    assert budget[-1][0] == "Total 2026" and budget[-1][4] == 170000.5
    finissant = list(classeur["Conventions finissant"].iter_rows(values_only=True))
    assert [ligne[3] for ligne in finissant[1:]] == [datetime.datetime(2026, 10, 31), datetime.datetime(2026, 12, 31)]


def test_the_figures_are_read_in_a_fixed_number_of_queries(reseau, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):  # the Cellule de veille's official levels: one query
        chiffres_de_l_annee(ANNEE, user=reseau["elu"])


def test_each_beneficiary_s_subtotal_is_the_sum_of_its_centres(reseau):
    chiffres = chiffres_de_l_annee(ANNEE, user=reseau["elu"])
    for beneficiaire in chiffres.subventions.beneficiaires:
        par_centre = defaultdict(Decimal)
        for centre in beneficiaire.centres:
            par_centre["vote"] += centre.total.vote
            par_centre["verse"] += centre.total.verse
            assert centre.total.vote == sum((m.vote for m in centre.par_nature.values()), Decimal(0))
        assert (beneficiaire.total.vote, beneficiaire.total.verse) == (par_centre["vote"], par_centre["verse"])


def test_the_indicators_centre_filter_offers_a_partner_only_the_centres_it_sees(client, reseau):
    """The filter the dashboard's links use names no centre outside a partner's scope."""
    caf = OrganisationFactory(caf=True)
    CentreFactory(nom="CS Partenaire", partenaires=[caf])
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=caf))
    choix = client.get(reverse("centres:indicateurs_liste")).context["filtre"].form.fields["centre"].queryset
    assert [c.nom for c in choix] == ["CS Partenaire"]
    hors = reseau["centres"]["CS Alma"].pk
    response = client.get(reverse("centres:indicateurs_liste"), {"centre": hors})
    assert "centre" in response.context["filtre"].form.errors
