"""The pilotage app's entries in the navigation bar (its counter of unread alerts: context_processors)."""

from comptes.permissions import LECTEURS_INDICATEURS, SERVICE
from roubaix_cs.extensions import EntreeMenu

ENTREES = [
    EntreeMenu("Comparaisons", "pilotage:comparaisons", LECTEURS_INDICATEURS, 56),
    EntreeMenu("Mes alertes", "pilotage:alertes", SERVICE, 110),
]
