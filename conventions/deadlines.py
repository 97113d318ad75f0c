import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Subquery

from centres.models import Centre
from roubaix_cs.deadlines import Deadline
from roubaix_cs.liens import chemins
from roubaix_cs.seuils import CONVENTION_ALERTES_MOIS, EVALUATION_ALERTE_JOURS, EVALUATION_PREAVIS_MOIS

from .models import Convention, Evaluation

TYPES = {
    "convention_fin": "Fin de convention",
    "evaluation_cpom": "Évaluation du CPOM",
}

TYPES_COURTS = {code: nom.split(" (")[0] for code, nom in Convention.Type.choices}


def upcoming(today: datetime.date) -> list[Deadline]:
    conventions = list(_en_vigueur(today))
    return [*_fins(conventions, today), *_evaluations(conventions, today)]


def _en_vigueur(today):
    """Signed or running conventions not yet ended (end moved by the signed avenants, CPO-5), that no
    later signed convention of the same centre and type takes over: value rows, one query.

    `fin` is the consolidated end (services.fin_consolidee for every row at once); `premiere_evaluation`
    the date of the earliest evaluation, for CPO-4."""
    suivante = Convention.objects.filter(
        centre=OuterRef("centre"),
        type=OuterRef("type"),
        statut__in=Convention.STATUTS_SIGNES,
        debut__gt=OuterRef("debut"),
    )
    premiere_evaluation = Evaluation.objects.filter(convention=OuterRef("pk")).order_by("date").values("date")[:1]
    return (
        Convention.objects.en_vigueur()
        .exclude(centre__statut=Centre.Statut.FERME)
        .exclude(Exists(suivante))
        .avec_fin_consolidee()
        .annotate(premiere_evaluation=Subquery(premiere_evaluation))
        .filter(fin_consolidee__gte=today)
        .order_by("fin_consolidee", "pk")
        .values_list(
            "pk",
            "type",
            "fin_consolidee",
            "premiere_evaluation",
            "centre_id",
            "centre__nom_court",
            "centre__nom",
            named=True,
        )
    )


def _libelle(convention):
    """« Centre — CPOM », from the row (Centre.libelle_court, the convention's short type)."""
    return f"{convention.centre__nom_court or convention.centre__nom} — {TYPES_COURTS[convention.type]}"


def _fins(conventions, today):
    """The end of a signed convention, avenants applied: alerts 6 and 3 months before, the step reached
    most recently staying until the end (or until the next convention is signed)."""
    fiche = chemins("conventions:detail")  # Convention.get_absolute_url
    deadlines = []
    for convention in conventions:
        fin = convention.fin_consolidee
        etapes = [(fin - relativedelta(months=mois), mois) for mois in CONVENTION_ALERTES_MOIS]
        passees = [(due, mois) for due, mois in etapes if due < today]
        a_venir = [(due, mois) for due, mois in etapes if due >= today]
        for due, mois in passees[-1:] + a_venir:
            deadlines.append(
                Deadline(
                    due=due,
                    kind="convention_fin",
                    label=f"{_libelle(convention)} : fin le {fin:%d/%m/%Y}, préparer le renouvellement "
                    f"(alerte à {mois} mois)",
                    url=fiche(convention.pk),
                    threshold=f"M-{mois}",
                    object_key=f"conventions.convention:{convention.pk}",
                    centre_id=convention.centre_id,
                )
            )
    return deadlines


def _evaluations(conventions, today):
    """CPO-4: a CPOM is renewed only after an evaluation dated at least 3 months before its end (avenants
    applied); due on that limit until one exists, overdue past it (the renewal is then blocked).

    Alerts about 3 months before the limit ("J-92", so the alert keeps the limit as its due date), then
    from the limit day on ("M-3"), the first giving way to the second, like the financial report's."""
    fiche = chemins("conventions:detail")
    deadlines = []
    for convention in conventions:
        if convention.type != Convention.Type.CPOM:
            continue
        limite = convention.fin_consolidee - relativedelta(months=EVALUATION_PREAVIS_MOIS)
        if convention.premiere_evaluation is not None and convention.premiere_evaluation <= limite:
            continue
        threshold = f"M-{EVALUATION_PREAVIS_MOIS}"
        if limite < today:
            suite = f"pas d'évaluation avant le {limite:%d/%m/%Y}, le renouvellement est bloqué"
        elif limite == today:
            suite = f"dernier jour pour l'évaluation (le {limite:%d/%m/%Y}), sans elle pas de renouvellement"
        else:
            threshold = f"J-{EVALUATION_ALERTE_JOURS}"
            suite = f"évaluation à faire au plus tard le {limite:%d/%m/%Y}, sans elle pas de renouvellement"
        deadlines.append(
            Deadline(
                due=limite,
                kind="evaluation_cpom",
                label=f"{_libelle(convention)} : {suite}",
                url=fiche(convention.pk),
                threshold=threshold,
                object_key=f"conventions.convention:{convention.pk}",
                centre_id=convention.centre_id,
            )
        )
    return deadlines
