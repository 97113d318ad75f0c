import datetime

from django.urls import reverse

from roubaix_cs.deadlines import Deadline
from roubaix_cs.seuils import CRF_ALERTE_JOURS

from .models import DemandeSubvention, echeance_crf


def upcoming(today: datetime.date) -> list[Deadline]:
    return _comptes_rendus(today)


def _comptes_rendus(today):
    """SUB-4: the financial report of a voted grant is due on 30 June N+1; alert 30 days before
    ("J-30") and once overdue ("retard"), until the report is received."""
    horizon = today + datetime.timedelta(days=CRF_ALERTE_JOURS)
    demandes = (
        DemandeSubvention.objects.votees()
        .filter(annee__lt=horizon.year)  # due in N+1: nothing later can fall within the horizon
        .exclude(crf__date_reception__isnull=False)
        .select_related("centre")
        .order_by("annee", "pk")
    )
    deadlines = []
    for demande in demandes:
        due = echeance_crf(demande.annee)
        if due > horizon:
            continue
        retard = due < today
        deadlines.append(
            Deadline(
                due=due,
                kind="crf",
                label=f"{demande.centre.libelle_court} — compte rendu financier {demande.annee} "
                f"({demande.get_nature_display().lower()}) {'en retard' if retard else 'à recevoir'}",
                url=reverse("subventions:crf", args=[demande.pk]),
                threshold="retard" if retard else f"J-{CRF_ALERTE_JOURS}",
                object_key=f"subventions.demandesubvention:{demande.pk}",
                centre_id=demande.centre_id,
            )
        )
    return deadlines
