"""The grants app's entry in the navigation bar."""

from comptes.permissions import LECTEURS_SUBVENTIONS
from roubaix_cs.extensions import EntreeMenu

ENTREES = [EntreeMenu("Subventions", "subventions:liste", LECTEURS_SUBVENTIONS, 30)]
