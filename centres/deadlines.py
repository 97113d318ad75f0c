import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef

from roubaix_cs.deadlines import Deadline
from roubaix_cs.liens import chemins
from roubaix_cs.seuils import AGREMENT_ALERTES_MOIS, COMMISSION_SECURITE_ALERTE_JOURS, DOCUMENT_ALERTE_JOURS

from .models import ActionSuivi, Agrement, Centre, Document, Local, Travaux, date_limite_ag, exercices_sans_ag

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
    "travaux_retard": "Travaux en retard",
}


def upcoming(today: datetime.date) -> list[Deadline]:
    return [
        *_agrements(today),
        *_assemblees(today),
        *_actions(today),
        *_documents(today),
        *_commissions(today),
        *_travaux(today),
    ]


def _onglet(code):
    """function(centre pk) -> the path of that tab of the centre's page, reversed once."""
    return chemins("centres:detail", f"?onglet={code}")


def _assemblees(today):
    """The AG approving year N is due by 30 June N+1 (governance signal of the Cellule de veille)."""
    centres = Centre.objects.exclude(statut=Centre.Statut.FERME)
    noms = dict(centres.values_list("pk", "nom_court"))
    onglet = _onglet("assemblees")
    return [
        Deadline(
            due=date_limite_ag(exercice),
            kind="ag_non_tenue",
            label=f"{noms[pk] or 'Centre'} — assemblée générale de l'exercice {exercice} non tenue",
            url=onglet(pk),
            threshold=str(exercice),
            object_key=f"centres.centre:{pk}",
            centre_id=pk,
        )
        for pk, exercice in exercices_sans_ag(centres, today).items()
    ]


def _actions(today):
    """Open follow-up actions of the visits, with their due date (overdue ones included)."""
    actions = ActionSuivi.objects.ouvertes().select_related("visite__centre")
    visite = chemins("centres:visite_detail")  # Visite.get_absolute_url
    return [
        Deadline(
            due=action.echeance,
            kind="action_visite",
            label=f"{action.visite.centre.libelle_court} — {action.libelle} ({action.visite})",
            url=visite(action.visite_id),
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
    onglet = _onglet("documents")
    return [
        Deadline(
            due=document.valide_au,
            kind="document_expiration",
            label=f"{document.centre.libelle_court} — fin de validité : {document.get_type_display().lower()}",
            url=onglet(document.centre_id),
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
    fiche = chemins("centres:local_detail")  # Local.get_absolute_url
    return [
        Deadline(
            due=local.commission_prochaine,
            kind="commission_securite",
            label=f"{local.nom} — visite de la commission de sécurité",
            url=fiche(local.pk),
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
        .values_list("pk", "type", "fin", "centre_id", "centre__nom_court", "centre__nom", named=True)
    )
    onglet = _onglet("agrements")
    deadlines = []
    for agrement in agrements:
        # Centre.libelle_court, from the row
        libelle = agrement.centre__nom_court or agrement.centre__nom

        def deadline(due, kind, label, threshold, agrement=agrement, libelle=libelle):
            return Deadline(
                due=due,
                kind=kind,
                label=f"{libelle} — {label}",
                url=onglet(agrement.centre_id),
                threshold=threshold,
                object_key=f"centres.agrement:{agrement.pk}",
                centre_id=agrement.centre_id,
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


def _travaux(today):
    """Works not finished (neither received nor abandoned, no real end) whose planned end has passed."""
    travaux = (
        Travaux.objects.en_cours()
        .filter(fin_prevue__lt=today, fin_reelle__isnull=True)
        .exclude(local__centre__statut=Centre.Statut.FERME)
        .order_by("fin_prevue", "pk")
        .values_list("pk", "objet", "fin_prevue", "phase", "local_id", "local__nom", "local__centre_id", named=True)
    )
    fiche = chemins("centres:local_detail", "#travaux")  # Travaux.get_absolute_url
    phases = dict(Travaux.Phase.choices)
    return [
        Deadline(
            due=ligne.fin_prevue,
            kind="travaux_retard",
            label=f"{ligne.local__nom} — travaux « {ligne.objet} » ({phases[ligne.phase].lower()}) : fin prévue le "
            f"{ligne.fin_prevue:%d/%m/%Y} dépassée",
            url=fiche(ligne.local_id),
            threshold="retard",
            object_key=f"centres.travaux:{ligne.pk}",
            centre_id=ligne.local__centre_id,
        )
        for ligne in travaux
    ]
