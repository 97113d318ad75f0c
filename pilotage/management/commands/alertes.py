"""Store the deadline alerts of the day: `python manage.py alertes`, for a cron without Celery beat.

The same service as the beat-scheduled task `pilotage.tasks.alertes_du_jour`; idempotent, so a cron and
a beat both running it do no harm.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from pilotage import alertes
from roubaix_cs import deadlines


class Command(BaseCommand):
    help = "Enregistre les alertes d'échéances du jour et clôt celles dont l'échéance a disparu."

    def handle(self, *args, **options):
        bilan = alertes.synchroniser(timezone.localdate())
        noms = deadlines.types()
        for kind, compte in bilan.par_type().items():
            ligne = f"{noms.get(kind, kind)} : {compte['creees']} créée(s), {compte['closes']} close(s)"
            if compte["rouvertes"]:
                ligne += f", {compte['rouvertes']} rouverte(s)"
            self.stdout.write(ligne)
        total = sum(bilan.creees.values())
        self.stdout.write(self.style.SUCCESS(f"{total} alerte(s) créée(s), {sum(bilan.closes.values())} close(s)."))
