"""Accessibility and tablet layout of the main pages (issue 11), on the demo data (seed_demo).

For each app, its list page, one of its objects and one of its forms, as the team (agent) and as the
read-only roles (élu, and the CAF partner where the page is open to it):

- axe-core (vendored in static/vendor, injected by the test only, never linked from a page) finds no
  violation of impact "serious" or "critical";
- at 768 px (a tablet held upright) no page is wider than the window; screenshots at 1366 px and 768 px
  are saved under var/captures/ (git-ignored) for a human to look at.

`pytest -s tests/e2e/test_accessibilite.py` prints a summary table: page, width at 768 px, axe count.
"""

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.urls import reverse
from playwright.sync_api import expect

from centres.models import Centre
from comptes.models import Role, User
from conventions.models import Convention
from deliberations.models import Deliberation
from pilotage.models import SituationVeille
from subventions.models import DemandeSubvention

from ..factories import CentreFactory, UserFactory
from .outils import MOT_DE_PASSE, connexion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core-4.10.3.min.js"
CAPTURES = Path(settings.BASE_DIR) / "var" / "captures"
GRAVES = ("serious", "critical")
TABLETTE, BUREAU = 768, 1366

EQUIPE = {"agent"}
LECTURE = {"agent", "elu"}  # the team and the élus read it, partners do not
TOUS = {"agent", "elu", "caf"}
VEILLE = {"agent", "caf"}  # the Cellule de veille's files: the team and the partners in their scope


@dataclass(frozen=True)
class Ecran:
    nom: str
    url: str
    lecteurs: frozenset


def _ecrans(demo):
    """The set of pages: list, object, form of each app, the home page, premises and documents."""
    centre, convention, demande, deliberation, dossier_veille = demo
    return [
        Ecran("accueil", reverse("accueil"), TOUS),
        Ecran("tableau-de-bord", reverse("pilotage:tableau_de_bord"), LECTURE),
        Ecran("rapport-annuel", reverse("pilotage:rapport"), LECTURE),
        Ecran("centres", reverse("centres:liste"), TOUS),
        Ecran("centre", centre.get_absolute_url(), TOUS),
        Ecran("centre-modifier", reverse("centres:modifier", args=[centre.pk]), EQUIPE),
        Ecran("conventions", reverse("conventions:liste"), TOUS),
        Ecran("convention", convention.get_absolute_url(), TOUS),
        Ecran("convention-modifier", reverse("conventions:modifier", args=[convention.pk]), EQUIPE),
        Ecran("subventions", reverse("subventions:liste"), LECTURE),
        Ecran("subvention", demande.get_absolute_url(), LECTURE),
        Ecran("subvention-nouvelle", reverse("subventions:creer"), EQUIPE),
        Ecran("deliberations", reverse("deliberations:liste"), LECTURE),
        Ecran("deliberation", deliberation.get_absolute_url(), LECTURE),
        Ecran("deliberation-nouvelle", reverse("deliberations:creer"), EQUIPE),
        Ecran("locaux", reverse("centres:local_liste"), LECTURE),
        Ecran("documents", reverse("centres:document_liste"), TOUS),
        # The two charts drawn, beside their tables; with a centre chosen, its evolution too.
        Ecran("comparaisons", f"{reverse('pilotage:comparaisons')}?centre={centre.pk}", TOUS),
        # The Cellule de veille: the team's overview, the files (the CAF reads those its meetings examined).
        Ecran("veille", reverse("pilotage:veille"), EQUIPE),
        Ecran("veille-dossiers", reverse("pilotage:veille_dossiers"), VEILLE),
        Ecran("veille-dossier", dossier_veille.get_absolute_url(), VEILLE),
        Ecran("veille-plan", reverse("pilotage:veille_plan", args=[dossier_veille.pk]), EQUIPE),
    ]


@pytest.fixture
def demo(settings):
    """The demo data, with the test password on the demo accounts; one object of each kind that the
    CAF partner may see too where it sees that kind."""
    call_command("seed_demo", "--force", verbosity=0, stdout=io.StringIO())
    for user in User.objects.filter(username__in=TOUS):
        user.set_password(MOT_DE_PASSE)
        user.save(update_fields=["password"])
    caf = User.objects.get(username="caf")
    assert caf.role == Role.PARTENAIRE
    centre = Centre.objects.visibles_par(caf).order_by("pk").first()
    convention = Convention.objects.visibles_par(caf).order_by("pk").first()
    demande = DemandeSubvention.objects.order_by("pk").first()
    deliberation = Deliberation.objects.order_by("pk").first()
    dossier_veille = SituationVeille.objects.visibles_par(caf).order_by("pk").first()
    assert None not in (centre, convention, demande, deliberation, dossier_veille)
    return centre, convention, demande, deliberation, dossier_veille


