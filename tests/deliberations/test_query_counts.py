"""Query-count guards: the deliberation pages cost the same number of queries at 3 and 30 records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptes.models import Role
from deliberations.models import Mandat

from ..factories import DeliberationFactory, SeanceFactory, UserFactory, VersionPdfFactory
from .conftest import demande_validee

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow_list(n, seance):
    for _ in range(n):
        deliberation = DeliberationFactory(seance=seance, rapporteur=UserFactory(role=Role.ELU))
        deliberation.demandes.add(demande_validee(), demande_validee())


@pytest.mark.parametrize("url", ["deliberations:liste", "deliberations:seance_liste"])
@pytest.mark.parametrize(("persona", "plafond"), [("agent", 8), ("elu", 8)])
def test_lists_queries_do_not_grow_with_the_data(client, request, persona, plafond, url):
    client.force_login(request.getfixturevalue(persona))
    _grow_list(3, SeanceFactory())
    small = _count(client, reverse(url))
    for _ in range(9):
        _grow_list(3, SeanceFactory())
    large = _count(client, reverse(url))
    assert small == large <= plafond, (small, large)


def _grow_deliberation(deliberation, n):
    """n more grants in the annex (each with a board member), PDF versions and history records."""
    for _ in range(n):
        demande = demande_validee()
        Mandat.objects.create(elu=UserFactory(role=Role.ELU), organisation=demande.centre.organisation)
        deliberation.demandes.add(demande)
        deliberation.ne_prennent_pas_part.add(UserFactory(role=Role.ELU))
        VersionPdfFactory(deliberation=deliberation, numero=deliberation.versions.count() + 1)
        deliberation.commission = f"Commission {deliberation.versions.count()}"
        deliberation.save()


@pytest.mark.parametrize(("persona", "plafond"), [("agent", 30), ("elu", 30)])
def test_deliberation_detail_queries_do_not_grow_with_the_data(client, request, persona, plafond):
    client.force_login(request.getfixturevalue(persona))
    deliberation = DeliberationFactory(statut="votee", rapporteur=UserFactory(role=Role.ELU))
    _grow_deliberation(deliberation, 3)
    small = _count(client, deliberation.get_absolute_url())
    _grow_deliberation(deliberation, 27)
    large = _count(client, deliberation.get_absolute_url())
    assert small == large <= plafond, (small, large)


def test_seance_detail_queries_do_not_grow_with_the_data(client, agent):
    client.force_login(agent)
    seance = SeanceFactory()
    _grow_list(3, seance)
    small = _count(client, seance.get_absolute_url())
    _grow_list(27, seance)
    large = _count(client, seance.get_absolute_url())
    assert small == large <= 8, (small, large)


def test_preview_queries_do_not_grow_with_the_data(client, agent):
    client.force_login(agent)
    deliberation = DeliberationFactory()
    _grow_deliberation(deliberation, 3)
    url = reverse("deliberations:apercu", args=[deliberation.pk])
    small = _count(client, url)
    _grow_deliberation(deliberation, 27)
    assert small == _count(client, url) <= 12
