import re

import pytest
from playwright.sync_api import expect

from comptes.models import Role

from ..factories import CentreFactory, UserFactory
from .outils import connexion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANCIEN = "03 20 11 22 33"
NOUVEAU = "03 20 99 88 77"


def test_an_agent_edits_the_phone_of_a_centre_and_finds_it_in_the_history(live_server, page, browser_problems):
    """Pages are opened relative to the live server (base_url, see conftest)."""
    UserFactory(username="agent", role=Role.AGENT, first_name="Aïcha", last_name="Benali")
    centre = CentreFactory(nom="Centre social de l'Alma", telephone=ANCIEN)
    CentreFactory(nom="Centre social du Pile")  # the list shows more than the one we edit

    # Log in through the form.
    connexion(page, "agent", "Aïcha")

    # Centres list, then the centre's page.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Centres", exact=True).click()
    expect(page.get_by_role("heading", name="Centres sociaux")).to_be_visible()
    page.get_by_role("table").get_by_role("link", name="Centre social de l'Alma").click()
    expect(page.get_by_role("heading", name="Centre social de l'Alma")).to_be_visible()
    expect(page.locator("#onglet")).to_contain_text(ANCIEN)

    # Edit the phone number.
    page.get_by_role("link", name="Modifier la fiche").click()
    expect(page.get_by_role("heading", name="Modifier « Centre social de l'Alma »")).to_be_visible()
    telephone = page.locator("input[name=telephone]")
    expect(telephone).to_have_value(ANCIEN)
    telephone.fill(NOUVEAU)
    page.get_by_role("button", name="Enregistrer").click()

    # Back on the centre's page: the message and the new number.
    expect(page).to_have_url(f"{live_server.url}{centre.get_absolute_url()}")
    expect(page.get_by_role("alert")).to_contain_text("Les modifications du centre ont été enregistrées.")
    identite = page.locator("#onglet")
    expect(identite.locator("dt", has_text="Téléphone").locator("+ dd")).to_have_text(NOUVEAU)
    expect(identite).not_to_contain_text(ANCIEN)

    # The history tab (loaded by htmx) lists the change, its old and new values and who made it.
    page.get_by_role("link", name="Historique").click()
    expect(page).to_have_url(re.compile(r"\?onglet=historique$"))
    modification = page.locator(".historique li", has_text="Modification")
    expect(modification).to_have_count(1)
    expect(modification).to_contain_text("Fiche du centre")
    expect(modification).to_contain_text("Aïcha Benali")
    expect(modification.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(["Téléphone", ANCIEN, NOUVEAU])

    centre.refresh_from_db()
    assert centre.telephone == NOUVEAU
    assert browser_problems == []
