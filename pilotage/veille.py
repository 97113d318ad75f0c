"""The Cellule de veille (DESIGN.md §4, domain-rules §6 CV-1..4): a centre's file, its workflow table, the
official level decided by the cellule, the financial snapshots, the 12-month cash plan, the deadlines of the
files in alerte, the partners' reads and the levels the élus read.

The signals and the computed level come from `pilotage.signaux` (`evaluer`, `evaluer_centres`): here they
are only a proposal shown beside the official level (CV-1), which `decider_niveau` alone writes, with the
meeting of the cellule that decided it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from centres.models import Centre, IndicateursAnnuels
from comptes.permissions import EQUIPE, RESPONSABLE_SEULE, is_partenaire, qui
from roubaix_cs.deadlines import Deadline
from roubaix_cs.history import Evenement, evenements
from roubaix_cs.workflow import Circuit, Transition, enregistrer

from . import signaux
from .models import (
    NIVEAUX_ORDRE,
    Action,
    DecisionNiveau,
    InstantaneFinancier,
    LectureSituation,
    LignePlanTresorerie,
    Niveau,
    Reunion,
    SituationVeille,
)

S = SituationVeille.Statut
ZERO = Decimal("0")


# --- The workflow table -----------------------------------------------------------------------------


def _niveau_decide(situation, jour):
    """A file is followed once the cellule decided its level (CV-1): the action plan follows from it."""
    if situation.niveau:
        return []
    return ["La cellule n'a pas encore décidé du niveau officiel du dossier (réunion de la cellule de veille)."]


# Each step: its date, who took it and why are the file's history entry (`roubaix_cs.workflow.enregistrer`).
# A reason is asked where the step goes back or ends the follow-up. Only the responsable closes a file.
TRANSITIONS = [
    Transition((S.SIGNALEE,), S.EN_ANALYSE, "Commencer l'analyse", EQUIPE, principale=True),
    Transition((S.EN_ANALYSE,), S.SUIVIE, "Passer en suivi", EQUIPE, _niveau_decide, principale=True),
    Transition((S.SUIVIE,), S.EN_ANALYSE, "Reprendre l'analyse", EQUIPE, motif_requis=True),
    Transition((S.SUIVIE,), S.CLOSE, "Clore le dossier", RESPONSABLE_SEULE, motif_requis=True, principale=True),
    Transition((S.SIGNALEE, S.EN_ANALYSE), S.CLOSE, "Clore le dossier", RESPONSABLE_SEULE, motif_requis=True),
]
CIRCUIT = Circuit(TRANSITIONS, SituationVeille.Statut, qui=qui)
OUVERTS = [S.SIGNALEE, S.EN_ANALYSE, S.SUIVIE]


def etapes(situation, user, jour=None):
    """The file's next steps as its page shows them to `user` (roubaix_cs.workflow.Etapes)."""
    return CIRCUIT.etapes(situation, user, jour)


@transaction.atomic
def changer_statut(*, situation, vers, par, commentaire="", jour=None):
    """Move `situation` to `vers` (the table above); raise ValidationError (French) when a rule forbids it."""
    situation = SituationVeille.objects.select_for_update().get(pk=situation.pk)
    return CIRCUIT.appliquer(situation, vers, par=par, commentaire=commentaire, jour=jour)


# --- Opening a file ---------------------------------------------------------------------------------


@transaction.atomic
def signaler(*, centre, signalee_le, motif, par, referent=None):
    """Open the centre's file (one open file per centre: the form says so first, the constraint holds it)
    and keep the snapshots of its last three financial years (CV-4)."""
    situation = SituationVeille(
        centre=centre, signalee_le=signalee_le, motif=motif, referent=referent or centre.referent
    )
    situation._history_user = par
    situation._change_reason = "Dossier ouvert à la cellule de veille"
    situation.full_clean()
    situation.save()
    prendre_instantanes(situation, par)
    return situation


# --- CV-1: the official level is the cellule's decision ----------------------------------------------


