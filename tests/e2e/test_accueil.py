"""Each role's home page in a browser, on the demo data with the date pinned: its own to-dos with the
counts the demo scenario implies (written in tests/pilotage/a_faire_demo.py), each link listing that many rows."""

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from ..pilotage.a_faire_demo import A_FAIRE, JOUR
from .outils import connexion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def jour_fixe():
    with time_machine.travel(JOUR, tick=True):  # the clock runs (the browser's timeouts need it)
        yield


def test_each_role_finds_its_own_work_on_its_home_page(jour_fixe, live_server, page, browser_problems):
    with override_settings(DEVELOPPEMENT=True):
        call_command("seed_demo", verbosity=0)
    for persona, attendu in A_FAIRE.items():
        page.context.clear_cookies()
        connexion(page, persona, mot_de_passe="demo")
        liens = page.locator("#a-faire a")
        expect(liens).to_have_count(len(attendu))
        trouves = {}
        for i in range(liens.count()):
            lien = liens.nth(i)
            compte = lien.locator("xpath=following-sibling::span[contains(@class,'badge')]").inner_text()
            trouves[lien.inner_text().replace("(mes dossiers)", "").strip()] = (int(compte), lien.get_attribute("href"))
        assert {label: n for label, (n, _) in trouves.items()} == attendu, persona
        for label, (n, url) in trouves.items():
            page.goto(url)
            expect(page.locator("main table tbody tr"), label).to_have_count(n)
    for persona in ("caf",):  # the régisseurs' to-dos are Espace Linné's requests (A_FAIRE)
        page.context.clear_cookies()
        connexion(page, persona, mot_de_passe="demo")
        expect(page.locator("#a-faire")).to_have_count(0)
        expect(page.get_by_role("heading", name="Agréments CAF finissant dans les 12 mois")).to_be_visible()
    # The élu lands on the dashboard of the year (pilotage:tableau_de_bord).
    page.context.clear_cookies()
    connexion(page, "elu", mot_de_passe="demo")
    expect(page.locator("#a-faire")).to_have_count(0)
    expect(page.get_by_role("heading", name=f"Subventions votées pour {JOUR.year}")).to_be_visible()
    expect(page.get_by_role("heading", name="Cellule de veille")).to_be_visible()
    assert browser_problems == []
