"""What each reader may read of a centre's records (`roubaix_cs.lecture`): one rule per model, that
the centre's page, its tabs, the premises' page and their history tables follow alike."""

from comptes.permissions import (
    can_see_documents,
    can_see_indicateurs,
    can_see_internal_notes,
    can_see_locaux,
    can_see_visites,
)
from roubaix_cs.lecture import TOUT, caches_sauf_pour

from .models import (
    ActionSuivi,
    Agrement,
    AssembleeGenerale,
    Centre,
    Document,
    IndicateursAnnuels,
    Local,
    Travaux,
    Visite,
)


def _travaux(user):
    """Works go with the premises; their observations are the team's working notes."""
    if not can_see_locaux(user):
        return frozenset({TOUT})
    return frozenset() if can_see_internal_notes(user) else frozenset({"observations"})


def _indicateurs(user):
    """The yearly figures: the team, the élus and the partners (their centres); the notes are the team's."""
    if not can_see_indicateurs(user):
        return frozenset({TOUT})
    return frozenset() if can_see_internal_notes(user) else frozenset({"notes_internes"})


CHAMPS_CACHES = {
    # The service's own notes on the centre.
    Centre: caches_sauf_pour(can_see_internal_notes, "notes_internes"),
    # The team's working notes on an agrément and an assembly (read in their forms and on the tabs of
    # the team only).
    Agrement: caches_sauf_pour(can_see_internal_notes, "observations"),
    AssembleeGenerale: caches_sauf_pour(can_see_internal_notes, "compte_rendu"),
    # ACM/LALP visits: the team and the élus, never partners or régisseurs.
    Visite: caches_sauf_pour(can_see_visites, TOUT),
    ActionSuivi: caches_sauf_pour(can_see_visites, TOUT),
    # Premises: the service and the élus, never partners (so neither a convention's premises, nor the
    # works a document belongs to).
    Local: caches_sauf_pour(can_see_locaux, TOUT),
    Travaux: _travaux,
    IndicateursAnnuels: _indicateurs,
    # The vault: the team, and the élus and partners for its public documents (Document.visibles_par).
    Document: caches_sauf_pour(can_see_documents, TOUT),
}
