import datetime
import re

import pytest
from playwright.sync_api import expect

from centres.models import Visite
from comptes.models import Role

from ..factories import CentreFactory, UserFactory
from .outils import connexion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_agent_records_an_understaffed_acm_visit_and_its_follow_up(live_server, page, browser_problems):
    UserFactory(username="agent", role=Role.AGENT, first_name="Aïcha", last_name="Benali")
    centre = CentreFactory(nom="Centre social de l'Alma")
    echeance = datetime.date.today() + datetime.timedelta(days=30)

    connexion(page, "agent", "Aïcha")

    # The centre's page, then its visits tab (loaded by htmx).
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Centres", exact=True).click()
    page.get_by_role("table").get_by_role("link", name="Centre social de l'Alma").click()
    page.get_by_role("link", name="Visites ACM / LALP").click()
    expect(page).to_have_url(re.compile(r"\?onglet=visites$"))
    expect(page.locator("#onglet")).to_contain_text("Aucune visite enregistrée.")

    # An ACM visit: 20 under-6s and 10 over-6s need 3 + 1 animators; 1 qualified animator and the director are 2.
    page.get_by_role("link", name="Enregistrer une visite").click()
    expect(page.get_by_role("heading", name="Nouvelle visite — Centre social de l'Alma")).to_be_visible()
    page.get_by_label("Type de visite").select_option(label="ACM (accueil collectif de mineurs)")
    page.get_by_label("Mineurs de moins de 6 ans").fill("20")
    page.get_by_label("Mineurs de 6 ans et plus").fill("10")
    page.get_by_label("Animateurs qualifiés (BAFA ou équivalent)").fill("1")
    page.get_by_label("Directeur présent").check()
    page.get_by_label("Directeur qualifié (BAFD ou équivalent)").check()
    page.get_by_role("button", name="Enregistrer").click()

    # The visit page: saved, with the warning and the reasons.
    visite = Visite.objects.get()
    expect(page).to_have_url(f"{live_server.url}{visite.get_absolute_url()}")
    expect(page.get_by_role("alert").filter(has_text="La visite a été enregistrée.")).to_be_visible()
    avertissement = page.get_by_role("alert").filter(has_text="Encadrement non conforme")
    expect(avertissement).to_contain_text("Encadrement insuffisant : 2 présent(s) pour 4 requis (taux d'encadrement")
    expect(page.get_by_text("Non conforme", exact=True)).to_be_visible()

    # A follow-up action with a due date.
    page.get_by_role("link", name="Ajouter une action de suivi").click()
    page.get_by_label("Action").fill("Recruter un animateur qualifié")
    page.get_by_label("Porteur").fill("Direction du centre")
    page.get_by_label("Échéance").fill(echeance.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert").filter(has_text="L'action de suivi a été ajoutée.")).to_be_visible()
    actions = page.get_by_role("table").filter(has_text="Porteur")
    expect(actions.get_by_role("row").nth(1)).to_contain_text("Recruter un animateur qualifié")
    expect(actions.get_by_role("row").nth(1)).to_contain_text("À faire")

    # Back on the centre's tab: the visit, non compliant, with its open action.
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name=centre.libelle_court).click()
    expect(page).to_have_url(re.compile(r"\?onglet=visites$"))
    ligne = page.locator("#onglet").get_by_role("row").nth(1)
    expect(ligne).to_contain_text("Non conforme")
    expect(ligne).to_contain_text(f"Recruter un animateur qualifié — échéance {echeance:%d/%m/%Y}")

    assert visite.actions.get().ouverte
    assert browser_problems == []
