"""The Content-Security-Policy in a real browser (issue 12): the main pages, on the demo data, raise no
violation — no inline script or style of ours, of htmx or of Bootstrap is refused.

Each page is watched two ways: the `securitypolicyviolation` events of the document (listened for by
a script Playwright adds to every page before the page's own) and the console, where Chromium writes
« Refused to … because it violates the following Content Security Policy directive ».
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from centres.models import Centre
from comptes.models import User
from conventions.models import Convention
from deliberations.models import Deliberation
from subventions.models import DemandeSubvention

from .outils import MOT_DE_PASSE, connexion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ECOUTE = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    `${e.violatedDirective} refusé : ${e.blockedURI || 'inline'} `
    + `(${e.sourceFile || document.location.pathname}:${e.lineNumber})`
));
"""


@pytest.fixture
def demo():
    call_command("seed_demo", "--force", verbosity=0, stdout=io.StringIO())
    agent = User.objects.get(username="agent")
    agent.set_password(MOT_DE_PASSE)
    agent.save(update_fields=["password"])
    return {
        "centre": Centre.objects.order_by("pk").first(),
        "convention": Convention.objects.order_by("pk").first(),
        "demande": DemandeSubvention.objects.order_by("pk").first(),
        "deliberation": Deliberation.objects.order_by("pk").first(),
    }


@pytest.fixture
def violations(page):
    """The CSP violations of the pages visited: read from each document, and from the console."""
    trouvees = []
    page.add_init_script(ECOUTE)

    def console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            trouvees.append(f"console : {message.text}")

    page.on("console", console)
    return trouvees


def _relever(page, trouvees, nom):
    trouvees += [f"{nom} : {v}" for v in page.evaluate("window.__violations || []")]


def _visiter(page, trouvees, nom, url):
    reponse = page.goto(url)
    assert reponse.status == 200, f"{url}: HTTP {reponse.status}"
    assert "default-src 'self'" in reponse.headers.get("content-security-policy", ""), url
    page.wait_for_load_state("load")
    _relever(page, trouvees, nom)


def test_the_main_pages_raise_no_content_security_policy_violation(page, demo, violations, browser_problems):
    visitees = []
    for nom, url in (
        ("connexion", reverse("comptes:login")),
        ("mot de passe oublié", reverse("comptes:password_reset")),
    ):
        _visiter(page, violations, nom, url)
        visitees.append(nom)

    connexion(page, "agent")
    _relever(page, violations, "accueil")
    visitees.append("accueil")
    menu = page.get_by_role("navigation", name="Navigation principale")
    listes = menu.locator("a.nav-link").evaluate_all(
        "liens => liens.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    assert len(listes) >= 8, listes
    for libelle, href in listes:
        _visiter(page, violations, f"liste {libelle}", href)
        visitees.append(libelle)

    objets = [
        ("centre", demo["centre"].get_absolute_url()),
        ("subvention", demo["demande"].get_absolute_url()),
        ("convention", demo["convention"].get_absolute_url()),
        ("délibération", demo["deliberation"].get_absolute_url()),
        ("formulaire centre", reverse("centres:modifier", args=[demo["centre"].pk])),
        ("formulaire subvention", reverse("subventions:creer")),
        ("formulaire délibération", reverse("deliberations:creer")),
    ]
    for nom, url in objets:
        _visiter(page, violations, nom, url)
        visitees.append(nom)

    # htmx at work: a tab of the centre page loaded and swapped in, then Bootstrap's folding menu.
    page.goto(demo["centre"].get_absolute_url())
    rubriques = page.get_by_role("navigation", name="Rubriques de la fiche")
    rubriques.get_by_role("link", name="Contacts").click()
    expect(rubriques.get_by_role("link", name="Contacts")).to_have_attribute("aria-current", "page")
    page.set_viewport_size({"width": 768, "height": 1024})
    page.get_by_role("button", name="Afficher ou masquer le menu").click()
    expect(menu.get_by_role("link", name="Centres", exact=True)).to_be_visible()
    _relever(page, violations, "onglet htmx et menu replié")

    assert violations == [], "\n".join(["Violations de la Content-Security-Policy :", *violations])
    assert browser_problems == []
    print(f"\n{len(visitees)} pages sans violation : {', '.join(visitees)}")


def test_the_policy_refuses_an_inline_style_and_script_and_the_watch_sees_it(page, violations):
    """The watch of the test above works, and the policy is enforced: an inline style attribute and an
    inline script put into a page are refused, and reported."""
    _visiter(page, violations, "connexion", reverse("comptes:login"))
    page.evaluate(
        """() => {
            document.body.insertAdjacentHTML('beforeend', '<p style="color: red">injecté</p>');
            const script = document.createElement('script');
            script.textContent = 'window.__execute = true';
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)
    _relever(page, violations, "connexion")
    assert page.evaluate("window.__execute === undefined")
    assert any("style-src" in v for v in violations), violations
    assert any("script-src" in v for v in violations), violations
