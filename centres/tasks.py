from celery import shared_task

from roubaix_cs import generations

from . import imports, services
from .models import GenerationRapport, ImportIndicateurs


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def generer_rapport(self, generation_id):
    """Render a visit's report PDF (retries and failures: `generations.executer`).
    A worker lost mid-way redelivers it."""
    generations.executer(self, generation_id, modele=GenerationRapport, generer=services.generer_rapport)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def importer_indicateurs(self, import_id):
    """Write a confirmed import of indicators, all or nothing (`imports.executer`, idempotent). A worker
    lost mid-way redelivers it; the transaction it had open wrote nothing."""
    try:
        imports.executer(import_id)
    except generations.TRANSITOIRES as erreur:
        if self.request.retries >= self.max_retries or self.request.is_eager:
            ImportIndicateurs.objects.filter(pk=import_id).update(
                statut=ImportIndicateurs.Statut.ECHEC, erreur=f"L'import n'a pas pu se faire : {erreur}"
            )
            return
        ImportIndicateurs.objects.filter(pk=import_id).update(statut=ImportIndicateurs.Statut.EN_ATTENTE)
        raise self.retry(exc=erreur, countdown=2**self.request.retries) from erreur