def reunions_de_la_cellule(situation):
    """The meetings of the Cellule de veille that examined the file and were not cancelled: those that may
    decide its level or its actions."""
    return (
        Reunion.objects.filter(situations=situation, type=Reunion.Type.CELLULE_VEILLE)
        .exclude(statut=Reunion.Statut.ANNULEE)
        .order_by("-date", "-heure_debut", "pk")
    )


def _refus_de_decision(situation, *, niveau, reunion, motifs, par, jour):
    erreurs = []
    if par.role not in RESPONSABLE_SEULE:
        erreurs.append(f"Le niveau officiel est décidé par {qui(RESPONSABLE_SEULE)}, au nom de la cellule.")
    if situation.statut == S.CLOSE:
        erreurs.append("Le dossier est clos : son niveau ne change plus.")
    if niveau not in Niveau.values:
        erreurs.append("Choisissez le niveau décidé : vigilance, alerte ou critique.")
    if not (motifs or "").strip():
        erreurs.append("Indiquez les motifs de la décision, tels que la réunion les a retenus.")
    if reunion is None:
        erreurs.append("Une décision de niveau est prise en réunion de la cellule de veille : choisissez la réunion.")
    elif not reunions_de_la_cellule(situation).filter(pk=reunion.pk).exists():
        erreurs.append(
            "La réunion choisie n'est pas une réunion de la cellule de veille (non annulée) qui a examiné ce dossier."
        )
    elif reunion.date > jour:
        erreurs.append(f"La réunion du {reunion.date:%d/%m/%Y} n'a pas encore eu lieu.")
    return erreurs


@transaction.atomic
def decider_niveau(*, situation, niveau, reunion, motifs, par, jour=None):
    """Record the cellule's decision of the file's official level (CV-1): the responsable only, in a meeting
    of the Cellule de veille that examined the file (not cancelled, held), with its motives. Writes the
    `DecisionNiveau` (with the level computed at that moment, the proposal) and the file's `niveau`."""
    jour = jour or timezone.localdate()
    situation = SituationVeille.objects.select_for_update().select_related("centre").get(pk=situation.pk)
    if erreurs := _refus_de_decision(situation, niveau=niveau, reunion=reunion, motifs=motifs, par=par, jour=jour):
        raise ValidationError(erreurs)
    propose = signaux.evaluer(situation.centre, jour, conflits=situation.conflits_sociaux).niveau_propose
    decision = DecisionNiveau.objects.create(
        situation=situation,
        niveau=niveau,
        niveau_propose=propose or "",
        date=reunion.date,
        reunion=reunion,
        motifs=motifs.strip(),
        decide_par=par,
    )
    situation.niveau = niveau
    enregistrer(situation, par=par, motif=f"Niveau officiel décidé : {Niveau(niveau).label} ({reunion})")
    return decision


# --- CV-4: the financial snapshots and the 12-month cash plan ---------------------------------------

ANNEES_INSTANTANES = 3  # N-2..N


def annees_des_instantanes(centre, jour=None):
    """N-2..N, N the centre's latest financial year with figures (up to this year); [] without figures."""
    jour = jour or timezone.localdate()
    derniere = IndicateursAnnuels.objects.filter(centre=centre, annee__lte=jour.year).aggregate(n=Max("annee"))["n"]
    return [] if derniere is None else list(range(derniere - ANNEES_INSTANTANES + 1, derniere + 1))


def _chiffres(indicateurs):
    return {nom: str(getattr(indicateurs, nom)) for nom in IndicateursAnnuels.CHIFFRES}


def prendre_instantanes(situation, par, jour=None):
    """Keep with the file the figures of the centre's years N-2..N as they are now (one row per year,
    replaced when taken again): taken at the opening and on demand. The years without figures are skipped.
    Returns the snapshots written."""
    annees = annees_des_instantanes(situation.centre, jour)
    indicateurs = IndicateursAnnuels.objects.filter(centre=situation.centre_id, annee__in=annees).order_by("annee")
    maintenant = timezone.now()
    lignes = [
        InstantaneFinancier(situation=situation, annee=i.annee, chiffres=_chiffres(i), pris_le=maintenant, pris_par=par)
        for i in indicateurs
    ]
    if lignes:
        InstantaneFinancier.objects.bulk_create(
            lignes,
            update_conflicts=True,
            unique_fields=["situation", "annee"],
            update_fields=["chiffres", "pris_le", "pris_par"],
        )
    return lignes


