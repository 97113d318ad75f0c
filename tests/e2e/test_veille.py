"""The Cellule de veille's journey in a browser: the responsable opens the overview, follows a red signal to
its centre and opens its file, records the level the cellule decided in its meeting and an action of the
plan; the CAF user then reads the file and the meeting's minutes, and the team sees that read."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from comptes.models import Role
from pilotage.models import LectureSituation, Reunion, SituationVeille

from ..factories import (
    CentreFactory,
    IndicateursAnnuelsFactory,
    OrganisationFactory,
    ParticipantReunionFactory,
    ReunionFactory,
    UserFactory,
)
from .outils import connexion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COMPTE_RENDU = "La cellule retient un diagnostic financier par le DLA et l'étude d'un calendrier de versement."


def _menu(page, libelle):
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=libelle).click()


def test_the_responsable_decides_a_level_from_a_red_signal_and_the_caf_reads_the_file_and_its_minutes(
    live_server, page, browser_problems
):
    annee = timezone.localdate().year
    caf = OrganisationFactory(caf=True, nom="CAF du Nord")
    responsable = UserFactory(role=Role.RESPONSABLE, first_name="Nadia")
    partenaire = UserFactory(role=Role.PARTENAIRE, organisation=caf, first_name="Julie")
    epeule = CentreFactory(nom="Centre social de l'Épeule", nom_court="CS Épeule", partenaires=[caf])
    IndicateursAnnuelsFactory(centre=epeule, annee=annee - 2)
    IndicateursAnnuelsFactory(
        centre=epeule,
        annee=annee - 1,
        tresorerie=Decimal("-20000"),
        produits_total=Decimal("700000"),
        produits_autres=Decimal("50000"),
        dettes_sociales_echues=Decimal("30000"),
    )
    IndicateursAnnuelsFactory(centre=CentreFactory(nom="Centre social de l'Alma"), annee=annee - 1)

    # The overview: the centre in difficulty first, its red signals named, no file yet.
    connexion(page, responsable.username, "Nadia")
    _menu(page, "Cellule de veille")
    expect(page.get_by_role("heading", name="Cellule de veille", exact=True)).to_be_visible()
    ligne = page.locator("#tableau-veille tbody tr").first
    expect(ligne).to_contain_text("Centre social de l'Épeule")
    expect(ligne.locator(".signal-rouge", has_text="Dettes sociales et fiscales échues")).to_be_visible()
    ligne.get_by_role("link", name="Ouvrir un dossier").click()
    expect(page.get_by_role("heading", name="Ouvrir un dossier à la cellule de veille")).to_be_visible()
    page.get_by_label("Motif du signalement").fill("Dettes sociales échues et trésorerie négative à la clôture.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Cellule de veille — Centre social de l'Épeule")).to_be_visible()
    expect(page.locator("#niveau-officiel")).to_contain_text("Pas encore décidé")
    expect(page.locator("#niveau-calcule")).to_contain_text("Critique")  # three red signals: a proposal only
    expect(page.locator("#tableau-instantanes")).to_contain_text(str(annee - 1))

    # The cellule met on this file with the CAF (the meeting is the meetings' pages' business).
    situation = SituationVeille.objects.get(centre=epeule)
    reunion = ReunionFactory(
        type=Reunion.Type.CELLULE_VEILLE,
        titre="Cellule de veille — CS Épeule",
        date=timezone.localdate() - datetime.timedelta(days=1),
        compte_rendu=COMPTE_RENDU,
        notes_internes="Note interne de la réunion 5512",
        organisateur=responsable,
    )
    reunion.situations.add(situation)
    ParticipantReunionFactory(reunion=reunion, organisation=caf)

    # CV-1: the responsable records the level the cellule decided, in that meeting.
    page.get_by_role("link", name="Enregistrer la décision de niveau").click()
    expect(page.locator("#proposition")).to_contain_text("Critique")
    page.get_by_label("Alerte", exact=True).check()
    expect(page.get_by_label("Réunion de la cellule de veille")).to_have_value(str(reunion.pk))
    page.get_by_label("Motifs de la décision").fill("Deux déficits, mais un plan de redressement est engagé.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#niveau-officiel")).to_contain_text("Alerte")
    expect(page.locator("#niveau-calcule")).to_contain_text("Critique")
    expect(page.locator("#decisions")).to_contain_text("un plan de redressement est engagé")

    # An action of the plan, owned by the CAF.
    page.locator("#actions").get_by_role("link", name="Nouvelle action").click()
    page.locator("#id_libelle").fill("Étudier une avance sur la prestation de service")
    page.get_by_label("Mesure type").select_option(label="Calendrier de versement adapté ou avance")
    page.get_by_label("Portée par (organisation)").select_option(label="CAF du Nord")
    page.get_by_label("Échéance").fill(f"{annee + 1}-01-31")
    page.get_by_role("button", name="Enregistrer").click()
    actions = page.locator("#plan-actions")
    expect(actions).to_contain_text("Étudier une avance sur la prestation de service")
    expect(actions).to_contain_text("CAF du Nord")
    page.get_by_role("button", name="Commencer l'analyse").click()
    expect(page.locator("#statut")).to_have_text("En analyse")

    # The CAF user reads its files: this one, its level, its plan and the meeting's minutes, not the notes.
    page.context.clear_cookies()
    connexion(page, partenaire.username, "Julie")
    _menu(page, "Cellule de veille")
    page.get_by_role("link", name="Centre social de l'Épeule").click()
    expect(page.get_by_role("heading", name="Cellule de veille — Centre social de l'Épeule")).to_be_visible()
    expect(page.locator("#niveau-officiel")).to_contain_text("Alerte")
    expect(page.locator("#plan-actions")).to_contain_text("Étudier une avance sur la prestation de service")
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)
    reunions = page.locator("#reunions")
    reunions.get_by_text("Compte rendu").click()
    expect(reunions).to_contain_text(COMPTE_RENDU)
    expect(page.locator("main")).not_to_contain_text("5512")
    # The meeting's own page: its minutes, never the service's notes.
    reunions.get_by_role("link", name=str(reunion)).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("pilotage:reunion_detail", args=[reunion.pk])) + "$"))
    expect(page.locator("main")).to_contain_text(COMPTE_RENDU)
    expect(page.locator("main")).not_to_contain_text("5512")
    assert LectureSituation.objects.filter(situation=situation, user=partenaire).exists()

    # CV-3: the team reads, in the file's history, that the CAF read it.
    page.context.clear_cookies()
    connexion(page, responsable.username, "Nadia")
    page.goto(situation.get_absolute_url())
    expect(page.locator("#lectures")).to_contain_text("Julie")
    assert browser_problems == []
