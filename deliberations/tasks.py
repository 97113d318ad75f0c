from celery import shared_task

from roubaix_cs import generations

from . import services
from .models import GenerationPdf


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def generer_pdf(self, generation_id):
    """Render a deliberation's PDF (retries and failures: `generations.executer`).
    A worker lost mid-way redelivers it."""
    generations.executer(self, generation_id, modele=GenerationPdf, generer=services.generer)
