"""Time of the biggest list exports (documents, grant requests, conventions, centres), CSV and XLSX,
at N rows each: the full response through the Django test client, as a team agent.

The rows are written with bulk_create into a throwaway test database (in memory for SQLite, or
`test_<name>` beside the database of DATABASE_URL), dropped at the end.

Run from the project root:  DEBUG=1 .venv/bin/python bench/exports.py [--rows 5000] [--runs 5]
`mesurer(n, runs)` returns the figures as a list of dicts, for another script to import.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roubaix_cs.settings")

import django  # noqa: E402

EXPORTS = ["centres:document_export", "subventions:export", "conventions:export", "centres:export"]
FORMATS = ["csv", "xlsx"]
# The objective of issue 13 (point 4), in seconds, for 5 000 rows.
OBJECTIF = 0.5


def _django():
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _donnees(n):
    """n centres (each with a director and an AGC approval), n documents, n grant requests (a third
    voted, with a payment) and n conventions; returns the agent who exports them."""
    from centres.models import Agrement, Centre, Contact, Document, Quartier
    from comptes.models import Role, User
    from conventions.models import Convention
    from subventions.models import DemandeSubvention, Dispositif, LigneBudgetaire, Versement

    agent = User.objects.create(username="agent-bench", first_name="Awa", last_name="Diallo", role=Role.AGENT)
    quartiers = list(Quartier.values)
    centres = Centre.objects.bulk_create(
        Centre(
            nom=f"Centre social n° {i:05d}",
            nom_court=f"CS {i}",
            quartier=quartiers[i % len(quartiers)],
            adresse=f"{i} rue de l'Alma",
            telephone="03 20 00 00 00",
            email=f"cs{i}@exemple.fr",
            referent=agent,
        )
        for i in range(n)
    )
    Contact.objects.bulk_create(
        Contact(centre=c, qualite=Contact.Qualite.DIRECTEUR, prenom="Fatima", nom=f"Directrice {i}")
        for i, c in enumerate(centres)
    )
    Agrement.objects.bulk_create(
        Agrement(
            centre=c,
            type=Agrement.Type.AGC,
            statut=Agrement.Statut.ACCORDE,
            debut=datetime.date(2024, 1, 1),
            fin=datetime.date(2027, 12, 31),
        )
        for c in centres
    )
    types = list(Document.Type.values)
    Document.objects.bulk_create(
        Document(
            centre=centres[i] if i % 10 else None,
            type=types[i % len(types)],
            titre=f"Document {i}",
            annee=2025,
            valide_du=datetime.date(2025, 1, 1),
            valide_au=datetime.date(2025 + i % 3, 12, 31),
            fichier=f"documents/bench/{i}.pdf",
            nom_original=f"document-{i}.pdf",
            type_mime="application/pdf",
            taille=12_345 + i,
            sha256=f"{i:064x}",
            depose_par=agent,
        )
        for i in range(n)
    )
    dispositif = Dispositif.objects.create(nom="Ville Vie Vacances")
    ligne = LigneBudgetaire.objects.create(
        annee=2026,
        section=LigneBudgetaire.Section.FONCTIONNEMENT,
        chapitre="65",
        compte="65748",
        fonction="524",
        libelle="Subventions aux centres sociaux",
        credits_votes=Decimal("5000000.00"),
    )
    S = DemandeSubvention.Statut
    demandes = DemandeSubvention.objects.bulk_create(
        DemandeSubvention(
            centre=centres[i],
            annee=2026,
            nature=DemandeSubvention.Nature.DISPOSITIF if i % 4 == 0 else DemandeSubvention.Nature.FONCTIONNEMENT,
            dispositif=dispositif if i % 4 == 0 else None,
            objet=f"Projet n° {i}",
            montant_demande=Decimal("20000.00"),
            date_reception=datetime.date(2025, 11, 15),
            statut=S.VOTEE if i % 3 == 0 else S.INSTRUCTION,
            referent=agent,
            montant_propose=Decimal("18000.00"),
            note_analyse="Projet solide, budget équilibré.",
            ligne_budgetaire=ligne,
            montant_vote=Decimal("18000.00") if i % 3 == 0 else None,
            deliberation_numero="2026/042" if i % 3 == 0 else "",
            date_vote=datetime.date(2026, 2, 10) if i % 3 == 0 else None,
            date_executoire=datetime.date(2026, 2, 20) if i % 3 == 0 else None,
        )
        for i in range(n)
    )
    Versement.objects.bulk_create(
        Versement(
            demande=d,
            type=Versement.Type.AVANCE,
            montant=Decimal("9000.00"),
            date=datetime.date(2026, 3, 1),
            reference=f"M-{d.pk}",
            cree_par=agent,
        )
        for d in demandes
        if d.statut == S.VOTEE
    )
    Convention.objects.bulk_create(
        Convention(
            centre=centres[i],
            objet="Projet social du centre",
            debut=datetime.date(2025, 1, 1),
            fin=datetime.date(2028, 12, 31),
            referent=agent,
        )
        for i in range(n)
    )
    return agent


def _lire(response):
    """The whole body, a streaming response read to its end."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _mesure(client, url, runs):
    from django.db import connection

    from bench.run import Compteur

    requetes = Compteur()
    with connection.execute_wrapper(requetes):  # also the warm-up run
        response = client.get(url)
        corps = _lire(response)
    assert response.status_code == 200, (url, response.status_code)
    durees = []
    for _ in range(runs):
        debut = time.perf_counter()
        corps = _lire(client.get(url))
        durees.append(time.perf_counter() - debut)
    return {"median_s": statistics.median(durees), "min_s": min(durees), "queries": requetes.n, "bytes": len(corps)}


def mesurer(n=5000, runs=5):
    """[{export, format, rows, median_s, min_s, queries, bytes}] for each export and format."""
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.urls import reverse

    setup_test_environment()
    ancien_nom = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        client = Client()
        client.force_login(_donnees(n))
        return [
            {"export": nom, "format": fmt, "rows": n} | _mesure(client, reverse(nom, kwargs={"fmt": fmt}), runs)
            for nom in EXPORTS
            for fmt in FORMATS
        ]
    finally:
        connection.creation.destroy_test_db(ancien_nom, verbosity=0)
        teardown_test_environment()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    resultats = mesurer(args.rows, args.runs)
    print(f"{'Export':<26} {'Format':<6} {'Rows':>6} {'Median':>9} {'Min':>9} {'Queries':>7} {'Size':>10}")
    for r in resultats:
        print(
            f"{r['export']:<26} {r['format']:<6} {r['rows']:>6} {r['median_s'] * 1000:>7.0f} ms"
            f" {r['min_s'] * 1000:>6.0f} ms {r['queries']:>7} {r['bytes'] / 1024:>7.0f} KB"
        )
    lents = [r for r in resultats if r["median_s"] > OBJECTIF * args.rows / 5000]
    print(f"Objective ≤ {OBJECTIF} s per 5 000 rows: " + ("met" if not lents else f"{len(lents)} over"))


if __name__ == "__main__":
    main()
