"""Every page of the project at 1× and 100× the demo data, against the floor page.

    DEBUG=1 .venv/bin/python bench/run.py [--echelles 1 100] [--repetitions 15] [--garder]

For each scale, a fresh database (PostgreSQL when DATABASE_URL is set: one database per scale
named after it; else SQLite files in var/bench/) is migrated and seeded with `seed_demo --scale N`.
Then, in a process of its own, every page of tests/pages_demo.py (the URL × role matrix's pages,
as the staff and as each read-only role, each on the object with the most related rows) is opened
with Django's test client, warm: its queries are counted once, then its time is measured over
`--repetitions` requests, each right after a request of the floor page (bench/urls.py), so that
both see the same noise. One table is printed (page, queries at each scale, p50 and p95 at the
largest scale, p95 over the floor's p95, size) and written as JSON (bench/resultats.json) for
comparison between runs, with the daily alert job's time and queries at each scale (first run, then a
second run the same day). The deliberation PDF and the exports of 5 000 rows are measured by
bench/pdf_deliberation.py, bench/exports.py and bench/serie_linne.py, run at the end when present.

Goals (issue 13): every HTML page within 2.5× the floor's p95 and none above 5×; the same query
count at every scale. Measured, never asserted: the machine is noisy.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RACINE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
OBJECTIF, LIMITE = 2.5, 5.0  # the page's p95 over the floor's p95
SIRET_DE_DEMO = "21590512800017"  # the open-data file needs the city's SIRET (tests/pages_demo.py)


# --- Databases -------------------------------------------------------------------------------


def url_de_base(echelle):
    """The database of one scale: beside DATABASE_URL's on its PostgreSQL server, else a SQLite file."""
    principale = os.environ.get("DATABASE_URL", "")
    if principale.startswith("postgres"):
        morceaux = urlsplit(principale)
        base = (morceaux.path.lstrip("/") or "mcs").split("_bench_")[0]  # DATABASE_URL may name a bench base
        nom = f"{base}_bench_{echelle}"
        return urlunsplit(morceaux._replace(path="/" + nom))
    dossier = RACINE / "var" / "bench"
    dossier.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{dossier / f'echelle-{echelle}.sqlite3'}"


