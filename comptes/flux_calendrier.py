"""Personal calendar feeds: each user's secret address (created, regenerated, revoked from the
preferences page), and the SEQUENCE of the feeds' events.

SEQUENCE: counted, not derived from a date. Deadlines are computed, not stored, and have no
modification date; so each event's published content is hashed (`EvenementIcs.empreinte`) and
`numeroter` keeps, per UID, the last hash seen and a counter raised by one when it differs. A second
download of an unchanged event gets the same SEQUENCE; an event whose date moved gets a higher one.
"""

import dataclasses
import secrets

from django.db import transaction
from django.utils import timezone

from .models import JetonCalendrier, SequenceCalendrier

OCTETS_JETON = 32  # 256 random bits, url-safe: 43 characters


def jeton_actif(user):
    """The user's active token, or None."""
    return JetonCalendrier.objects.filter(user=user, revoque_le__isnull=True).first()


def regenerer(*, user):
    """A new secret address for `user` (the first one, or one replacing the old, which stops working)."""
    jeton, _ = JetonCalendrier.objects.update_or_create(
        user=user,
        defaults={"jeton": secrets.token_urlsafe(OCTETS_JETON), "cree_le": timezone.now(), "revoque_le": None},
    )
    return jeton


def revoquer(*, user):
    """The user's address stops working (answers 404) until a new one is created."""
    return JetonCalendrier.objects.filter(user=user, revoque_le__isnull=True).update(revoque_le=timezone.now())


def titulaire(jeton):
    """The active user whose active token is `jeton`, or None (unknown, revoked, account closed)."""
    trouve = (
        JetonCalendrier.objects.filter(jeton=jeton, revoque_le__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return trouve.user if trouve else None


def numeroter(evenements):
    """`evenements` with their SEQUENCE: the stored one when their content is unchanged, one more when
    it changed, 0 for a new UID. Three queries at most, whatever their number."""
    evenements = list(evenements)
    connues = {s.uid: s for s in SequenceCalendrier.objects.filter(uid__in=[e.uid for e in evenements])}
    nouvelles, changees, resultat = {}, [], []
    for e in evenements:
        connue = connues.get(e.uid)
        if connue is None:
            nouvelles[e.uid] = SequenceCalendrier(uid=e.uid, empreinte=e.empreinte, sequence=0)
            sequence = 0
        elif connue.empreinte != e.empreinte:
            connue.empreinte, connue.sequence = e.empreinte, connue.sequence + 1
            changees.append(connue)
            sequence = connue.sequence
        else:
            sequence = connue.sequence
        resultat.append(dataclasses.replace(e, sequence=sequence))
    if not (nouvelles or changees):
        return resultat
    with transaction.atomic():
        # Two downloads at once: both insert (one is ignored) or both raise by one; never twice.
        SequenceCalendrier.objects.bulk_create(nouvelles.values(), ignore_conflicts=True)
        SequenceCalendrier.objects.bulk_update(changees, ["empreinte", "sequence"])
    return resultat
