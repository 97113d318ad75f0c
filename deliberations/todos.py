"""What the deliberations' workflow waits for, per user (see roubaix_cs/todos.py)."""

from comptes.models import Role
from comptes.permissions import EQUIPE
from roubaix_cs.todos import AFaire, lien

from .models import Deliberation

S = Deliberation.Statut


def a_faire(user):
    if user.role not in EQUIPE:
        return []
    deliberations = Deliberation.objects.all()
    todos = [
        AFaire(
            "deliberations.pdf_a_generer",
            "Projets de délibération dont le PDF est à générer",
            deliberations.pdf_a_generer().count(),
            lien("deliberations:liste", etape="pdf_a_generer"),
        )
    ]
    if user.role == Role.RESPONSABLE:
        todos.append(
            AFaire(
                "deliberations.a_marquer_prete",
                "Délibérations à marquer prêtes pour la séance",
                deliberations.a_marquer_prete().count(),
                lien("deliberations:liste", etape="a_marquer_prete"),
            )
        )
    todos += [
        AFaire(
            "deliberations.vote_a_enregistrer",
            "Délibérations prêtes : vote à enregistrer après la séance",
            deliberations.filter(statut=S.PRETE).count(),
            lien("deliberations:liste", statut=S.PRETE),
        ),
        AFaire(
            "deliberations.a_rendre_executoire",
            "Délibérations votées à transmettre et publier",
            deliberations.filter(statut=S.VOTEE).count(),
            lien("deliberations:liste", statut=S.VOTEE),
        ),
    ]
    return todos
