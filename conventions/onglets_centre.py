"""The "Conventions" tab of the centre page (see roubaix_cs.extensions)."""

from django.utils import timezone

from comptes.permissions import LECTEURS_CONVENTIONS, is_partenaire
from roubaix_cs.extensions import OngletCentre

from .models import Convention
from .services import aides_annuelles


def _contexte(centre, user):
    annee = timezone.localdate().year
    return {
        "conventions": Convention.objects.visibles_par(user).filter(centre=centre).select_related("referent"),
        # The city's whole aid to the centre names conventions a partner may not be party to.
        "aides": None
        if is_partenaire(user)
        else aides_annuelles(centre=centre, annees=[annee - 1, annee, annee + 1]).values(),
    }


ONGLETS = [
    OngletCentre(
        code="conventions",
        libelle="Conventions",
        visible=lambda user: user.role in LECTEURS_CONVENTIONS,
        contexte=_contexte,
        template="conventions/includes/onglet_centre.html",
    )
]
