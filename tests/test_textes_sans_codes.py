"""No internal rule code (SUB-3, DEL-4, LOC-2…) reaches a user: users read the rule and its source in words.

Two guards: the source (the apps' string constants that are not docstrings, and every template with
its Django comments left out), and the pages each role actually reads on the demo data.
"""

import ast
import re
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from comptes.models import User

RACINE = Path(__file__).resolve().parent.parent
APPS = ("roubaix_cs", "comptes", "centres", "conventions", "subventions", "deliberations", "pilotage")
CODE = re.compile(r"\b(?:SUB|DEL|AVS|LOC|CPO|ACM|OD|SEN|CV)-\d+\b")
COMMENTAIRES_DJANGO = re.compile(r"\{#.*?#\}|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.S)


# --- The source ------------------------------------------------------------------------------------


def _docstrings(arbre):
    """The string constants that are docstrings: first statement of a module, class or function."""
    noeuds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(noeud.body[0].value)
        for noeud in ast.walk(arbre)
        if isinstance(noeud, noeuds)
        and noeud.body
        and isinstance(noeud.body[0], ast.Expr)
        and isinstance(noeud.body[0].value, ast.Constant)
        and isinstance(noeud.body[0].value.value, str)
    }


def codes_du_source(texte, nom):
    """`nom:ligne: code « chaîne »` for each string constant of this Python source that shows a rule code."""
    arbre = ast.parse(texte, filename=nom)
    docstrings = _docstrings(arbre)
    return [
        f"{nom}:{noeud.lineno}: {CODE.search(noeud.value).group()} in {noeud.value[:100]!r}"
        for noeud in ast.walk(arbre)
        if isinstance(noeud, ast.Constant)
        and isinstance(noeud.value, str)
        and id(noeud) not in docstrings
        and CODE.search(noeud.value)
    ]


def codes_du_gabarit(texte, nom):
    """`nom:ligne: code` for each line of this template that shows a rule code outside Django comments."""
    # A comment is replaced by its own line breaks, so that the lines after it keep their number.
    visible = COMMENTAIRES_DJANGO.sub(lambda m: "\n" * m.group().count("\n"), texte)
    return [
        f"{nom}:{numero}: {', '.join(CODE.findall(ligne))} in {ligne.strip()[:100]!r}"
        for numero, ligne in enumerate(visible.splitlines(), 1)
        if CODE.search(ligne)
    ]


def _sources():
    for app in APPS:
        for chemin in sorted((RACINE / app).rglob("*.py")):
            if "migrations" not in chemin.relative_to(RACINE).parts:
                yield chemin


def _gabarits():
    return sorted(chemin for chemin in (RACINE / "templates").rglob("*") if chemin.is_file())


def test_no_string_of_the_apps_shows_a_rule_code():
    fautes = [
        faute
        for chemin in _sources()
        for faute in codes_du_source(chemin.read_text(encoding="utf-8"), chemin.relative_to(RACINE))
    ]
    assert not fautes, "Rule codes shown to users:\n" + "\n".join(fautes)


def test_no_template_shows_a_rule_code():
    gabarits = _gabarits()
    assert any(chemin.suffix == ".html" for chemin in gabarits)
    assert any("pdf" in chemin.relative_to(RACINE).parts for chemin in gabarits)  # the PDF templates too
    fautes = [
        faute
        for chemin in gabarits
        for faute in codes_du_gabarit(chemin.read_text(encoding="utf-8"), chemin.relative_to(RACINE))
    ]
    assert not fautes, "Rule codes shown to users:\n" + "\n".join(fautes)


