"""The pilotage app's entry in the navigation bar (its counter of unread alerts: context_processors)."""

from comptes.permissions import LECTEURS_PILOTAGE, SERVICE
from roubaix_cs.extensions import EntreeMenu

ENTREES = [
    EntreeMenu("Rapport annuel", "pilotage:rapport", LECTEURS_PILOTAGE, 45),
    EntreeMenu("Mes alertes", "pilotage:alertes", SERVICE, 110),
]
