import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef
from django.urls import reverse

from roubaix_cs.deadlines import Deadline
from roubaix_cs.seuils import AGREMENT_ALERTES_MOIS, COMMISSION_SECURITE_ALERTE_JOURS, DOCUMENT_ALERTE_JOURS

from .models import ActionSuivi, Agrement, Centre, Document, Local, date_limite_ag, exercices_sans_ag

ETAPES = {
    14: "lancer le renouvellement du projet social",
    12: "engager l'évaluation et le diagnostic partagé",
    6: "partager les enjeux et faire valider par le CA / copil",
    3: "passage en commission CAF",
}

TYPES = {
    "agrement_renouvellement": "Renouvellement d'agrément",
    "agrement_fin": "Fin d'agrément",
    "agrement_expire": "Agrément expiré",
    "ag_non_tenue": "Assemblée générale non tenue",
    "action_visite": "Action de suivi de visite",
    "document_expiration": "Fin de validité d'un document",
    "commission_securite": "Commission de sécurité",
}


def upcoming(today: datetime.date) -> list[Deadline]:
    return [
        *_agrements(today),
        *_assemblees(today),
        *_actions(today),
        *_documents(today),
        *_commissions(today),
    ]


def _onglet(centre_id, code):
    return reverse("centres:detail", args=[centre_id]) + f"?onglet={code}"


def _assemblees(today):
    """The AG approving year N is due by 30 June N+1 (governance signal of the Cellule de veille)."""
    centres = Centre.objects.exclude(statut=Centre.Statut.FERME)
    noms = dict(centres.values_list("pk", "nom_court"))
    return [
        Deadline(
            due=date_limite_ag(exercice),
            kind="ag_non_tenue",
            label=f"{noms[pk] or 'Centre'} — assemblée générale de l'exercice {exercice} non tenue",
            url=_onglet(pk, "assemblees"),
            threshold=str(exercice),
            object_key=f"centres.centre:{pk}",
            centre_id=pk,
        )
        for pk, exercice in exercices_sans_ag(centres, today).items()
    ]


def _actions(today):
    """Open follow-up actions of the visits, with their due date (overdue ones included)."""
    actions = ActionSuivi.objects.ouvertes().select_related("visite__centre")
    return [
        Deadline(
            due=action.echeance,
            kind="action_visite",
            label=f"{action.visite.centre.libelle_court} — {action.libelle} ({action.visite})",
            url=action.visite.get_absolute_url(),
            threshold="echeance",
            object_key=f"centres.actionsuivi:{action.pk}",
            centre_id=action.visite.centre_id,
        )
        for action in actions
    ]


def _documents(today):
    """Documents whose validity ends soon or has ended, unless a newer one of the same type replaces them."""
    plus_recent = Document.objects.filter(
        centre=OuterRef("centre"), type=OuterRef("type"), valide_au__gt=OuterRef("valide_au")
    )
    documents = (
        Document.objects.filter(centre__isnull=False, valide_au__isnull=False)
        .exclude(centre__statut=Centre.Statut.FERME)
        .exclude(Exists(plus_recent))
        .select_related("centre")
    )
    return [
        Deadline(
            due=document.valide_au,
            kind="document_expiration",
            label=f"{document.centre.libelle_court} — fin de validité : {document.get_type_display().lower()}",
            url=_onglet(document.centre_id, "documents"),
            threshold=f"J-{DOCUMENT_ALERTE_JOURS}",
            object_key=f"centres.document:{document.pk}",
            centre_id=document.centre_id,
        )
        for document in documents
        if document.valide_au <= today + datetime.timedelta(days=DOCUMENT_ALERTE_JOURS)
    ]


def _commissions(today):
    """Next visit of the safety commission (ERP) of the premises."""
    horizon = today + datetime.timedelta(days=COMMISSION_SECURITE_ALERTE_JOURS)
    locaux = Local.objects.filter(commission_prochaine__isnull=False, commission_prochaine__lte=horizon)
    return [
        Deadline(
            due=local.commission_prochaine,
            kind="commission_securite",
            label=f"{local.nom} — visite de la commission de sécurité",
            url=local.get_absolute_url(),
            threshold=f"J-{COMMISSION_SECURITE_ALERTE_JOURS}",
            object_key=f"centres.local:{local.pk}",
            centre_id=local.centre_id,
        )
        for local in locaux
    ]


def _agrements(today):
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
                url=_onglet(centre.pk, "agrements"),
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
