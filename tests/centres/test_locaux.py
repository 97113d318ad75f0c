import csv
import datetime
import html
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from centres.deadlines import _commissions
from centres.models import Centre, Local, Travaux

from ..factories import CentreFactory, DocumentFactory, LocalFactory, TravauxFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 29)
D = Decimal


def _texte(response):
    return html.unescape(response.content.decode())


def _donnees(**changes):
    """A valid premises form: a room of a centre lent free of charge."""
    data = {
        "nom": "Maison de quartier du Pile",
        "adresse": "12 rue de la Pile, Roubaix",
        "centre": "",
        "autre_occupant": "",
        "proprietaire": "ville",
        "titre": "mise_a_disposition",
        "debut": "2024-01-01",
        "fin": "",
        "surface_m2": "320",
        "valeur_locative": "24000",
        "methode_valeur": "Avis du Domaine 2024",
        "loyer_facture": "0",
        "charges_ville": "3000",
        "erp_type": "L",
        "erp_categorie": "4",
        "commission_derniere": "",
        "commission_prochaine": "",
        "commission_avis": "sans_objet",
        "observations": "",
    }
    data.update(changes)
    return data


# LOC-2: the in-kind value of premises lent free or below value.


@pytest.mark.parametrize(
    ("valeur", "charges", "loyer", "avantage"),
    [
        ("36000.00", "4200.00", "0.00", "40200.00"),  # lent free, charges paid by the city
        ("36000.00", "4200.00", "12000.00", "28200.00"),  # rent below value
        ("10000.00", "0.00", "10000.00", "0.00"),  # rent at value: no aid
        ("10000.00", "500.00", "15000.00", "0.00"),  # rent above value + charges: never negative
        ("0.00", "0.00", "0.00", "0.00"),
        ("1234.56", "78.90", "0.01", "1313.45"),
    ],
)
def test_loc_2_avantage_is_rental_value_plus_city_charges_minus_rent(valeur, charges, loyer, avantage):
    local = LocalFactory(valeur_locative=D(valeur), charges_ville=D(charges), loyer_facture=D(loyer))
    assert local.avantage_en_nature == D(avantage)
    # The database computes the same value (list totals, sort, exports).
    assert Local.objects.avec_avantage().get(pk=local.pk).avantage == D(avantage)


def _parc():
    """35 premises (more than a page) with cents, some rented above their value, and Linné."""
    locaux = [
        LocalFactory(
            valeur_locative=D("1000.33") * i,
            charges_ville=D("99.99") * (i % 4),
            loyer_facture=D("2500.50") * (i % 3),
            surface_m2=D("10.5") * i,
        )
        for i in range(1, 35)
    ]
    locaux.append(LocalFactory(linne=True, valeur_locative=D("150000"), charges_ville=D("0"), loyer_facture=D("0")))
    return locaux


def test_loc_2_the_list_totals_are_the_sum_of_every_filtered_row_not_only_the_page(client, agent):
    locaux = _parc()
    client.force_login(agent)
    response = client.get(reverse("centres:local_liste"))
    totaux = response.context["totaux"]
    assert len(response.context["page"]) == 25
    assert totaux["nombre"] == 35
    assert totaux["avantage"] == sum(local.avantage_en_nature for local in locaux)
    assert totaux["valeur_locative"] == sum(local.valeur_locative for local in locaux)
    assert totaux["loyers"] == sum(local.loyer_facture for local in locaux)
    assert totaux["charges"] == sum(local.charges_ville for local in locaux)
    assert totaux["surface"] == sum(local.surface_m2 for local in locaux)
    # Rows rented above their value count for zero, not for a negative amount.
    assert totaux["avantage"] > totaux["valeur_locative"] + totaux["charges"] - totaux["loyers"]
    # The totals follow the filters.
    linne = client.get(reverse("centres:local_liste"), {"occupant": "autre"}).context["totaux"]
    assert (linne["nombre"], linne["avantage"]) == (1, D("150000.00"))