def test_the_source_check_catches_a_code_outside_docstrings_and_comments():
    source = '''"""Module docstring naming SUB-3: allowed."""


def f():
    """SUB-14 in a docstring: allowed."""
    # DEL-4 in a comment: allowed.
    raise ValueError(
        "Aucun versement avant que la délibération soit exécutoire (SUB-1, SUB-14)."
    )


LIBELLE = f"Seuil de {23000} € (SUB-3)"
ACRONYME = "CV-1234X, SUBVENTION-3, ISUB-3"
'''
    assert sorted(codes_du_source(source, "exemple.py"), key=lambda faute: int(faute.split(":")[1])) == [
        "exemple.py:8: SUB-1 in 'Aucun versement avant que la délibération soit exécutoire (SUB-1, SUB-14).'",
        "exemple.py:12: SUB-3 in ' € (SUB-3)'",
    ]


def test_the_template_check_catches_a_code_outside_django_comments():
    gabarit = """{# LOC-2: allowed #}
{% comment %}
  CPO-4: allowed,
  on several lines.
{% endcomment %}
<h2>Aide annuelle (SUB-3)</h2>
<p title="Une évaluation est requise (CPO-4)">{# DEL-6 #}Renouveler</p>
"""
    assert codes_du_gabarit(gabarit, "exemple.html") == [
        "exemple.html:6: SUB-3 in '<h2>Aide annuelle (SUB-3)</h2>'",
        "exemple.html:7: CPO-4 in '<p title=\"Une évaluation est requise (CPO-4)\">Renouveler</p>'",
    ]


# --- The pages each role reads ---------------------------------------------------------------------

# The demo accounts (`seed_demo`): the service's three roles, an élu and a partner.
COMPTES = ("responsable", "agent", "regisseur", "elu", "caf")
PAGES_MAX = 400
# Pages crawled for one shape of URL (its numbers left out): the page of every object of the demo
# (`/centres/7/`), but an object's forms (`/centres/7/modifier/`), a list's filters, sorting and pages,
# a centre's tabs or the budget of each year, a few times only.
PAR_OBJET = 60
PAR_VARIANTE = 4
PAGE_D_OBJET = re.compile(r"^(/[a-z-]+)+/N/$")
ANNEE = re.compile(r"/(19|20)\d\d/")
# Downloads, exports, PDFs and the logout: not HTML pages to read, or a way out of the session.
HORS_CRAWL = re.compile(r"\.(csv|xlsx|pdf)$|/export|/telecharger/|/pdf/|/deconnexion/|^/admin/|^/media/|^/static/")


