"""Who may do what on a convention or an avenant: read from the transition tables that draw their
buttons (`conventions.services.TRANSITIONS`, `CIRCUIT_AVENANT`)."""

from comptes.permissions import EQUIPE, can_see_internal_notes, is_partenaire
from roubaix_cs.lecture import caches_sauf_pour

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


# What each reader may read of a convention (`roubaix_cs.lecture`), on its page and in its history. Its
# premises are hidden with the premises themselves (`centres.permissions`): partners read none.
CHAMPS_CACHES = {
    Convention: caches_sauf_pour(can_see_internal_notes, "notes_internes", "juridique_remarques"),
}


def historique_lisible_depuis(user, convention):
    """Partners never read a convention in the works (`visibles_par`): their history of it starts when
    it left the project and legal review, so that the drafts' amounts and clauses stay the team's.
    None: the whole history. One query, for partners only."""
    if not is_partenaire(user):
        return None
    return (
        convention.history.exclude(statut__in=Convention.STATUTS_MODIFIABLES)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