@dataclass(frozen=True)
class LigneInstantanes:
    libelle: str
    argent: bool
    valeurs: list  # one per year (None: no snapshot that year)


@dataclass(frozen=True)
class Instantanes:
    annees: list
    pris: list  # [(year, InstantaneFinancier)]
    lignes: list  # [LigneInstantanes]

    def __bool__(self):
        return bool(self.annees)


CHAMPS_NON_MONETAIRES = {*IndicateursAnnuels.ENTIERS, "etp"}


def tableau_instantanes(instantanes) -> Instantanes:
    """The snapshots as a table: a row per figure (the result computed), a column per year."""
    instantanes = sorted(instantanes, key=lambda i: i.annee)
    annees = [i.annee for i in instantanes]

    def valeur(instantane, nom):
        texte = instantane.chiffres.get(nom)
        return None if texte in (None, "") else Decimal(texte)

    lignes = [
        LigneInstantanes(
            libelle=str(IndicateursAnnuels._meta.get_field(nom).verbose_name),
            argent=nom not in CHAMPS_NON_MONETAIRES,
            valeurs=[valeur(i, nom) for i in instantanes],
        )
        for nom in IndicateursAnnuels.CHIFFRES
    ]
    resultats = [
        None if valeur(i, "produits_total") is None else valeur(i, "produits_total") - valeur(i, "charges_total")
        for i in instantanes
    ]
    lignes.append(LigneInstantanes("résultat (produits − charges)", True, resultats))
    return Instantanes(annees=annees, pris=[(i.annee, i) for i in instantanes], lignes=lignes)


MOIS_DU_PLAN = 12


def mois_du_plan(jour=None):
    """The first days of the 12 months of the plan entered on `jour`: from the next month."""
    jour = jour or timezone.localdate()
    premier = jour.replace(day=1) + relativedelta(months=1)
    return [premier + relativedelta(months=i) for i in range(MOIS_DU_PLAN)]


@dataclass(frozen=True)
class MoisPlan:
    mois: datetime.date
    encaissements: Decimal
    decaissements: Decimal
    commentaire: str
    solde: Decimal  # the cash at the end of the month, from the cash at the start of the plan

    @property
    def negatif(self):
        return self.solde < 0


def plan_tresorerie(situation, lignes=None) -> list[MoisPlan]:
    """The cash plan, month by month, with its running balance from `tresorerie_initiale` (0 when unknown).
    `lignes`: the file's rows when already read."""
    lignes = sorted(situation.plan_tresorerie.all() if lignes is None else lignes, key=lambda ligne: ligne.mois)
    solde = situation.tresorerie_initiale or ZERO
    plan = []
    for ligne in lignes:
        solde += ligne.encaissements - ligne.decaissements
        plan.append(MoisPlan(ligne.mois, ligne.encaissements, ligne.decaissements, ligne.commentaire, solde))
    return plan


@transaction.atomic
def enregistrer_plan(*, situation, mois, par):
    """Write the cash plan's months: `mois` is {first day: (receipts, expenses, comment)}. A month changed is
    saved with its history entry; an empty month not yet planned is not created. Returns how many changed."""
    existantes = {ligne.mois: ligne for ligne in situation.plan_tresorerie.filter(mois__in=list(mois))}
    changes = 0
    for premier, (encaissements, decaissements, commentaire) in sorted(mois.items()):
        ligne = existantes.get(premier)
        valeurs = {"encaissements": encaissements, "decaissements": decaissements, "commentaire": commentaire}
        if ligne is None:
            if not (encaissements or decaissements or commentaire):
                continue
            ligne = LignePlanTresorerie(situation=situation, mois=premier)
        elif all(getattr(ligne, nom) == valeur for nom, valeur in valeurs.items()):
            continue
        for nom, valeur in valeurs.items():
            setattr(ligne, nom, valeur)
        ligne._history_user = par
        ligne.full_clean()
        ligne.save()
        changes += 1
    return changes


