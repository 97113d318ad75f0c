import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from centres.models import Centre, Quartier

from ..factories import AgrementFactory, CentreFactory, ContactFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def reseau(caf):
    alma = CentreFactory(nom="CS Alma", quartier=Quartier.ALMA, partenaires=[caf])
    pile = CentreFactory(nom="CS Pile", quartier=Quartier.PILE, partenaires=[caf])
    sartel = CentreFactory(nom="CS Sartel", quartier=Quartier.SARTEL_CARIHEM, statut=Centre.Statut.PREFIGURATION)
    AgrementFactory(centre=alma, debut=datetime.date(2023, 6, 1), fin=datetime.date(2027, 5, 31))  # 6 months left
    AgrementFactory(centre=pile, debut=datetime.date(2025, 1, 1), fin=datetime.date(2028, 12, 31))
    ContactFactory(centre=alma, prenom="Fatima", nom="Haddad")
    return alma, pile, sartel


def _noms(response):
    return [c.nom for c in response.context["page"]]


@time_machine.travel(TODAY)
def test_the_list_filters_by_status_neighbourhood_and_agrement_end(client, agent, reseau):
    client.force_login(agent)
    url = reverse("centres:liste")
    assert _noms(client.get(url)) == ["CS Alma", "CS Pile", "CS Sartel"]
    assert _noms(client.get(url, {"statut": "prefiguration"})) == ["CS Sartel"]
    assert _noms(client.get(url, {"quartier": "pile"})) == ["CS Pile"]
    assert _noms(client.get(url, {"agrement_fin_mois": "12"})) == ["CS Alma"]
    assert _noms(client.get(url, {"agrement_fin_mois": "36"})) == ["CS Alma", "CS Pile"]
    assert _noms(client.get(url, {"q": "pil"})) == ["CS Pile"]


@time_machine.travel(TODAY)
def test_the_list_sorts_by_agrement_end(client, agent, reseau):
    client.force_login(agent)
    assert _noms(client.get(reverse("centres:liste"), {"tri": "-fin_agrement", "statut": "actif"})) == [
        "CS Pile",
        "CS Alma",
    ]
    assert _noms(client.get(reverse("centres:liste"), {"tri": "-nom"})) == ["CS Sartel", "CS Pile", "CS Alma"]


def test_a_bad_filter_value_is_explained_not_a_crash(client, agent, reseau):
    client.force_login(agent)
    response = client.get(reverse("centres:liste"), {"agrement_fin_mois": "beaucoup"})
    assert response.status_code == 200
    assert response.context["filtre"].errors


def test_the_list_is_paginated(client, agent):
    CentreFactory.create_batch(30)
    client.force_login(agent)
    first = client.get(reverse("centres:liste"))
    second = client.get(reverse("centres:liste"), {"page": 2})
    assert (len(first.context["page"]), len(second.context["page"])) == (25, 5)


def test_a_partner_lists_only_its_centres(client, partenaire_caf, reseau):
    client.force_login(partenaire_caf)
    assert _noms(client.get(reverse("centres:liste"))) == ["CS Alma", "CS Pile"]


def test_the_departement_sees_nothing_of_the_cafs_centres(client, partenaire_departement, reseau):
    client.force_login(partenaire_departement)
    assert _noms(client.get(reverse("centres:liste"))) == []
    alma = reseau[0]
    assert client.get(reverse("centres:detail", args=[alma.pk])).status_code == 404
    export = client.get(reverse("centres:export", kwargs={"fmt": "csv"}))
    assert "CS Alma" not in export.content.decode("utf-8-sig")


@time_machine.travel(TODAY)
def test_the_csv_export_follows_the_filters(client, elu, reseau):
    client.force_login(elu)
    response = client.get(reverse("centres:export", kwargs={"fmt": "csv"}), {"quartier": "alma"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="centres-sociaux-2026-11-29.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *lines = rows
    assert len(lines) == 1
    line = dict(zip(header, lines[0], strict=True))
    assert line["Nom"] == "CS Alma"
    assert line["Direction"] == "Fatima Haddad"
    assert line["Fin de l'agrément AGC"] == "31/05/2027"
    assert "notes" not in " ".join(header).lower()


@time_machine.travel(TODAY)
def test_the_xlsx_export_has_typed_cells(client, agent, reseau):
    client.force_login(agent)
    response = client.get(reverse("centres:export", kwargs={"fmt": "xlsx"}), {"statut": "actif"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Nom"
    assert [r[0] for r in rows[1:]] == ["CS Alma", "CS Pile"]
    assert rows[1][12] == datetime.datetime(2027, 5, 31)


def test_an_unknown_export_format_does_not_resolve(client, agent):
    client.force_login(agent)
    assert client.get("/centres/export.pdf").status_code == 404
