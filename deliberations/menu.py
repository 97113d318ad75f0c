"""The deliberations app's entry in the navigation bar."""

from comptes.permissions import LECTEURS_DELIBERATIONS
from roubaix_cs.extensions import EntreeMenu

ENTREES = [EntreeMenu("Délibérations", "deliberations:liste", LECTEURS_DELIBERATIONS, 40)]
