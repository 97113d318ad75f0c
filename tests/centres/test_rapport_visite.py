"""The visit report PDF: rendered by a Celery task (eager without a broker), versions, status, download."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from centres import services
from centres.models import GenerationRapport, VersionRapport
from roubaix_cs.sources_legales import CASF_TAUX_ENCADREMENT

from ..factories import ActionSuiviFactory, CentreFactory, VersionRapportFactory, VisiteFactory

pytestmark = pytest.mark.django_db


def octets(version):
    with version.fichier.open("rb") as fichier:
        return fichier.read()


@pytest.fixture
def generer(django_capture_on_commit_callbacks):
    """Ask for the report and run the queued task (eager: no broker in tests)."""

    def lancer(visite, par):
        with django_capture_on_commit_callbacks(execute=True):
            generation = services.demander_rapport(visite=visite, par=par)
        generation.refresh_from_db()
        return generation

    return lancer


def test_the_task_renders_the_report_with_the_check_and_stores_a_version(agent, generer):
    centre = CentreFactory(nom="Centre social de l'Épeule", nom_court="CS Épeule")
    visite = VisiteFactory(centre=centre, sous_encadree=True, pai=False, observations="Registre incomplet.")
    ActionSuiviFactory(visite=visite, libelle="Recruter un animateur qualifié")

    generation = generer(visite, agent)

    assert (generation.statut, generation.tentatives) == (GenerationRapport.Statut.TERMINEE, 1)
    version = generation.version
    assert (version.visite, version.numero, version.generee_par) == (visite, 1, agent)
    reader = PdfReader(io.BytesIO(octets(version)))
    assert len(reader.pages) <= 2
    texte = " ".join(" ".join(page.extract_text().split()) for page in reader.pages).replace("\u00a0", " ")
    assert "Centre social de l'Épeule" in texte
    assert "Non conforme" in texte
    motif = f"Encadrement insuffisant : 3 présent(s) pour 4 requis (taux d'encadrement, {CASF_TAUX_ENCADREMENT})."
    assert motif in texte
    assert "16 de moins de 6 ans" in texte
    assert "Recruter un animateur qualifié" in texte
    assert "Registre incomplet." in texte


def test_each_generation_is_a_new_version_and_a_rerun_makes_none(agent, responsable, generer):
    visite = VisiteFactory()
    premiere = generer(visite, agent)
    seconde = generer(visite, responsable)

    services.generer_rapport(seconde.pk)  # a redelivered task

    assert [(v.numero, v.generee_par) for v in visite.rapports.all()] == [(2, responsable), (1, agent)]
    assert premiere.version.fichier.name != seconde.version.fichier.name


def test_with_a_broker_the_request_only_queues_the_job(
    client_of, agent, monkeypatch, django_capture_on_commit_callbacks
):
    visite = VisiteFactory()
    queued, rendus = [], []
    monkeypatch.setattr("centres.tasks.generer_rapport.delay", queued.append)
    monkeypatch.setattr(services, "render_pdf", lambda *a, **k: rendus.append(a) or b"%PDF")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(agent).post(reverse("centres:visite_rapport_generer", args=[visite.pk]))

    assert response.status_code == 302 and response.url == visite.get_absolute_url()
    generation = visite.generations.get()
    assert queued == [generation.pk]
    assert rendus == []
    assert (generation.statut, generation.demandee_par) == (GenerationRapport.Statut.EN_ATTENTE, agent)
    assert not VersionRapport.objects.exists()


def test_with_htmx_the_button_returns_the_polling_panel(client_of, agent, monkeypatch):
    visite = VisiteFactory()
    monkeypatch.setattr("centres.tasks.generer_rapport.delay", lambda pk: None)

    response = client_of(agent).post(
        reverse("centres:visite_rapport_generer", args=[visite.pk]), headers={"HX-Request": "true"}
    )

    contenu = response.content.decode()
    assert 'id="rapport-visite"' in contenu
    assert "En attente" in contenu
    assert 'hx-trigger="every 2s"' in contenu


def test_the_status_polls_while_running_and_links_the_version_when_done(client_of, elu, agent):
    visite = VisiteFactory()
    generation = GenerationRapport.objects.create(
        visite=visite, demandee_par=agent, statut=GenerationRapport.Statut.EN_COURS
    )
    url = reverse("centres:visite_rapport_statut", args=[visite.pk])

    en_cours = client_of(elu).get(url).content.decode()
    assert "En cours" in en_cours
    assert f'hx-get="{url}"' in en_cours

    services.generer_rapport(generation.pk)
    fini = client_of(elu).get(url).content.decode()
    assert "Terminée" in fini
    assert "hx-trigger" not in fini
    assert reverse("centres:visite_rapport_telecharger", args=[visite.rapports.get().pk]) in fini
    assert "Générer" not in fini  # élus read, the team generates


def test_a_failure_shows_its_french_message_and_a_retry_button(client_of, agent, generer, monkeypatch):
    def casse(*args, **kwargs):
        raise ValueError("Ressource externe refusée dans un PDF : file:///etc/passwd")

    monkeypatch.setattr(services, "render_pdf", casse)
    visite = VisiteFactory()
    generation = generer(visite, agent)

    assert generation.statut == GenerationRapport.Statut.ECHEC
    assert not visite.rapports.exists()
    page = client_of(agent).get(visite.get_absolute_url()).content.decode()
    assert "La génération a échoué : ValueError : Ressource externe refusée dans un PDF" in page
    assert "Relancer" in page


def test_a_transient_error_is_retried_then_succeeds(agent, generer, monkeypatch):
    vraie, appels = services.render_pdf, []

    def instable(*args, **kwargs):
        appels.append(1)
        if len(appels) == 1:
            raise OSError("disque momentanément plein")
        return vraie(*args, **kwargs)

    monkeypatch.setattr(services, "render_pdf", instable)
    generation = generer(VisiteFactory(), agent)

    assert (generation.statut, generation.tentatives, len(appels)) == (GenerationRapport.Statut.TERMINEE, 2, 2)


@pytest.mark.parametrize("persona", ["responsable", "agent", "elu"])
def test_the_team_and_elus_download_a_version(persona, request, client_of):
    version = VersionRapportFactory(visite__centre__nom_court="CS Épeule", numero=3)

    response = client_of(request.getfixturevalue(persona)).get(
        reverse("centres:visite_rapport_telecharger", args=[version.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="visite-cs-epeule-2026-07-15-v3.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["partenaire_caf", "regisseur"])
def test_partners_and_regisseurs_cannot_download(persona, request, client_of, centre_caf):
    version = VersionRapportFactory(visite__centre=centre_caf)

    for url in (
        reverse("centres:visite_rapport_telecharger", args=[version.pk]),
        reverse("centres:visite_pdf", args=[version.visite_id]),
        reverse("centres:visite_rapport_statut", args=[version.visite_id]),
    ):
        assert client_of(request.getfixturevalue(persona)).get(url).status_code == 403, url


def test_the_former_address_gives_the_latest_version_or_the_visit_page(client_of, agent):
    visite = VisiteFactory()
    sans = client_of(agent).get(reverse("centres:visite_pdf", args=[visite.pk]))
    assert sans.status_code == 302 and sans.url == visite.get_absolute_url()

    VersionRapportFactory(visite=visite, numero=1)
    VersionRapportFactory(visite=visite, numero=2)
    response = client_of(agent).get(reverse("centres:visite_pdf", args=[visite.pk]))
    assert response.status_code == 200
    assert "-v2.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
