"""pilotage's own deadlines, collected with every app's (roubaix_cs.deadlines) by pilotage.alertes."""

from . import veille

TYPES = {**veille.TYPES_ECHEANCES}


def upcoming(today):
    # CV-2: the Cellule de veille's files in alerte that have not met for too long.
    return veille.echeances(today)