# --- CV-3: the partners' reads ---------------------------------------------------------------------


def noter_lecture(situation, user, page):
    """Keep a partner's read of the file (a page, an export) for the file's history; nobody else's."""
    if is_partenaire(user):
        LectureSituation.objects.create(situation=situation, user=user, page=page)


# --- The overview of the centres ---------------------------------------------------------------------


def rang(niveau):
    """0 for no level, then vigilance < alerte < critique: to sort by seriousness."""
    return NIVEAUX_ORDRE.index(niveau) + 1 if niveau else 0


@dataclass(frozen=True)
class LigneVeille:
    """An open centre as the overview shows it: its computed signals, its open file if it has one."""

    centre: Centre
    evaluation: object  # pilotage.signaux.Evaluation
    situation: SituationVeille | None

    @property
    def niveau_calcule(self):
        return self.evaluation.niveau_propose

    @property
    def niveau_calcule_libelle(self):
        return Niveau(self.niveau_calcule).label if self.niveau_calcule else ""

    @property
    def rouges(self):
        return self.evaluation.rouges

    @property
    def oranges(self):
        return self.evaluation.oranges


SANS_DOSSIER = "sans_dossier"
AUCUN = "aucun"
TRIS = {
    "niveau": lambda ligne: (
        -rang(ligne.niveau_calcule),
        -len(ligne.rouges),
        -len(ligne.oranges),
        ligne.centre.nom,
    ),
    "officiel": lambda ligne: (
        -rang(ligne.situation.niveau if ligne.situation else ""),
        -rang(ligne.niveau_calcule),
        ligne.centre.nom,
    ),
    "centre": lambda ligne: (ligne.centre.nom,),
}


def tableau_de_veille(jour, *, niveau="", statut="", referent=None, tri="niveau") -> list[LigneVeille]:
    """Every open centre (not closed) with its computed level and signals (`evaluer_centres`) and its open
    file; filtered on the computed level (`AUCUN`: none), the file's status (`SANS_DOSSIER`: none) and the
    centre's referent; the most serious first. A fixed number of queries whatever the number of centres."""
    centres = Centre.objects.exclude(statut=Centre.Statut.FERME).select_related("referent").order_by("nom", "pk")
    if referent is not None:
        centres = centres.filter(referent=referent)
    centres = list(centres)
    ouvertes = {
        s.centre_id: s
        for s in SituationVeille.objects.ouvertes()
        .filter(centre__in=[c.pk for c in centres])
        .select_related("referent")
    }
    conflits = {pk: s.conflits_sociaux for pk, s in ouvertes.items()}
    evaluations = signaux.evaluer_centres(centres, jour, conflits=conflits)
    lignes = [LigneVeille(c, evaluations[c.pk], ouvertes.get(c.pk)) for c in centres]
    if niveau:
        lignes = [ligne for ligne in lignes if (ligne.niveau_calcule or AUCUN) == niveau]
    if statut:
        lignes = [ligne for ligne in lignes if (ligne.situation.statut if ligne.situation else SANS_DOSSIER) == statut]
    return sorted(lignes, key=TRIS.get(tri) or TRIS["niveau"])


# --- The file's page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pas:
    """A step the file went through: when, who, from which status to which, why."""

    date: datetime.datetime
    auteur: object
    depuis: str
    vers: str
    motif: str


def parcours(situation) -> list[Pas]:
    """The file's steps, oldest first, from its history (one query)."""
    libelles = dict(S.choices)
    pas, precedent = [], None
    for record in situation.history.select_related("history_user").order_by("history_date", "history_id"):
        if record.statut != precedent:
            pas.append(
                Pas(
                    date=record.history_date,
                    auteur=record.history_user,
                    depuis=libelles.get(precedent, "") if precedent else "",
                    vers=libelles.get(record.statut, record.statut),
                    motif=record.history_change_reason or "",
                )
            )
        precedent = record.statut
    return pas


