"""Pilotage's deadlines for the alerts (roubaix_cs.deadlines): the open actions of the meetings."""

from . import reunions

TYPES = dict(reunions.TYPES_ECHEANCES)


def upcoming(today):
    return reunions.echeances_des_actions(today)
