"""Yearly indicators: the rules (SEN-1..4), the entry form, the list and its exports, who reads what."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from centres.models import IndicateursAnnuels, variation_excessive
from roubaix_cs.seuils import VAR_MAX

from ..factories import CentreFactory, IndicateursAnnuelsFactory, UserFactory
from ..outils import contenu, messages_de

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 1, 10, 0))]


def _donnees(form_ou_instance=None, **champs):
    """The entry form's POST data of a year without warnings."""
    base = IndicateursAnnuelsFactory.build(centre=None, annee=2025)
    donnees = {nom: str(getattr(base, nom)) for nom in ["annee", *IndicateursAnnuels.CHIFFRES]}
    donnees["notes_internes"] = ""
    return {**donnees, **{k: str(v) for k, v in champs.items()}}


def _messages_seuls(indicateurs, precedent=None):
    return [m for _, m in indicateurs.avertissements(precedent)]


# --- SEN-1: one set of figures per centre and year ---------------------------------------------


def test_sen_1_a_second_year_for_the_same_centre_is_refused_next_to_the_year(client_of, agent):
    existant = IndicateursAnnuelsFactory(annee=2024)
    response = client_of(agent).post(
        reverse("centres:indicateurs_creer", args=[existant.centre.pk]), _donnees(annee=2024)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["annee"] == [
        "Ce centre a déjà des indicateurs pour cette année : modifiez-les."
    ]
    assert IndicateursAnnuels.objects.count() == 1


def test_sen_1_the_same_year_for_another_centre_is_accepted(client_of, agent):
    IndicateursAnnuelsFactory(annee=2024)
    autre = CentreFactory()
    response = client_of(agent).post(reverse("centres:indicateurs_creer", args=[autre.pk]), _donnees(annee=2024))
    assert response.status_code == 302
    assert IndicateursAnnuels.objects.filter(annee=2024).count() == 2
    assert messages_de(response) == ["Les indicateurs ont été enregistrés."]


# --- SEN-2: the produits by funder add up to the total, within 1 € -----------------------------


@pytest.mark.parametrize(
    ("ecart", "averti"),
    [(Decimal("0"), False), (Decimal("0.99"), False), (Decimal("1.00"), False), (Decimal("1.01"), True)],
)
def test_sen_2_produits_by_funder_must_add_up_to_the_total_within_1_euro(ecart, averti):
    indicateurs = IndicateursAnnuelsFactory.build(produits_total=Decimal("810000.00") + ecart)
    messages = _messages_seuls(indicateurs)
    assert any("somme des produits par financeur" in m for m in messages) is averti
    indicateurs = IndicateursAnnuelsFactory.build(produits_total=Decimal("810000.00") - ecart)
    assert any("somme des produits par financeur" in m for m in _messages_seuls(indicateurs)) is averti


# --- SEN-3: more ETP than employees, more administrators than volunteers -----------------------


@pytest.mark.parametrize(("etp", "averti"), [("19.99", False), ("20.00", False), ("20.01", True)])
def test_sen_3_more_etp_than_employees_warns(etp, averti):
    indicateurs = IndicateursAnnuelsFactory.build(salaries=20, etp=Decimal(etp))
    assert any("équivalents temps plein" in m for m in _messages_seuls(indicateurs)) is averti


@pytest.mark.parametrize(("administrateurs", "averti"), [(39, False), (40, False), (41, True)])
def test_sen_3_more_administrators_than_volunteers_warns(administrateurs, averti):
    indicateurs = IndicateursAnnuelsFactory.build(benevoles=40, administrateurs=administrateurs)
    assert any("administrateurs" in m for m in _messages_seuls(indicateurs)) is averti


# --- SEN-4: a change of more than VAR_MAX % from one year to the next --------------------------


def test_sen_4_var_max_is_30_percent():
    assert VAR_MAX == 30


@pytest.mark.parametrize(
    ("apres", "averti"),
    [
        # "More than 30 %": exactly 30 % does not warn.
        (Decimal("1299900.00"), False),  # +29.99 %
        (Decimal("1300000.00"), False),  # +30 %
        (Decimal("1300100.00"), True),  # +30.01 %
        (Decimal("700100.00"), False),  # −29.99 %
        (Decimal("700000.00"), False),  # −30 %
        (Decimal("699900.00"), True),  # −30.01 %
    ],
)
def test_sen_4_total_charges_change_above_30_percent_warns(apres, averti):
    precedent = IndicateursAnnuelsFactory.build(annee=2024, charges_total=Decimal("1000000.00"))
    indicateurs = IndicateursAnnuelsFactory.build(annee=2025, charges_total=apres)
    messages = _messages_seuls(indicateurs, precedent)
    assert any(m.startswith("Total des charges") for m in messages) is averti


@pytest.mark.parametrize(("usagers", "averti"), [(12999, False), (13000, False), (13001, True)])
def test_sen_4_users_change_above_30_percent_warns(usagers, averti):
    precedent = IndicateursAnnuelsFactory.build(annee=2024, usagers=10000)
    indicateurs = IndicateursAnnuelsFactory.build(annee=2025, usagers=usagers)
    assert any(m.startswith("Usagers distincts") for m in _messages_seuls(indicateurs, precedent)) is averti


@pytest.mark.parametrize(("etp", "averti"), [("12.99", False), ("13.00", False), ("13.01", True)])
def test_sen_4_etp_change_above_30_percent_warns(etp, averti):
    precedent = IndicateursAnnuelsFactory.build(annee=2024, etp=Decimal("10.00"), salaries=20)
    indicateurs = IndicateursAnnuelsFactory.build(annee=2025, etp=Decimal(etp), salaries=20)
    assert any(m.startswith("Équivalents temps plein") for m in _messages_seuls(indicateurs, precedent)) is averti


def test_sen_4_without_a_previous_figure_nothing_is_compared():
    assert not variation_excessive(Decimal("0"), Decimal("1000"))
    assert not _messages_seuls(IndicateursAnnuelsFactory.build())


def test_sen_4_the_centre_tab_shows_the_jump_against_the_year_before(client_of, elu):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2024, usagers=1000)
    IndicateursAnnuelsFactory(centre=centre, annee=2025, usagers=1500)
    page = contenu(client_of(elu).get(reverse("centres:detail", args=[centre.pk]), {"onglet": "indicateurs"}))
    assert "Usagers distincts : +50,0 % par rapport à 2024" in page


