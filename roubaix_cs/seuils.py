"""Legal and practice thresholds, each with its source (../shared/reference/domain-rules.md).

Never write these numbers as literals elsewhere in the code.
"""

# AVS-1 — Agrément CNAF « animation de la vie sociale » : décidé par le conseil
# d'administration de la CAF pour 1 à 4 ans (circulaire CNAF 2012-013 du 20/06/2012).
AGREMENT_DUREE_MIN_MOIS = 1
AGREMENT_DUREE_MAX_MOIS = 48

# AVS-3 — Rétro-planning du renouvellement du projet social (pratique des CAF) :
# alertes à M-14, M-12, M-6 et M-3 avant la fin de l'agrément.
AGREMENT_ALERTES_MOIS = (14, 12, 6, 3)
# Horizon of the "agrément ending within N months" filter and of the home page.
AGREMENT_HORIZON_DEFAUT_MOIS = 12
# Home page of the team: deadlines falling within this many days (practice, no legal value).
ACCUEIL_ECHEANCES_JOURS = 120
