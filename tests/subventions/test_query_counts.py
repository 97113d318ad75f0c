"""Query-count guards: the grants pages cost the same number of queries at 3 and 30 records."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import Document
from conventions.models import Convention
from subventions.models import CompteRenduFinancier, DemandeSubvention, LigneCRF, Versement

from ..factories import (
    AgrementFactory,
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    DispositifFactory,
    DocumentFactory,
    LigneBudgetaireFactory,
    LocalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S = DemandeSubvention.Statut


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 9, 1, 10, 0))


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def _payer(demande, n, par):
    for i in range(n):
        Versement.objects.create(
            demande=demande,
            type="avance",
            montant=Decimal("10"),
            date=datetime.date(2026, 3, 1 + i % 28),
            reference=f"M-{i}",
            cree_par=par,
        )


def _grow_list(n):
    """n requests, each of another centre, with their dispositif, referent, line and payments."""
    par = UserFactory()
    for i in range(n):
        dispositif = DispositifFactory(nom=f"Dispositif {i % 4}")
        votee = DemandeFactory(votee=True, referent=par, nature="dispositif", dispositif=dispositif)
        _payer(votee, 2, par)
        DemandeFactory(proposee=True, referent=par)


@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_demande_list_queries_do_not_grow_with_the_data(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("subventions:liste")
    _grow_list(3)
    small = _count(client, url)
    _grow_list(27)
    large = _count(client, url)
    assert small == large <= 9, (small, large)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_demande_export_queries_do_not_grow_with_the_data(client, agent, fmt):
    client.force_login(agent)
    url = reverse("subventions:export", kwargs={"fmt": fmt})
    _grow_list(3)
    small = _count(client, url)
    _grow_list(27)
    large = _count(client, url)
    assert small == large <= 5, (small, large)


def _grow_demande(demande, n, par):
    """n more of everything the instruction page shows: earlier requests of the centre with their
    payments and reports, payments of this grant, documents, conventions, agréments, and a long history."""
    centre = demande.centre
    deja = DemandeSubvention.objects.filter(centre=centre).count()
    for i in range(n):
        for annee in (demande.annee - 1, demande.annee - 2, demande.annee - 3):
            anterieure = DemandeFactory(centre=centre, annee=annee, votee=True, objet=f"Projet {deja + i}")
            _payer(anterieure, 1, par)
            if annee == demande.annee - 2:
                crf = CompteRenduFinancier.objects.create(demande=anterieure, date_reception=datetime.date(2025, 6, 1))
                LigneCRF.objects.create(crf=crf, libelle="Personnel", budget=Decimal("100"), realise=Decimal("90"))
        DocumentFactory(centre=centre, type=Document.Type.CER if i % 2 else Document.Type.RIB)
        ConventionFactory(
            centre=centre, debut=datetime.date(2000 + deja + i, 1, 1), fin=datetime.date(2000 + deja + i, 12, 31)
        )
        AgrementFactory(
            centre=centre, debut=datetime.date(1990 + deja + i, 1, 1), fin=datetime.date(1990 + deja + i, 12, 31)
        )
    _payer(demande, n, par)
    crf = CompteRenduFinancier.objects.get_or_create(demande=demande)[0]
    for i in range(n):
        LigneCRF.objects.create(crf=crf, libelle=f"Poste {i}", budget=Decimal("100"), realise=Decimal("120"))
        demande.note_analyse = f"Version {demande.version}"
        demande.version += 1
        demande.save()


@pytest.mark.parametrize("persona", ["agent", "responsable", "elu"])
def test_demande_detail_queries_do_not_grow_with_the_data(client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    centre = CentreFactory()
    LocalFactory(centre=centre)
    ConventionFactory(centre=centre, statut=Convention.Statut.EN_COURS, parties=[])
    demande = DemandeFactory(centre=centre, votee=True, montant_vote=Decimal("100000"), produits_structure=Decimal("1"))
    url = demande.get_absolute_url()
    par = UserFactory()
    _grow_demande(demande, 3, par)
    small = _count(client, url)
    _grow_demande(demande, 27, par)
    large = _count(client, url)
    assert small == large <= 31, (small, large)


def test_demande_instruction_form_queries_do_not_grow_with_the_data(client, responsable):
    client.force_login(responsable)
    demande = DemandeFactory(proposee=True)
    url = reverse("subventions:instruction", args=[demande.pk])

    def grow(n):
        for _ in range(n):
            ligne = LigneBudgetaireFactory()
            DemandeFactory(votee=True, ligne_budgetaire=ligne)

    grow(3)
    small = _count(client, url)
    grow(27)
    assert small == _count(client, url) <= 6


def _grow_budget(n, par):
    for _ in range(n):
        ligne = LigneBudgetaireFactory()
        _payer(DemandeFactory(votee=True, ligne_budgetaire=ligne), 2, par)
        DemandeFactory(proposee=True, statut=S.VALIDEE, ligne_budgetaire=ligne)
        LigneBudgetaireFactory(annee=1990 + ligne.pk)  # one more year in the navigation


@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_budget_page_queries_do_not_grow_with_the_data(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("subventions:budget", args=[2026])
    par = UserFactory()
    _grow_budget(3, par)
    small = _count(client, url)
    _grow_budget(27, par)
    large = _count(client, url)
    assert small == large <= 6, (small, large)


def test_dispositif_list_queries_do_not_grow_with_the_data(client, elu):
    client.force_login(elu)
    url = reverse("subventions:dispositifs")

    numeros = itertools.count()

    def grow(n):
        for _ in range(n):
            DemandeFactory(nature="dispositif", dispositif=DispositifFactory(nom=f"Dispositif n° {next(numeros)}"))

    grow(3)
    small = _count(client, url)
    grow(27)
    assert small == _count(client, url) <= 5


def _grow_centre(centre, n, par):
    """n requests over several years with payments, premises and conventions."""
    deja = centre.demandes.count()
    for i in range(n):
        annee = 2010 + (deja + i) % 17
        _payer(DemandeFactory(centre=centre, annee=annee, votee=True), 2, par)
        DemandeFactory(centre=centre, annee=annee, nature="investissement")
        LocalFactory(centre=centre)
        ConventionFactory(centre=centre, debut=datetime.date(annee, 1, 1), fin=datetime.date(annee, 12, 31))


@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_financements_tab_queries_do_not_grow_with_the_data(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    centre = CentreFactory()
    url = centre.get_absolute_url()
    par = UserFactory()
    _grow_centre(centre, 3, par)
    small = _count(client, url, {"onglet": "financements"})
    _grow_centre(centre, 27, par)
    large = _count(client, url, {"onglet": "financements"})
    assert small == large <= 13, (small, large)
