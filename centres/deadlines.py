import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef
from django.urls import reverse

from roubaix_cs.deadlines import Deadline
from roubaix_cs.seuils import AGREMENT_ALERTES_MOIS

from .models import Agrement, Centre

ETAPES = {
    14: "lancer le renouvellement du projet social",
    12: "engager l'évaluation et le diagnostic partagé",
    6: "partager les enjeux et faire valider par le CA / copil",
    3: "passage en commission CAF",
}


def upcoming(today: datetime.date) -> list[Deadline]:
    """AVS-3: renewal milestones of granted agréments that no later granted agrément replaces.

    For each agrément: the step reached most recently (still to do until the renewal is
    granted), the steps to come, and its end (overdue once expired).
    """
    successeur = Agrement.objects.filter(
        centre=OuterRef("centre"), type=OuterRef("type"), statut=Agrement.Statut.ACCORDE, debut__gt=OuterRef("fin")
    )
    agrements = (
        Agrement.objects.accordes()
        .exclude(centre__statut=Centre.Statut.FERME)
        .exclude(Exists(successeur))
        .select_related("centre")
    )
    deadlines = []
    for agrement in agrements:
        centre = agrement.centre

        def deadline(due, kind, label, threshold, agrement=agrement, centre=centre):
            return Deadline(
                due=due,
                kind=kind,
                label=f"{centre.libelle_court} — {label}",
                url=reverse("centres:detail", args=[centre.pk]) + "?onglet=agrements",
                threshold=threshold,
                object_key=f"centres.agrement:{agrement.pk}",
                centre_id=centre.pk,
            )

        etapes = [(agrement.fin - relativedelta(months=mois), mois) for mois in AGREMENT_ALERTES_MOIS]
        passees = [(due, mois) for due, mois in etapes if due < today]
        a_venir = [(due, mois) for due, mois in etapes if due >= today]
        if agrement.fin >= today:
            for due, mois in passees[-1:] + a_venir:
                label = f"agrément {agrement.type} : {ETAPES[mois]} (M-{mois})"
                deadlines.append(deadline(due, "agrement_renouvellement", label, f"M-{mois}"))
            deadlines.append(deadline(agrement.fin, "agrement_fin", f"fin de l'agrément {agrement.type}", "fin"))
        else:
            label = f"agrément {agrement.type} expiré, renouvellement non accordé"
            deadlines.append(deadline(agrement.fin, "agrement_expire", label, "expire"))
    return deadlines
