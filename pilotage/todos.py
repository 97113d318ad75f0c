"""What waits for the responsable in pilotage (roubaix_cs.todos): the copils of the year still to plan."""

from django.utils import timezone

from comptes.models import Role
from roubaix_cs.seuils import COPIL_POLITIQUE_MIN, COPIL_STRAT_MIN
from roubaix_cs.todos import AFaire, lien

from . import reunions


def a_faire(user):
    """AVS-8: fewer than 3 strategic copils or no political one planned this calendar year."""
    if user.role != Role.RESPONSABLE:
        return []
    annee = timezone.localdate().year
    return [
        AFaire(
            "pilotage.copils_a_programmer",
            f"Copils à programmer en {annee} ({COPIL_STRAT_MIN} stratégiques et "
            f"{COPIL_POLITIQUE_MIN} politique au moins)",
            reunions.gouvernance(annee).manquants,
            lien("pilotage:reunions", annee=annee),
        )
    ]