def recreer(url):
    """Drop and create the database of `url`."""
    morceaux = urlsplit(url)
    if morceaux.scheme == "sqlite":
        Path(morceaux.path).unlink(missing_ok=True)
        return
    import psycopg

    nom = morceaux.path.lstrip("/")
    maintenance = urlunsplit(morceaux._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(maintenance, autocommit=True) as connexion:
        connexion.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')
        connexion.execute(f'CREATE DATABASE "{nom}"')


def existe(url):
    morceaux = urlsplit(url)
    if morceaux.scheme == "sqlite":
        return Path(morceaux.path).exists()
    import psycopg

    maintenance = urlunsplit(morceaux._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(maintenance, autocommit=True) as connexion:
        trouve = connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", [morceaux.path.lstrip("/")])
        return trouve.fetchone() is not None


def _env(url):
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "CELERY_BROKER_URL": "", "VILLE_SIRET": SIRET_DE_DEMO}


MANAGE = [PYTHON, str(RACINE / "manage.py")]


def migrer(url):
    subprocess.run([*MANAGE, "migrate", "--no-input", "-v", "0"], env=_env(url), check=True, cwd=RACINE)


def semer(echelle, url):
    """Migrate and seed the database of one scale; the seeding's duration in seconds."""
    recreer(url)
    migrer(url)
    debut = time.monotonic()
    subprocess.run([*MANAGE, "seed_demo", "--scale", str(echelle)], env=_env(url), check=True, cwd=RACINE)
    duree = time.monotonic() - debut
    if urlsplit(url).scheme.startswith("postgres"):
        # The planner's statistics of the new rows (autovacuum may be off or late): without them,
        # PostgreSQL plans for empty tables and the pages are measured on plans no server would keep.
        subprocess.run([*MANAGE, "dbshell", "--", "-c", "ANALYZE"], env=_env(url), check=True, cwd=RACINE)
    return duree


# --- Measuring, in the process of one database -----------------------------------------------


def _percentile(valeurs, p):
    ordonnees = sorted(valeurs)
    rang = max(0, min(len(ordonnees) - 1, round(p / 100 * len(ordonnees) + 0.5) - 1))
    return ordonnees[rang]


class Compteur:
    """A database execute wrapper counting the queries (no debug cursor, no log to fill)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, *args):
        self.n += 1
        return execute(*args)


def mesurer(repetitions, filtre):
    """{"plancher": {...}, "pages": {key: {...}}} for the database of DATABASE_URL."""
    sys.path.insert(0, str(RACINE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roubaix_cs.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from comptes.models import User
    from tests.pages_demo import LECTEURS, pages

    def lire(client, url):
        response = client.get(url)
        contenu = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, len(contenu)

    def chrono(client, url):
        debut = time.perf_counter()
        lire(client, url)
        return (time.perf_counter() - debut) * 1000

    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        users = {u.username: u for u in User.objects.filter(username__in=LECTEURS.values())}
        clients = {}
        for persona, nom in LECTEURS.items():
            clients[persona] = Client()
            clients[persona].force_login(users[nom])
        plancher_url = reverse("bench-plancher")
        plancher, resultats = [], {}
        a_mesurer = [page for page in pages(users) if filtre in page.cle]
        for numero, page in enumerate(a_mesurer, 1):
            client = clients[page.persona]
            lire(client, page.url)  # warm: caches, the session
            requetes = Compteur()
            with connection.execute_wrapper(requetes):
                statut, taille = lire(client, page.url)
            temps = []
            for _ in range(repetitions):
                plancher.append(chrono(client, plancher_url))
                temps.append(chrono(client, page.url))
            resultats[page.cle] = {
                "url": page.url,
                "statut": statut,
                "requetes": requetes.n,
                "p50": statistics.median(temps),
                "p95": _percentile(temps, 95),
                "ko": taille / 1024,
                "export": page.export,
            }
            if sys.stderr.isatty():
                print(f"\r  {numero}/{len(a_mesurer)} {page.cle[:60]:<60}", end="", file=sys.stderr, flush=True)
    return {
        "plancher": {"p50": statistics.median(plancher), "p95": _percentile(plancher, 95), "n": len(plancher)},
        "pages": resultats,
        "alertes": mesurer_alertes(),
    }


def mesurer_alertes():
    """The daily alert job (pilotage.alertes.synchroniser) on the seeded data, from no alert (its first run)
    then again (a second run the same day: nothing to create): time, queries, alerts created. Rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from pilotage import alertes
    from pilotage.models import Alerte

    today, resultat = timezone.localdate(), {}
    with transaction.atomic():
        Alerte.objects.all().delete()
        for passage in ("premier", "second"):
            requetes = Compteur()
            debut = time.perf_counter()
            with connection.execute_wrapper(requetes):
                bilan = alertes.synchroniser(today)
            resultat[passage] = {
                "ms": (time.perf_counter() - debut) * 1000,
                "requetes": requetes.n,
                "creees": sum(bilan.creees.values()),
            }
        transaction.set_rollback(True)
    return resultat


# --- The table --------------------------------------------------------------------------------


def tableau(echelles, mesures):
    """The printed table: one row per page, the worst ratio first."""
    grande = max(echelles)
    plancher = mesures[grande]["plancher"]["p95"]
    lignes = []
    for cle, page in mesures[grande]["pages"].items():
        requetes = [mesures[e]["pages"].get(cle, {}).get("requetes") for e in echelles]
        ratio = page["p95"] / plancher
        signes = []
        if len(set(requetes)) > 1:
            signes.append("requêtes")
        if page["statut"] != 200:
            signes.append(f"statut {page['statut']}")
        if not page["export"] and ratio > OBJECTIF:
            signes.append("> 5×" if ratio > LIMITE else f"> {OBJECTIF}×")
        lignes.append((ratio, cle, requetes, page, ", ".join(signes)))
    lignes.sort(key=lambda ligne: (ligne[3]["export"], -ligne[0]))
    titres = ["page", *[f"req {e}×" for e in echelles], "p50 ms", "p95 ms", "/plancher", "Ko", ""]
    largeur = max(len(ligne[1]) for ligne in lignes) if lignes else 10
    sortie = [f"Plancher à {grande}× : p50 {mesures[grande]['plancher']['p50']:.1f} ms, p95 {plancher:.1f} ms"]
    sortie.append(" | ".join([titres[0].ljust(largeur), *titres[1:]]))
    for ratio, cle, requetes, page, signes in lignes:
        colonnes = [cle.ljust(largeur), *[str(r) for r in requetes]]
        colonnes += [f"{page['p50']:.1f}", f"{page['p95']:.1f}", f"{ratio:.2f}", f"{page['ko']:.0f}", signes]
        sortie.append(" | ".join(colonnes))
    html = [ligne for ligne in lignes if not ligne[3]["export"]]
    au_dessus = sum(1 for ligne in html if ligne[0] > OBJECTIF)
    sortie.append(
        f"{len(lignes)} pages ; {au_dessus} pages HTML sur {len(html)} au-dessus de {OBJECTIF}× le plancher, "
        f"{sum(1 for ligne in html if ligne[0] > LIMITE)} au-dessus de {LIMITE}× ; "
        f"{sum(1 for ligne in lignes if len(set(ligne[2])) > 1)} dont le nombre de requêtes change avec l'échelle."
    )
    return "\n".join(sortie)


def autres_mesures():
    """The PDF, the exports of thousands of rows and a season's series of bookings, by their own scripts."""
    for script in ("pdf_deliberation.py", "exports.py", "serie_linne.py"):
        chemin = RACINE / "bench" / script
        if chemin.exists():
            print(f"\n== bench/{script}")
            subprocess.run([PYTHON, str(chemin)], env={**os.environ, "DEBUG": "1"}, cwd=RACINE, check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--echelles", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--repetitions", type=int, default=15, help="requêtes mesurées par page (défaut 15)")
    parser.add_argument("--garder", action="store_true", help="réutilise les bases déjà semées")
    parser.add_argument("--pages", default="", help="ne mesure que les pages dont la clé contient ce texte")
    parser.add_argument("--sortie", type=Path, default=RACINE / "bench" / "resultats.json")
    parser.add_argument("--sans-autres", action="store_true", help="sans le PDF ni les exports de 5 000 lignes")
    parser.add_argument("--mesurer", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.mesurer:
        json.dump(mesurer(args.repetitions, args.pages), sys.stdout)
        return
    mesures, semis = {}, {}
    for echelle in args.echelles:
        url = url_de_base(echelle)
        if args.garder and existe(url):
            migrer(url)  # a base kept from an earlier run gets the migrations added since
            print(f"Échelle {echelle} : base gardée ({url})", file=sys.stderr)
        else:
            semis[echelle] = semer(echelle, url)
            print(f"Échelle {echelle} : semée en {semis[echelle]:.1f} s ({url})", file=sys.stderr)
        enfant = subprocess.run(
            [PYTHON, __file__, "--mesurer", "--repetitions", str(args.repetitions), "--pages", args.pages],
            env=_env(url),
            cwd=RACINE,
            check=True,
            stdout=subprocess.PIPE,
        )
        mesures[echelle] = json.loads(enfant.stdout)
    print(tableau(args.echelles, mesures))
    for echelle in args.echelles:
        job = mesures[echelle]["alertes"]
        print(
            f"Tâche des alertes à {echelle}× : "
            + " ; ".join(
                f"{passage} passage {m['ms']:.0f} ms, {m['requetes']} requêtes, {m['creees']} alertes créées"
                for passage, m in job.items()
            )
        )
    args.sortie.write_text(
        json.dumps({"echelles": args.echelles, "semis_s": semis, "mesures": mesures}, indent=1, ensure_ascii=False)
    )
    print(f"Résultats : {args.sortie}")
    if not args.sans_autres:
        autres_mesures()


if __name__ == "__main__":
    main()
