"""The élu's journey in a browser: the team asks for the yearly report on its page and sees the version
appear (htmx polls the panel while the task runs); an élu logs in on the dashboard, opens a centre's
funders from it, then goes to the report and downloads it."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from comptes.models import Role

from ..factories import CentreFactory, DemandeFactory, IndicateursAnnuelsFactory, UserFactory
from .outils import connexion, montant_affiche

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_elu_reads_the_dashboard_a_centres_funders_and_downloads_the_report(live_server, page, browser_problems):
    annee = timezone.localdate().year
    centre = CentreFactory(nom="Centre social de l'Alma", nom_court="CS Alma")
    IndicateursAnnuelsFactory(centre=centre, annee=annee - 1)
    demande = DemandeFactory(votee=True, centre=centre, annee=annee)
    agent = UserFactory(role=Role.AGENT, first_name="Thomas")
    elu = UserFactory(role=Role.ELU, first_name="Claire")

    connexion(page, agent.username, "Thomas")
    page.goto(reverse("pilotage:rapport"))
    panneau = page.locator("#rapport-pdf")
    panneau.get_by_role("button", name="Générer le rapport").click()
    # WeasyPrint takes a few seconds on a loaded machine: wait for the version, not Playwright's 5 s.
    expect(panneau.get_by_role("link", name="Télécharger")).to_have_count(1, timeout=60_000)
    expect(panneau).to_contain_text("Terminée")

    page.context.clear_cookies()
    connexion(page, elu.username, "Claire")
    # The dashboard is the élu's home page: the grant voted this year, then the centre's key figures.
    subventions = page.locator("#subventions")
    expect(subventions.get_by_role("heading", name=f"Subventions votées pour {annee}")).to_be_visible()
    expect(subventions).to_contain_text(montant_affiche(demande.montant_vote))
    page.locator("#centres").get_by_role("link", name="Centre social de l'Alma").click()
    # The centre's funders: the city's grant voted this year, and where the figure comes from.
    expect(page.get_by_role("heading", name="Financeurs du centre")).to_be_visible()
    exercice = page.locator(".annee-financeurs", has=page.get_by_role("heading", name=f"Exercice {annee}"))
    ville = exercice.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Ville"))
    expect(ville).to_contain_text(montant_affiche(demande.montant_vote))
    expect(ville).to_contain_text("conseil municipal")
    page.go_back()
    page.get_by_role("link", name=f"Rapport annuel {annee} (PDF)").click()
    expect(page.get_by_role("heading", name=f"Rapport annuel {annee} au comité de pilotage politique")).to_be_visible()
    expect(page.locator("#rapport-pdf").get_by_role("button")).to_have_count(0)  # an élu reads, never generates
    with page.expect_download() as telechargement:
        page.locator("#rapport-pdf").get_by_role("link", name="Télécharger").click()
    fichier = telechargement.value
    version = fichier.url.rstrip("/").rsplit("/", 1)[1]
    assert fichier.suggested_filename == f"rapport-annuel-{annee}-v1.pdf"
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(fichier.path()).read_bytes())).pages)
    assert f"Chiffres clés {annee}" in texte and "Centre social de l'Alma" in texte
    # The browser turns the link's navigation into a download, and reports that navigation as aborted.
    url = reverse("pilotage:rapport_telecharger", args=[version])
    telecharge = f"request failed: {live_server.url}{url} (net::ERR_ABORTED)"
    assert [probleme for probleme in browser_problems if probleme != telecharge] == []
