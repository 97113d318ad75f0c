"""Espace Linné's block on a régisseur's home page (extension point `accueil`): their shifts of the next
seven days, today's confirmed bookings of every room (with their set-up and clean-up), and the room
requests of the public waiting for an answer. Four queries, whatever the number of rows."""

import datetime

from comptes.models import Role
from roubaix_cs.extensions import BlocAccueil
from roubaix_cs.listes import apercu
from roubaix_cs.todos import lien

from .grille import debut_du_jour
from .models import Creneau, DemandeReservation, Reservation
from .planning import url_semaine

JOURS_CRENEAUX = 7  # the shifts the home page lists: the coming week


def blocs(user, today):
    if user.role != Role.REGISSEUR:
        return []
    demain = debut_du_jour(today + datetime.timedelta(days=1))
    recue = DemandeReservation.Statut.RECUE
    contexte = {
        "today": today,
        "creneaux": list(
            Creneau.objects.filter(regisseur=user)
            .entre(debut_du_jour(today), debut_du_jour(today + datetime.timedelta(days=JOURS_CRENEAUX)))
            .order_by("debut", "pk")
        ),
        "jours_creneaux": JOURS_CRENEAUX,
        "planning": url_semaine(today),
        "reservations": list(
            Reservation.objects.confirmees()
            .entre(debut_du_jour(today), demain)
            .select_related("salle", "organisation")
            .order_by("debut", "salle__nom", "pk")
        ),
        "demandes": apercu(
            DemandeReservation.objects.filter(statut=recue).order_by("recue_le", "pk"),
            lien("linne:demandes", statut=recue),
        ),
    }
    return [BlocAccueil("linne/planning/includes/accueil.html", contexte, "Espace Linné")]
