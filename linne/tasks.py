"""Espace Linné's background jobs: the e-mails of the requests (acknowledgement, decision), queued once
their transaction commits, and the daily reminders of the bookings. Each takes ids and calls
`linne.demandes`; a mail server that fails is retried."""

from celery import shared_task
from django.utils import timezone

from comptes.tasks import TRANSITOIRES
from roubaix_cs import generations

from . import demandes, evaluation, frequentation
from .models import GenerationEvaluation


@shared_task(autoretry_for=TRANSITOIRES, retry_backoff=True, max_retries=5, acks_late=True)
def envoyer_accuse_reception(demande_id):
    """The acknowledgement of a request received on the public page, to its contact."""
    return demandes.envoyer_accuse_reception(demande_id=demande_id)


@shared_task(autoretry_for=TRANSITOIRES, retry_backoff=True, max_retries=5, acks_late=True)
def envoyer_decision(demande_id):
    """The answer to a request (accepted, allocated or refused), to its contact."""
    return demandes.envoyer_decision(demande_id=demande_id)


@shared_task(acks_late=True)
def rappels_du_jour():
    """Every morning (CELERY_BEAT_SCHEDULE): the reminders of the confirmed bookings starting in two days.
    Idempotent: each booking is claimed before its e-mail (linne.demandes.envoyer_rappel), so a re-run or
    a second worker sends nothing twice."""
    return demandes.envoyer_rappels(timezone.localdate())


@shared_task(acks_late=True)
def figer_frequentations():
    """Every night: the snapshot of each confirmed booking that has ended (linne.frequentation), which the
    statistics read. Idempotent: a booking snapshotted is not taken again."""
    return frequentation.figer_passees()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def generer_evaluation(self, generation_id):
    """Render the yearly evaluation's PDF (retries and failures: `generations.executer`). A worker lost
    mid-way redelivers it."""
    generations.executer(self, generation_id, modele=GenerationEvaluation, generer=evaluation.generer)
