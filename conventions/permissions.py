"""Who may do what on a convention or an avenant: read from the transition tables that draw their
buttons (`conventions.services.TRANSITIONS`, `CIRCUIT_AVENANT`)."""

from comptes.permissions import EQUIPE

from .models import Avenant, Convention
from .services import CIRCUIT, CIRCUIT_AVENANT

S = Convention.Statut


def can_approve_convention(user, convention) -> bool:
    """Only the responsable de service approves a convention for signature (clauses and legal visa, CPO-6)."""
    return CIRCUIT.peut(convention, user, S.APPROUVEE)


def can_terminate_convention(user, convention) -> bool:
    """Only the responsable de service terminates a signed or running convention, with its reason."""
    return CIRCUIT.peut(convention, user, S.RESILIEE)


def can_sign_avenant(user, avenant) -> bool:
    """The team records the signature of an avenant its own exécutoire deliberation approved (CPO-5, DEL-6)."""
    return CIRCUIT_AVENANT.peut(avenant, user, Avenant.Statut.SIGNE)


def can_edit_avenant(user, avenant) -> bool:
    """The team edits an avenant, its text and its amounts, while it is a project: once a deliberation
    voted it, it stays as voted (CPO-5)."""
    return avenant.modifiable and user.role in EQUIPE
