from celery import shared_task

from . import services
from .models import GenerationPdf

TRANSITOIRES = (OSError, ConnectionError, TimeoutError)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def generer_pdf(self, generation_id):
    """Render a deliberation's PDF. Transient errors are retried; any other ends the job as failed,
    with its error shown and a new generation possible. A worker lost mid-way redelivers it."""
    try:
        services.generer(generation_id)
    except TRANSITOIRES as erreur:
        if self.request.retries >= self.max_retries:
            services.marquer(generation_id, GenerationPdf.Statut.ECHEC, f"{type(erreur).__name__} : {erreur}")
            return
        services.marquer(generation_id, GenerationPdf.Statut.EN_ATTENTE, f"Nouvel essai après : {erreur}")
        if self.request.is_eager:
            # Eager mode (no broker: development, tests) has no queue to retry on, and with
            # task_eager_propagates `self.retry` would raise Retry into the caller: retry in-process.
            self.apply(args=(generation_id,), retries=self.request.retries + 1)
            return
        raise self.retry(exc=erreur, countdown=2**self.request.retries) from erreur
    except Exception as erreur:  # noqa: BLE001 - any other failure is shown to the user, never lost
        services.marquer(generation_id, GenerationPdf.Statut.ECHEC, f"{type(erreur).__name__} : {erreur}")
