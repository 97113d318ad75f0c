import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from centres.models import Document
from comptes.models import Role
from subventions.models import DemandeSubvention

from ..factories import (
    CentreFactory,
    DeliberationFactory,
    DemandeFactory,
    DocumentFactory,
    LigneBudgetaireFactory,
    SeanceFactory,
    UserFactory,
)
from .outils import connexion, generer_le_pdf, montant_affiche

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _etape(page, vers, bouton, commentaire=""):
    """Take a step of the « Étape suivante » panel: its comment box opens only when asked for."""
    if commentaire:
        page.locator(f"details:has(#commentaire-{vers}) > summary").click()
        page.locator(f"#commentaire-{vers}").fill(commentaire)
    page.get_by_role("button", name=bouton, exact=True).click()


def test_a_request_is_instructed_validated_voted_then_paid_after_the_executoire_date(
    live_server, page, browser_problems
):
    today = datetime.date.today()
    vote, executoire = today - datetime.timedelta(days=20), today - datetime.timedelta(days=10)
    agent = UserFactory(username="agent", role=Role.AGENT, first_name="Aïcha", last_name="Benali")
    UserFactory(username="responsable", role=Role.RESPONSABLE, first_name="Claire", last_name="Dumont")
    centre = CentreFactory(nom="Centre social de l'Alma", nom_court="CS Alma")
    DocumentFactory(centre=centre, type=Document.Type.CER, titre="CER signé", valide_du=datetime.date(2022, 1, 2))
    ligne = LigneBudgetaireFactory(annee=today.year, libelle="Subventions aux centres sociaux")
    demande = DemandeFactory(centre=centre, annee=today.year, referent=agent, montant_demande=Decimal("20000"))
    seance = SeanceFactory(date=vote, date_convocation=vote - datetime.timedelta(days=10))
    projet = DeliberationFactory(seance=seance)  # the draft of the session, where the grant will go

    # The agent finds the request in the list and puts it in instruction.
    connexion(page, "agent")
    expect(page.get_by_role("heading", name="Bonjour Aïcha")).to_be_visible()
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Subventions").click()
    page.locator("#demandes").get_by_role("link", name="Fonctionnement").click()
    expect(page).to_have_url(f"{live_server.url}{demande.get_absolute_url()}")
    _etape(page, "instruction", "Mettre en instruction", "Dossier complet")
    expect(page.get_by_role("alert")).to_contain_text("Demande en instruction.")

    # The proposal: amount, imputation and analysis note, then « Proposer ».
    page.get_by_role("link", name="Saisir l'instruction").click()
    page.locator("input[name=montant_propose]").fill("18000")
    page.locator("select[name=ligne_budgetaire]").select_option(str(ligne.pk))
    page.locator("textarea[name=note_analyse]").fill("Projet social solide, budget équilibré.")
    expect(page.locator("textarea[name=derogation_crf_motif]")).to_have_count(0)  # the responsable's only
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Instruction enregistrée.")
    expect(page.locator("#montant-propose")).to_have_text(montant_affiche(18000))
    expect(page.get_by_role("button", name="Valider la proposition")).to_have_count(0)
    _etape(page, "proposee", "Proposer", "Proposition de 18 000 €")
    expect(page.get_by_role("alert")).to_contain_text("Demande proposée.")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()

    # The responsable validates it: the CER is in the vault (SUB-11), the line has the credits (SUB-15).
    connexion(page, "responsable")
    page.goto(demande.get_absolute_url())
    pieces = page.locator(".pieces li", has_text="Contrat d'engagement républicain signé")
    expect(pieces).to_contain_text("Valide")
    expect(page.locator("#note-analyse")).to_contain_text("Projet social solide")
    _etape(page, "validee", "Valider la proposition", "Validé en réunion d'équipe")
    expect(page.get_by_role("alert")).to_contain_text("Demande validée.")
    expect(page.locator("#statut")).to_have_text("Validée")

    # « Inscrire à une délibération »: the grant goes on the draft deliberation of the next session.
    page.get_by_role("link", name="Inscrire à une délibération").click()
    page.locator("select[name=deliberation]").select_option(str(projet.pk))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text(f"inscrite à la délibération n° {projet.reference}")
    expect(page.locator("#annexe tbody tr")).to_have_count(1)

    # The deliberation: its PDF, ready, the council's vote, then exécutoire (transmitted and published).
    generer_le_pdf(page)
    page.get_by_role("button", name="Marquer prête pour la séance").click()
    page.get_by_role("link", name="Enregistrer le vote").click()
    page.locator("input[name=pour]").fill("41")
    page.locator("input[name=contre]").fill("6")
    page.locator("input[name=abstentions]").fill("2")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#statut")).to_have_text("Votée")
    page.get_by_role("link", name="Rendre exécutoire").click()
    page.locator("input[name=date_transmission]").fill((executoire - datetime.timedelta(days=2)).isoformat())
    ar = f"059-215905128-{executoire - datetime.timedelta(days=2):%Y%m%d}-{projet.annee}_{projet.numero:03d}-DE"
    page.locator("input[name=ar_actes]").fill(ar)
    page.locator("input[name=date_publication]").fill(executoire.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#statut")).to_have_text("Exécutoire")
    page.locator("#annexe").get_by_role("link").first.click()
    expect(page.locator("#statut")).to_have_text("Votée")

    # A payment dated before the exécutoire date is refused (SUB-1, SUB-14); on that date it is accepted.
    page.get_by_role("link", name="Enregistrer un versement").click()
    expect(page.get_by_role("heading", name=re.compile("^Nouveau versement"))).to_be_visible()
    page.locator("select[name=type]").select_option("avance")
    page.locator("input[name=montant]").fill("9000")
    page.locator("input[name=date]").fill((executoire - datetime.timedelta(days=1)).isoformat())
    page.locator("input[name=reference]").fill("M-001")
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.locator("main form")).to_contain_text(
        "Aucun versement avant que la délibération soit exécutoire "
        "(article L2131-1 du code général des collectivités territoriales) : "
        f"exécutoire le {executoire:%d/%m/%Y}."
    )
    page.locator("input[name=date]").fill(executoire.isoformat())
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Versement de {montant_affiche(9000)} enregistré.")
    expect(page).to_have_url(f"{live_server.url}{demande.get_absolute_url()}")
    expect(page.locator("#versements tbody tr").first).to_contain_text(montant_affiche(9000))

    # Every step is in the history, with its author and comment.
    historique = page.locator(".historique")
    expect(historique.locator("li", has_text="Proposer — Proposition de 18 000 €")).to_contain_text("Aïcha Benali")
    expect(historique.locator("li", has_text="Valider la proposition — Validé en réunion")).to_contain_text(
        "Claire Dumont"
    )
    expect(historique).to_contain_text(f"Votée par le conseil municipal — délibération n° {projet.reference}")

    demande.refresh_from_db()
    assert (demande.statut, demande.montant_vote, demande.date_executoire) == (
        DemandeSubvention.Statut.VOTEE,
        Decimal("18000.00"),
        executoire,
    )
    assert [v.montant for v in demande.versements.all()] == [Decimal("9000.00")]
    assert browser_problems == []


def test_a_secondary_decision_asks_for_its_reason_only_once_chosen(live_server, page, browser_problems):
    """One primary button, the expected step; « Rejeter » opens its own reason box, required."""
    UserFactory(username="responsable", role=Role.RESPONSABLE, first_name="Claire", last_name="Dumont")
    demande = DemandeFactory()
    connexion(page, "responsable")
    page.goto(demande.get_absolute_url())
    etapes = page.locator("#etapes")
    expect(etapes.locator(".btn-primary")).to_have_text(["Mettre en instruction"])
    expect(etapes.locator("textarea:visible")).to_have_count(0)
    etapes.locator("summary", has_text="Rejeter").click()
    motif = page.locator("#commentaire-rejetee")
    expect(motif).to_be_visible()
    page.get_by_role("button", name="Rejeter", exact=True).click()  # the reason is required: nothing sent
    expect(page.locator("#statut")).to_have_text("Reçue")
    motif.fill("Hors du champ de la politique de la ville")
    page.get_by_role("button", name="Rejeter", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Demande rejetée.")
    expect(page.locator("#etapes")).to_have_count(0)
    assert browser_problems == []
