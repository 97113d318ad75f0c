import datetime

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from centres.models import Centre
from roubaix_cs.deadlines import Deadline
from roubaix_cs.formats import montant
from roubaix_cs.liens import chemins
from roubaix_cs.seuils import (
    CRF_ALERTE_JOURS,
    DEMANDE_SANS_SUITE_JOURS,
    DONNEES_ESSENTIELLES_ALERTE_JOURS,
    DONNEES_ESSENTIELLES_DELAI_MOIS,
    PROPOSITION_EN_ATTENTE_JOURS,
)

from .models import DemandeSubvention, echeance_crf
from .opendata import conventions_a_publier

TYPES = {
    "crf": "Compte rendu financier",
    "donnees_essentielles": "Publication des données essentielles",
    "demande_sans_suite": "Demande sans suite",
    "proposition_a_valider": "Proposition à valider",
}

S = DemandeSubvention.Statut


def upcoming(today: datetime.date) -> list[Deadline]:
    return _comptes_rendus(today) + _donnees_essentielles(today) + _sans_suite(today) + _propositions(today)


def _debut_du_jour(jour):
    """The first instant of `jour` in the local time zone: `history_date < it` means changed before `jour`."""
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time.min))


def _jour(instant, repli):
    """The local date of a history entry, or `repli` (the date received) for a request without history."""
    return timezone.localdate(instant) if instant is not None else repli


def _sans_suite(today):
    """A request received or in instruction that nobody changed for 30 days (its own history: any field,
    any status), flagged from the 30th day until it is changed."""
    historique = DemandeSubvention.history.model.objects.filter(id=OuterRef("pk"))
    derniere = Subquery(historique.order_by("-history_date").values("history_date")[:1])
    jusqu_au = today - datetime.timedelta(days=DEMANDE_SANS_SUITE_JOURS)
    demandes = (
        DemandeSubvention.objects.filter(statut__in=[S.RECUE, S.INSTRUCTION])
        .exclude(centre__statut=Centre.Statut.FERME)
        .annotate(derniere=derniere)
        .filter(
            Q(derniere__lt=_debut_du_jour(jusqu_au + datetime.timedelta(days=1)))
            | Q(derniere__isnull=True, date_reception__lte=jusqu_au)
        )
        .order_by("date_reception", "pk")
        .values_list(
            "pk",
            "objet",
            "annee",
            "statut",
            "derniere",
            "date_reception",
            "centre_id",
            "centre__nom_court",
            "centre__nom",
            named=True,
        )
    )
    fiche = chemins("subventions:detail")  # DemandeSubvention.get_absolute_url
    statuts = dict(S.choices)
    deadlines = []
    for demande in demandes:
        depuis = _jour(demande.derniere, demande.date_reception)
        deadlines.append(
            Deadline(
                due=depuis + datetime.timedelta(days=DEMANDE_SANS_SUITE_JOURS),
                kind="demande_sans_suite",
                label=f"{demande.centre__nom_court or demande.centre__nom} — demande « {demande.objet} » "
                f"({demande.annee}, {statuts[demande.statut].lower()}) sans suite depuis le {depuis:%d/%m/%Y}",
                url=fiche(demande.pk),
                threshold=f"J+{DEMANDE_SANS_SUITE_JOURS}",
                object_key=f"subventions.demandesubvention:{demande.pk}",
                centre_id=demande.centre_id,
            )
        )
    return deadlines


def _propositions(today):
    """A proposal waiting for the responsable's validation for 7 days: since it last became « proposée »
    (its history: the first entry after the last one in another status), flagged from the 7th day."""
    historique = DemandeSubvention.history.model.objects.filter(id=OuterRef("pk"))
    quittee = historique.exclude(statut=S.PROPOSEE).order_by("-history_date").values("history_date")[:1]
    proposees = historique.filter(statut=S.PROPOSEE).order_by("history_date")
    # Never in another status: its first entry; otherwise the first « proposée » after the last other one.
    proposee_le = Coalesce(
        Subquery(proposees.filter(history_date__gt=OuterRef("quittee")).values("history_date")[:1]),
        Subquery(proposees.values("history_date")[:1]),
    )
    jusqu_au = today - datetime.timedelta(days=PROPOSITION_EN_ATTENTE_JOURS)
    demandes = (
        DemandeSubvention.objects.filter(statut=S.PROPOSEE)
        .exclude(centre__statut=Centre.Statut.FERME)
        .annotate(quittee=Subquery(quittee))
        .annotate(proposee_le=proposee_le)
        .filter(
            Q(proposee_le__lt=_debut_du_jour(jusqu_au + datetime.timedelta(days=1)))
            | Q(proposee_le__isnull=True, date_reception__lte=jusqu_au)
        )
        .order_by("date_reception", "pk")
        .values_list(
            "pk",
            "objet",
            "annee",
            "montant_propose",
            "proposee_le",
            "date_reception",
            "centre_id",
            "centre__nom_court",
            "centre__nom",
            named=True,
        )
    )
    fiche = chemins("subventions:detail")
    deadlines = []
    for demande in demandes:
        depuis = _jour(demande.proposee_le, demande.date_reception)
        propose = f", {montant(demande.montant_propose)} proposés" if demande.montant_propose is not None else ""
        deadlines.append(
            Deadline(
                due=depuis + datetime.timedelta(days=PROPOSITION_EN_ATTENTE_JOURS),
                kind="proposition_a_valider",
                label=f"{demande.centre__nom_court or demande.centre__nom} — demande « {demande.objet} » "
                f"({demande.annee}{propose}) en attente de validation depuis le {depuis:%d/%m/%Y}",
                url=fiche(demande.pk),
                threshold=f"J+{PROPOSITION_EN_ATTENTE_JOURS}",
                object_key=f"subventions.demandesubvention:{demande.pk}",
                centre_id=demande.centre_id,
            )
        )
    return deadlines


def _donnees_essentielles(today):
    """SUB-9: a convention above 23 000 € signed by the city has its data published within 3 months of
    the signature; due from the signature until a publication of one of its years, recorded on or after
    the signature, covers it (OD-5). Alerts 30 days before the limit ("J-30"), then from the limit day
    on ("M+3": the last day, then overdue), like the financial report below."""
    deadlines = []
    for item in conventions_a_publier(ouvertes=True):
        if item.echeance > today:
            threshold, suite = f"J-{DONNEES_ESSENTIELLES_ALERTE_JOURS}", f" au plus tard le {item.echeance:%d/%m/%Y}"
        else:
            threshold = f"M+{DONNEES_ESSENTIELLES_DELAI_MOIS}"
            suite = " — dernier jour" if item.echeance == today else " — en retard"
        deadlines.append(
            Deadline(
                due=item.echeance,
                kind="donnees_essentielles",
                label=f"Publier les données de la convention {item.convention} ({montant(item.montant)}, "
                f"signée le {item.signature:%d/%m/%Y}){suite}",
                url=f"{reverse('subventions:donnees_ouvertes')}?annee={item.annee_a_publier}",
                threshold=threshold,
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
