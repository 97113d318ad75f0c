"""The conventions app's entry in the navigation bar."""

from comptes.permissions import LECTEURS_CONVENTIONS
from roubaix_cs.extensions import EntreeMenu

ENTREES = [EntreeMenu("Conventions", "conventions:liste", LECTEURS_CONVENTIONS, 20)]
