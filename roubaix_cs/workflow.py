"""Explicit workflows: a table of transitions, who may take each, what it checks, and a history
entry (author and reason) for every move. Used by conventions, avenants and grant requests.

A transition marked `par_service` is what another app's real process does to the record (the
council's vote of a deliberation, say): it is never offered as a button and is taken only through
the owning app's service, so that there is one path to each state."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone


def _rien(objet, jour):
    return []


@dataclass(frozen=True)
class Transition:
    depuis: tuple  # the statuses it leaves from
    vers: str
    libelle: str
    roles: frozenset
    verifier: Callable = _rien  # verifier(objet, jour) -> list of French reasons it may not happen
    motif_requis: bool = False
    par_service: bool = False  # taken by the owning app's service for another app, never a button


def enregistrer(objet, *, par, motif):
    """Save a change of `objet` with its history entry: who, and why. The one place where version
    counters and history reasons are written, for a status change or not."""
    objet.version += 1
    objet._history_user = par  # who, even outside a request (shell, task)
    objet._change_reason = motif
    objet.save()
    return objet


class Circuit:
    def __init__(self, transitions, statuts, *, qui):
        """`qui(roles)` names who holds these roles, for the refusal message (comptes.permissions.qui)."""
        self.transitions = transitions
        self.libelles = dict(statuts.choices)
        self.qui = qui

    def peut(self, objet, user, vers):
        """May `user` take `objet` to `vers` by a button, its status allowing it (the checks aside)?"""
        return any(t.vers == vers for t in self.possibles(objet, user))

    def roles(self, vers):
        """The roles that may take an object to `vers` by a button."""
        return frozenset().union(*(t.roles for t in self.transitions if t.vers == vers and not t.par_service))

    def possibles(self, objet, user):
        """The buttons `user` sees on `objet`."""
        return [t for t in self.transitions if objet.statut in t.depuis and user.role in t.roles and not t.par_service]

    def appliquer(self, objet, vers, *, par, commentaire="", jour=None, preparer=None, par_service=False):
        """Move `objet` (already locked by the caller) to `vers`, or raise ValidationError.

        `preparer(objet, transition, jour=…, commentaire=…, par=…)` sets the fields that go with the move before saving.
        `par_service`: the move is another app's process, called through the owning app's service.
        """
        jour = jour or timezone.localdate()
        transition = next(
            (
                t
                for t in self.transitions
                if objet.statut in t.depuis and t.vers == vers and t.par_service == par_service
            ),
            None,
        )
        if transition is None:
            cible = self.libelles.get(vers, vers or "?")
            raise ValidationError(f"Passage impossible de « {self.libelles[objet.statut]} » à « {cible} ».")
        if par.role not in transition.roles:
            raise ValidationError(f"« {transition.libelle} » est réservé à {self.qui(transition.roles)}.")
        if transition.motif_requis and not commentaire.strip():
            raise ValidationError("Indiquez le motif.")
        erreurs = transition.verifier(objet, jour)
        if erreurs:
            raise ValidationError(erreurs)
        if preparer is not None:
            preparer(objet, transition, jour=jour, commentaire=commentaire, par=par)
        objet.statut = vers
        return enregistrer(objet, par=par, motif=f"{transition.libelle}{' — ' + commentaire if commentaire else ''}")