def test_loc_2_each_row_shows_its_in_kind_value_and_the_total_is_displayed(client, elu):
    LocalFactory(nom="Salle A", valeur_locative=D("12345.67"), charges_ville=D("1000"), loyer_facture=D("0"))
    client.force_login(elu)
    response = client.get(reverse("centres:local_liste"))
    assert [local.avantage for local in response.context["page"]] == [D("13345.67")]
    assert "13\u202f345,67\u00a0€" in response.content.decode()


def test_loc_2_the_centre_tab_totals_the_in_kind_value_of_its_premises(client, agent):
    centre = CentreFactory()
    LocalFactory(centre=centre, valeur_locative=D("20000"), charges_ville=D("2000"), loyer_facture=D("0"))
    LocalFactory(centre=centre, valeur_locative=D("5000"), charges_ville=D("0"), loyer_facture=D("1500.50"))
    LocalFactory(centre=centre, valeur_locative=D("1000"), charges_ville=D("0"), loyer_facture=D("9000"))  # 0
    LocalFactory(valeur_locative=D("99999"))  # another centre's
    client.force_login(agent)
    response = client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": "locaux"})
    assert response.context["avantage_total"] == D("25499.50")
    texte = response.content.decode()
    assert "25\u202f499,50\u00a0€" in texte
    assert "compte dans le seuil de 23\u202f000,00\u00a0€" in texte


def test_the_premises_page_shows_the_formula_the_works_and_their_budget(client, agent):
    local = LocalFactory(valeur_locative=D("36000"), charges_ville=D("4200"), loyer_facture=D("1200"))
    TravauxFactory(local=local, objet="Toiture", budget=D("85000"), phase=Travaux.Phase.TRAVAUX)
    TravauxFactory(local=local, objet="Chaufferie", budget=D("15000.50"), phase=Travaux.Phase.RECEPTIONNES)
    client.force_login(agent)
    response = client.get(reverse("centres:local_detail", args=[local.pk]))
    texte = _texte(response)
    assert "= avantage en nature" in texte
    assert "39\u202f000,00\u00a0€" in texte  # 36 000 + 4 200 − 1 200
    assert response.context["budget_total"] == D("100000.50")
    assert response.context["budget_en_cours"] == D("85000")
    assert "Toiture" in texte and "Chaufferie" in texte
    assert reverse("centres:local_modifier", args=[local.pk]) in texte
    assert [e.objet for e in response.context["evenements"]].count(f"Local « {local.nom} »") == 1


@time_machine.travel(TODAY)
def test_an_unfavourable_or_overdue_safety_commission_is_highlighted(client, regisseur):
    defavorable = LocalFactory(commission_avis=Local.Avis.DEFAVORABLE, commission_derniere=datetime.date(2026, 3, 2))
    depassee = LocalFactory(commission_prochaine=datetime.date(2026, 10, 1), commission_avis=Local.Avis.FAVORABLE)
    client.force_login(regisseur)
    texte = _texte(client.get(reverse("centres:local_detail", args=[defavorable.pk])))
    assert "avis défavorable" in texte and 'class="alert alert-danger"' in texte
    texte = _texte(client.get(reverse("centres:local_detail", args=[depassee.pk])))
    assert "prévue le 01/10/2026 est dépassée" in texte
    # Régisseurs read the premises; they edit nothing.
    assert reverse("centres:local_modifier", args=[depassee.pk]) not in texte


def test_documents_of_the_works_are_listed_for_those_who_may_read_them(client, agent, elu):
    travaux = TravauxFactory()
    DocumentFactory(centre=travaux.local.centre, travaux=travaux, type="travaux", titre="Devis toiture")
    url = reverse("centres:local_detail", args=[travaux.local.pk])
    client.force_login(agent)
    assert "Devis toiture" in _texte(client.get(url))
    client.force_login(elu)  # a works document is not a public document
    assert "Devis toiture" not in _texte(client.get(url))


