"""The query guard of every page on the demo data: the same count at scale 1 and at scale 3, under its ceiling.

The demo is built once for the module at scale 1 (10 centres and what each app's demo module gives
them), every page of tests/pages_demo.py is counted, the demo is grown to scale 3 (`seed_demo` adds
what is missing), every page is counted again, and the whole is rolled back. Each page's ceiling is
its `démo …` row in tests/plafonds.py. The factory-grown guards of each app (tests/requetes.py) stay
beside this one: they grow the rows of one object (30 grants of one centre), which the demo does not.
"""

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from comptes.models import User

from .pages_demo import (
    CONSTANTES,
    FLUX_PERSONNELS,
    LECTEURS,
    OBJETS,
    SIRET_DE_DEMO,
    cle,
    jour_de_la_demo,
    lisibles,
    onglets_lisibles,
    pages,
    parametres,
)
from .partage import calcule_une_fois
from .plafonds import PLAFONDS

pytestmark = pytest.mark.django_db

ECHELLES = (1, 3)


def _mesurer(client, url):
    """(status, queries) of one GET of `url`, a download read to its end."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, len(ctx.captured_queries)


def _semer(echelle):
    call_command("seed_demo", scale=echelle, verbosity=0)


@calcule_une_fois
def comptes_demo():
    """{page key: [queries at scale 1, queries at scale 3]}, and the pages each scale could open."""
    comptes = {}
    with (
        time_machine.travel(jour_de_la_demo(), tick=False),
        override_settings(DEVELOPPEMENT=True, VILLE_SIRET=SIRET_DE_DEMO),
    ):
        for echelle in ECHELLES:
            _semer(echelle)
            users = {u.username: u for u in User.objects.filter(username__in=LECTEURS.values())}
            clients = {}
            for page in pages(users):
                if page.persona not in clients:
                    clients[page.persona] = Client()
                    clients[page.persona].force_login(users[LECTEURS[page.persona]])
                comptes.setdefault(page.cle, {})[echelle] = _mesurer(clients[page.persona], page.url)
    return comptes


CLES = sorted(
    {cle(nom, persona) for nom, persona in lisibles()}
    | {cle(nom, persona) for nom, personas in FLUX_PERSONNELS.items() for persona in personas}
    | {cle(nom, persona, onglet) for nom, onglet, persona in onglets_lisibles()}
)


@pytest.mark.parametrize("cle", CLES)
def test_page_costs_the_same_at_every_scale(comptes_demo, cle):
    assert cle in comptes_demo, f"{cle} : la démonstration n'a aucun objet à ouvrir pour cette page"
    par_echelle = comptes_demo[cle]
    assert set(par_echelle) == set(ECHELLES), f"{cle} : ouverte à l'échelle {sorted(par_echelle)} seulement"
    (statut, petit), (statut_grand, grand) = (par_echelle[e] for e in ECHELLES)
    assert statut == statut_grand == 200, f"{cle} : réponse {statut} à l'échelle 1, {statut_grand} à l'échelle 3"
    plafond = PLAFONDS.get(cle)
    assert plafond is not None, f"{cle} : {petit} requêtes, sans plafond dans tests/plafonds.py"
    assert petit == grand <= plafond, (
        f"{cle} : {petit} requêtes à l'échelle 1, {grand} à l'échelle 3 (plafond {plafond})"
    )


def test_every_page_with_an_id_names_the_object_it_opens():
    sans_objet = {
        nom
        for nom, _ in lisibles()
        if parametres(nom) and nom not in OBJETS and nom not in CONSTANTES and "export" not in nom
    }
    assert not sans_objet, f"pages sans leur ligne dans OBJETS (tests/pages_demo.py) : {sorted(sans_objet)}"


def test_every_ceiling_of_the_demo_is_a_page():
    assert {cle for cle in PLAFONDS if cle.startswith("démo ")} <= set(CLES)