def _axe(page, zone=None, contraste=True):
    """axe-core's violations of impact serious or critical on the page as it is now, or in its `zone` (a CSS
    selector). Without `contraste`, not the colour contrast rule (three quarters of axe's time; the colours
    are the same at every width)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # By its URL, not inlined: the Content-Security-Policy refuses inline scripts.
        page.add_script_tag(url=static(f"vendor/{AXE.name}"))
    options = {"resultTypes": ["violations"], "rules": {"color-contrast": {"enabled": contraste}}}
    resultats = page.evaluate(
        "async ([zone, options]) => (await axe.run(zone || document, options)).violations", [zone, options]
    )
    return [v for v in resultats if v["impact"] in GRAVES]


def _entetes_sans_scope(page, nom):
    """Table headers without their scope (col or row): a screen reader would not tie the cells to them."""
    nombre = page.locator("main th:not([scope])").count()
    return [f"{nom}: {nombre} en-tête(s) de tableau <th> sans attribut scope"] if nombre else []


def _decrire(nom, violations):
    lignes = []
    for v in violations:
        lignes.append(f"{nom}: {v['id']} ({v['impact']}) — {v['help']}")
        for noeud in v["nodes"][:10]:
            lignes.append(
                f"    {' '.join(map(str, noeud['target']))}: {noeud.get('failureSummary', '').splitlines()[-1:]}"
            )
        if len(v["nodes"]) > 10:
            lignes.append(f"    … et {len(v['nodes']) - 10} autres éléments")
    return lignes


def _visiter(page, url):
    reponse = page.goto(url)
    assert reponse.status == 200, f"{url}: HTTP {reponse.status}"
    page.wait_for_load_state("load")


def _onglets(page):
    """The tabs of the centre page, as links to the page itself (?onglet=…)."""
    return page.locator("a[href^='?onglet=']").evaluate_all("liens => liens.map(a => a.getAttribute('href'))")


def _tableau(titre, lignes):
    largeurs = [max(len(str(cellule)) for cellule in colonne) for colonne in zip(titre, *lignes, strict=True)]
    ligne = "  ".join(f"{{:<{n}}}" for n in largeurs)
    print("\n" + ligne.format(*titre))
    for cellules in lignes:
        print(ligne.format(*cellules))


def _parcourir(page, demo, role):
    """Go to each page of the set that `role` may read, the centre's tabs included (each as the page
    its link leads to without htmx); yield (name, url, zone) once each is loaded, the zone to check being
    the tab's content only on a tab (the rest is the centre page's, checked with it), else the page."""
    for ecran in _ecrans(demo):
        if role not in ecran.lecteurs:
            continue
        _visiter(page, ecran.url)
        onglets = _onglets(page) if ecran.nom == "centre" else []
        yield ecran.nom, ecran.url, None
        for href in onglets:
            if href != "?onglet=identite":
                _visiter(page, ecran.url + href)
                yield f"centre-{href.removeprefix('?onglet=')}", ecran.url + href, "#onglet"


def test_axe_finds_no_serious_or_critical_violation_for_the_read_only_roles(page, demo, browser_problems):
    """The élu, then the CAF partner (one set of demo data for both: seeding it takes seconds)."""
    page.set_viewport_size({"width": BUREAU, "height": 900})
    echecs, resume = [], []
    for role in ("elu", "caf"):
        page.context.clear_cookies()
        connexion(page, role)
        for nom, _url, zone in _parcourir(page, demo, role):
            # On a tab, not the contrast: the same markup as the agent's, whose colours are checked.
            violations = _axe(page, zone, contraste=zone is None)
            resume.append((role, nom, len(violations), " ".join(v["id"] for v in violations)))
            echecs += _decrire(f"{nom} ({role})", violations) + _entetes_sans_scope(page, f"{nom} ({role})")
    _tableau(("rôle", f"page à {BUREAU} px", "axe graves", "règles"), resume)
    assert not echecs, "\n".join(["axe-core : violations « serious » ou « critical »", *echecs])
    assert browser_problems == []


def _tables_qui_defilent(page):
    """The tables wider than their .table-responsive card: "content/card" widths in px."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.table-responsive')]
            .filter(d => d.scrollWidth > d.clientWidth)
            .map(d => `${d.scrollWidth}/${d.clientWidth}`)
            .join(' ')"""
    )


def _le_menu_se_replie_sous_992px(page):
    """At 768 px the navigation folds behind its toggler, which opens it (Bootstrap's collapse)."""
    navigation = page.get_by_role("navigation", name="Navigation principale")
    bouton = navigation.get_by_role("button", name="Afficher ou masquer le menu")
    centres = navigation.get_by_role("link", name="Centres", exact=True)
    page.set_viewport_size({"width": BUREAU, "height": 900})
    expect(bouton).to_be_hidden()
    expect(centres).to_be_visible()
    page.set_viewport_size({"width": TABLETTE, "height": 1024})
    expect(centres).to_be_hidden()
    bouton.click()
    expect(centres).to_be_visible()
    expect(bouton).to_have_attribute("aria-expanded", "true")


def test_agent_pages_pass_axe_and_fit_a_768px_tablet_and_are_captured(page, demo, browser_problems):
    """Each page as the agent at 1366 px then, resized, at 768 px: axe at both widths, no page wider
    than the window at 768 px, a full-page screenshot at both widths in var/captures/."""
    CAPTURES.mkdir(parents=True, exist_ok=True)
    connexion(page, "agent")
    _le_menu_se_replie_sous_992px(page)
    resume, echecs, trop_larges = [], [], []
    page.set_viewport_size({"width": BUREAU, "height": 900})
    for nom, url, zone in _parcourir(page, demo, "agent"):
        bureau = _axe(page, zone)
        page.screenshot(path=CAPTURES / f"{nom}-{BUREAU}.jpeg", full_page=True, quality=85)
        page.set_viewport_size({"width": TABLETTE, "height": 1024})
        largeur, fenetre = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        tablette, defilants = _axe(page, zone, contraste=False), _tables_qui_defilent(page)
        page.screenshot(path=CAPTURES / f"{nom}-{TABLETTE}.jpeg", full_page=True, quality=85)
        page.set_viewport_size({"width": BUREAU, "height": 900})  # for the next page
        resume.append((nom, largeur, len(bureau), len(tablette), defilants))
        echecs += _decrire(f"{nom} à {BUREAU} px", bureau) + _decrire(f"{nom} à {TABLETTE} px", tablette)
        echecs += _entetes_sans_scope(page, nom)
        if largeur > fenetre:
            trop_larges.append(f"{nom} ({url}) : {largeur} px de large pour une fenêtre de {fenetre} px")
    _tableau(
        (
            "page (agent)",
            f"largeur à {TABLETTE} px",
            f"axe graves à {BUREAU}",
            f"à {TABLETTE} (sans contraste)",
            f"tableaux défilants à {TABLETTE} (contenu/carte)",
        ),
        resume,
    )
    assert not trop_larges, "\n".join(["Pages plus larges que la fenêtre d'une tablette :", *trop_larges])
    assert not echecs, "\n".join(["axe-core : violations « serious » ou « critical »", *echecs])
    assert browser_problems == []


@pytest.mark.django_db(transaction=False)
def test_the_style_sheet_never_removes_the_focus_outline():
    """Keyboard users see where they are: no `outline: none` or `outline: 0` in the project's CSS."""
    for feuille in (Path(settings.BASE_DIR) / "static" / "css").glob("*.css"):
        texte = re.sub(r"\s+", "", feuille.read_text())
        assert "outline:none" not in texte and "outline:0" not in texte, feuille.name


def test_the_centre_tabs_are_links_whose_current_one_follows_an_htmx_click(page, browser_problems):
    """The centre page's sections are plain links in a navigation, the current one aria-current="page";
    a tab loaded by htmx moves that mark (the tab bar comes back out of band)."""
    UserFactory(username="agent", role=Role.AGENT, first_name="Aïcha")
    centre = CentreFactory(nom="Centre social de l'Alma")
    connexion(page, "agent", "Aïcha")
    page.goto(centre.get_absolute_url())
    rubriques = page.get_by_role("navigation", name="Rubriques de la fiche")
    expect(rubriques.get_by_role("link", name="Identité")).to_have_attribute("aria-current", "page")
    rubriques.get_by_role("link", name="Contacts").click()
    expect(page).to_have_url(re.compile(r"\?onglet=contacts$"))
    expect(rubriques.get_by_role("link", name="Contacts")).to_have_attribute("aria-current", "page")
    expect(rubriques.get_by_role("link", name="Contacts")).to_have_class(re.compile(r"\bactive\b"))
    expect(rubriques.get_by_role("link", name="Identité")).not_to_have_attribute("aria-current", "page")
    expect(page.locator("[aria-current=page]")).to_have_count(2)  # the tab, and the breadcrumb's last step
    assert browser_problems == []
