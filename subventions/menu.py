"""The grants app's entry in the navigation bar."""

from comptes.permissions import EQUIPE, LECTEURS_SUBVENTIONS
from roubaix_cs.extensions import EntreeMenu

ENTREES = [
    EntreeMenu("Subventions", "subventions:liste", LECTEURS_SUBVENTIONS, 30),
    EntreeMenu("Données ouvertes", "subventions:donnees_ouvertes", EQUIPE, 35),
    EntreeMenu("Annexe budgétaire", "subventions:annexe", LECTEURS_SUBVENTIONS, 36),
]
