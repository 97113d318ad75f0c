import datetime

from django.conf import settings

from roubaix_cs.deadlines import Deadline
from roubaix_cs.liens import chemins

from .models import Deliberation

TYPES = {
    "transmission_prefecture": "Transmission à la Préfecture",
}


def upcoming(today: datetime.date) -> list[Deadline]:
    return _transmissions(today)


def _transmissions(today):
    """DEL-4: a voted deliberation becomes exécutoire once transmitted to the Préfecture (and published);
    due `DELAI_TRANSMISSION_PREFECTURE_JOURS` days after the vote (the session's date) until its
    transmission is recorded, overdue past it. It concerns the city, not one centre."""
    delai = settings.DELAI_TRANSMISSION_PREFECTURE_JOURS
    deliberations = (
        Deliberation.objects.filter(statut=Deliberation.Statut.VOTEE, date_transmission__isnull=True)
        .order_by("seance__date", "annee", "numero")
        .values_list("pk", "annee", "numero", "objet", "seance__date", named=True)
    )
    fiche = chemins("deliberations:detail")  # Deliberation.get_absolute_url
    deadlines = []
    for deliberation in deliberations:
        due = deliberation.seance__date + datetime.timedelta(days=delai)
        retard = " — en retard" if due < today else ""
        deadlines.append(
            Deadline(
                due=due,
                kind="transmission_prefecture",
                # Deliberation.reference, from the row
                label=f"Délibération n° {deliberation.annee}/{deliberation.numero:03d} — {deliberation.objet} : "
                f"à transmettre à la Préfecture (votée le {deliberation.seance__date:%d/%m/%Y}){retard}",
                url=fiche(deliberation.pk),
                threshold=f"J+{delai}",
                object_key=f"deliberations.deliberation:{deliberation.pk}",
                centre_id=None,
            )
        )
    return deadlines
