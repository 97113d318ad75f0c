"""A user's personal calendar feed: the deadlines of the centres they follow (the responsable: all of
them) and the events the apps add through their `calendrier` module (the general assemblies, the
meetings — pilotage/calendrier.py —, later the bookings)."""

import dataclasses

from comptes.models import Role
from comptes.permissions import EQUIPE
from roubaix_cs import deadlines, extensions, ics

from . import echeances

NOM = "Mission Centres Sociaux — mon calendrier"


def _echeances(user, today):
    """The team's deadlines: the responsable's are all of them, an agent's those of their centres."""
    if user.role not in EQUIPE:
        return []
    toutes = deadlines.collect(today)
    if user.role == Role.RESPONSABLE:
        return toutes
    miens = echeances.centres_suivis(user)
    return [d for d in toutes if d.centre_id in miens]


def _evenement(deadline, types):
    """A deadline as an all-day event: one per (object, kind, threshold), like its alert."""
    cle = f"{deadline.object_key or deadline.url}.{deadline.threshold}".replace(":", "-")
    return ics.EvenementIcs(
        uid=ics.uid(deadline.kind, cle),
        debut=deadline.due,
        resume=deadline.label,
        description=f"Échéance : {types.get(deadline.kind, deadline.kind)}.",
        url=deadline.url,
    )


def evenements(user, today, *, absolue):
    """Every event of `user`'s feed, soonest first; `absolue(path)` makes their links absolute."""
    types = deadlines.types()
    trouves = [_evenement(d, types) for d in _echeances(user, today)]
    trouves += extensions.evenements_calendrier(user, today)
    trouves.sort(key=lambda e: (str(e.debut), e.uid))
    return [dataclasses.replace(e, url=absolue(e.url)) if e.url else e for e in trouves]
