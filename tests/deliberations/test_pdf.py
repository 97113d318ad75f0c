"""The deliberation PDF: generation (eager Celery), versions, retries, freeze on vote, download."""

import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from deliberations import services
from deliberations.models import Deliberation, GenerationPdf, VersionPdf
from roubaix_cs import formats
from subventions.models import DemandeSubvention, LigneBudgetaire
from tests.factories import (
    CentreFactory,
    DeliberationFactory,
    DemandeFactory,
    LigneBudgetaireFactory,
    OrganisationFactory,
    UserFactory,
    VersionPdfFactory,
)

pytestmark = pytest.mark.django_db

BENEFICIAIRES = [("Association Alma Gare", Decimal("18500.00")), ("Association Epeule", Decimal("1234567.89"))]


def texte(pdf_bytes):
    """The PDF's text with every kind of space (non-breaking ones included) as one plain space."""
    contenu = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)
    return re.sub(r"\s+", " ", contenu.replace(formats.NBSP, " ").replace(formats.NNBSP, " "))


def octets(version):
    with version.fichier.open("rb") as fichier:
        return fichier.read()


def normalise(valeur):
    return re.sub(r"\s+", " ", valeur.replace(formats.NBSP, " ").replace(formats.NNBSP, " "))


@pytest.fixture
def deliberation():
    deliberation = DeliberationFactory(objet="Subventions de fonctionnement 2026")
    ligne = LigneBudgetaireFactory()
    for nom, montant in BENEFICIAIRES:
        centre = CentreFactory(organisation=OrganisationFactory(nom=nom, association=True))
        deliberation.demandes.add(
            DemandeFactory(centre=centre, statut="deliberation", montant_propose=montant, ligne_budgetaire=ligne)
        )
    return deliberation


@pytest.fixture
def generer(django_capture_on_commit_callbacks):
    """Ask for a PDF and run the queued task (eager: no broker in tests)."""

    def lancer(deliberation, par):
        with django_capture_on_commit_callbacks(execute=True):
            generation = services.demander_pdf(deliberation=deliberation, par=par)
        generation.refresh_from_db()
        return generation

    return lancer


def test_generation_creates_a_pdf_version_with_the_grants(deliberation, agent, generer):
    generation = generer(deliberation, agent)

    assert generation.statut == GenerationPdf.Statut.TERMINEE
    assert generation.tentatives == 1
    version = generation.version
    contenu = octets(version)
    assert contenu.startswith(b"%PDF")
    assert version.sha256 == hashlib.sha256(contenu).hexdigest()
    assert (version.numero, version.generee_par, version.votee) == (1, agent, False)
    assert version.generee_le is not None and generation.fin is not None
    lu = texte(contenu)
    assert f"Délibération n° {deliberation.reference}" in lu
    for nom, montant in BENEFICIAIRES:
        assert nom in lu
        assert normalise(formats.montant(montant)) in lu
    assert normalise(formats.montant(sum(m for _, m in BENEFICIAIRES))) in lu


def test_the_annex_states_the_budget_line_once_when_the_grants_share_it(deliberation, agent, generer):
    lu = texte(octets(generer(deliberation, agent).version))

    assert "Imputation budgétaire de chaque subvention : chapitre 65, compte 65748, fonction 524." in lu
    assert "65 / 65748 / 524" not in lu


def test_the_annex_gives_each_grant_its_budget_line_when_they_differ(deliberation, agent, generer):
    autre = LigneBudgetaireFactory(compte="6574", fonction="520")
    deliberation.demandes.filter(centre__organisation__nom="Association Epeule").update(ligne_budgetaire=autre)

    lu = texte(octets(generer(deliberation, agent).version))

    assert "Imputation budgétaire de chaque subvention" not in lu
    assert "65 / 65748 / 524" in lu
    assert "65 / 6574 / 520" in lu


@pytest.mark.parametrize(
    ("lignes", "commune"),
    [((("65", "65748", "524"), ("65", "65748", "524")), True), ((("65", "65748", "524"), None), False)],
)
def test_a_grant_without_budget_line_keeps_the_column(lignes, commune):
    demandes = [
        DemandeSubvention(
            ligne_budgetaire=ligne and LigneBudgetaire(chapitre=ligne[0], compte=ligne[1], fonction=ligne[2])
        )
        for ligne in lignes
    ]

    assert (services.imputation_commune(demandes) is not None) is commune


