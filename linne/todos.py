"""What Espace Linné waits for, per user (see roubaix_cs/todos.py): the room requests of the public that
wait for their answer, for the service that runs the facility."""

from comptes.permissions import GESTION_LINNE
from roubaix_cs.todos import AFaire, lien

from .models import DemandeReservation


def a_faire(user):
    if user.role not in GESTION_LINNE:
        return []
    recue = DemandeReservation.Statut.RECUE
    return [
        AFaire(
            "linne.demandes_a_traiter",
            "Demandes de salle à traiter",
            DemandeReservation.objects.filter(statut=recue).count(),
            lien("linne:demandes", statut=recue),
        )
    ]
