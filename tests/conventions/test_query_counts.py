"""Query-count guards: the conventions pages cost the same number of queries at 3 and 30 records."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptes.models import Organisation
from conventions import services
from conventions.models import Convention, Partie

from ..factories import CentreFactory, ConventionFactory, EngagementFactory, LocalFactory, OrganisationFactory
from .factories import (
    AvenantFactory,
    AvenantMontantFactory,
    EvaluationFactory,
    ObjectifFactory,
    ValeurObjectifFactory,
)

pytestmark = pytest.mark.django_db
S = Convention.Statut
ANNEES = [2025, 2026, 2027, 2028]


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow_list(n, ville, caf, agent):
    """n signed conventions the CAF is party to, each of another centre, with a referent."""
    for _ in range(n):
        centre = CentreFactory(partenaires=[caf])
        ConventionFactory(centre=centre, statut=S.SIGNEE, referent=agent, parties=[ville, caf])


def _grow_convention(convention, n, ville):
    """n more of every record shown on the detail page, and their history."""
    for _ in range(n):
        financeur = OrganisationFactory(nature=Organisation.Nature.AUTRE)
        Partie.objects.create(convention=convention, organisation=financeur, date_signature=datetime.date(2024, 12, 1))
        for annee in ANNEES:
            EngagementFactory(convention=convention, financeur=financeur, annee=annee, avance=Decimal("100"))
        objectif = ObjectifFactory(convention=convention)
        for annee in ANNEES:
            ValeurObjectifFactory(objectif=objectif, annee=annee)
        EvaluationFactory(convention=convention, date=datetime.date(2026, 1, 1))
        numero = convention.avenants.count() + 1
        avenant = AvenantFactory(convention=convention, numero=numero, signe=numero % 2 == 0)
        AvenantMontantFactory(avenant=avenant, annee=2026, financeur=ville, montant=Decimal(20000 + numero))
        AvenantMontantFactory(avenant=avenant, annee=2027, financeur=financeur, montant=Decimal(1000 + numero))
        convention.locaux.add(LocalFactory(centre=convention.centre))


@pytest.fixture
def convention(ville, caf, agent):
    centre = CentreFactory(partenaires=[caf])
    convention = ConventionFactory(centre=centre, complete=True, statut=S.SIGNEE, referent=agent, parties=[ville, caf])
    convention.parties.update(date_signature=datetime.date(2024, 12, 1))
    for annee in ANNEES:
        EngagementFactory(convention=convention, financeur=ville, annee=annee)
    return convention


@pytest.mark.parametrize(("persona", "plafond"), [("agent", 7), ("partenaire_caf", 8)])
def test_convention_list_queries_do_not_grow_with_the_data(client, ville, caf, agent, persona, plafond, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("conventions:liste")
    _grow_list(3, ville, caf, agent)
    small = _count(client, url)
    _grow_list(27, ville, caf, agent)
    large = _count(client, url)
    assert small == large <= plafond, (small, large)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("persona", ["agent", "partenaire_caf"])
def test_convention_export_queries_do_not_grow_with_the_data(client, ville, caf, agent, persona, fmt, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("conventions:export", kwargs={"fmt": fmt})
    _grow_list(3, ville, caf, agent)
    small = _count(client, url)
    _grow_list(27, ville, caf, agent)
    large = _count(client, url)
    assert small == large <= 5, (small, large)


@pytest.mark.parametrize(("persona", "plafond"), [("agent", 44), ("partenaire_caf", 35)])
def test_convention_detail_queries_do_not_grow_with_the_data(client, convention, ville, persona, plafond, request):
    client.force_login(request.getfixturevalue(persona))
    url = convention.get_absolute_url()
    _grow_convention(convention, 3, ville)
    small = _count(client, url)
    _grow_convention(convention, 27, ville)
    large = _count(client, url)
    assert small == large <= plafond, (small, large)


@pytest.mark.parametrize(("persona", "plafond"), [("agent", 16), ("partenaire_caf", 7)])
def test_centre_conventions_tab_queries_do_not_grow_with_the_data(client, ville, caf, agent, persona, plafond, request):
    client.force_login(request.getfixturevalue(persona))
    centre = CentreFactory(partenaires=[caf])
    url = reverse("centres:detail", args=[centre.pk])

    def grow(n):
        for _ in range(n):
            convention = ConventionFactory(centre=centre, statut=S.SIGNEE, referent=agent, parties=[ville, caf])
            _grow_convention(convention, 1, ville)

    grow(3)
    small = _count(client, url, {"onglet": "conventions"})
    grow(27)
    large = _count(client, url, {"onglet": "conventions"})
    assert small == large <= plafond, (small, large)


def test_aides_annuelles_queries_do_not_grow_with_the_data(convention, ville):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            services.aides_annuelles(centre=convention.centre, annees=ANNEES)
        return len(ctx.captured_queries)

    _grow_convention(convention, 3, ville)
    small = count()
    _grow_convention(convention, 27, ville)
    assert small == count() <= 10
