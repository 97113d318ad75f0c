"""What the centres' follow-up waits for, per user (see roubaix_cs/todos.py)."""

from django.utils import timezone

from comptes.permissions import EQUIPE
from roubaix_cs.todos import AFaire, lien

from .models import Visite


def a_faire(user):
    if user.role not in EQUIPE:
        return []
    return [
        AFaire(
            "centres.actions_en_retard",
            "Visites dont une action de suivi est en retard",
            Visite.objects.avec_actions_ouvertes(en_retard_le=timezone.localdate()).count(),
            lien("centres:visite_liste", actions="en_retard"),
        )
    ]
