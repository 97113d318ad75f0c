"""Query-count guards of the follow-up pages (AG calendar, visits): the same cost at 3 and 30 records."""

import datetime

import pytest
from django.urls import reverse

from ..factories import (
    ActionSuiviFactory,
    AssembleeGeneraleFactory,
    CentreFactory,
    DocumentFactory,
    UserFactory,
    VisiteFactory,
)
from .test_query_counts import _count

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.date(2026, 9, 15))


def _grow_ags(n, caf):
    """n centres with an upcoming AG each (two attendees) and no AG for 2025: all flagged."""
    agents = [UserFactory(), UserFactory()]
    for i in range(n):
        centre = CentreFactory(partenaires=[caf])
        ag = AssembleeGeneraleFactory(centre=centre, exercice=2026, date=datetime.date(2026, 10, 1 + i % 28))
        ag.participants_service.set(agents)


def _grow_visits(n, caf):
    agents = [UserFactory(), UserFactory()]
    for i in range(n):
        visite = VisiteFactory(centre=CentreFactory(partenaires=[caf]), sous_encadree=i % 2 == 0)
        visite.visiteurs.set(agents)
        ActionSuiviFactory(visite=visite, echeance=datetime.date(2026, 9, 1))
        ActionSuiviFactory(visite=visite, statut="faite", date_cloture=datetime.date(2026, 8, 1))


@pytest.mark.parametrize(
    ("url", "plafond"),
    [
        (reverse("centres:ag_liste"), 11),
        (reverse("centres:ag_liste") + "?periode=toutes&comptes_approuves=oui", 11),
        (reverse("centres:ag_export", kwargs={"fmt": "xlsx"}), 6),
        (reverse("centres:ag_export", kwargs={"fmt": "csv"}), 6),
        (reverse("centres:ag_ics"), 5),
    ],
)
@pytest.mark.parametrize("persona", ["agent", "partenaire_caf"])
def test_ag_pages_queries_do_not_grow_with_the_data(client, caf, persona, url, plafond, request):
    client.force_login(request.getfixturevalue(persona))
    _grow_ags(3, caf)
    small = _count(client, url)
    _grow_ags(27, caf)
    large = _count(client, url)
    assert small == large <= plafond, (small, large)


@pytest.mark.parametrize(
    ("url", "plafond"),
    [
        (reverse("centres:visite_liste"), 8),
        (reverse("centres:visite_liste") + "?actions=en_retard&tri=centre", 8),
        (reverse("centres:visite_export", kwargs={"fmt": "xlsx"}), 6),
        (reverse("centres:visite_export", kwargs={"fmt": "csv"}), 6),
    ],
)
@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_visit_list_and_export_queries_do_not_grow_with_the_data(client, caf, persona, url, plafond, request):
    client.force_login(request.getfixturevalue(persona))
    _grow_visits(3, caf)
    small = _count(client, url)
    _grow_visits(27, caf)
    large = _count(client, url)
    assert small == large <= plafond, (small, large)


def _grow_visit(visite, n):
    for i in range(n):
        ActionSuiviFactory(visite=visite, responsable=UserFactory(), echeance=datetime.date(2026, 8, 1 + i % 28))
        DocumentFactory(centre=visite.centre, visite=visite)
        visite.visiteurs.add(UserFactory())


@pytest.mark.parametrize(("name", "plafond"), [("centres:visite_detail", 8), ("centres:visite_pdf", 7)])
@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_visit_page_queries_do_not_grow_with_its_actions(client, persona, name, plafond, request):
    client.force_login(request.getfixturevalue(persona))
    visite = VisiteFactory()
    url = reverse(name, args=[visite.pk])
    _grow_visit(visite, 3)
    small = _count(client, url)
    _grow_visit(visite, 27)
    large = _count(client, url)
    assert small == large <= plafond, (small, large)
