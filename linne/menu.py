"""Espace Linné's entry in the navigation bar: the service that runs it, and the élus who read it."""

from comptes.permissions import LECTEURS_LINNE, LECTEURS_PLANNING_LINNE
from roubaix_cs.extensions import EntreeMenu

ENTREES = [
    # The bookings' list leads to the rooms, the closures and the series (linne/gestion/_onglets.html).
    EntreeMenu("Espace Linné", "linne:reservation_liste", LECTEURS_LINNE, 75),
    # The rooms' week and the day of all rooms, with the day sheet to print.
    EntreeMenu("Planning Linné", "linne:semaine", LECTEURS_LINNE, 76),
    # The régisseurs' rota: who is on duty when, and the hours left uncovered.
    EntreeMenu("Planning des régisseurs", "linne:planning", LECTEURS_PLANNING_LINNE, 77),
]
