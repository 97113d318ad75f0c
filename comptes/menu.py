"""The accounts app's entry in the navigation bar."""

from roubaix_cs.extensions import EntreeMenu

from .permissions import LECTEURS_COMPTES

ENTREES = [
    EntreeMenu("Comptes", "comptes:liste", LECTEURS_COMPTES, 100),
]
