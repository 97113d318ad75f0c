from celery import shared_task
from django.utils import timezone

from roubaix_cs import retention


@shared_task(acks_late=True)
def purger_donnees_personnelles():
    """Every night (CELERY_BEAT_SCHEDULE): anonymise or remove the personal data past its retention
    period. Idempotent: a second run finds nothing more to purge."""
    return {purge.libelle: purge.nombre for purge in retention.purger(timezone.localdate())}
