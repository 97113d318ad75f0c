"""The pilotage app's entry in the navigation bar (its counter of unread alerts: context_processors)."""

from comptes.permissions import SERVICE
from roubaix_cs.extensions import EntreeMenu

ENTREES = [
    EntreeMenu("Mes alertes", "pilotage:alertes", SERVICE, 110),
]
