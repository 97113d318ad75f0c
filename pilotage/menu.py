"""The pilotage app's entries in the navigation bar (its counter of unread alerts: context_processors)."""

from comptes.models import Role
from comptes.permissions import EQUIPE, LECTEURS_INDICATEURS, LECTEURS_REUNIONS, LECTEURS_TABLEAU_DE_BORD, SERVICE
from roubaix_cs.extensions import EntreeMenu

ENTREES = [
    EntreeMenu("Tableau de bord", "pilotage:tableau_de_bord", LECTEURS_TABLEAU_DE_BORD, 5),
    EntreeMenu("Rapport annuel", "pilotage:rapport", LECTEURS_TABLEAU_DE_BORD, 45),
    EntreeMenu("Comparaisons", "pilotage:comparaisons", LECTEURS_INDICATEURS, 56),
    # The team convenes them; a partner reads those its organisation takes part in.
    EntreeMenu("Réunions", "pilotage:reunions", LECTEURS_REUNIONS, 58),
    # The team starts from the overview of the centres; a partner from the files its organisation examined.
    EntreeMenu("Cellule de veille", "pilotage:veille", EQUIPE, 59),
    EntreeMenu("Cellule de veille", "pilotage:veille_dossiers", frozenset({Role.PARTENAIRE}), 59),
    EntreeMenu("Mes alertes", "pilotage:alertes", SERVICE, 110),
]
