"""Who may do what on a grant request: read from the transition table that draws its buttons
(`subventions.services.TRANSITIONS`); the role sets are those of comptes.permissions."""

from comptes.permissions import LECTEURS_SUBVENTIONS, can_see_internal_notes, is_equipe
from roubaix_cs.lecture import TOUT

from .models import CompteRenduFinancier, DemandeSubvention, LigneCRF, Versement
from .services import CIRCUIT

S = DemandeSubvention.Statut


def can_edit_demande(user, demande) -> bool:
    """The team edits a request and instructs it until its proposal is validated."""
    return is_equipe(user) and demande.statut in DemandeSubvention.STATUTS_AVANT_VALIDATION


def can_propose_demande(user, demande) -> bool:
    """The team proposes an instructed request (amount, imputation, analysis note)."""
    return CIRCUIT.peut(demande, user, S.PROPOSEE)


def can_validate_demande(user, demande) -> bool:
    """Only the responsable de service validates a proposal (then SUB-15, SUB-11 and SUB-4 are checked)."""
    return CIRCUIT.peut(demande, user, S.VALIDEE)


def can_reject_demande(user, demande) -> bool:
    """Only the responsable de service rejects a request, with its reason."""
    return CIRCUIT.peut(demande, user, S.REJETEE)


def can_adjourn_demande(user, demande) -> bool:
    """Only the responsable de service adjourns a request, with its reason (it then leaves its draft deliberation)."""
    return CIRCUIT.peut(demande, user, S.AJOURNEE)


def can_put_demande_on_deliberation(user, demande) -> bool:
    """The team puts a validated request on a draft deliberation; the council's vote alone makes it voted."""
    return is_equipe(user) and demande.statut == S.VALIDEE


def can_pay_demande(user, demande) -> bool:
    """The team records payments of a voted grant (each then checked: SUB-1, SUB-3, SUB-14)."""
    return is_equipe(user) and demande.votee


def can_read_analysis(user, demande) -> bool:
    """The analysis note and the instruction are internal: the team only, never élus or partners."""
    return can_see_internal_notes(user)


def _lecteur(user):
    return user.is_authenticated and user.role in LECTEURS_SUBVENTIONS


def _cache(*internes):
    """Grants are read by the team and the élus only; élus never read the instruction's notes."""

    def regle(user):
        if not _lecteur(user):
            return frozenset({TOUT})
        return frozenset() if can_see_internal_notes(user) else frozenset(internes)

    return regle


# What each reader may read of a grant (`roubaix_cs.lecture`), on its page and in its history.
CHAMPS_CACHES = {
    # Élus read the proposal and the amounts, never the analysis note nor the reason of a CRF override.
    DemandeSubvention: _cache("note_analyse", "derogation_crf_motif"),
    Versement: _cache(),
    # Of the financial report, élus read when it came in; the analysis of its gaps is the team's.
    CompteRenduFinancier: _cache("commentaire"),
    # Its lines are on the team's report page only.
    LigneCRF: _cache(TOUT),
}