# --- Entry form ------------------------------------------------------------------------------


def test_the_form_updates_a_year_under_optimistic_locking(client_of, agent):
    indicateurs = IndicateursAnnuelsFactory(annee=2024)
    url = reverse("centres:indicateurs_modifier", args=[indicateurs.pk])
    client = client_of(agent)
    vue = client.get(url).context["form"]["version_vue"].value()
    IndicateursAnnuels.objects.filter(pk=indicateurs.pk).update(version=vue + 1)  # someone saved meanwhile
    response = client.post(url, _donnees(annee=2024, usagers=1200, version_vue=vue))
    assert response.status_code == 200
    assert "a été modifié par quelqu" in contenu(response)
    indicateurs.refresh_from_db()
    assert indicateurs.usagers == 1000
    response = client.post(url, _donnees(annee=2024, usagers=1200, version_vue=vue + 1))
    assert response.status_code == 302
    indicateurs.refresh_from_db()
    assert (indicateurs.usagers, indicateurs.version) == (1200, vue + 2)
    assert indicateurs.history.count() == 2


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("usagers", "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ("usagers", "100001", "Au-delà de 100 000 personnes, plus que la population de la ville"),
        ("etp", "1000.01", "Au-delà de 1000 ETP"),
        ("charges_total", "-5", "Le montant ne peut pas être négatif."),
        ("charges_total", "100000000.01", "sans doute une erreur de saisie"),
        ("annee", "2011", "Indiquez une année entre 2016 et 2028"),
    ],
)
def test_the_bounds_are_said_next_to_the_field(client_of, agent, champ, valeur, message):
    centre = CentreFactory()
    response = client_of(agent).post(
        reverse("centres:indicateurs_creer", args=[centre.pk]), _donnees(**{champ: valeur})
    )
    assert response.status_code == 200
    assert any(message in erreur for erreur in response.context["form"].errors[champ])
    assert not IndicateursAnnuels.objects.exists()


def test_own_funds_and_cash_may_be_negative(client_of, agent):
    centre = CentreFactory()
    response = client_of(agent).post(
        reverse("centres:indicateurs_creer", args=[centre.pk]), _donnees(fonds_propres="-25000", tresorerie="-1200.50")
    )
    assert response.status_code == 302
    assert IndicateursAnnuels.objects.get().fonds_propres == Decimal("-25000")


# --- Who reads what --------------------------------------------------------------------------


