from comptes.permissions import EQUIPE
from roubaix_cs.extensions import menu


def navigation(request):
    """The navigation bar: the entries the apps declare in their `menu` module, for the user's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "peut_ecrire": False}
    return {
        "navigation": [(e.libelle, e.url) for e in menu() if user.role in e.roles],
        "peut_ecrire": user.role in EQUIPE,
    }