def test_a_second_generation_makes_version_2(deliberation, agent, responsable, generer):
    generer(deliberation, agent)
    generation = generer(deliberation, responsable)

    assert generation.version.numero == 2
    assert generation.version.generee_par == responsable
    assert list(deliberation.versions.values_list("numero", flat=True)) == [2, 1]


def test_running_the_same_job_twice_makes_one_version(deliberation, agent):
    generation = GenerationPdf.objects.create(deliberation=deliberation, demandee_par=agent)

    services.generer(generation.pk)
    services.generer(generation.pk)  # a redelivered task

    assert VersionPdf.objects.filter(deliberation=deliberation).count() == 1
    generation.refresh_from_db()
    assert (generation.statut, generation.tentatives) == (GenerationPdf.Statut.TERMINEE, 1)


def test_a_transient_error_is_retried_then_succeeds(deliberation, agent, generer, monkeypatch):
    vraie = services.render_pdf
    appels = []

    def instable(*args, **kwargs):
        appels.append(1)
        if len(appels) == 1:
            raise OSError("disque momentanément plein")
        return vraie(*args, **kwargs)

    monkeypatch.setattr(services, "render_pdf", instable)
    generation = generer(deliberation, agent)

    assert len(appels) == 2
    assert generation.statut == GenerationPdf.Statut.TERMINEE
    assert generation.tentatives == 2
    assert generation.erreur == ""
    assert deliberation.versions.count() == 1


def test_a_permanent_error_marks_the_job_failed_with_its_message(deliberation, agent, generer, monkeypatch):
    def casse(*args, **kwargs):
        raise ValueError("Ressource externe refusée dans un PDF : file:///etc/passwd")

    monkeypatch.setattr(services, "render_pdf", casse)
    generation = generer(deliberation, agent)

    assert generation.statut == GenerationPdf.Statut.ECHEC
    assert "Ressource externe refusée" in generation.erreur
    assert not deliberation.versions.exists()


def test_frozen_voted_pdf_regeneration_refused_hash_unchanged(
    deliberation, agent, responsable, generer, client_of, django_capture_on_commit_callbacks
):
    projet = generer(deliberation, agent).version
    Deliberation.objects.filter(pk=deliberation.pk).update(statut=Deliberation.Statut.PRETE)
    with django_capture_on_commit_callbacks(execute=True):
        services.voter(deliberation=deliberation, pour=40, contre=5, abstentions=2, par=responsable)
    version = deliberation.versions.get(votee=True)  # the act as voted, rendered after the vote
    assert version.numero == 2 and version.generation.acte
    projet.refresh_from_db()
    assert not projet.votee
    avant, empreinte = octets(version), version.sha256
    deliberation.refresh_from_db()

    with pytest.raises(ValidationError, match="figé"):
        services.demander_pdf(deliberation=deliberation, par=agent)
    response = client_of(agent).post(reverse("deliberations:pdf_generer", args=[deliberation.pk]), follow=True)

    assert "son PDF est figé" in response.content.decode()
    assert deliberation.versions.count() == 2
    assert deliberation.generations.count() == 2
    version.refresh_from_db()
    assert octets(version) == avant
    assert version.sha256 == empreinte == hashlib.sha256(avant).hexdigest()
    panneau = client_of(agent).get(reverse("deliberations:pdf_statut", args=[deliberation.pk])).content.decode()
    assert "figée (votée)" in panneau
    assert empreinte in panneau
    assert "Générer" not in panneau


def test_the_act_as_voted_carries_the_vote_and_who_did_not_take_part_and_no_draft_mark(
    deliberation, agent, responsable, generer, django_capture_on_commit_callbacks
):
    projet = generer(deliberation, agent).version
    assert "PROJET" in normalise(texte(octets(projet)))
    Deliberation.objects.filter(pk=deliberation.pk).update(statut=Deliberation.Statut.PRETE)
    absent = UserFactory(role="elu", first_name="Paul", last_name="Retiré")
    with django_capture_on_commit_callbacks(execute=True):
        services.voter(
            deliberation=deliberation, pour=41, contre=6, abstentions=2, ne_prennent_pas_part=[absent], par=responsable
        )
    acte = normalise(texte(octets(deliberation.versions.get(votee=True))))
    assert "PROJET" not in acte
    assert "Pour 41 | Contre 6 | Abstentions 2" in acte
    assert "Paul Retiré" in acte


