"""Who sees which convention (partners: those their organisation is party to, never a draft),
the list's filters, sort and exports, and the "Conventions" tab of the centre page."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from comptes.models import Organisation
from conventions.models import Convention

from ..factories import CentreFactory, ConventionFactory, EngagementFactory, LocalFactory, OrganisationFactory
from .factories import AvenantFactory, AvenantMontantFactory

pytestmark = pytest.mark.django_db
S = Convention.Statut
T = Convention.Type
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def reseau(ville, caf, departement_org):
    """Six conventions; the CAF is party to A, C, D, F and the Département to B, D, F."""
    alma = CentreFactory(nom="CS Alma", partenaires=[caf, departement_org])
    pile = CentreFactory(nom="CS Pile", partenaires=[caf, departement_org])
    hors = CentreFactory(nom="CS Hors")

    def convention(objet, centre, type_, statut, fin, parties):
        return ConventionFactory(
            objet=objet, centre=centre, type=type_, statut=statut, fin=fin, parties=[ville, *parties]
        )

    return {
        "A": convention("A CPOM Alma", alma, T.CPOM, S.SIGNEE, datetime.date(2028, 12, 31), [caf]),
        "B": convention(
            "B objectifs Alma", alma, T.OBJECTIFS, S.EN_COURS, datetime.date(2027, 3, 31), [departement_org]
        ),
        "C": convention("C CPOM Pile en projet", pile, T.CPOM, S.BROUILLON, datetime.date(2028, 12, 31), [caf]),
        "D": convention(
            "D partenariat Pile en revue",
            pile,
            T.PARTENARIAT,
            S.REVUE_JURIDIQUE,
            datetime.date(2027, 1, 31),
            [caf, departement_org],
        ),
        "E": convention("E locaux Hors", hors, T.LOCAUX, S.SIGNEE, datetime.date(2027, 5, 31), []),
        "F": convention(
            "F CPOM Pile expirée", pile, T.CPOM, S.EXPIREE, datetime.date(2026, 6, 30), [caf, departement_org]
        ),
    }


def _lettres(conventions):
    return sorted(c.objet[0] for c in conventions)


def _liste(client, **params):
    return [c.objet[0] for c in client.get(reverse("conventions:liste"), params).context["page"]]


def _csv(client, **params):
    response = client.get(reverse("conventions:export", kwargs={"fmt": "csv"}), params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


# --- Partner scope ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "visibles"), [("partenaire_caf", ["A", "F"]), ("partenaire_departement", ["B", "F"])]
)
def test_a_partner_lists_and_exports_only_the_conventions_its_organisation_signs_never_drafts(
    client, reseau, persona, visibles, request
):
    client.force_login(request.getfixturevalue(persona))
    assert sorted(_liste(client)) == visibles
    assert sorted(ligne[2][0] for ligne in _csv(client)[1:]) == visibles
    response = client.get(reverse("conventions:export", kwargs={"fmt": "xlsx"}))
    lignes = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert sorted(ligne[2][0] for ligne in lignes) == visibles


@pytest.mark.parametrize(
    ("persona", "visibles"), [("partenaire_caf", ["A", "F"]), ("partenaire_departement", ["B", "F"])]
)
def test_a_partner_gets_404_on_the_other_conventions(client, reseau, persona, visibles, request):
    client.force_login(request.getfixturevalue(persona))
    for lettre, convention in reseau.items():
        statut = client.get(convention.get_absolute_url()).status_code
        assert statut == (200 if lettre in visibles else 404), lettre


def test_a_partner_reads_without_any_way_to_write(client, partenaire_caf, reseau):
    client.force_login(partenaire_caf)
    response = client.get(reseau["A"].get_absolute_url())
    page = response.content.decode()
    assert not response.context["etapes"]  # no step is open to a partner
    for nom in ("modifier", "transition", "version_deposer", "avenant_creer", "renouveler", "partie_creer"):
        assert reverse(f"conventions:{nom}", args=[reseau["A"].pk]) not in page
    assert (
        client.post(reverse("conventions:transition", args=[reseau["A"].pk]), {"vers": "en_cours"}).status_code == 403
    )


def test_a_partner_does_not_read_the_internal_notes_nor_the_legal_remarks(client, partenaire_caf, agent, reseau):
    Convention.objects.filter(pk=reseau["A"].pk).update(
        notes_internes="Relance du trésorier à prévoir", juridique_remarques="Article 7 à reprendre"
    )
    client.force_login(agent)
    page = client.get(reseau["A"].get_absolute_url()).content.decode()
    assert "Relance du trésorier" in page and "Article 7 à reprendre" in page
    client.force_login(partenaire_caf)
    page = client.get(reseau["A"].get_absolute_url()).content.decode()
    assert "Relance du trésorier" not in page and "Article 7 à reprendre" not in page


@pytest.mark.parametrize(("persona", "visibles"), [("partenaire_caf", ["A"]), ("partenaire_departement", ["B"])])
def test_the_centre_tab_shows_a_partner_only_its_conventions(client, reseau, persona, visibles, request):
    client.force_login(request.getfixturevalue(persona))
    alma = reseau["A"].centre
    response = client.get(alma.get_absolute_url(), {"onglet": "conventions"})
    assert _lettres(response.context["conventions"]) == visibles
    page = response.content.decode()
    for convention in reseau.values():
        assert (convention.objet in page) is (convention.objet[0] in visibles)
    # The city's whole aid to the centre would name the conventions the partner is not party to.
    assert response.context["aides"] is None
    assert "Aide annuelle de la Ville au centre et seuil" not in page


def test_the_detail_page_hides_the_citys_whole_aid_from_partners(client, partenaire_caf, agent, reseau):
    client.force_login(partenaire_caf)
    response = client.get(reseau["A"].get_absolute_url())
    assert response.context["aides"] is None
    assert "B objectifs Alma" not in response.content.decode()
    client.force_login(agent)
    assert [a.annee for a in client.get(reseau["A"].get_absolute_url()).context["aides"]] == [2025, 2026, 2027, 2028]


def test_a_partner_filters_only_by_the_centres_it_follows(client, partenaire_caf, reseau):
    client.force_login(partenaire_caf)
    centres = client.get(reverse("conventions:liste")).context["filtre"].form.fields["centre"].queryset
    assert sorted(c.nom for c in centres) == ["CS Alma", "CS Pile"]


# --- The list: filters, sort, export -------------------------------------------------------


def test_the_team_lists_every_convention_drafts_included(client, agent, reseau):
    client.force_login(agent)
    assert sorted(_liste(client)) == ["A", "B", "C", "D", "E", "F"]


def test_the_list_filters_by_type_status_and_centre(client, agent, reseau):
    client.force_login(agent)
    assert sorted(_liste(client, type="cpom")) == ["A", "C", "F"]
    assert sorted(_liste(client, statut="signee")) == ["A", "E"]
    assert sorted(_liste(client, centre=reseau["C"].centre.pk)) == ["C", "D", "F"]
    assert sorted(_liste(client, type="cpom", centre=reseau["C"].centre.pk, statut="brouillon")) == ["C"]


@time_machine.travel(TODAY)
def test_the_list_filters_the_conventions_ending_within_n_months(client, agent, reseau):
    client.force_login(agent)
    assert sorted(_liste(client, fin_mois=3)) == ["D"]  # 31/01/2027; F ended already
    assert sorted(_liste(client, fin_mois=6)) == ["B", "D"]
    assert sorted(_liste(client, fin_mois=7)) == ["B", "D", "E"]
    assert sorted(_liste(client, fin_mois=0)) == []


def test_a_bad_filter_value_is_explained_not_a_crash(client, agent, reseau):
    client.force_login(agent)
    response = client.get(reverse("conventions:liste"), {"fin_mois": "bientôt", "type": "inconnu"})
    assert response.status_code == 200
    assert set(response.context["filtre"].errors) == {"fin_mois", "type"}


def test_the_list_sorts(client, agent, reseau):
    client.force_login(agent)
    par_fin = _liste(client, tri="fin")
    assert par_fin[:4] == ["F", "D", "B", "E"]
    assert sorted(par_fin[4:]) == ["A", "C"]  # same end date
    assert _liste(client, tri="-fin")[2:] == ["E", "B", "D", "F"]
    centres = [c.centre.nom for c in client.get(reverse("conventions:liste"), {"tri": "centre"}).context["page"]]
    assert centres == ["CS Alma", "CS Alma", "CS Hors", "CS Pile", "CS Pile", "CS Pile"]


def test_the_csv_export_follows_the_filters_and_has_every_column(client, agent, reseau):
    Convention.objects.filter(pk=reseau["A"].pk).update(deliberation_numero="2024/215", referent=agent)
    client.force_login(agent)
    lignes = _csv(client, type="cpom", statut="signee")
    assert lignes == [
        [
            "Centre",
            "Type",
            "Objet",
            "Début",
            "Fin",
            "Fin avenants compris",
            "Durée (mois)",
            "Statut",
            "Délibération",
            "Référent(e)",
        ],
        [
            "CS Alma",
            "CPOM (convention pluriannuelle d'objectifs et de moyens)",
            "A CPOM Alma",
            "01/01/2025",
            "31/12/2028",
            "31/12/2028",
            "48",
            "Signée",
            "2024/215",
            str(agent),
        ],
    ]


def test_the_xlsx_export_keeps_dates_and_numbers(client, agent, reseau):
    client.force_login(agent)
    response = client.get(reverse("conventions:export", kwargs={"fmt": "xlsx"}), {"statut": "en_cours"})
    assert response["Content-Disposition"].startswith('attachment; filename="conventions-')
    lignes = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert lignes[1][:8] == (
        "CS Alma",
        "Convention annuelle d'objectifs",
        "B objectifs Alma",
        datetime.datetime(2025, 1, 1),
        datetime.datetime(2027, 3, 31),
        datetime.datetime(2027, 3, 31),
        27,
        "En cours d'exécution",
    )
    assert len(lignes) == 2


# --- The centre page's "Conventions" tab ---------------------------------------------------


@time_machine.travel(TODAY)
def test_the_centre_tab_lists_the_centres_conventions_and_the_sub_3_table(client, agent, ville):
    centre = CentreFactory(nom="CS Fosse-aux-Chênes")
    signee = ConventionFactory(centre=centre, statut=S.SIGNEE, objet="CPOM signé", parties=[ville])
    signee.parties.update(date_signature=datetime.date(2024, 12, 1))
    EngagementFactory(convention=signee, financeur=ville, annee=2026, montant=Decimal("18000"))
    ConventionFactory(
        centre=centre,
        statut=S.BROUILLON,
        objet="Projet suivant",
        debut=datetime.date(2029, 1, 1),
        fin=datetime.date(2029, 12, 31),
    )
    ConventionFactory(objet="Convention d'un autre centre")
    LocalFactory(centre=centre, valeur_locative=Decimal("6000"), charges_ville=Decimal("0"))
    client.force_login(agent)

    response = client.get(centre.get_absolute_url(), {"onglet": "conventions"})

    assert response.context["onglet"] == "conventions"
    assert [c.objet for c in response.context["conventions"]] == ["Projet suivant", "CPOM signé"]
    page = response.content.decode()
    assert "Convention d&#x27;un autre centre" not in page
    assert reverse("conventions:creer") + f"?centre={centre.pk}" in page
    aides = {a.annee: a for a in response.context["aides"]}
    assert sorted(aides) == [2025, 2026, 2027]
    assert (aides[2026].numeraire, aides[2026].nature, aides[2026].convention) == (
        Decimal("18000"),
        Decimal("6000"),
        signee,
    )
    assert "Aide annuelle de la Ville et seuil de 23 000 € (loi n° 2000-321 du 12 avril 2000, art. 10)" in page


@time_machine.travel(TODAY)
def test_the_centre_tab_flags_aid_above_23_000_without_a_signed_convention(client, agent, ville):
    centre = CentreFactory()
    approuvee = ConventionFactory(centre=centre, statut=S.APPROUVEE, parties=[ville])
    EngagementFactory(convention=approuvee, financeur=ville, annee=2026, montant=Decimal("23000.01"))
    client.force_login(agent)
    response = client.get(centre.get_absolute_url(), {"onglet": "conventions"})
    assert [a.convention_manquante for a in response.context["aides"]] == [False, True, False]
    assert response.content.decode().count("Convention signée manquante") == 1
    page = client.get(approuvee.get_absolute_url()).content.decode()
    assert page.count("Aucune : aucun versement possible au-delà de 23 000 €") == 1


def test_the_centre_tab_is_offered_to_the_readers_of_conventions_only(client, agent, regisseur, elu, partenaire_caf):
    centre = CentreFactory(partenaires=[partenaire_caf.organisation])
    for user, voit in [(agent, True), (elu, True), (partenaire_caf, True), (regisseur, False)]:
        client.force_login(user)
        response = client.get(centre.get_absolute_url(), {"onglet": "conventions"})
        assert (("conventions", "Conventions") in response.context["onglets"]) is voit, user.role
        assert (response.context["onglet"] == "conventions") is voit, user.role


def test_each_row_names_its_convention_and_states_its_current_amounts(client, agent):
    """Not the same title on every row: the object (as changed by a signed avenant), the type beneath,
    the city's cash and every funder's over the term, signed avenants applied."""
    ville = OrganisationFactory(nature=Organisation.Nature.VILLE)
    caf = OrganisationFactory(nature=Organisation.Nature.CAF)
    convention = ConventionFactory(objet="Projet social de l'Alma", statut=Convention.Statut.SIGNEE)
    EngagementFactory(convention=convention, financeur=ville, annee=2026, montant=Decimal("30000"))
    EngagementFactory(convention=convention, financeur=caf, annee=2026, montant=Decimal("10000"))
    avenant = AvenantFactory(convention=convention, statut="signe", nouvel_objet="Projet social et référent familles")
    AvenantMontantFactory(avenant=avenant, annee=2026, financeur=ville, montant=Decimal("32500"))
    client.force_login(agent)
    page = client.get(reverse("conventions:liste")).content.decode()
    rangee = page.split(convention.get_absolute_url(), 1)[1].split("</tr>", 1)[0]
    assert "Projet social et référent familles" in rangee
    assert "32\u202f500,00\u00a0€" in rangee and "42\u202f500,00\u00a0€" in rangee
