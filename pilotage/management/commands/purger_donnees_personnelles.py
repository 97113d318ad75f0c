"""Anonymise or remove the personal data past its retention period (RGPD art. 5-1-e).

`python manage.py purger_donnees_personnelles [--simuler]`: with `--simuler` (dry run) it prints
what it would purge and writes nothing. Celery beat runs the same purge every night.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from roubaix_cs import retention


class Command(BaseCommand):
    help = "Anonymise ou supprime les données personnelles dont la durée de conservation est échue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--simuler",
            "--dry-run",
            action="store_true",
            dest="simuler",
            help="Affiche ce qui serait purgé, sans rien modifier.",
        )

    def handle(self, *args, simuler, **options):
        resultats = retention.purger(timezone.localdate(), simuler=simuler)
        verbe = "serait purgé" if simuler else "purgé"
        for purge in resultats:
            self.stdout.write(f"{purge.libelle} : {purge.nombre} ({purge.historique} ligne(s) d'historique)")
            for ligne in purge.objets:
                self.stdout.write(f"  - {ligne}")
        total = sum(p.nombre for p in resultats)
        conclusion = f"{total} enregistrement(s) {verbe}" + (
            " (simulation : rien n'a été modifié)." if simuler else "."
        )
        self.stdout.write(self.style.SUCCESS(conclusion))
