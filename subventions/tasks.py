from celery import shared_task

from roubaix_cs import generations

from . import services
from .models import GenerationAnnexe


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def generer_annexe_pdf(self, generation_id):
    """Render the budget annex PDF of a year (retries and failures: `generations.executer`).
    A worker lost mid-way redelivers it."""
    generations.executer(self, generation_id, modele=GenerationAnnexe, generer=services.generer_annexe_pdf)
