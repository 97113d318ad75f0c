import datetime

import pytest
import time_machine
from django.urls import reverse

from .factories import AgrementFactory, CentreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reseau(caf, agent):
    suivi = CentreFactory(nom="CS Alma", referent=agent, partenaires=[caf])
    AgrementFactory(centre=suivi, debut=datetime.date(2023, 3, 1), fin=datetime.date(2027, 2, 28))
    orphelin = CentreFactory(nom="CS Pile")
    AgrementFactory(centre=orphelin, debut=datetime.date(2025, 1, 1), fin=datetime.date(2028, 12, 31))
    return suivi, orphelin


@time_machine.travel(datetime.date(2026, 11, 29))
def test_the_team_lands_on_what_needs_doing(client, agent, reseau):
    client.force_login(agent)
    response = client.get(reverse("accueil"))
    # The agrément's back-planning has reached its step M-3 (28/11/2026): alerted; its end is to come.
    assert [a.threshold for a in response.context["mes_alertes"].items if a.kind.startswith("agrement")] == ["M-3"]
    assert [c.nom for c in response.context["mes_centres"].items] == ["CS Alma"]
    assert [c.nom for c in response.context["sans_referent"].items] == ["CS Pile"]
    page = response.content.decode()
    assert "passage en commission CAF" in page and "28/02/2027" in page


@time_machine.travel(datetime.date(2026, 11, 29))
def test_an_elected_official_lands_on_the_dashboard_of_the_year(client, elu, reseau):
    client.force_login(elu)
    response = client.get(reverse("accueil"))
    assert response.context["chiffres"].annee == 2026
    page = response.content.decode()
    assert "Subventions votées pour 2026" in page and "Cellule de veille" in page
    assert "À faire" not in page


@time_machine.travel(datetime.date(2026, 11, 29))
def test_a_regisseur_lands_on_what_they_can_read(client, regisseur, reseau):
    client.force_login(regisseur)
    response = client.get(reverse("accueil"))
    assert [c.nom for c in response.context["centres"].items] == ["CS Alma", "CS Pile"]
    assert [c.nom for c in response.context["fin_proche"].items] == ["CS Alma"]
    assert "À faire" not in response.content.decode()


def test_a_partner_lands_on_its_own_centres(client, partenaire_caf, reseau):
    client.force_login(partenaire_caf)
    response = client.get(reverse("accueil"))
    assert [c.nom for c in response.context["centres"].items] == ["CS Alma"]
    assert "CAF du Nord" in response.content.decode()


def test_navigation_depends_on_the_role(client, elu, agent):
    client.force_login(elu)
    page = client.get(reverse("centres:liste")).content.decode()
    assert "Nouveau centre" not in page
    client.force_login(agent)
    assert "Nouveau centre" in client.get(reverse("centres:liste")).content.decode()


def test_french_error_pages(client, partenaire_caf):
    client.force_login(partenaire_caf)
    assert "Accès refusé" in client.get(reverse("centres:creer")).content.decode()
    assert "Page introuvable" in client.get(reverse("centres:detail", args=[999999])).content.decode()