def historique(situation, user, lectures=()):
    """The file's timeline as `user` may read it (the internal notes hidden from the partners by
    `pilotage.permissions`): the file, its cash plan and its actions; for the team, the partners' reads."""
    pk = situation.pk
    timeline = evenements(
        (situation.history.all(), lambda r: "Dossier"),
        (LignePlanTresorerie.history.filter(situation_id=pk), lambda r: f"Plan de trésorerie, {r.mois:%m/%Y}"),
        (Action.history.filter(situation_id=pk), lambda r: f"Action « {r.libelle} »"),
        lecteur=user,
    )
    timeline += [
        Evenement(date=lecture.lu_le, auteur=lecture.user, objet=f"Dossier ({lecture.page})", action="Lecture")
        for lecture in lectures
    ]
    timeline.sort(key=lambda e: e.date, reverse=True)
    return timeline


@dataclass
class Dossier:
    """Everything the file's page shows, read in a fixed number of queries."""

    situation: SituationVeille
    evaluation: object  # pilotage.signaux.Evaluation
    decisions: list
    parcours: list
    actions: list  # Action, each with `en_retard`
    reunions: list  # the meetings that examined the file, those the reader may read
    instantanes: Instantanes
    plan: list  # [MoisPlan]
    lectures: list  # the partners' reads (the team's page only)
    evenements: list
    centre_lisible: bool = True  # the reader may open the centre's page (a partner: a centre it follows)
    etapes: object = None  # roubaix_cs.workflow.Etapes, for the team
    peut_decider: bool = False
    reunions_cellule: list = field(default_factory=list)  # those that may decide the level

    @property
    def niveau_calcule(self):
        return self.evaluation.niveau_propose

    @property
    def niveau_calcule_libelle(self):
        return Niveau(self.niveau_calcule).label if self.niveau_calcule else ""

    @property
    def derniere_decision(self):
        return self.decisions[0] if self.decisions else None

    @property
    def actions_en_retard(self):
        return [a for a in self.actions if a.est_en_retard]


# The partners' latest reads the page lists (each read is kept; the page stays readable).
LECTURES_AFFICHEES = 100


def dossier(situation, user, jour=None) -> Dossier:
    """The read model of the file's page for `user` (a team member or a partner in its scope)."""
    jour = jour or timezone.localdate()
    equipe = user.role in EQUIPE
    actions = list(
        situation.actions.select_related("reunion", "porteur_user", "porteur_organisation").order_by("echeance", "pk")
    )
    reunions = list(Reunion.objects.visibles_par(user).filter(situations=situation).order_by("-date", "pk"))
    decisions = list(situation.decisions_niveau.select_related("reunion", "decide_par"))
    lisibles = {r.pk for r in reunions}  # a meeting the reader may not read is named, not linked
    for reunion in [*reunions, *(d.reunion for d in decisions), *(a.reunion for a in actions)]:
        reunion.lien = reunion.get_absolute_url() if equipe or reunion.pk in lisibles else ""
    for action in actions:
        action.est_en_retard = action.en_retard(jour)
    lectures = list(situation.lectures.select_related("user__organisation")[:LECTURES_AFFICHEES]) if equipe else []
    return Dossier(
        situation=situation,
        evaluation=signaux.evaluer(situation.centre, jour, conflits=situation.conflits_sociaux),
        decisions=decisions,
        parcours=parcours(situation),
        actions=actions,
        reunions=reunions,
        instantanes=tableau_instantanes(situation.instantanes.select_related("pris_par")),
        plan=plan_tresorerie(situation),
        lectures=lectures,
        evenements=historique(situation, user, lectures),
        centre_lisible=equipe or Centre.objects.visibles_par(user).filter(pk=situation.centre_id).exists(),
        etapes=etapes(situation, user, jour) if equipe else None,
        peut_decider=user.role in RESPONSABLE_SEULE and situation.statut != S.CLOSE,
        reunions_cellule=list(reunions_de_la_cellule(situation)) if equipe else [],
    )


