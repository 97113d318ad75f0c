import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef
from django.urls import reverse

from roubaix_cs.deadlines import Deadline
from roubaix_cs.seuils import AGREMENT_ALERTES_MOIS

from .models import Agrement

ETAPES = {
    14: "lancer le renouvellement du projet social",
    12: "engager l'évaluation et le diagnostic partagé",
    6: "partager les enjeux et faire valider par le CA / copil",
    3: "passage en commission CAF",
}


def upcoming(today: datetime.date) -> list[Deadline]:
    """AVS-3: renewal milestones of the granted agréments that no later agrément replaces yet."""
    successeur = Agrement.objects.filter(
        centre=OuterRef("centre"), type=OuterRef("type"), statut=Agrement.Statut.ACCORDE, debut__gt=OuterRef("fin")
    )
    agrements = Agrement.objects.accordes().filter(fin__gte=today).exclude(Exists(successeur)).select_related("centre")
    deadlines = []
    for agrement in agrements:
        url = reverse("centres:detail", args=[agrement.centre_id]) + "?onglet=agrements"
        key = f"centres.agrement:{agrement.pk}"
        for mois in AGREMENT_ALERTES_MOIS:
            due = agrement.fin - relativedelta(months=mois)
            if due >= today:
                deadlines.append(
                    Deadline(
                        due=due,
                        kind="agrement_renouvellement",
                        label=f"{agrement.centre.libelle_court} — agrément {agrement.type} : {ETAPES[mois]} (M-{mois})",
                        url=url,
                        threshold=f"M-{mois}",
                        object_key=key,
                        centre_id=agrement.centre_id,
                    )
                )
        deadlines.append(
            Deadline(
                due=agrement.fin,
                kind="agrement_fin",
                label=f"{agrement.centre.libelle_court} — fin de l'agrément {agrement.type}",
                url=url,
                threshold="fin",
                object_key=key,
                centre_id=agrement.centre_id,
            )
        )
    return deadlines
