"""Query-count guards: list and centre pages cost the same number of queries at 3 and 30 records."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..factories import (
    ActionSuiviFactory,
    AgrementFactory,
    AssembleeGeneraleFactory,
    CentreFactory,
    ContactFactory,
    DocumentFactory,
    LocalFactory,
    TravauxFactory,
    UserFactory,
    VisiteFactory,
)

pytestmark = pytest.mark.django_db


def _grow_network(n, caf):
    for _ in range(n):
        centre = CentreFactory(partenaires=[caf])
        AgrementFactory(centre=centre)
        ContactFactory(centre=centre)


def _grow_centre(centre, n, client):
    """n of every record shown on the centre page, and n edits (a long history)."""
    agents = [UserFactory(), UserFactory()]
    deja = centre.assemblees.count()
    for i in range(deja, deja + n):
        AgrementFactory(centre=centre, debut=datetime.date(2000 + i * 4, 1, 1))
        ContactFactory(centre=centre)
        ag = AssembleeGeneraleFactory(centre=centre, exercice=1990 + i, date=datetime.date(1991 + i, 6, 1))
        ag.participants_service.set(agents)
        visite = VisiteFactory(centre=centre, sous_encadree=i % 2 == 0)
        visite.visiteurs.set(agents)
        ActionSuiviFactory(visite=visite)
        TravauxFactory(local=LocalFactory(centre=centre))
        DocumentFactory(centre=centre, assemblee=ag)
    for i in range(n):
        centre.telephone = f"03 20 00 00 {i:02d}"
        centre.version += 1
        centre.save()


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["agent", "partenaire_caf"])
def test_centre_list_queries_do_not_grow_with_the_data(client, caf, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("centres:liste")
    _grow_network(3, caf)
    small = _count(client, url)
    _grow_network(27, caf)
    large = _count(client, url)
    assert small == large <= 7 + (persona == "partenaire_caf")


def test_centre_export_queries_do_not_grow_with_the_data(client, caf, agent):
    client.force_login(agent)
    url = reverse("centres:export", kwargs={"fmt": "xlsx"})
    _grow_network(3, caf)
    small = _count(client, url)
    _grow_network(27, caf)
    assert small == _count(client, url) <= 7


@pytest.mark.parametrize(
    ("onglet", "plafond"),
    [
        ("identite", 9),
        ("agrements", 6),
        ("contacts", 6),
        ("assemblees", 9),
        ("visites", 8),
        ("locaux", 7),
        ("documents", 6),
        ("historique", 23),
    ],
)
@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_centre_page_queries_do_not_grow_with_the_data(client, caf, persona, onglet, plafond, request):
    agent = request.getfixturevalue(persona)
    client.force_login(agent)
    centre = CentreFactory(partenaires=[caf], referent=agent)
    url = reverse("centres:detail", args=[centre.pk])
    _grow_centre(centre, 3, client)
    small = _count(client, url, {"onglet": onglet})
    _grow_centre(centre, 27, client)
    large = _count(client, url, {"onglet": onglet})
    assert small == large <= plafond, (small, large)


@pytest.mark.parametrize("persona", ["agent", "elu", "partenaire_caf"])
def test_home_page_queries_do_not_grow_with_the_data(client, caf, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    _grow_network(3, caf)
    small = _count(client, reverse("accueil"))
    _grow_network(27, caf)
    assert small == _count(client, reverse("accueil")) <= 15
