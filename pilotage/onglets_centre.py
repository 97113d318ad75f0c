"""The « Financeurs » tab of the centre page (see roubaix_cs.extensions): every funder's contribution,
year by year, with its source (pilotage.financeurs)."""

from comptes.permissions import LECTEURS_FINANCEURS, is_equipe, is_partenaire
from roubaix_cs.extensions import OngletCentre

from . import veille
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


# The « Cellule de veille » tab: the centre's files and its computed level, for the team (the partners read
# the files in their list, the élus the levels on their dashboard).
ONGLETS.append(
    OngletCentre(
        code="veille",
        libelle="Cellule de veille",
        visible=is_equipe,
        contexte=veille.onglet_centre,
        template="pilotage/veille/onglet_centre.html",
    )
)
