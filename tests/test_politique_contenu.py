"""The Content-Security-Policy (issue 12): on every page, no inline script or style allowed, and none in
the templates (the browser test tests/e2e/test_politique_contenu.py checks the pages as rendered)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from roubaix_cs.politique_contenu import PolitiqueContenuMiddleware

from .factories import UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# WeasyPrint's PDFs are not pages served to a browser: their <style> stays.
PDF = TEMPLATES / "pdf"
EN_LIGNE = {
    "script inline": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "balise style": re.compile(r"<style\b", re.I),
    "attribut style": re.compile(r"\sstyle\s*=", re.I),
    "gestionnaire d'événement": re.compile(r"\son[a-z]+\s*=", re.I),
    "lien javascript:": re.compile(r"javascript:", re.I),
    "hx-on (eval)": re.compile(r"\shx-on", re.I),
}


def _politique(reponse):
    directives = (d.strip().split(" ", 1) for d in reponse["Content-Security-Policy"].split(";") if d.strip())
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("connecte", [False, True])
def test_every_page_carries_a_policy_without_unsafe_inline(client, connecte):
    if connecte:
        client.force_login(UserFactory())
    url = reverse("accueil") if connecte else reverse("comptes:login")
    reponse = client.get(url)
    assert reponse.status_code == 200
    politique = _politique(reponse)
    assert politique["default-src"] == "'self'"
    assert politique["script-src"] == "'self'"
    assert politique["style-src"] == "'self'"
    assert politique["object-src"] == "'none'"
    assert politique["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in reponse["Content-Security-Policy"]
    assert "unsafe-eval" not in reponse["Content-Security-Policy"]


@pytest.mark.django_db
def test_error_pages_carry_it_too(client):
    client.force_login(UserFactory())
    reponse = client.get("/nulle-part/")
    assert reponse.status_code == 404
    assert "default-src 'self'" in reponse["Content-Security-Policy"]


def test_a_pdf_is_left_to_the_browsers_viewer(rf):
    middleware = PolitiqueContenuMiddleware(lambda request: None)
    requete = rf.get("/")
    middleware.process_request(requete)
    assert "Content-Security-Policy" not in middleware.process_response(
        requete, HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    )
    assert "Content-Security-Policy" in middleware.process_response(
        requete, HttpResponse(b"a;b", content_type="text/csv")
    )


def test_no_template_served_to_a_browser_has_an_inline_script_or_style():
    trouves = []
    for gabarit in sorted(TEMPLATES.rglob("*.html")):
        if gabarit.is_relative_to(PDF):
            continue
        texte = gabarit.read_text()
        for nom, motif in EN_LIGNE.items():
            for trouve in motif.finditer(texte):
                ligne = texte.count("\n", 0, trouve.start()) + 1
                trouves.append(f"{gabarit.relative_to(TEMPLATES)}:{ligne}: {nom} « {trouve.group(0).strip()} »")
    assert trouves == []


def test_htmx_is_told_not_to_inject_its_indicator_style():
    base = (TEMPLATES / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base
    assert ".htmx-indicator" in (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
