import datetime
import re

import pytest
from playwright.sync_api import expect

from comptes.models import Organisation, Role, User
from conventions.models import Avenant, Convention
from deliberations import services

from ..factories import CentreFactory, OrganisationFactory, SeanceFactory, UserFactory, VersionPdfFactory
from .outils import connexion, montant_affiche

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLAUSES = list(Convention.CLAUSES)


def _enregistrer(page, message):
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text(message)


def _etape(page, vers, bouton, commentaire=""):
    """Take a step of the « Étape suivante » panel: its comment box opens only when asked for."""
    if commentaire:
        page.locator(f"details:has(#commentaire-{vers}) > summary").click()
        page.locator(f"#commentaire-{vers}").fill(commentaire)
    page.get_by_role("button", name=bouton, exact=True).click()


def _deliberer(seance, executoire, **objets):
    """Meanwhile, the council votes a deliberation approving `objets`, exécutoire on `executoire`."""
    responsable = User.objects.get(username="responsable")
    deliberation = services.rediger(
        seance=SeanceFactory(date=seance, date_convocation=seance - datetime.timedelta(days=10)),
        objet="Approbation",
        par=responsable,
        **objets,
    )
    services.marquer_prete(deliberation=deliberation, par=responsable)
    VersionPdfFactory(deliberation=deliberation, generee_par=responsable)
    services.voter(deliberation=deliberation, pour=40, contre=3, abstentions=2, par=responsable)
    ar = f"059-215905128-{executoire:%Y%m%d}-{deliberation.annee}_{deliberation.numero:03d}-DE"
    services.rendre_executoire(
        deliberation=deliberation, date_transmission=executoire, ar_actes=ar, date_publication=seance, par=responsable
    )


