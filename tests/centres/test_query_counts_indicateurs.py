"""Query-count guards of the yearly indicators: the list, its exports, the centre's tab and the import's
pages cost the same at 3 and at 30 records."""

import datetime
import itertools

import pytest
import time_machine
from django.urls import reverse

from ..factories import (
    CentreFactory,
    ImportIndicateursFactory,
    IndicateursAnnuelsFactory,
    OrganisationFactory,
    lecteurs,
)
from ..partage import calcule_une_fois
from ..requetes import Page, mesurer, verifier

JOUR = datetime.date(2026, 9, 15)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]

LISTE = {
    "centres:indicateurs_liste": (reverse("centres:indicateurs_liste"), {}),
    "centres:indicateurs_liste?annee=2025&tri=centre": (
        reverse("centres:indicateurs_liste"),
        {"annee": "2025", "tri": "centre"},
    ),
    "centres:indicateurs_export xlsx": (reverse("centres:indicateurs_export", kwargs={"fmt": "xlsx"}), {}),
    "centres:indicateurs_export csv": (reverse("centres:indicateurs_export", kwargs={"fmt": "csv"}), {}),
}
PERSONAS_LISTE = ["agent", "elu", "partenaire_caf"]


@calcule_une_fois
def liste():
    """The list and its exports, at 3 then 30 centres with their indicators of a year."""
    caf = OrganisationFactory(caf=True)
    pages = [Page(f"{vue} {p}", url, params) for vue, (url, params) in LISTE.items() for p in PERSONAS_LISTE]

    def grandir(n):
        for _ in range(n):
            IndicateursAnnuelsFactory(centre=CentreFactory(partenaires=[caf]), annee=2025)

    with time_machine.travel(JOUR):
        return mesurer(pages, grandir, lecteurs(*PERSONAS_LISTE, organisation=caf))


@pytest.mark.parametrize("vue", LISTE)
@pytest.mark.parametrize("persona", PERSONAS_LISTE)
def test_indicators_list_and_export_queries_do_not_grow_with_the_data(liste, persona, vue):
    verifier(liste, f"{vue} {persona}")


ONGLETS = ["indicateurs", "historique"]
PERSONAS_ONGLET = ["agent", "elu", "partenaire_caf"]


@calcule_une_fois
def onglet():
    """A centre's tab of indicators and its history, at 3 then 30 years (each edited once)."""
    caf = OrganisationFactory(caf=True)
    centre = CentreFactory(partenaires=[caf])
    annees = itertools.count(2025, -1)
    pages = [
        Page(f"centres:detail?onglet={o} {p}", reverse("centres:detail", args=[centre.pk]), {"onglet": o})
        for o in ONGLETS
        for p in PERSONAS_ONGLET
    ]

    def grandir(n):
        for _ in range(n):
            indicateurs = IndicateursAnnuelsFactory(centre=centre, annee=next(annees))
            indicateurs.usagers += 1
            indicateurs.save()

    with time_machine.travel(JOUR):
        return mesurer(pages, grandir, lecteurs(*PERSONAS_ONGLET, organisation=caf))


@pytest.mark.parametrize("o", ONGLETS)
@pytest.mark.parametrize("persona", PERSONAS_ONGLET)
def test_centre_indicators_tab_queries_do_not_grow_with_the_years(onglet, persona, o):
    verifier(onglet, f"centres:detail?onglet={o} {persona}")


IMPORT = ["centres:indicateurs_import", "centres:indicateurs_import_statut"]


@calcule_une_fois
def import_():
    """An import's preview and status, at 3 then 30 errors, warnings and replacements."""
    import_ = ImportIndicateursFactory()
    pages = [Page(f"{nom} agent", reverse(nom, args=[import_.pk])) for nom in IMPORT]

    def grandir(n):
        for cle in ("erreurs", "avertissements"):
            import_.rapport[cle] += [[2 + i, "Année", "Un problème."] for i in range(n)]
        import_.rapport["mises_a_jour"] += [[2 + i, "Remplace."] for i in range(n)]
        import_.save()

    with time_machine.travel(JOUR):
        return mesurer(pages, grandir, lecteurs("agent"))


@pytest.mark.parametrize("nom", IMPORT)
def test_import_pages_queries_do_not_grow_with_the_report(import_, nom):
    verifier(import_, f"{nom} agent")
