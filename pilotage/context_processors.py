from comptes.models import Role
from comptes.permissions import EQUIPE
from roubaix_cs.extensions import menu

from .models import Alerte

ALERTES = "pilotage:alertes"  # the menu entry that carries the counter


def navigation(request):
    """The navigation bar: the entries the apps declare in their `menu` module, for the user's role; for
    the team, beside « Mes alertes », how many of their open alerts are unread (one COUNT, on display)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "peut_ecrire": False}
    compteur = None
    if user.role in EQUIPE:

        def compteur():
            return Alerte.objects.ouvertes().non_lues().filter(user=user).count()

    return {
        "navigation": [(e.libelle, e.url) for e in menu() if user.role in e.roles],
        "peut_ecrire": user.role in EQUIPE,
        "alertes_non_lues": compteur,
        "menu_alertes": ALERTES,
        "peut_choisir_preferences": user.role not in (Role.PARTENAIRE, ""),
    }
