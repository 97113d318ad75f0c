"""Pilotage's deadlines for the alerts (roubaix_cs.deadlines): the open actions of the meetings, and the
Cellule de veille's files in alerte that have not met for too long (CV-2)."""

from . import reunions, veille

TYPES = {**reunions.TYPES_ECHEANCES, **veille.TYPES_ECHEANCES}


def upcoming(today):
    return [*reunions.echeances_des_actions(today), *veille.echeances(today)]