# Creating and editing premises.


def test_an_agent_adds_premises_lent_to_a_centre(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(reverse("centres:local_creer"), _donnees(centre=centre.pk))
    local = Local.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("centres:local_detail", args=[local.pk])
    assert (local.centre, local.avantage_en_nature) == (centre, D("27000.00"))
    assert local.history.get().history_user == agent


def test_the_create_form_can_start_from_a_centre(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    form = client.get(reverse("centres:local_creer"), {"centre": centre.pk}).context["form"]
    assert str(form["centre"].value()) == str(centre.pk)


@pytest.mark.parametrize(
    ("changes", "champ", "message"),
    [
        ({"centre": "", "autre_occupant": ""}, "centre", "Indiquez le centre occupant ou, à défaut, l'autre occupant"),
        ({"autre_occupant": "Espace Linné"}, "autre_occupant", "n'a pas d'autre occupant"),
    ],
)
def test_premises_have_exactly_one_occupant(client, agent, changes, champ, message):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(reverse("centres:local_creer"), _donnees(**{"centre": centre.pk, **changes}))
    assert response.status_code == 200
    assert message in response.context["form"].errors[champ][0]
    assert message in _texte(response)
    assert not Local.objects.exists()


def test_premises_of_espace_linne_have_no_centre(client, agent):
    client.force_login(agent)
    response = client.post(reverse("centres:local_creer"), _donnees(autre_occupant="Espace Linné"))
    assert response.status_code == 302
    assert Local.objects.get().occupant == "Espace Linné"


@pytest.mark.parametrize("champ", ["valeur_locative", "loyer_facture", "charges_ville"])
def test_negative_amounts_are_refused_next_to_the_field(client, agent, champ):
    client.force_login(agent)
    response = client.post(reverse("centres:local_creer"), _donnees(autre_occupant="Linné", **{champ: "-1"}))
    assert response.context["form"].errors[champ] == ["Le montant ne peut pas être négatif."]
    assert not Local.objects.exists()


def test_a_negative_works_budget_is_refused(client, agent):
    local = LocalFactory()
    client.force_login(agent)
    response = client.post(
        reverse("centres:travaux_creer", args=[local.pk]),
        {"objet": "Peinture", "nature": "gros_entretien", "budget": "-500", "phase": "etude"},
    )
    assert response.context["form"].errors["budget"] == ["Le montant ne peut pas être négatif."]
    assert not Travaux.objects.exists()


def test_a_closed_centre_is_not_offered_as_occupant(client, agent):
    ouvert, ferme = CentreFactory(), CentreFactory(statut=Centre.Statut.FERME)
    client.force_login(agent)
    choix = list(client.get(reverse("centres:local_creer")).context["form"].fields["centre"].queryset)
    assert ouvert in choix and ferme not in choix
    response = client.post(reverse("centres:local_creer"), _donnees(centre=ferme.pk))
    assert "centre" in response.context["form"].errors
    assert not Local.objects.exists()


def test_premises_already_lent_to_a_closed_centre_stay_editable(client, agent):
    local = LocalFactory(centre=CentreFactory(statut=Centre.Statut.FERME))
    client.force_login(agent)
    data = _donnees(centre=local.centre.pk, nom="Ancien centre", version_vue=local.version)
    assert client.post(reverse("centres:local_modifier", args=[local.pk]), data).status_code == 302
    local.refresh_from_db()
    assert local.nom == "Ancien centre"


def test_the_second_of_two_concurrent_premises_edits_is_refused(agent, responsable):
    local = LocalFactory(autre_occupant="", valeur_locative=D("10000"))
    url = reverse("centres:local_modifier", args=[local.pk])
    premier, second = Client(), Client()
    premier.force_login(responsable)
    second.force_login(agent)
    version = premier.get(url).context["form"]["version_vue"].value()
    assert second.get(url).context["form"]["version_vue"].value() == version == 1
    base = {"centre": local.centre.pk, "version_vue": version}
    assert premier.post(url, _donnees(**base, valeur_locative="12000")).status_code == 302
    response = second.post(url, _donnees(**base, valeur_locative="15000"))
    assert response.status_code == 200
    assert "Vos modifications n'ont pas été enregistrées" in _texte(response)
    changements = response.context["form"].conflit.changements["changements"]
    assert ("valeur locative annuelle (€)", "12\u202f000,00\u00a0€") in [(c.champ, c.apres) for c in changements]
    local.refresh_from_db()
    assert (local.valeur_locative, local.version) == (D("12000"), 2)


# Works.


def test_works_are_added_and_edited_from_the_premises_page(client, agent):
    local = LocalFactory()
    client.force_login(agent)
    data = {"objet": "Mise en accessibilité", "nature": "investissement", "budget": "42000", "phase": "etude"}
    response = client.post(reverse("centres:travaux_creer", args=[local.pk]), data)
    travaux = Travaux.objects.get()
    assert response["Location"] == reverse("centres:local_detail", args=[local.pk]) + "#travaux"
    assert travaux.local == local
    data.update(phase="consultation", version_vue=1)
    response = client.post(reverse("centres:travaux_modifier", args=[travaux.pk]), data)
    assert response["Location"] == reverse("centres:local_detail", args=[local.pk]) + "#travaux"
    travaux.refresh_from_db()
    assert (travaux.phase, travaux.version) == ("consultation", 2)


@pytest.fixture
def chantiers():
    alma, pile = CentreFactory(nom="CS Alma"), CentreFactory(nom="CS Pile")
    return {
        "toiture": TravauxFactory(
            local__centre=alma, objet="Toiture", budget=D("85000"), debut_prevu=datetime.date(2026, 3, 1)
        ),
        "chaudiere": TravauxFactory(
            local__centre=pile,
            objet="Chaudière",
            nature=Travaux.Nature.INVESTISSEMENT,
            budget=D("12000.50"),
            phase=Travaux.Phase.RECEPTIONNES,
            debut_prevu=datetime.date(2025, 5, 1),
            fin_prevue=datetime.date(2025, 9, 1),
        ),
        "etude": TravauxFactory(
            local__centre=pile, objet="Extension", budget=D("300000"), phase=Travaux.Phase.ETUDE, debut_prevu=None
        ),
        "linne": TravauxFactory(local=LocalFactory(linne=True), objet="Scène", budget=D("7000"), phase="abandonnes"),
    }


def _objets(response):
    return sorted(t.objet for t in response.context["page"])


@pytest.mark.parametrize(
    ("filtres", "objets", "budget"),
    [
        ({}, ["Chaudière", "Extension", "Scène", "Toiture"], "404000.50"),
        ({"phase": "etude"}, ["Extension"], "300000"),
        ({"nature": "investissement"}, ["Chaudière"], "12000.50"),
        ({"etat": "en_cours"}, ["Extension", "Toiture"], "385000"),
        ({"etat": "termines"}, ["Chaudière", "Scène"], "19000.50"),
        ({"annee": "2025"}, ["Chaudière"], "12000.50"),
        ({"q": "toit"}, ["Toiture"], "85000"),
    ],
)
def test_works_list_filters_and_totals(client, elu, chantiers, filtres, objets, budget):
    client.force_login(elu)
    response = client.get(reverse("centres:travaux_liste"), filtres)
    assert _objets(response) == objets
    assert response.context["totaux"] == {"nombre": len(objets), "budget": D(budget)}


def test_works_list_filters_by_occupant_centre(client, agent, chantiers):
    client.force_login(agent)
    pile = chantiers["etude"].local.centre
    response = client.get(reverse("centres:travaux_liste"), {"centre": pile.pk})
    assert _objets(response) == ["Chaudière", "Extension"]


# Lists, filters and exports.


@time_machine.travel(TODAY)
def test_the_premises_list_filters(client, agent):
    alma = CentreFactory(nom="CS Alma")
    LocalFactory(nom="Alma principal", centre=alma, commission_prochaine=datetime.date(2027, 1, 10))
    LocalFactory(nom="Alma annexe", centre=alma, titre=Local.Titre.BAIL, proprietaire=Local.Proprietaire.BAILLEUR)
    LocalFactory(nom="Pile", commission_avis=Local.Avis.DEFAVORABLE)
    LocalFactory(linne=True, commission_prochaine=datetime.date(2027, 6, 1))
    client.force_login(agent)
    url = reverse("centres:local_liste")

    def noms(**filtres):
        return sorted(local.nom for local in client.get(url, filtres).context["page"])

    assert noms(centre=alma.pk) == ["Alma annexe", "Alma principal"]
    assert noms(occupant="autre") == ["Espace Linné"]
    assert noms(occupant="centre") == ["Alma annexe", "Alma principal", "Pile"]
    assert noms(titre="bail") == ["Alma annexe"]
    assert noms(proprietaire="bailleur") == ["Alma annexe"]
    assert noms(commission_jours=60) == ["Alma principal", "Pile"]  # due by 28/01/2027, or unfavourable
    assert noms(commission_jours=365) == ["Alma principal", "Espace Linné", "Pile"]


def test_the_premises_list_sorts_by_in_kind_value(client, agent):
    LocalFactory(nom="Petit", valeur_locative=D("1000"), charges_ville=D("0"))
    LocalFactory(nom="Grand", valeur_locative=D("90000"), charges_ville=D("0"))
    LocalFactory(nom="Loué", valeur_locative=D("50000"), charges_ville=D("0"), loyer_facture=D("60000"))
    client.force_login(agent)
    response = client.get(reverse("centres:local_liste"), {"tri": "-avantage"})
    assert [local.nom for local in response.context["page"]] == ["Grand", "Petit", "Loué"]


def test_the_premises_csv_export_follows_the_filters_and_carries_the_in_kind_value(client, elu):
    LocalFactory(nom="Alma", valeur_locative=D("1234.50"), charges_ville=D("100"), loyer_facture=D("0"))
    LocalFactory(linne=True, valeur_locative=D("9000"), charges_ville=D("0"))
    client.force_login(elu)
    response = client.get(reverse("centres:local_export", kwargs={"fmt": "csv"}), {"occupant": "centre"})
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][12] == "Avantage en nature (€)"
    assert [(ligne[0], ligne[12]) for ligne in lignes[1:]] == [("Alma", "1334,50")]


def test_the_premises_xlsx_export_has_numbers(client, agent):
    LocalFactory(nom="Alma", valeur_locative=D("1000"), charges_ville=D("250.25"), loyer_facture=D("2000"))
    client.force_login(agent)
    response = client.get(reverse("centres:local_export", kwargs={"fmt": "xlsx"}))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Alma"
    assert D(str(rows[1][12])) == D("0")


def test_the_works_export_follows_the_filters(client, agent, chantiers):
    client.force_login(agent)
    response = client.get(reverse("centres:travaux_export", kwargs={"fmt": "xlsx"}), {"etat": "en_cours"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("Objet", "Local", "Occupant", "Nature", "Phase", "Budget (€ TTC)")
    assert sorted(row[0] for row in rows[1:]) == ["Extension", "Toiture"]


# Deadlines.


def test_the_next_safety_commission_is_a_deadline_within_its_alert_window():
    proche = LocalFactory(commission_prochaine=datetime.date(2027, 1, 15))
    LocalFactory(commission_prochaine=datetime.date(2027, 6, 1))  # beyond 60 days
    LocalFactory(commission_prochaine=None)
    deadlines = _commissions(TODAY)
    assert [(d.object_key, d.due, d.kind) for d in deadlines] == [
        (f"centres.local:{proche.pk}", datetime.date(2027, 1, 15), "commission_securite")
    ]
    assert deadlines[0].url == reverse("centres:local_detail", args=[proche.pk])