def test_a_redelivered_act_job_leaves_exactly_one_frozen_version(
    deliberation, agent, responsable, generer, django_capture_on_commit_callbacks
):
    generer(deliberation, agent)
    Deliberation.objects.filter(pk=deliberation.pk).update(statut=Deliberation.Statut.PRETE)
    with django_capture_on_commit_callbacks(execute=True):
        services.voter(deliberation=deliberation, pour=41, contre=6, abstentions=2, par=responsable)
    acte = deliberation.generations.get(acte=True)
    services.generer(acte.pk)  # the same job delivered again
    doublon = GenerationPdf.objects.create(deliberation=deliberation, demandee_par=responsable, acte=True)
    services.generer(doublon.pk)  # or queued twice
    assert deliberation.versions.filter(votee=True).count() == 1
    doublon.refresh_from_db()
    assert (doublon.statut, doublon.version) == (GenerationPdf.Statut.TERMINEE, None)


def test_generate_view_queues_and_redirects_to_the_deliberation(deliberation, agent, client_of):
    response = client_of(agent).post(reverse("deliberations:pdf_generer", args=[deliberation.pk]))

    assert response.status_code == 302
    assert response.url == deliberation.get_absolute_url()
    assert deliberation.generations.get().demandee_par == agent


def test_generate_view_with_htmx_returns_the_polling_panel(deliberation, agent, client_of):
    response = client_of(agent).post(
        reverse("deliberations:pdf_generer", args=[deliberation.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    contenu = response.content.decode()
    assert 'id="pdf-deliberation"' in contenu
    assert "En attente" in contenu
    assert 'hx-trigger="every 2s"' in contenu


def test_the_status_fragment_polls_while_running_and_stops_when_done(deliberation, agent, client_of):
    generation = GenerationPdf.objects.create(
        deliberation=deliberation, demandee_par=agent, statut=GenerationPdf.Statut.EN_COURS
    )
    url = reverse("deliberations:pdf_statut", args=[deliberation.pk])

    en_cours = client_of(agent).get(url).content.decode()
    assert "En cours" in en_cours
    assert 'hx-trigger="every 2s"' in en_cours
    assert f'hx-get="{url}"' in en_cours
    assert 'hx-swap="outerHTML"' in en_cours

    services.generer(generation.pk)
    fini = client_of(agent).get(url).content.decode()
    assert "Terminée" in fini
    assert "hx-trigger" not in fini
    assert reverse("deliberations:pdf_telecharger", args=[deliberation.versions.get().pk]) in fini


def test_a_failed_job_shows_its_error_and_a_retry_button_to_the_team(deliberation, agent, elu, client_of):
    GenerationPdf.objects.create(
        deliberation=deliberation, demandee_par=agent, statut=GenerationPdf.Statut.ECHEC, erreur="OSError : boum"
    )
    url = reverse("deliberations:pdf_statut", args=[deliberation.pk])

    pour_equipe = client_of(agent).get(url).content.decode()
    assert "Échec" in pour_equipe
    assert "OSError : boum" in pour_equipe
    assert "Relancer" in pour_equipe
    assert "hx-trigger" not in pour_equipe
    assert "Relancer" not in client_of(elu).get(url).content.decode()


@pytest.mark.parametrize("persona", ["responsable", "agent", "elu"])
def test_the_team_and_elus_download_a_version(persona, request, client_of):
    version = VersionPdfFactory(deliberation__annee=2026, deliberation__numero=7, numero=3)

    response = client_of(request.getfixturevalue(persona)).get(
        reverse("deliberations:pdf_telecharger", args=[version.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="deliberation-2026-007-v3.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["partenaire_caf", "regisseur"])
def test_partners_and_regisseurs_cannot_download(persona, request, client_of):
    version = VersionPdfFactory()

    response = client_of(request.getfixturevalue(persona)).get(
        reverse("deliberations:pdf_telecharger", args=[version.pk])
    )

    assert response.status_code == 403


def test_an_unknown_version_is_404(agent, client_of):
    assert client_of(agent).get(reverse("deliberations:pdf_telecharger", args=[999999])).status_code == 404
