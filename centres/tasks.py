from celery import shared_task

from roubaix_cs import generations

from . import services
from .models import GenerationRapport


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def generer_rapport(self, generation_id):
    """Render a visit's report PDF (retries and failures: `generations.executer`).
    A worker lost mid-way redelivers it."""
    generations.executer(self, generation_id, modele=GenerationRapport, generer=services.generer_rapport)
