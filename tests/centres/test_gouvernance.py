"""A centre's governance, the data the Cellule de veille's signals read: its directors (arrival, edit,
departure), its board's statutory minimum and its presidency on the centre form, the auditor's report
on the yearly indicators; the « Gouvernance » tab, who reads it and who writes."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from centres.models import AvisCommissaire, Centre, Direction, IndicateursAnnuels

from ..factories import CentreFactory, ContactFactory, DirectionFactory, IndicateursAnnuelsFactory
from ..outils import contenu
from .test_centre_edit import _form_data
from .test_indicateurs import _donnees

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 15, 10, 0))]


def _direction(**valeurs):
    return {"prenom": "Karim", "nom": "Benali", "debut": "2026-09-01", "fin": "", **valeurs}


def _onglet(client, centre):
    return contenu(client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": "gouvernance"}))


# --- Directors ----------------------------------------------------------------------------------------


def test_a_new_director_ends_the_post_of_the_one_in_post_the_day_before(client_of, agent):
    centre = CentreFactory()
    ancienne = DirectionFactory(centre=centre, prenom="Nadia", nom="Lefebvre", debut=datetime.date(2019, 1, 7))
    response = client_of(agent).post(
        reverse("centres:direction_creer", args=[centre.pk]), _direction(remplace="on", interim="on")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("centres:detail", args=[centre.pk]) + "?onglet=gouvernance"
    nouvelle = Direction.objects.get(nom="Benali")
    assert (nouvelle.centre, nouvelle.debut, nouvelle.fin, nouvelle.interim) == (
        centre,
        datetime.date(2026, 9, 1),
        None,
        True,
    )
    ancienne.refresh_from_db()
    assert (ancienne.fin, ancienne.version) == (datetime.date(2026, 8, 31), 2)
    assert ancienne.history.count() == 2


def test_a_new_director_may_leave_the_one_in_post_in_post(client_of, agent):
    centre = CentreFactory()
    ancienne = DirectionFactory(centre=centre, debut=datetime.date(2019, 1, 7))
    client_of(agent).post(reverse("centres:direction_creer", args=[centre.pk]), _direction())
    ancienne.refresh_from_db()
    assert ancienne.fin is None
    assert centre.directions.count() == 2


def test_a_successor_arriving_before_the_director_in_post_is_refused_next_to_the_date(client_of, agent):
    centre = CentreFactory()
    DirectionFactory(centre=centre, prenom="Nadia", nom="Lefebvre", debut=datetime.date(2026, 9, 1))
    response = client_of(agent).post(
        reverse("centres:direction_creer", args=[centre.pk]), _direction(debut="2026-09-01", remplace="on")
    )
    assert response.status_code == 200
    assert "Nadia Lefebvre est en poste depuis le 01/09/2026" in response.context["form"].errors["debut"][0]
    assert centre.directions.count() == 1


def test_the_first_director_of_a_centre_is_not_offered_to_end_anyone(client_of, agent):
    centre = CentreFactory()
    form = client_of(agent).get(reverse("centres:direction_creer", args=[centre.pk])).context["form"]
    assert "remplace" not in form.fields


def test_a_departure_is_recorded_and_required(client_of, agent):
    direction = DirectionFactory(debut=datetime.date(2020, 9, 1))
    url = reverse("centres:direction_terminer", args=[direction.pk])
    client = client_of(agent)
    response = client.post(url, {"fin": "", "version_vue": direction.version})
    assert response.context["form"].errors["fin"] == ["Ce champ est obligatoire."]
    response = client.post(url, {"fin": "2026-06-30", "version_vue": direction.version})
    assert response.status_code == 302
    direction.refresh_from_db()
    assert direction.fin == datetime.date(2026, 6, 30)


def test_a_departure_before_the_arrival_is_refused_next_to_the_departure(client_of, agent):
    direction = DirectionFactory(debut=datetime.date(2020, 9, 1))
    response = client_of(agent).post(
        reverse("centres:direction_terminer", args=[direction.pk]), {"fin": "2020-08-31", "version_vue": 1}
    )
    assert response.context["form"].errors["fin"] == ["La date de départ ne peut pas précéder la prise de poste."]


def test_a_direction_is_edited_under_optimistic_locking(client_of, agent):
    direction = DirectionFactory(debut=datetime.date(2020, 9, 1))
    url = reverse("centres:direction_modifier", args=[direction.pk])
    Direction.objects.filter(pk=direction.pk).update(version=2)  # someone saved meanwhile
    response = client_of(agent).post(url, _direction(debut="2020-09-01", nom="Corrigé", version_vue=1))
    assert "a été modifié par quelqu" in contenu(response)
    direction.refresh_from_db()
    assert direction.nom != "Corrigé"


# --- The tab --------------------------------------------------------------------------------------------


def test_the_tab_shows_the_director_in_post_the_past_ones_and_the_vacancy(client_of, agent):
    centre = CentreFactory()
    DirectionFactory(centre=centre, prenom="Nadia", nom="Lefebvre", debut=datetime.date(2015, 1, 5), fin=None)
    DirectionFactory(
        centre=centre, prenom="Paul", nom="Martin", debut=datetime.date(2010, 1, 4), fin=datetime.date(2014, 12, 31)
    )
    page = _onglet(client_of(agent), centre)
    assert "<strong>Nadia Lefebvre</strong>" in page and "05/01/2015" in page
    assert "Paul Martin" in page and "31/12/2014" in page
    assert "Enregistrer son départ" in page
    centre.directions.filter(nom="Lefebvre").update(fin=datetime.date(2026, 5, 31))
    assert "Poste de direction vacant depuis le 31/05/2026." in _onglet(client_of(agent), centre)


def test_the_tab_shows_the_board_the_presidency_and_the_auditors_reports(client_of, agent):
    centre = CentreFactory(ca_minimum_statutaire=12, presidence_vacante_depuis=datetime.date(2026, 3, 2))
    IndicateursAnnuelsFactory(
        centre=centre, annee=2025, administrateurs=9, avis_commissaire=AvisCommissaire.AVEC_RESERVES
    )
    IndicateursAnnuelsFactory(centre=centre, annee=2024, procedure_alerte=True)
    page = _onglet(client_of(agent), centre)
    assert "Vacante depuis le 02/03/2026" in page
    assert "sous le minimum statutaire" in page
    assert "Comptes certifiés avec réserves" in page
    assert "engagée" in page


def test_read_only_roles_read_the_directors_without_edit_links(client_of, elu, partenaire_caf, centre_caf):
    DirectionFactory(centre=centre_caf, prenom="Nadia", nom="Lefebvre")
    for lecteur in (elu, partenaire_caf):
        page = _onglet(client_of(lecteur), centre_caf)
        assert "Nadia Lefebvre" in page
        assert "Enregistrer une prise de poste" not in page and "Modifier" not in page


def test_the_regisseurs_read_the_directors_but_not_the_auditors_reports(client_of, regisseur):
    centre = CentreFactory()
    DirectionFactory(centre=centre, prenom="Nadia", nom="Lefebvre")
    IndicateursAnnuelsFactory(centre=centre, annee=2025, avis_commissaire=AvisCommissaire.REFUS)
    page = _onglet(client_of(regisseur), centre)
    assert "Nadia Lefebvre" in page
    assert "Refus de certifier" not in page


def test_the_identity_tab_names_the_director_in_post(client_of, elu):
    centre = CentreFactory()
    DirectionFactory(centre=centre, prenom="Nadia", nom="Lefebvre", debut=datetime.date(2021, 2, 1), interim=True)
    ContactFactory(centre=centre)
    page = contenu(client_of(elu).get(reverse("centres:detail", args=[centre.pk])))
    assert "Nadia Lefebvre, depuis le 01/02/2021" in page and "(intérim)" in page


def test_a_directions_changes_are_in_the_centres_history(client_of, agent):
    direction = DirectionFactory(prenom="Nadia", nom="Lefebvre")
    client_of(agent).post(
        reverse("centres:direction_terminer", args=[direction.pk]), {"fin": "2026-06-30", "version_vue": 1}
    )
    response = client_of(agent).get(reverse("centres:detail", args=[direction.centre.pk]), {"onglet": "historique"})
    assert "Direction Nadia Lefebvre" in contenu(response)


# --- The centre form and the indicators form ----------------------------------------------------------------


def test_the_centre_form_records_the_boards_minimum_and_the_presidency_vacancy(client_of, agent):
    centre = CentreFactory()
    response = client_of(agent).post(
        reverse("centres:modifier", args=[centre.pk]),
        _form_data(centre, ca_minimum_statutaire="9", presidence_vacante_depuis="02/03/2026"),
    )
    assert response.status_code == 302
    centre.refresh_from_db()
    assert (centre.ca_minimum_statutaire, centre.presidence_vacante_depuis) == (9, datetime.date(2026, 3, 2))


def test_the_centre_form_refuses_an_implausible_board_minimum(client_of, agent):
    centre = CentreFactory()
    response = client_of(agent).post(
        reverse("centres:modifier", args=[centre.pk]), _form_data(centre, ca_minimum_statutaire="100001")
    )
    assert response.context["form"].errors["ca_minimum_statutaire"]
    assert Centre.objects.get(pk=centre.pk).ca_minimum_statutaire is None


def test_the_indicators_form_records_the_auditors_report_and_the_export_shows_it(client_of, agent):
    centre = CentreFactory()
    client = client_of(agent)
    response = client.post(
        reverse("centres:indicateurs_creer", args=[centre.pk]),
        _donnees(avis_commissaire=AvisCommissaire.REFUS, procedure_alerte="on"),
    )
    assert response.status_code == 302
    indicateurs = IndicateursAnnuels.objects.get(centre=centre)
    assert (indicateurs.avis_commissaire, indicateurs.procedure_alerte) == (AvisCommissaire.REFUS, True)
    export = client.get(reverse("centres:indicateurs_export", kwargs={"fmt": "csv"}))
    lignes = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0]["Avis du commissaire aux comptes"] == "Refus de certifier"
    assert lignes[0]["Procédure d'alerte du commissaire aux comptes"] == "Oui"
