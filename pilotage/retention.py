"""Retention of the meetings' contacts without an account (RGPD art. 5-1-e), run by `roubaix_cs.retention.purger`.

A partner's contact convened by name and e-mail is kept to convene them and to say who attended. The
meetings held `RETENTION_CONTACTS_REUNIONS_ANS` years ago or more lose their contacts' name and e-mail, and
the history rows that held them: the row stays with its organisation and its attendance, so that the
minutes still say which organisations were there and how many people came.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings

from roubaix_cs.retention import MOTIF_ANONYMISATION, Purge, effacer_historique

from .models import ParticipantReunion

ANONYME = "(anonymisé)"


def contacts_a_anonymiser(today: datetime.date):
    """The contacts without an account, not yet anonymised, of the meetings held the retention period ago."""
    limite = today - relativedelta(years=settings.RETENTION_CONTACTS_REUNIONS_ANS)
    return (
        ParticipantReunion.objects.filter(user__isnull=True, reunion__date__lte=limite)
        .exclude(nom=ANONYME, email="")
        .select_related("reunion", "organisation")
        .order_by("reunion__date", "pk")
    )


def anonymiser_participant(participant):
    """Remove the name and the e-mail; the organisation and the attendance stay. Its history goes, but for
    the row that records the anonymisation."""
    effacer_historique(ParticipantReunion, [participant.pk])
    participant.nom, participant.email = ANONYME, ""
    participant._change_reason = MOTIF_ANONYMISATION
    participant.save()


def purger(today: datetime.date, *, simuler: bool = False) -> list[Purge]:
    ans = settings.RETENTION_CONTACTS_REUNIONS_ANS
    purge = Purge(f"Contacts sans compte des réunions tenues il y a {ans} an(s) ou plus, anonymisés")
    for participant in contacts_a_anonymiser(today):
        purge.objets.append(f"{participant} — {participant.reunion}")
        purge.historique += ParticipantReunion.history.filter(id=participant.pk).count()
        if not simuler:
            anonymiser_participant(participant)
    return [purge]
