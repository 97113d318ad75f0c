"""Explicit workflows: a table of transitions, who may take each, what it checks, and a history
entry (author and comment) for every move. Used by conventions and grant requests."""

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


class Circuit:
    def __init__(self, transitions, statuts):
        self.transitions = transitions
        self.libelles = dict(statuts.choices)

    def possibles(self, objet, user):
        return [t for t in self.transitions if objet.statut in t.depuis and user.role in t.roles]

    def appliquer(self, objet, vers, *, par, commentaire="", jour=None, preparer=None):
        """Move `objet` (already locked by the caller) to `vers`, or raise ValidationError.

        `preparer(objet, transition, jour=…, commentaire=…, par=…)` sets the fields that go with the move before saving.
        """
        jour = jour or timezone.localdate()
        transition = next((t for t in self.transitions if objet.statut in t.depuis and t.vers == vers), None)
        if transition is None:
            cible = self.libelles.get(vers, vers or "?")
            raise ValidationError(f"Passage impossible de « {self.libelles[objet.statut]} » à « {cible} ».")
        if par.role not in transition.roles:
            raise ValidationError(f"« {transition.libelle} » est réservé à la responsable de service.")
        if transition.motif_requis and not commentaire.strip():
            raise ValidationError("Indiquez le motif.")
        erreurs = transition.verifier(objet, jour)
        if erreurs:
            raise ValidationError(erreurs)
        if preparer is not None:
            preparer(objet, transition, jour=jour, commentaire=commentaire, par=par)
        objet.statut = vers
        objet.version += 1
        objet._history_user = par  # who, even outside a request (shell, task)
        objet._change_reason = f"{transition.libelle}{' — ' + commentaire if commentaire else ''}"
        objet.save()
        return objet
