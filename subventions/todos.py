"""What the grants' workflow waits for, per user (see roubaix_cs/todos.py)."""

from django.db.models import Count

from comptes.models import Role
from comptes.permissions import EQUIPE
from roubaix_cs.todos import AFaire, lien

from .models import DemandeSubvention

S = DemandeSubvention.Statut
# The steps of the files a member of the team instructs (the grant's « instruite par »).
ETAPES_DU_REFERENT = [
    (S.RECUE, "Demandes reçues à mettre en instruction"),
    (S.INSTRUCTION, "Demandes à instruire"),
    (S.VALIDEE, "Subventions validées à inscrire à une délibération"),
    (S.VOTEE, "Subventions votées à notifier au centre"),
]


def a_faire(user):
    if user.role not in EQUIPE:
        return []
    demandes = DemandeSubvention.objects.all()
    todos = []
    if user.role == Role.RESPONSABLE:
        todos.append(
            AFaire(
                "subventions.propositions_a_valider",
                "Propositions à valider",
                demandes.filter(statut=S.PROPOSEE).count(),
                lien("subventions:liste", statut=S.PROPOSEE),
            )
        )
    miennes = demandes.filter(referent=user)
    par_statut = miennes.filter(statut__in=[s for s, _ in ETAPES_DU_REFERENT]).order_by().values("statut")
    comptes = {ligne["statut"]: ligne["n"] for ligne in par_statut.annotate(n=Count("pk"))}
    for statut, label in ETAPES_DU_REFERENT:
        todos.append(
            AFaire(
                f"subventions.{statut}",
                label,
                comptes.get(statut, 0),
                lien("subventions:liste", statut=statut, referent=user.pk),
                mine=True,
            )
        )
    todos.append(
        AFaire(
            "subventions.crf_a_analyser",
            "Comptes rendus financiers reçus à analyser",
            miennes.crf_a_analyser().count(),
            lien("subventions:liste", crf="a_analyser", referent=user.pk),
            mine=True,
        )
    )
    return todos