def onglet_centre(centre, user):
    """The context of the centre page's « Cellule de veille » tab: its files, its computed level."""
    dossiers = list(centre.situations_veille.order_by("-signalee_le", "-pk"))
    ouvert = next((s for s in dossiers if s.statut in OUVERTS), None)
    conflits = ouvert.conflits_sociaux if ouvert else ""
    evaluation = signaux.evaluer(centre, timezone.localdate(), conflits=conflits)
    niveau = evaluation.niveau_propose or ""
    return {
        "veille_dossiers": dossiers,
        "veille_ouverte": ouvert is not None,
        "veille_evaluation": evaluation,
        "veille_niveau_calcule": niveau,
        "veille_niveau_calcule_libelle": Niveau(niveau).label if niveau else "",
    }


# --- CV-2: the deadlines of the files in alerte -------------------------------------------------------

TYPES_ECHEANCES = {"veille_reunion": "Cellule de veille : réunion à tenir"}
NIVEAUX_A_REUNIR = (Niveau.ALERTE, Niveau.CRITIQUE)


def echeances(today) -> list[Deadline]:
    """CV-2: an open file whose official level is alerte (or critique) meets at least every
    VEILLE_FREQUENCE_ALERTE_JOURS days. Its deadline is that many days after its last meeting held or
    planned up to today (not cancelled), or after its opening when none; each lapse is its own alert
    (the threshold names the meeting it counts from). One query."""
    frequence = settings.VEILLE_FREQUENCE_ALERTE_JOURS
    tenues = ~Q(reunions__statut=Reunion.Statut.ANNULEE) & Q(reunions__date__lte=today)
    situations = (
        SituationVeille.objects.ouvertes()
        .filter(niveau__in=NIVEAUX_A_REUNIR)
        .annotate(derniere_reunion=Max("reunions__date", filter=tenues))
        .order_by("pk")
        .values_list("pk", "centre_id", "centre__nom", "niveau", "derniere_reunion", "signalee_le", named=True)
    )
    trouvees = []
    for s in situations:
        depuis = s.derniere_reunion or s.signalee_le
        quand = f"depuis le {depuis:%d/%m/%Y}" if s.derniere_reunion else f"depuis son ouverture le {depuis:%d/%m/%Y}"
        trouvees.append(
            Deadline(
                due=depuis + datetime.timedelta(days=frequence),
                kind="veille_reunion",
                label=(
                    f"{s.centre__nom} : dossier en {Niveau(s.niveau).label.lower()} sans réunion de la cellule "
                    f"{quand} (une tous les {frequence} jours)"
                ),
                url=SituationVeille(pk=s.pk).get_absolute_url(),
                threshold=f"apres-{depuis:%Y-%m-%d}",
                object_key=f"pilotage.situationveille:{s.pk}",
                centre_id=s.centre_id,
            )
        )
    return trouvees


# --- What the élus read: the official levels (CV-3) ---------------------------------------------------


@dataclass(frozen=True)
class NiveauCentre:
    centre_id: int
    nom: str
    niveau: str
    libelle: str
    depuis: datetime.date | None  # the date of the decision


@dataclass(frozen=True)
class NiveauxVeille:
    """The official levels of the open files: how many at each level, and each centre's."""

    par_niveau: list  # [(code, label, count)] in the order vigilance, alerte, critique
    centres: list  # [NiveauCentre], the most serious first

    @property
    def total(self):
        return sum(n for _, _, n in self.par_niveau)

    def __bool__(self):
        return bool(self.centres)


def niveaux_officiels() -> NiveauxVeille:
    """Each centre's official level (its open file's) and the counts by level: never the file's content.
    One query."""
    lignes = (
        SituationVeille.objects.ouvertes()
        .exclude(niveau="")
        .annotate(depuis=Max("decisions_niveau__date"))
        .values_list("centre_id", "centre__nom", "niveau", "depuis")
    )
    centres = sorted(
        (NiveauCentre(c, nom, niveau, Niveau(niveau).label, depuis) for c, nom, niveau, depuis in lignes),
        key=lambda n: (-rang(n.niveau), n.nom),
    )
    return NiveauxVeille(
        par_niveau=[(code, libelle, sum(1 for c in centres if c.niveau == code)) for code, libelle in Niveau.choices],
        centres=centres,
    )
