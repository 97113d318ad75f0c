"""The budget annex of CGCT L2313-1 (SUB-7): the grants voted and the valued in-kind aid of a year, by
beneficiary, as a page and an XLSX file, with the figures of the open-data file and of the
23 000 € rule."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from comptes.models import Organisation
from conventions.services import aides_annuelles
from roubaix_cs.formats import montant
from roubaix_cs.validators import completer_siret
from subventions import annexe as annexes
from subventions import opendata
from subventions.models import DemandeSubvention
from subventions.services import numeraire_vote

from ..factories import CentreFactory, DemandeFactory, LocalFactory, OrganisationFactory
from ..requetes import garde

pytestmark = pytest.mark.django_db

ANNEE = 2026


def _association(nom, rang):
    return OrganisationFactory(nom=nom, nature=Organisation.Nature.ASSOCIATION, siret=completer_siret(f"8{rang:012d}"))


@pytest.fixture
def reseau():
    """An association running two centres, another with one, grants of the year, premises lent, and what
    must stay out: a grant of another year, one adjourned, one rejected, one only proposed."""
    alma = _association("Association Alma", 1)
    alma_gare = CentreFactory(nom="Centre social Alma-Gare", nom_court="Alma-Gare", organisation=alma)
    alma_nord = CentreFactory(nom="Centre social Alma-Nord", nom_court="Alma-Nord", organisation=alma)
    epeule = CentreFactory(nom="Centre social de l'Épeule", organisation=_association("Association Épeule", 2))
    DemandeFactory(votee=True, centre=alma_gare, objet="Fonctionnement", montant_vote=Decimal("18000.50"))
    DemandeFactory(votee=True, centre=alma_nord, objet="Accueil de loisirs", montant_vote=Decimal("6000"))
    DemandeFactory(votee=True, centre=epeule, objet="Ateliers sociolinguistiques", montant_vote=Decimal("4000"))
    LocalFactory(centre=alma_nord, nom="Maison Alma-Nord", valeur_locative=Decimal("12000"), charges_ville=0)
    DemandeFactory(votee=True, centre=epeule, annee=ANNEE - 1, objet="Subvention d'une autre année")
    DemandeFactory(centre=epeule, statut=DemandeSubvention.Statut.AJOURNEE, objet="Demande ajournée")
    DemandeFactory(centre=epeule, statut=DemandeSubvention.Statut.REJETEE, objet="Demande rejetée")
    DemandeFactory(proposee=True, centre=alma_gare, objet="Demande seulement proposée")
    return {"alma_gare": alma_gare, "alma_nord": alma_nord, "epeule": epeule}


def _par_nom(annexe):
    return {b.nom: b for b in annexe.beneficiaires}


def test_sub_7_two_centres_of_one_association_make_one_beneficiary(reseau):
    annexe = _par_nom(annexes.annexe_de(ANNEE))
    assert set(annexe) == {"Association Alma", "Association Épeule"}
    alma = annexe["Association Alma"]
    assert [c.pk for c in alma.centres] == [reseau["alma_gare"].pk, reseau["alma_nord"].pk]
    assert alma.numeraire == Decimal("24000.50")
    assert alma.nature == Decimal("12000.00")
    assert alma.total == Decimal("36000.50")
    assert [ligne.objet.split(" (")[0] for ligne in alma.lignes] == [
        "Fonctionnement",
        "Accueil de loisirs",
        "Mise à disposition de locaux : Maison Alma-Nord",
    ]
    # The lines add up to the subtotals, which are the 23 000 € rule's figures.
    assert sum(ligne.numeraire for ligne in alma.lignes) == alma.numeraire
    assert sum(ligne.nature for ligne in alma.lignes) == alma.nature


def test_sub_7_only_the_grants_voted_for_the_year_are_listed(reseau):
    objets = {ligne.objet.split(" (")[0] for b in annexes.annexe_de(ANNEE).beneficiaires for ligne in b.lignes}
    assert "Subvention d'une autre année" not in objets
    assert not objets & {"Demande ajournée", "Demande rejetée", "Demande seulement proposée"}
    assert "Subvention d'une autre année" in {
        ligne.objet.split(" (")[0] for b in annexes.annexe_de(ANNEE - 1).beneficiaires for ligne in b.lignes
    }


def test_sub_7_the_annex_equals_the_open_data_file_and_the_23_000_rule(reseau, settings):
    settings.VILLE_SIRET = "21590512800017"
    export = opendata.lignes_scdl(ANNEE)
    scdl = {}
    for ligne in export.lignes:
        cash, nature = scdl.get(ligne["nomBeneficiaire"], (Decimal(0), Decimal(0)))
        if ligne["nature"] == opendata.NUMERAIRE:
            cash += Decimal(ligne["montant"])
        else:
            nature += Decimal(ligne["montant"])
        scdl[ligne["nomBeneficiaire"]] = (cash, nature)
    annexe = annexes.annexe_de(ANNEE)
    assert {b.nom: (b.numeraire, b.nature) for b in annexe.beneficiaires} == scdl
    assert annexe.total == export.total
    for beneficiaire in annexe.beneficiaires:
        centre = beneficiaire.centres[0]
        regle = aides_annuelles(centre=centre, annees=[ANNEE], numeraire={ANNEE: numeraire_vote(centre, ANNEE)})
        assert (regle[ANNEE].numeraire, regle[ANNEE].nature) == (beneficiaire.numeraire, beneficiaire.nature)


def test_sub_7_a_beneficiary_without_siret_is_listed_and_a_municipal_centre_is_not():
    sans = CentreFactory(nom="Centre sans numéro", siret="", rna="")
    DemandeFactory(votee=True, centre=sans, montant_vote=Decimal("1500"))
    regie = CentreFactory(nom="Centre municipal", gestion="municipale", forme_juridique="regie")
    LocalFactory(centre=regie)
    annexe = _par_nom(annexes.annexe_de(ANNEE))
    assert set(annexe) == {"Centre sans numéro"}
    assert annexe["Centre sans numéro"].siret == ""


def test_the_page_lists_beneficiaries_lines_subtotals_and_totals(client_of, elu, reseau):
    response = client_of(elu).get(reverse("subventions:annexe"), {"annee": ANNEE})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="beneficiaire"') == 2
    assert "Sous-total Association Alma" in page
    assert montant(Decimal("36000.50")) in page
    assert montant(Decimal("40000.50")) in page  # 36 000,50 + 4 000
    assert f"?annee={ANNEE}&amp;centre={reseau['alma_nord'].pk}" in page
    assert "Demande ajournée" not in page


def test_the_xlsx_file_reads_back_with_the_same_figures(client_of, agent, reseau):
    response = client_of(agent).get(reverse("subventions:annexe_xlsx", args=[ANNEE]))
    assert response.status_code == 200
    assert "annexe-concours-2026.xlsx" in response["Content-Disposition"]
    classeur = load_workbook(io.BytesIO(response.content))
    resume, detail = classeur.worksheets
    lignes = list(resume.iter_rows(values_only=True))
    assert lignes[0][0] == "Bénéficiaire"
    alma = next(ligne for ligne in lignes if ligne[0] == "Association Alma")
    assert alma[1] == "Association"
    assert alma[5:] == (24000.5, 12000, 36000.5)
    assert lignes[-1][0] == "Total" and lignes[-1][7] == 40000.5
    details = list(detail.iter_rows(values_only=True))
    assert [d[0] for d in details].count("Association Alma") == 3
    assert details[-1][0] == "Total général" and details[-1][8] == 40000.5


def test_partners_and_regisseurs_are_refused(client, partenaire_caf, regisseur, reseau):
    for user in (partenaire_caf, regisseur):
        client.force_login(user)
        assert client.get(reverse("subventions:annexe_xlsx", args=[ANNEE])).status_code == 403
    assert client.get(reverse("subventions:annexe")).status_code == 403


def _beneficiaires():
    """grandir(n): n more beneficiaries, one in two an association running two centres, each centre with
    premises lent and a voted grant."""
    deja = [0]

    def grandir(n):
        for _ in range(n):
            deja[0] += 1
            association = OrganisationFactory() if deja[0] % 2 else None
            for _ in range(2 if association else 1):
                centre = CentreFactory(organisation=association)
                LocalFactory(centre=centre)
                DemandeFactory(votee=True, centre=centre, montant_vote=Decimal("1000"))

    return grandir


@pytest.mark.parametrize("nom", ["page", "xlsx"])
def test_sub_7_the_annex_queries_do_not_grow_with_the_beneficiaries(client_of, elu, nom):
    if nom == "page":
        cle, url, params = "subventions:annexe elu", reverse("subventions:annexe"), {"annee": ANNEE}
    else:
        cle, url, params = "subventions:annexe_xlsx elu", reverse("subventions:annexe_xlsx", args=[ANNEE]), None
    garde(client_of(elu), cle, url, _beneficiaires(), params)
