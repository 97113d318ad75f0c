from smtplib import SMTPException

from celery import shared_task

from . import services

TRANSITOIRES = (SMTPException, OSError, ConnectionError, TimeoutError)


@shared_task(autoretry_for=TRANSITOIRES, retry_backoff=True, max_retries=5, acks_late=True)
def envoyer_invitation(compte_id, origine):
    """E-mail an account's invitation; a mail server that fails is retried with a growing delay.
    The link is made at sending time, so that its validity starts when the person receives it."""
    return services.envoyer_invitation(compte_id=compte_id, origine=origine)
