"""`make run`'s mode on a real server: plain http on 127.0.0.1, the demo seeded, static files served,
a demo account logs in, and errors are the product's French pages, not Django's technical ones."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def serveur(tmp_path_factory):
    """What `make run` does (migrate, seed_demo --si-vide, runserver), on a database of its own."""
    dossier = tmp_path_factory.mktemp("make_run")
    garder = {"PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV"}
    env = {k: v for k, v in os.environ.items() if k in garder} | {
        "DEBUG": "1",  # the Makefile's default
        "DATABASE_URL": f"sqlite:///{dossier / 'db.sqlite3'}",
        "MEDIA_ROOT": str(dossier / "media"),
    }
    for commande in (["migrate", "--no-input"], ["seed_demo", "--si-vide"]):
        subprocess.run([sys.executable, "manage.py", *commande], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _port_libre()
    processus = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    adresse = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{adresse}/comptes/connexion/", timeout=1)  # noqa: S310 (local http)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        yield adresse
    finally:
        processus.terminate()
        processus.wait(timeout=10)


class _SansRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _navigateur():
    cookies = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), _SansRedirection()), cookies


def _get(ouvreur, url):
    try:
        reponse = ouvreur.open(url, timeout=10)
    except urllib.error.HTTPError as erreur:
        return erreur.code, erreur.headers, erreur.read().decode()
    return reponse.status, reponse.headers, reponse.read().decode()


def test_a_demo_account_logs_in_over_plain_http(serveur):
    ouvreur, cookies = _navigateur()
    statut, entetes, page = _get(ouvreur, f"{serveur}/comptes/connexion/")
    assert statut == 200  # no redirect to https
    assert "Strict-Transport-Security" not in entetes
    jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert all(not c.secure for c in cookies)  # cookies that a plain-http browser sends back
    donnees = urllib.parse.urlencode({"username": "agent", "password": "demo", "csrfmiddlewaretoken": jeton})
    requete = urllib.request.Request(  # noqa: S310 (the local http server)
        f"{serveur}/comptes/connexion/", data=donnees.encode(), headers={"Referer": f"{serveur}/comptes/connexion/"}
    )
    try:
        ouvreur.open(requete, timeout=10)
        pytest.fail("the login should redirect")
    except urllib.error.HTTPError as erreur:
        assert erreur.code == 302
        assert erreur.headers["Location"] == "/"
    statut, _, accueil = _get(ouvreur, f"{serveur}/")
    assert statut == 200
    assert "Bonjour" in accueil and "À faire" in accueil


def test_static_files_are_served(serveur):
    ouvreur, _ = _navigateur()
    statut, _, page = _get(ouvreur, f"{serveur}/comptes/connexion/")
    feuille = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
    statut, entetes, _ = _get(ouvreur, f"{serveur}{feuille}")
    assert statut == 200
    assert entetes["Content-Type"].startswith("text/css")


def test_an_unknown_page_is_the_product_s_french_404(serveur):
    ouvreur, _ = _navigateur()
    statut, _, page = _get(ouvreur, f"{serveur}/centres/999999/")
    assert statut in (302, 404)  # anonymous: the login page first
    statut, _, page = _get(ouvreur, f"{serveur}/cette-page-n-existe-pas/")
    assert statut == 404
    assert "Page introuvable" in page
    assert "URLconf" not in page and "Using the URLconf" not in page  # not Django's technical page