def test_the_responsable_drafts_gets_signed_and_amends_a_cpom(live_server, page, browser_problems):
    UserFactory(username="responsable", role=Role.RESPONSABLE, first_name="Claire", last_name="Dumont")
    CentreFactory(nom="Centre social de l'Alma")
    OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)

    connexion(page, "responsable", "Claire")

    # From the centre's page, its "Conventions" tab (loaded by htmx), then the form.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Centres", exact=True).click()
    page.get_by_role("table").get_by_role("link", name="Centre social de l'Alma").click()
    page.locator(".nav-tabs").get_by_role("link", name="Conventions").click()
    expect(page.locator("#onglet")).to_contain_text("Aucune convention.")
    page.locator("#onglet").get_by_role("link", name="Nouvelle convention").click()
    expect(page.get_by_role("heading", name="Nouvelle convention")).to_be_visible()
    expect(page.locator("select[name=centre] option:checked")).to_have_text("Centre social de l'Alma")
    page.locator("select[name=type]").select_option("cpom")
    page.locator("input[name=objet]").fill("Projet social 2025–2028")
    page.locator("input[name=debut]").fill("2025-01-01")
    page.locator("input[name=fin]").fill("2028-12-31")
    _enregistrer(page, "La convention a été créée (projet).")
    expect(page).to_have_url(re.compile(r"/conventions/\d+/$"))
    convention = Convention.objects.get()
    expect(page.locator("main .badge").first).to_have_text("Projet")

    # The city as party, a yearly commitment.
    page.get_by_role("link", name="Ajouter une partie").click()
    page.locator("select[name=organisation]").select_option(label="Ville de Roubaix")
    page.locator("input[name=signataire]").fill("Le Maire")
    _enregistrer(page, "Partie ajoutée.")
    page.get_by_role("link", name="Ajouter un engagement").click()
    page.locator("input[name=annee]").fill("2026")
    page.locator("select[name=financeur]").select_option(label="Ville de Roubaix")
    page.locator("input[name=montant]").fill("30000")
    page.locator("input[name=avance]").fill("10000")
    _enregistrer(page, "Engagement ajouté.")
    expect(page.locator("#engagements")).to_contain_text(montant_affiche(30000))

    # Every mandatory clause and the legal visa (CPO-6), through the edit form.
    page.get_by_role("link", name="Modifier", exact=True).click()
    for clause in CLAUSES:
        page.locator(f"input[name={clause}]").check()
    page.locator("input[name=juridique_visa]").fill("2024-10-01")
    page.locator("input[name=modele_version]").fill("CPOM-2024-v2")
    _enregistrer(page, "Convention enregistrée.")
    expect(page.locator("#titre-clauses + ul")).not_to_contain_text("✘")

    # Legal review, then approval (the responsable's step).
    _etape(page, "revue_juridique", "Envoyer au service juridique", "Dossier complet")
    expect(page.get_by_role("alert")).to_contain_text("Convention : en revue juridique.")
    _etape(page, "approuvee", "Approuver pour signature", "Visa obtenu")
    expect(page.get_by_role("alert")).to_contain_text("Convention : approuvée pour signature.")
    expect(page.get_by_role("link", name="Ajouter un engagement")).to_have_count(0)  # CPO-5

    # The council approves it by a deliberation, exécutoire on 15/11/2024; the city signs after it (DEL-6).
    expect(page.get_by_role("button", name=re.compile("délibér", re.IGNORECASE))).to_have_count(0)
    convention = Convention.objects.get()
    _deliberer(datetime.date(2024, 11, 5), datetime.date(2024, 11, 15), conventions=[convention])
    page.reload()
    expect(page.locator("#statut")).to_have_text("Délibérée")
    page.locator("section[aria-labelledby=titre-parties]").get_by_role("link", name="Ville de Roubaix").click()
    page.locator("input[name=date_signature]").fill("2024-12-01")
    _enregistrer(page, "Partie enregistrée.")
    _etape(page, "signee", "Constater la signature de toutes les parties")
    expect(page.get_by_role("alert")).to_contain_text("Convention : signée.")

    # An avenant with its own deliberation (CPO-5) raises the 2026 amount, then is signed.
    page.get_by_role("link", name="Nouvel avenant").click()
    expect(page.get_by_role("heading", name=re.compile("^Avenant n° 1 — "))).to_be_visible()
    page.locator("input[name=date]").fill("2026-02-01")
    page.locator("input[name=objet]").fill("Financement d'un poste de référent familles")
    page.locator("input[name=date_signature]").fill("2026-03-10")
    _enregistrer(page, "Avenant créé.")
    page.get_by_role("link", name="Changer un montant").click()
    page.locator("input[name=annee]").fill("2026")
    page.locator("select[name=financeur]").select_option(label="Ville de Roubaix")
    page.locator("input[name=montant]").fill("36000")
    _enregistrer(page, "Montant enregistré.")
    expect(page.get_by_role("button", name="Constater la signature")).to_have_count(0)  # not deliberated yet
    _deliberer(datetime.date(2026, 2, 19), datetime.date(2026, 3, 1), avenants=[Avenant.objects.get()])
    page.reload()
    page.get_by_role("button", name="Constater la signature").click()
    expect(page.get_by_role("alert")).to_contain_text("Avenant n° 1 signé : il s'applique à la convention.")

    # The consolidated amounts, and the avenant's amounts before and after.
    engagements = page.locator("#engagements")
    expect(engagements.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        [
            "2026",
            "Ville de Roubaix",
            montant_affiche(36000),
            montant_affiche(10000),
            montant_affiche(0),
            montant_affiche(0),
            montant_affiche(36000),
        ]
    )
    expect(engagements).not_to_contain_text(montant_affiche(30000))
    avenants = page.locator("section[aria-labelledby=titre-avenants]")
    expect(avenants).to_contain_text("Avenant n° 1 du 01/02/2026 — Financement d'un poste de référent familles")
    expect(avenants.locator(".badge")).to_have_text("Signé")
    expect(avenants.locator("tbody tr").get_by_role("cell")).to_have_text(
        ["2026", "Ville de Roubaix", montant_affiche(30000), montant_affiche(36000)]
    )
    expect(avenants.get_by_role("link", name="Modifier")).to_have_count(0)

    # Every step is in the history, with its author and comment.
    historique = page.locator(".historique")
    expect(historique).to_contain_text("Approuver pour signature — Visa obtenu")
    expect(historique.locator("li", has_text="Envoyer au service juridique — Dossier complet")).to_contain_text(
        "Claire Dumont"
    )

    convention.refresh_from_db()
    assert convention.statut == Convention.Statut.SIGNEE
    assert browser_problems == []
