"""Who does what on the Espace Linné's yearly evaluation: the responsable writes the texts, the service
(régisseurs and agents included) generates the PDF, the élus read the page and download the versions;
the partners get 403 everywhere."""

import datetime

import pytest
from django.urls import reverse

from linne.models import Evaluation, GenerationEvaluation

from ..factories import EvaluationLinneFactory, VersionEvaluationLinneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 12, 1, 9, 0))]
ANNEE = 2026


def _page(client):
    return client.get(reverse("linne:evaluation"), {"annee": ANNEE})


def _textes(client, bilan="Nouveau bilan.", version=1):
    return client.post(
        reverse("linne:evaluation_textes", args=[ANNEE]),
        {"bilan": bilan, "perspectives": "", "version_vue": version},
    )


def test_the_responsable_writes_the_texts_on_the_page(client_of, responsable):
    client = client_of(responsable)
    page = _page(client).content.decode()
    assert 'name="bilan"' in page
    assert "Évaluation annuelle" in page  # the Linné tab

    response = client.post(
        reverse("linne:evaluation_textes", args=[ANNEE]), {"bilan": "Premier bilan.", "perspectives": "À suivre."}
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(annee=ANNEE)
    assert (evaluation.bilan, evaluation.modifiee_par, evaluation.version) == ("Premier bilan.", responsable, 1)
    assert "Premier bilan." in _page(client).content.decode()


def test_an_elu_reads_and_downloads_but_cannot_edit_nor_generate(client_of, elu):
    EvaluationLinneFactory(annee=ANNEE, bilan="Une année de forte fréquentation.")
    version = VersionEvaluationLinneFactory(annee=ANNEE)
    client = client_of(elu)

    response = _page(client)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Une année de forte fréquentation." in page
    assert 'name="bilan"' not in page
    assert reverse("linne:evaluation_generer", args=[ANNEE]) not in page
    assert reverse("linne:evaluation_telecharger", args=[version.pk]) in page

    telechargement = client.get(reverse("linne:evaluation_telecharger", args=[version.pk]))
    assert telechargement.status_code == 200
    assert b"".join(telechargement.streaming_content).startswith(b"%PDF")
    assert _textes(client).status_code == 403
    assert client.post(reverse("linne:evaluation_generer", args=[ANNEE])).status_code == 403
    assert Evaluation.objects.get().bilan == "Une année de forte fréquentation."
    assert not GenerationEvaluation.objects.exists()


@pytest.mark.parametrize("persona", ["regisseur", "agent"])
def test_the_service_generates_the_pdf_but_cannot_edit_the_texts(client_of, request, persona, monkeypatch):
    monkeypatch.setattr("linne.tasks.generer_evaluation.delay", lambda pk: None)
    EvaluationLinneFactory(annee=ANNEE, bilan="Bilan de la responsable.")
    client = client_of(request.getfixturevalue(persona))

    page = _page(client).content.decode()
    assert 'name="bilan"' not in page
    assert "Bilan de la responsable." in page
    assert reverse("linne:evaluation_generer", args=[ANNEE]) in page

    assert _textes(client).status_code == 403
    response = client.post(reverse("linne:evaluation_generer", args=[ANNEE]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "En attente" in response.content.decode()
    assert GenerationEvaluation.objects.get().annee == ANNEE
    assert Evaluation.objects.get().bilan == "Bilan de la responsable."


def test_a_partner_gets_403_everywhere(client_of, partenaire_caf):
    version = VersionEvaluationLinneFactory(annee=ANNEE)
    client = client_of(partenaire_caf)
    assert _page(client).status_code == 403
    assert client.get(reverse("linne:evaluation_statut", args=[ANNEE])).status_code == 403
    assert client.get(reverse("linne:evaluation_telecharger", args=[version.pk])).status_code == 403
    assert _textes(client).status_code == 403
    assert client.post(reverse("linne:evaluation_generer", args=[ANNEE])).status_code == 403


def test_the_texts_page_shows_the_form_and_asks_for_the_review(client_of, responsable):
    client = client_of(responsable)
    page = client.get(reverse("linne:evaluation_textes", args=[ANNEE]))
    assert page.status_code == 200 and page.context["form"] is not None
    vide = client.post(reverse("linne:evaluation_textes", args=[ANNEE]), {"bilan": "", "perspectives": "Plus tard"})
    assert vide.status_code == 200 and "Écrivez le bilan de l&#x27;année." in vide.content.decode()
