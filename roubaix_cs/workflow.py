"""Explicit workflows: a table of transitions, who may take each, what it checks, and a history
entry (author and reason) for every move. Used by conventions, avenants and grant requests.

A transition marked `par_service` is what another app's real process does to the record (the
council's vote of a deliberation, say): it is never offered as a button and is taken only through
the owning app's service, so that there is one path to each state.

A transition marked `principale` is the expected next step from its statuses: the page shows it as its one
primary button (or, taken by another app's process, says where it happens), the others as secondary
decisions, and each step that may not be taken now with its reasons or the roles it is reserved to."""

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
    principale: bool = False  # the expected next step from `depuis`: the page's one primary button


@dataclass(frozen=True)
class Etape:
    """A step as one user sees it on the object's page."""

    transition: Transition
    permise: bool  # the user's role takes it by a button
    raisons: tuple = ()  # why it may not be taken now (the transition's checks), for a user who may take it
    reserve_a: str = ""  # who takes it, for a user who may not (« la responsable de service »)

    @property
    def possible(self):
        return self.permise and not self.raisons

    @property
    def ailleurs(self):
        """Taken by another app's process (the council's vote…), not from this page."""
        return self.transition.par_service

    @property
    def vers(self):
        return self.transition.vers

    @property
    def libelle(self):
        return self.transition.libelle

    @property
    def motif_requis(self):
        return self.transition.motif_requis


@dataclass(frozen=True)
class Etapes:
    """The steps a page shows from an object's status: the expected one, the other decisions the user
    may take, and those reserved to other roles."""

    principale: Etape | None = None
    autres: tuple = ()
    reservees: tuple = ()

    def __bool__(self):
        return bool(self.principale or self.autres or self.reservees)


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
        for statut in self.libelles:
            principales = [t.libelle for t in transitions if t.principale and statut in t.depuis]
            assert len(principales) <= 1, f"Plus d'une étape principale depuis {statut} : {principales}"

    def peut(self, objet, user, vers):
        """May `user` take `objet` to `vers` by a button, its status allowing it (the checks aside)?"""
        return any(t.vers == vers for t in self.possibles(objet, user))

    def roles(self, vers):
        """The roles that may take an object to `vers` by a button."""
        return frozenset().union(*(t.roles for t in self.transitions if t.vers == vers and not t.par_service))

    def possibles(self, objet, user):
        """The buttons `user` sees on `objet`."""
        return [t for t in self.transitions if objet.statut in t.depuis and user.role in t.roles and not t.par_service]

    def principale(self, statut):
        """The expected next step from `statut`, or None (a final status)."""
        return next((t for t in self.transitions if t.principale and statut in t.depuis), None)

    def etapes(self, objet, user, jour=None):
        """What `objet`'s page shows `user` of its next steps. The checks run only for the steps the user
        may take (each costs what its `verifier` reads); the others say who takes them."""
        jour = jour or timezone.localdate()

        def etape(t):
            if t.par_service:
                return Etape(t, permise=False)
            if user.role not in t.roles:
                return Etape(t, permise=False, reserve_a=self.qui(t.roles))
            return Etape(t, permise=True, raisons=tuple(t.verifier(objet, jour)))

        principale = self.principale(objet.statut)
        autres = [
            etape(t) for t in self.transitions if objet.statut in t.depuis and not t.par_service and t is not principale
        ]
        return Etapes(
            principale=etape(principale) if principale else None,
            autres=tuple(e for e in autres if e.permise),
            reservees=tuple(e for e in autres if not e.permise),
        )

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
