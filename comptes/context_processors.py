from .permissions import (
    EQUIPE,
    LECTEURS_CONVENTIONS,
    LECTEURS_DELIBERATIONS,
    LECTEURS_DOCUMENTS,
    LECTEURS_LOCAUX,
    LECTEURS_SUBVENTIONS,
    LECTEURS_VISITES,
    TOUS,
)

# (label, url name, roles that see the entry). Later apps add their entries here.
NAVIGATION = [
    ("Centres", "centres:liste", TOUS),
    ("Conventions", "conventions:liste", LECTEURS_CONVENTIONS),
    ("Subventions", "subventions:liste", LECTEURS_SUBVENTIONS),
    ("Délibérations", "deliberations:liste", LECTEURS_DELIBERATIONS),
    ("Assemblées", "centres:ag_liste", TOUS),
    ("Visites", "centres:visite_liste", LECTEURS_VISITES),
    ("Locaux", "centres:local_liste", LECTEURS_LOCAUX),
    ("Travaux", "centres:travaux_liste", LECTEURS_LOCAUX),
    ("Documents", "centres:document_liste", LECTEURS_DOCUMENTS),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "peut_ecrire": False}
    return {
        "navigation": [(label, name) for label, name, roles in NAVIGATION if user.role in roles],
        "peut_ecrire": user.role in EQUIPE,
    }
