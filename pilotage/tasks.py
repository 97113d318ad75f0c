from celery import shared_task
from django.utils import timezone

from roubaix_cs import retention

from . import alertes


@shared_task(acks_late=True)
def purger_donnees_personnelles():
    """Every night (CELERY_BEAT_SCHEDULE): anonymise or remove the personal data past its retention
    period. Idempotent: a second run finds nothing more to purge."""
    return {purge.libelle: purge.nombre for purge in retention.purger(timezone.localdate())}


@shared_task(acks_late=True)
def alertes_du_jour():
    """Every morning (CELERY_BEAT_SCHEDULE): store the deadline alerts of the day, close those whose
    deadline is gone. Idempotent (pilotage.alertes.synchroniser): a re-run or a second worker creates
    nothing twice, a day missed is caught up by the next run."""
    return alertes.synchroniser(timezone.localdate()).par_type()
