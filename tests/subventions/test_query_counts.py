"""Query-count guards: the grants pages cost the same number of queries at 3 and 30 records."""

import datetime
import itertools
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from centres.models import Document
from conventions.models import Convention
from subventions.models import CompteRenduFinancier, DemandeSubvention, LigneCRF

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
    VersementFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, garde, mesurer, verifier

JOUR = datetime.datetime(2026, 9, 1, 10, 0)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]
S = DemandeSubvention.Statut
FORMATS = ["csv", "xlsx"]
LECTEURS_FICHE = ["agent", "responsable", "elu"]


def _payer(demande, n, par):
    VersementFactory.create_batch(n, demande=demande, cree_par=par)


def _grow_list(n):
    """n requests, each of another centre, with their dispositif, referent, line and payments."""
    par = UserFactory()
    for i in range(n):
        dispositif = DispositifFactory(nom=f"Dispositif {i % 4}")
        votee = DemandeFactory(votee=True, referent=par, nature="dispositif", dispositif=dispositif)
        _payer(votee, 2, par)
        DemandeFactory(proposee=True, referent=par)


@calcule_une_fois
def liste():
    """The list of requests and its exports, at 3 then 30 pairs of requests."""
    pages = [
        *(Page(f"subventions:liste {p}", reverse("subventions:liste")) for p in ["agent", "elu"]),
        *(Page(f"subventions:export {f} agent", reverse("subventions:export", kwargs={"fmt": f})) for f in FORMATS),
    ]
    with time_machine.travel(JOUR):
        return mesurer(pages, _grow_list, lecteurs("agent", "elu"))


@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_demande_list_queries_do_not_grow_with_the_data(liste, persona):
    verifier(liste, f"subventions:liste {persona}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_demande_export_queries_do_not_grow_with_the_data(liste, fmt):
    verifier(liste, f"subventions:export {fmt} agent")


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


@calcule_une_fois
def fiche():
    """The page of a voted request, with 3 then 30 of everything the instruction shows."""
    centre = CentreFactory()
    LocalFactory(centre=centre)
    ConventionFactory(centre=centre, statut=Convention.Statut.EN_COURS, parties=[])
    demande = DemandeFactory(centre=centre, votee=True, montant_vote=Decimal("100000"), produits_structure=Decimal("1"))
    par = UserFactory()
    pages = [Page(f"subventions:detail {p}", demande.get_absolute_url()) for p in LECTEURS_FICHE]
    with time_machine.travel(JOUR):
        return mesurer(pages, lambda n: _grow_demande(demande, n, par), lecteurs(*LECTEURS_FICHE))


@pytest.mark.parametrize("persona", LECTEURS_FICHE)
def test_demande_detail_queries_do_not_grow_with_the_data(fiche, persona):
    verifier(fiche, f"subventions:detail {persona}")


def test_demande_instruction_form_queries_do_not_grow_with_the_data(client, responsable):
    client.force_login(responsable)
    demande = DemandeFactory(proposee=True)
    url = reverse("subventions:instruction", args=[demande.pk])

    def grow(n):
        for _ in range(n):
            ligne = LigneBudgetaireFactory()
            DemandeFactory(votee=True, ligne_budgetaire=ligne)

    garde(client, "subventions:instruction responsable", url, grow)


def _grow_budget(n, par):
    for _ in range(n):
        ligne = LigneBudgetaireFactory()
        _payer(DemandeFactory(votee=True, ligne_budgetaire=ligne), 2, par)
        DemandeFactory(proposee=True, statut=S.VALIDEE, ligne_budgetaire=ligne)
        LigneBudgetaireFactory(annee=1990 + ligne.pk)  # one more year in the navigation


@calcule_une_fois
def budget():
    """The budget of a year, at 3 then 30 lines with their grants and payments."""
    par = UserFactory()
    pages = [Page(f"subventions:budget {p}", reverse("subventions:budget", args=[2026])) for p in ["agent", "elu"]]
    with time_machine.travel(JOUR):
        return mesurer(pages, lambda n: _grow_budget(n, par), lecteurs("agent", "elu"))


@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_budget_page_queries_do_not_grow_with_the_data(budget, persona):
    verifier(budget, f"subventions:budget {persona}")


def test_dispositif_list_queries_do_not_grow_with_the_data(client, elu):
    client.force_login(elu)
    url = reverse("subventions:dispositifs")

    numeros = itertools.count()

    def grow(n):
        for _ in range(n):
            DemandeFactory(nature="dispositif", dispositif=DispositifFactory(nom=f"Dispositif n° {next(numeros)}"))

    garde(client, "subventions:dispositifs elu", url, grow)


def _grow_centre(centre, n, par):
    """n requests over several years with payments, premises and conventions."""
    deja = centre.demandes.count()
    for i in range(n):
        annee = 2010 + (deja + i) % 17
        _payer(DemandeFactory(centre=centre, annee=annee, votee=True), 2, par)
        DemandeFactory(centre=centre, annee=annee, nature="investissement")
        LocalFactory(centre=centre)
        ConventionFactory(centre=centre, debut=datetime.date(annee, 1, 1), fin=datetime.date(annee, 12, 31))


@calcule_une_fois
def financements():
    """The grants tab of a centre's page, with 3 then 30 years of requests, premises and conventions."""
    centre = CentreFactory()
    par = UserFactory()
    url = centre.get_absolute_url()
    pages = [Page(f"centres:detail?onglet=financements {p}", url, {"onglet": "financements"}) for p in ["agent", "elu"]]
    with time_machine.travel(JOUR):
        return mesurer(pages, lambda n: _grow_centre(centre, n, par), lecteurs("agent", "elu"))


@pytest.mark.parametrize("persona", ["agent", "elu"])
def test_financements_tab_queries_do_not_grow_with_the_data(financements, persona):
    verifier(financements, f"centres:detail?onglet=financements {persona}")
