"""The « Financeurs » tab of the centre page (see roubaix_cs.extensions): every funder's contribution,
year by year, with its source (pilotage.financeurs)."""

from comptes.permissions import LECTEURS_FINANCEURS, is_partenaire
from roubaix_cs.extensions import OngletCentre

from .financeurs import financeurs_du_centre


def visible(user):
    """The team, the élus and the partners (for the centres in their scope: the centre page answers 404
    outside it); not the régisseurs, who do not read grants."""
    return user.is_authenticated and user.role in LECTEURS_FINANCEURS


def _contexte(centre, user):
    return {
        "financeurs": financeurs_du_centre(centre, user),
        "voit_verse": not is_partenaire(user),  # a partner reads the amounts voted, not the payments
    }


ONGLETS = [
    OngletCentre(
        code="financeurs",
        libelle="Financeurs",
        visible=visible,
        contexte=_contexte,
        template="pilotage/includes/onglet_financeurs.html",
    )
]
