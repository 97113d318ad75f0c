"""What each reader may read of pilotage's records (roubaix_cs.lecture), on their pages and in their history."""

from comptes.permissions import can_see_internal_notes
from roubaix_cs.lecture import caches_sauf_pour

from .models import SituationVeille

CHAMPS_CACHES = {
    # CV-3: the cellule's partner members read the file, never the service's internal notes.
    SituationVeille: caches_sauf_pour(can_see_internal_notes, "notes_internes"),
}
