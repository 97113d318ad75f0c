"""What the browser journeys share: logging in as a user does, and amounts as pages show them."""

import re
from decimal import Decimal

from playwright.sync_api import expect

MOT_DE_PASSE = "motdepasse-de-test"  # the password of tests.factories.UserFactory


def connexion(page, username, prenom=None, mot_de_passe=MOT_DE_PASSE):
    """Log in through the login page and wait for the home page ("Bonjour <prénom>"): a goto()
    during the redirect would abort it (a failed request)."""
    page.goto("/comptes/connexion/")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    bonjour = f"Bonjour {prenom}" if prenom else re.compile(r"^Bonjour")
    expect(page.get_by_role("heading", name=bonjour)).to_be_visible()


def montant_affiche(value):
    """The amount as a page shows it, whitespace collapsed the way Playwright compares text."""
    return f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",") + " €"


def generer_le_pdf(page):
    """Click « Générer le PDF » on a deliberation and wait for its version to be listed. WeasyPrint takes
    one to a few seconds on a loaded CI machine: wait for the version, not Playwright's 5 s."""
    panneau = page.locator("#pdf-deliberation")
    panneau.get_by_role("button", name="Générer le PDF").click()
    expect(panneau.get_by_role("link", name="Télécharger")).to_have_count(1, timeout=60_000)
    return panneau
