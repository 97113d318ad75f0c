"""What the conventions' workflow waits for, per user (see roubaix_cs/todos.py)."""

from comptes.models import Role
from comptes.permissions import EQUIPE
from roubaix_cs.todos import AFaire, lien

from .models import Convention

S = Convention.Statut


def a_faire(user):
    if user.role not in EQUIPE:
        return []
    todos = []
    if user.role == Role.RESPONSABLE:
        todos.append(
            AFaire(
                "conventions.a_approuver",
                "Conventions à approuver pour signature",
                Convention.objects.filter(statut=S.REVUE_JURIDIQUE).count(),
                lien("conventions:liste", statut=S.REVUE_JURIDIQUE),
            )
        )
    todos.append(
        AFaire(
            "conventions.a_signer",
            "Conventions délibérées à faire signer",
            Convention.objects.filter(statut=S.DELIBEREE, referent=user).count(),
            lien("conventions:liste", statut=S.DELIBEREE, referent=user.pk),
            mine=True,
        )
    )
    return todos
