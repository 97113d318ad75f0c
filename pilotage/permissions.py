"""What each reader may read of pilotage's records (`roubaix_cs.lecture`): one rule per model, that the
pages, their exports, PDFs and history tables follow alike."""

from comptes.permissions import can_see_internal_notes, can_see_reunions
from roubaix_cs.lecture import TOUT, caches_sauf_pour

from .models import Action, ParticipantReunion, Reunion, SituationVeille


def _reunions(*internes):
    """Meetings are read by the team and, in their scope, the partners; `internes` by the team only."""

    def regle(user):
        if not can_see_reunions(user):
            return frozenset({TOUT})
        return frozenset() if can_see_internal_notes(user) else frozenset(internes)

    return regle


CHAMPS_CACHES = {
    # The service's own notes on a meeting.
    Reunion: _reunions("notes_internes"),
    # The participants' addresses are the service's, to convene them; partners read names and attendance.
    ParticipantReunion: _reunions("email"),
    # An action's comment is the team's follow-up; partners read what, who, when and its status.
    Action: _reunions("commentaire"),
    # CV-3: the cellule's partner members read the file, never the service's internal notes.
    SituationVeille: caches_sauf_pour(can_see_internal_notes, "notes_internes"),
}
