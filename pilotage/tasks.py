import datetime

from celery import shared_task
from django.utils import timezone

from comptes.tasks import TRANSITOIRES
from roubaix_cs import generations, retention

from . import alertes, resumes, reunions, services
from .models import GenerationRapportAnnuel


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
    today = timezone.localdate()
    bilan = alertes.synchroniser(today)
    envoyer_resumes.delay(today.isoformat())
    return bilan.par_type()


@shared_task(acks_late=True)
def envoyer_resumes(jour):
    """After the alerts of the day: one e-mail task per person with something new to read (and, on
    Mondays, per élu who asked for their weekly summary), so that a failing send is retried alone; how
    many of each."""
    today = datetime.date.fromisoformat(jour)
    personnes, elus = resumes.a_envoyer(today), resumes.elus_du_jour(today)
    for user_id in personnes:
        envoyer_resume.delay(user_id, jour)
    for user_id in elus:
        envoyer_resume_elu.delay(user_id, jour)
    return {"resumes": len(personnes), "resumes_elus": len(elus)}


@shared_task(autoretry_for=TRANSITOIRES, retry_backoff=True, max_retries=5, acks_late=True)
def envoyer_resume(user_id, jour):
    """A person's digest of the day; a mail server that fails is retried, the alerts never marked sent
    until it succeeds (pilotage.resumes.envoyer_resume)."""
    return resumes.envoyer_resume(user_id=user_id, today=datetime.date.fromisoformat(jour))


@shared_task(autoretry_for=TRANSITOIRES, retry_backoff=True, max_retries=5, acks_late=True)
def envoyer_resume_elu(user_id, jour):
    """An élu's weekly summary, retried like the digests."""
    return resumes.envoyer_resume_elu(user_id=user_id, today=datetime.date.fromisoformat(jour))


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def generer_rapport_annuel(self, generation_id):
    """Render the yearly report PDF (retries and failures: `generations.executer`). A worker lost
    mid-way redelivers it."""
    generations.executer(self, generation_id, modele=GenerationRapportAnnuel, generer=services.generer_rapport_annuel)


@shared_task(autoretry_for=TRANSITOIRES, retry_backoff=True, max_retries=5, acks_late=True)
def envoyer_convocation(reunion_id, participant_id, sequence, methode):
    """One participant's convocation (or its cancellation) with its ICS invitation; a mail server that
    fails is retried for that person only. A later sending (a higher SEQUENCE) makes this one send nothing
    (pilotage.reunions.envoyer_convocation)."""
    return reunions.envoyer_convocation(
        reunion_id=reunion_id, participant_id=participant_id, sequence=sequence, methode=methode
    )


@shared_task(autoretry_for=TRANSITOIRES, retry_backoff=True, max_retries=5, acks_late=True)
def envoyer_action_partenaire(action_id, organisation_id):
    """An action given to a partner organisation, e-mailed to its contacts (pilotage.reunions)."""
    return reunions.envoyer_action_partenaire(action_id=action_id, organisation_id=organisation_id)
