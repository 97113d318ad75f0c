"""Who may do what on a deliberation."""

from comptes.permissions import is_equipe, is_responsable

from .models import Deliberation


def can_edit_deliberation(user, deliberation) -> bool:
    """The team drafts and edits a deliberation, adds or takes off its grants, until it is marked ready."""
    return is_equipe(user) and deliberation.modifiable


def can_mark_deliberation_ready(user, deliberation) -> bool:
    """Only the responsable de service marks a draft ready for the session (its text is then frozen)."""
    return is_responsable(user) and deliberation.statut == Deliberation.Statut.BROUILLON


def can_record_vote(user, deliberation) -> bool:
    """The team records the council's vote of a ready deliberation."""
    return is_equipe(user) and deliberation.statut == Deliberation.Statut.PRETE


def can_make_executoire(user, deliberation) -> bool:
    """The team records the transmission to the préfet and the publication of a voted deliberation (DEL-4)."""
    return is_equipe(user) and deliberation.statut == Deliberation.Statut.VOTEE
