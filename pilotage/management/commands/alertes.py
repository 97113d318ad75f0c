"""Store the deadline alerts of the day and send the e-mail digests: `python manage.py alertes`, for a
cron without Celery beat.

The same work as the beat-scheduled task `pilotage.tasks.alertes_du_jour`: the same service, then the
same digest task (each e-mail queued to the workers when a broker is configured, sent here otherwise);
idempotent, so a cron and a beat both running it create and send nothing twice.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from pilotage import alertes, tasks
from roubaix_cs import deadlines


class Command(BaseCommand):
    help = (
        "Enregistre les alertes d'échéances du jour, clôt celles dont l'échéance a disparu "
        "et envoie les résumés par courriel."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sans-courriels", action="store_true", help="Enregistre les alertes sans envoyer les résumés."
        )

    def handle(self, *args, sans_courriels, **options):
        today = timezone.localdate()
        bilan = alertes.synchroniser(today)
        noms = deadlines.types()
        for kind, compte in bilan.par_type().items():
            ligne = f"{noms.get(kind, kind)} : {compte['creees']} créée(s), {compte['closes']} close(s)"
            if compte["rouvertes"]:
                ligne += f", {compte['rouvertes']} rouverte(s)"
            self.stdout.write(ligne)
        total = sum(bilan.creees.values())
        self.stdout.write(self.style.SUCCESS(f"{total} alerte(s) créée(s), {sum(bilan.closes.values())} close(s)."))
        if sans_courriels:
            return
        envois = tasks.envoyer_resumes(today.isoformat())
        self.stdout.write(
            f"Résumés par courriel : {envois['resumes']} de l'équipe, {envois['resumes_elus']} hebdomadaire(s) d'élus."
        )
