import datetime

from django.urls import reverse

from roubaix_cs.deadlines import Deadline
from roubaix_cs.formats import montant
from roubaix_cs.seuils import CRF_ALERTE_JOURS, DONNEES_ESSENTIELLES_DELAI_MOIS

from .models import DemandeSubvention, echeance_crf
from .opendata import conventions_a_publier

TYPES = {
    "crf": "Compte rendu financier",
    "donnees_essentielles": "Publication des données essentielles",
}


def upcoming(today: datetime.date) -> list[Deadline]:
    return _comptes_rendus(today) + _donnees_essentielles(today)


def _donnees_essentielles(today):
    """SUB-9: a convention above 23 000 € signed by the city has its data published within 3 months of
    the signature; due from the signature until a publication of one of its years, recorded on or after
    the signature, covers it (OD-5)."""
    deadlines = []
    for item in conventions_a_publier(ouvertes=True):
        retard = item.echeance < today
        deadlines.append(
            Deadline(
                due=item.echeance,
                kind="donnees_essentielles",
                label=f"Publier les données de la convention {item.convention} ({montant(item.montant)}, "
                f"signée le {item.signature:%d/%m/%Y}){' — en retard' if retard else ''}",
                url=f"{reverse('subventions:donnees_ouvertes')}?annee={item.annee_a_publier}",
                threshold=f"M+{DONNEES_ESSENTIELLES_DELAI_MOIS}",
                object_key=f"conventions.convention:{item.convention.pk}",
                centre_id=item.convention.centre_id,
            )
        )
    return deadlines


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
