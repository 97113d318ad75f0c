"""Time and queries to preview and create a 40-week series of Espace Linné bookings (issue 17): one
weekly slot over a season, with a closure and a confirmed booking in its way, so that the preview gives
reasons and the creation skips two dates. Each run is rolled back.

Run from the project root, on a migrated database (DATABASE_URL, or the SQLite file of `make run`):
    DEBUG=1 .venv/bin/python bench/serie_linne.py [--runs N] [--semaines N]
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roubaix_cs.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from comptes.models import Organisation, Role, User  # noqa: E402
from linne import services  # noqa: E402
from linne.models import Categorie, Fermeture, HoraireOuverture, Salle, TypeActivite  # noqa: E402

DEBUT = datetime.date(2031, 9, 1)  # a Monday far from the demo's bookings


class Annuler(Exception):
    pass


def _une_fois(semaines):
    salle = Salle.objects.create(nom="Salle du banc d'essai", capacite=40)
    HoraireOuverture.objects.bulk_create(
        HoraireOuverture(salle=salle, jour_semaine=j, ouverture=datetime.time(8), fermeture=datetime.time(22))
        for j in range(6)
    )
    asso = Organisation.objects.create(nom="Association du banc d'essai", nature=Organisation.Nature.ASSOCIATION)
    par = User.objects.create(username="banc-essai-linne", role=Role.REGISSEUR)
    Fermeture.objects.create(
        debut=DEBUT + datetime.timedelta(weeks=15),
        fin=DEBUT + datetime.timedelta(weeks=16),
        motif=Fermeture.Motif.VACANCES,
    )
    autre = DEBUT + datetime.timedelta(weeks=5, days=2)
    services.creer_reservation(
        par=par,
        salle=salle,
        organisation=asso,
        categorie=Categorie.ASSOCIATION,
        objet="Déjà là",
        type_activite=TypeActivite.REUNION,
        effectif_prevu=5,
        contact_nom="X",
        contact_email="x@example.org",
        debut=timezone.make_aware(datetime.datetime.combine(autre, datetime.time(15))),
        fin=timezone.make_aware(datetime.datetime.combine(autre, datetime.time(17))),
    )
    regle = {
        "jours": "2",
        "intervalle_semaines": 1,
        "date_debut": DEBUT,
        "date_fin": DEBUT + datetime.timedelta(weeks=semaines - 1, days=6),
        "heure_debut": datetime.time(14),
        "heure_fin": datetime.time(16),
    }
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as apercu_q:
        apercu, _ = services.apercu_serie(
            salle=salle,
            jours=[2],
            intervalle_semaines=1,
            date_debut=regle["date_debut"],
            date_fin=regle["date_fin"],
            heure_debut=regle["heure_debut"],
            heure_fin=regle["heure_fin"],
            effectif=12,
        )
    t1 = time.perf_counter()
    with CaptureQueriesContext(connection) as creation_q:
        serie = services.creer_serie(
            par=par,
            ecarter_impossibles=True,
            salle=salle,
            organisation=asso,
            categorie=Categorie.ASSOCIATION,
            objet="Atelier hebdomadaire",
            type_activite=TypeActivite.ACTIVITE_REGULIERE,
            effectif_prevu=12,
            contact_nom="Mme Y",
            contact_email="y@example.org",
            **regle,
        )
    t2 = time.perf_counter()
    return {
        "dates": len(apercu),
        "reservees": serie.reservations.count(),
        "ecartees": serie.dates_ignorees.count(),
        "apercu_ms": (t1 - t0) * 1000,
        "apercu_requetes": len(apercu_q.captured_queries),
        "creation_ms": (t2 - t1) * 1000,
        "creation_requetes": len(creation_q.captured_queries),
    }


def mesurer(runs=7, semaines=40):
    resultats = []
    for _ in range(runs):
        try:
            with transaction.atomic():
                resultats.append(_une_fois(semaines))
                raise Annuler
        except Annuler:
            pass
    return resultats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--semaines", type=int, default=40)
    args = parser.parse_args()
    resultats = mesurer(args.runs, args.semaines)
    premier = resultats[0]
    print(
        f"Base : {connection.vendor}. Série de {args.semaines} semaines : {premier['dates']} dates, "
        f"{premier['reservees']} réservées, {premier['ecartees']} écartées."
    )
    for cle in ("apercu", "creation"):
        temps = sorted(r[f"{cle}_ms"] for r in resultats)
        print(
            f"{cle:9} médiane {statistics.median(temps):7.1f} ms, max {temps[-1]:7.1f} ms, "
            f"{premier[f'{cle}_requetes']} requêtes"
        )


if __name__ == "__main__":
    main()