class _Liens(HTMLParser):
    """The links and the GET forms of a page (the form with its fields' default values)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.liens, self.formulaires = [], []
        self._formulaire = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.liens.append(attrs["href"])
        elif tag == "form":
            get = (attrs.get("method") or "get").lower() == "get"
            self._formulaire = {"action": attrs.get("action") or "", "champs": []} if get else None
        elif self._formulaire is None:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("type", "text") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self._formulaire["champs"].append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], None]
        elif tag == "option" and self._select is not None and ("selected" in attrs or self._select[1] is None):
            self._select[1] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._formulaire is not None:
            self._formulaire["champs"].append((self._select[0], self._select[1] or ""))
            self._select = None
        elif tag == "form" and self._formulaire is not None:
            self.formulaires.append(self._formulaire)
            self._formulaire = None


def _sur_le_site(url, page):
    """The path and query of a same-site link of `page`, or None."""
    if url.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    morceaux = urlsplit(urljoin(page, url))
    if morceaux.scheme not in ("", "http") or morceaux.netloc not in ("", "testserver"):
        return None
    if HORS_CRAWL.search(morceaux.path):
        return None
    return morceaux.path + (f"?{morceaux.query}" if morceaux.query else "")


def _suivants(page, html):
    lecteur = _Liens()
    lecteur.feed(html)
    urls = list(lecteur.liens)
    for formulaire in lecteur.formulaires:
        action = formulaire["action"] or page.split("?")[0]
        champs = [(nom, valeur) for nom, valeur in formulaire["champs"] if nom != "csrfmiddlewaretoken"]
        urls.append(f"{action.split('?')[0]}?{urlencode(champs)}" if champs else action)
    return [url for url in (_sur_le_site(url, page) for url in urls) if url]


def parcourir(client):
    """Every page reachable from the home page, breadth-first: {url: (status, code found or None)}."""
    vus, gabarits = {}, Counter()
    file = deque(["/"])
    while file and len(vus) < PAGES_MAX:
        url = file.popleft()
        if url in vus:
            continue
        gabarit = re.sub(r"\d+", "N", url)
        objet = PAGE_D_OBJET.match(gabarit) and not ANNEE.search(url)
        if gabarits[gabarit] >= (PAR_OBJET if objet else PAR_VARIANTE):
            continue
        gabarits[gabarit] += 1
        response = client.get(url)
        if response.status_code == 302:
            cible = _sur_le_site(response["Location"], url)
            vus[url] = (302 if cible else "302 hors du site", None)
            if cible:
                file.append(cible)
            continue
        html = ""
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            file.extend(_suivants(url, html))
        trouve = CODE.search(html)
        contexte = " ".join(html[max(trouve.start() - 80, 0) : trouve.end() + 40].split()) if trouve else ""
        vus[url] = (response.status_code, f"{trouve.group()} in …{contexte}…" if trouve else None)
    return vus


@pytest.mark.django_db
@pytest.mark.parametrize("compte", COMPTES)
def test_no_page_a_role_reads_shows_a_rule_code(client, demo, compte):
    client.force_login(User.objects.get(username=compte))
    pages = parcourir(client)
    assert len(pages) > 40, pages  # the crawl did reach the pages of the role
    codes = {url: code for url, (_, code) in pages.items() if code}
    assert not codes, f"{compte}: rule codes shown:\n" + "\n".join(f"{url}: {code}" for url, code in codes.items())
    refus = {url: statut for url, (statut, _) in pages.items() if statut not in (200, 302)}
    assert not refus, f"{compte}: links to pages that do not answer:\n" + "\n".join(
        f"{url}: {statut}" for url, statut in refus.items()
    )


class _Reponse:
    def __init__(self, status_code, content="", location=None):
        self.status_code, self.content = status_code, content.encode()
        self.entetes = {"Content-Type": "text/html; charset=utf-8", "Location": location}

    def __getitem__(self, nom):
        return self.entetes[nom]


class _ClientFactice:
    """Pages of a tiny site, and the URLs asked for."""

    PAGES = {
        "/": _Reponse(
            200,
            '<a href="/centres/">Centres</a> <a href="/centres/export.csv">CSV</a> <a href="/f.pdf" download>PDF</a>'
            ' <a href="https://ailleurs.example/">Ailleurs</a> <a href="#contenu">Aller au contenu</a>'
            '<form method="get" action="/centres/"><input name="q" value="">'
            '<select name="statut"><option value="">Tous</option><option value="actif" selected>Actif</option>'
            '</select><button type="submit">Filtrer</button></form>'
            '<form method="post" action="/centres/1/supprimer/"><button>Supprimer</button></form>',
        ),
        "/centres/": _Reponse(200, '<a href="/centres/1/#onglets">Alma</a> <a href="/ancienne/">Ancienne</a>'),
        "/centres/?q=&statut=actif": _Reponse(200, "<p>Centres actifs</p>"),
        "/centres/1/": _Reponse(200, "<h2>Aide annuelle\n  de la Ville (SUB-3)</h2>"),
        "/ancienne/": _Reponse(302, location="/centres/1/"),
    }

    def __init__(self):
        self.demandes = []

    def get(self, url):
        self.demandes.append(url)
        return self.PAGES.get(url, _Reponse(404))


def test_the_crawl_follows_links_and_get_forms_and_reports_the_url_and_the_code():
    client = _ClientFactice()
    pages = parcourir(client)
    assert sorted(client.demandes) == sorted(_ClientFactice.PAGES)  # no export, download, POST or other site
    assert pages == {
        "/": (200, None),
        "/centres/": (200, None),
        "/centres/?q=&statut=actif": (200, None),
        "/ancienne/": (302, None),
        "/centres/1/": (200, "SUB-3 in …<h2>Aide annuelle de la Ville (SUB-3)</h2>…"),
    }