def test_partners_read_the_indicators_of_their_centres_only(client_of, partenaire_caf, centre_caf, centre_hors_caf):
    a_moi = IndicateursAnnuelsFactory(centre=centre_caf)
    IndicateursAnnuelsFactory(centre=centre_hors_caf)
    client = client_of(partenaire_caf)
    response = client.get(reverse("centres:indicateurs_liste"))
    assert [i.pk for i in response.context["page"].object_list] == [a_moi.pk]
    export = client.get(reverse("centres:indicateurs_export", kwargs={"fmt": "csv"}))
    lignes = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [ligne[0] for ligne in lignes[1:]] == [centre_caf.nom]
    assert "Notes internes" not in lignes[0]
    onglet = client.get(reverse("centres:detail", args=[centre_caf.pk]), {"onglet": "indicateurs"})
    assert "Année 2025" in contenu(onglet)
    assert client.get(reverse("centres:detail", args=[centre_hors_caf.pk])).status_code == 404


def test_elus_read_everything_but_the_internal_notes(client_of, elu):
    indicateurs = IndicateursAnnuelsFactory()
    client = client_of(elu)
    onglet = contenu(client.get(reverse("centres:detail", args=[indicateurs.centre.pk]), {"onglet": "indicateurs"}))
    assert "Année 2025" in onglet
    assert "Note interne du service" not in onglet
    assert "Modifier" not in onglet
    historique = client.get(reverse("centres:detail", args=[indicateurs.centre.pk]), {"onglet": "historique"})
    assert "Note interne du service" not in contenu(historique)
    assert "Indicateurs 2025" in contenu(historique)
    export = client.get(reverse("centres:indicateurs_export", kwargs={"fmt": "xlsx"}))
    titres = next(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert "Notes internes" not in titres


def test_the_team_reads_the_internal_notes(client_of, agent):
    indicateurs = IndicateursAnnuelsFactory()
    onglet = client_of(agent).get(reverse("centres:detail", args=[indicateurs.centre.pk]), {"onglet": "indicateurs"})
    assert "Note interne du service" in contenu(onglet)


def test_regisseurs_have_no_access_to_the_centres_finances(client_of, regisseur):
    indicateurs = IndicateursAnnuelsFactory()
    client = client_of(regisseur)
    assert client.get(reverse("centres:indicateurs_liste")).status_code == 403
    page = client.get(reverse("centres:detail", args=[indicateurs.centre.pk]), {"onglet": "indicateurs"})
    assert page.context["onglet"] == "identite"
    assert "Indicateurs annuels" not in contenu(page)


@pytest.mark.parametrize("persona", ["elu", "partenaire_caf", "regisseur"])
def test_read_only_roles_cannot_write(client_of, request, persona, centre_caf):
    indicateurs = IndicateursAnnuelsFactory(centre=centre_caf)
    client = client_of(request.getfixturevalue(persona))
    assert client.post(reverse("centres:indicateurs_creer", args=[centre_caf.pk]), _donnees()).status_code == 403
    assert client.post(reverse("centres:indicateurs_modifier", args=[indicateurs.pk]), _donnees()).status_code == 403
    assert client.post(reverse("centres:indicateurs_importer")).status_code == 403


# --- List and exports -------------------------------------------------------------------------


def test_the_list_filters_by_centre_and_year(client_of, agent):
    alma = CentreFactory(nom="Centre social de l'Alma")
    pile = CentreFactory(nom="Centre social du Pile")
    IndicateursAnnuelsFactory(centre=alma, annee=2024)
    cible = IndicateursAnnuelsFactory(centre=alma, annee=2025)
    IndicateursAnnuelsFactory(centre=pile, annee=2025)
    response = client_of(agent).get(reverse("centres:indicateurs_liste"), {"q": "alma", "annee": "2025"})
    assert [i.pk for i in response.context["page"].object_list] == [cible.pk]


def test_the_xlsx_export_keeps_amounts_as_numbers(client_of, agent):
    IndicateursAnnuelsFactory(produits_total=Decimal("810000.50"), produits_autres=Decimal("160000.50"))
    response = client_of(agent).get(reverse("centres:indicateurs_export", kwargs={"fmt": "xlsx"}))
    lignes = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    colonne = lignes[0].index("Total des produits (€)")
    assert lignes[1][colonne] == 810000.5
    assert lignes[0][-1] == "Notes internes"


def test_the_menu_has_an_entry_for_the_readers(client_of, elu, regisseur):
    lien = reverse("centres:indicateurs_liste")
    assert lien in contenu(client_of(elu).get(reverse("centres:liste")))
    other = UserFactory(role="regisseur")
    assert lien not in contenu(client_of(other).get(reverse("centres:liste")))
