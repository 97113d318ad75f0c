"""Time to render a deliberation with a 40-line and a 400-line annex: WeasyPrint (render_pdf), the
cost of one more annex line, and LibreOffice on the same HTML when it is installed. No database:
the objects are built in memory.

Run from the project root:  DEBUG=1 .venv/bin/python bench/pdf_deliberation.py [--runs N] [--lignes N ...]
Another script imports `mesurer(lignes, runs)`.
"""

import argparse
import datetime
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roubaix_cs.settings")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402

from centres.models import Centre  # noqa: E402
from comptes.models import Organisation  # noqa: E402
from deliberations.models import Deliberation, Seance  # noqa: E402
from deliberations.services import imputation_commune, texte_initial  # noqa: E402
from roubaix_cs.pdf import render_pdf  # noqa: E402
from subventions.models import DemandeSubvention, LigneBudgetaire  # noqa: E402

LIGNES = (40, 400)  # a short act and a long one: their difference gives the cost of one annex line
TEMPLATE = "pdf/deliberation.html"


def contexte(lignes=40):
    """What services.contexte_pdf returns, from unsaved instances."""
    seance = Seance(
        date=datetime.date(2026, 2, 10), date_convocation=datetime.date(2026, 1, 30), presents=47, pouvoirs=5
    )
    seance.secretaire = "Mme Nadia Benali"
    deliberation = Deliberation(
        seance=seance,
        annee=2026,
        numero=42,
        nature=Deliberation.Nature.SUBVENTIONS,
        objet="subventions de fonctionnement",
        commission="Commission Solidarités",
        date_commission=datetime.date(2026, 1, 27),
        vote_pour=46,
        vote_contre=3,
        vote_abstentions=3,
    )
    ligne = LigneBudgetaire(annee=2026, section="fonctionnement", chapitre="65", compte="65748", fonction="42")
    demandes = []
    for n in range(lignes):
        organisation = Organisation(nom=f"Association du centre social n° {n + 1}", siret=f"{n + 1:014d}")
        centre = Centre(nom=f"Centre social n° {n + 1}", organisation=organisation)
        demandes.append(
            DemandeSubvention(
                centre=centre,
                annee=2026,
                nature=DemandeSubvention.Nature.FONCTIONNEMENT,
                objet="Fonctionnement du centre et projet social 2026",
                montant_propose=Decimal(30000 + 1250 * n),
                date_reception=datetime.date(2025, 10, 1),
                ligne_budgetaire=ligne,
            )
        )
    for partie, texte in texte_initial(deliberation, demandes=demandes, conventions=[], avenants=[]).items():
        setattr(deliberation, partie, texte)
    return {
        "deliberation": deliberation,
        "seance": seance,
        "demandes": demandes,
        "conventions": [],
        "avenants": [],
        "total": sum(d.montant_propose for d in demandes),
        "exercice": "2026",
        "imputation_commune": imputation_commune(demandes),
        "ne_prennent_pas_part": [],
        "presence": {"presents": seance.presents, "pouvoirs": seance.pouvoirs, "votants": 52},
    }


def _cpu():
    """CPU time of this process and of its finished children (a LibreOffice run is a child)."""
    enfants = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + enfants.ru_utime + enfants.ru_stime


def chrono(fonction, runs):
    """Medians of the wall-clock and CPU times of `runs` calls, and the last result. The CPU time is
    steadier than the wall clock when other jobs share the machine."""
    murs, cpus = [], []
    for _ in range(runs):
        debut, debut_cpu = time.perf_counter(), _cpu()
        resultat = fonction()
        murs.append(time.perf_counter() - debut)
        cpus.append(_cpu() - debut_cpu)
    return statistics.median(murs), statistics.median(cpus), resultat


def mesurer(lignes=40, runs=5):
    """WeasyPrint (render_pdf) on a deliberation with `lignes` annex lines, after one warm-up run:
    {"lignes", "runs", "mediane_s", "cpu_s", "octets"}."""
    ctx = contexte(lignes)
    render_pdf(TEMPLATE, ctx)  # warm-up: imports, fonts
    mur, cpu, pdf = chrono(lambda: render_pdf(TEMPLATE, ctx), runs)
    return {
        "lignes": lignes,
        "runs": runs,
        "mediane_s": mur,
        "cpu_s": cpu,
        "octets": len(pdf),
    }


def cout_par_ligne(court, long):
    """Seconds per additional annex line between two `mesurer` results (wall clock, CPU)."""
    ecart = long["lignes"] - court["lignes"]
    return (long["mediane_s"] - court["mediane_s"]) / ecart, (long["cpu_s"] - court["cpu_s"]) / ecart


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lignes", type=int, action="append", help=f"annex lines (repeatable; default {LIGNES})")
    arguments = parser.parse_args()
    runs = arguments.runs
    resultats = [mesurer(lignes, runs) for lignes in sorted(set(arguments.lignes or LIGNES))]
    for r in resultats:
        print(
            f"WeasyPrint (render_pdf), {r['lignes']} lignes d'annexe : médiane {r['mediane_s'] * 1000:.0f} ms "
            f"(CPU {r['cpu_s'] * 1000:.0f} ms) sur {runs}, {r['octets']} octets"
        )
    if len(resultats) > 1:
        mur, cpu = cout_par_ligne(resultats[0], resultats[-1])
        print(
            f"Coût d'une ligne d'annexe ({resultats[0]['lignes']} → {resultats[-1]['lignes']}) : "
            f"{mur * 1000:.2f} ms (CPU {cpu * 1000:.2f} ms)"
        )

    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    if not libreoffice:
        print("LibreOffice : non installé (apt-get install libreoffice-writer-nogui), mesure sautée.")
        return
    ctx = contexte(resultats[0]["lignes"])
    with tempfile.TemporaryDirectory() as dossier:
        html = Path(dossier) / "deliberation.html"
        html.write_text(render_to_string(TEMPLATE, ctx), encoding="utf-8")
        profil = Path(dossier) / "profil"  # a throwaway profile: no lock shared with a user's session
        commande = [
            libreoffice,
            f"-env:UserInstallation=file://{profil}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            dossier,
            str(html),
        ]
        convertir = lambda: subprocess.run(commande, check=True, capture_output=True, timeout=120)  # noqa: E731, S603 - fixed command
        convertir()  # warm-up: the first run creates the profile
        median, cpu, _ = chrono(convertir, runs)
        taille = (Path(dossier) / "deliberation.pdf").stat().st_size
        print(
            f"LibreOffice --headless --convert-to pdf (même HTML, {resultats[0]['lignes']} lignes) : "
            f"médiane {median * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms) sur {runs} ({taille} octets)"
        )


if __name__ == "__main__":
    main()
