"""The pages of the indicators and dashboards under hostile query strings: each parameter they read, sent
every hostile value of the form walk (tests/fuzz.py), answers without a server error, and never sends the
markup back unescaped. (The form walk posts the forms; these pages are read with GET parameters.)"""

import pytest
from django.urls import reverse

from .. import fuzz
from ..factories import CentreFactory, DemandeFactory, IndicateursAnnuelsFactory

pytestmark = pytest.mark.django_db

HOSTILES = {**fuzz.UNIVERSELLES, **fuzz.NOMBRES, **fuzz.IDS, **fuzz.DATES}


def _pages(centre):
    """(URL, the parameters it reads) of each page."""
    return [
        (reverse("pilotage:comparaisons"), ["indicateur", "annee", "centre"]),
        (reverse("pilotage:comparaisons_export", args=["centres", "csv"]), ["indicateur", "annee", "centre"]),
        (reverse("pilotage:tableau_de_bord"), ["annee"]),
        (reverse("pilotage:tableau_de_bord_export", args=["xlsx"]), ["annee"]),
        (reverse("pilotage:rapport"), ["annee"]),
        (reverse("centres:detail", args=[centre.pk]), ["onglet"]),
        (reverse("pilotage:financeurs_export", args=[centre.pk, "csv"]), ["annee"]),
        (reverse("centres:indicateurs_liste"), ["annee", "centre", "tri", "page"]),
        (reverse("centres:indicateurs_export", args=["csv"]), ["annee", "centre", "tri"]),
    ]


def test_no_hostile_parameter_breaks_a_page_of_the_indicators_and_dashboards(client, agent):
    centre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2025)
    IndicateursAnnuelsFactory(centre=centre, annee=2024)
    DemandeFactory(votee=True, centre=centre, annee=2025)
    client.force_login(agent)
    problemes = []
    for url, parametres in _pages(centre):
        for parametre in parametres:
            for nom, valeur in HOSTILES.items():
                response = client.get(url, {parametre: valeur})
                if response.status_code >= 500:
                    problemes.append(f"{url}?{parametre}={nom}: {response.status_code}")
                elif not response.streaming and (brut := fuzz.reflete_brut(response.content.decode())):
                    problemes.append(f"{url}?{parametre}={nom}: {brut} sent back unescaped")
    assert problemes == []
