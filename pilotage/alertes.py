"""The deadline alerts: which deadlines alert, for whom, and the one idempotent service that stores them.

`synchroniser(today)` is called by the daily job (`pilotage.tasks.alertes_du_jour`, Celery beat, or
`manage.py alertes` from cron) and, in the embedded default (no broker), by the alert centre when it
is shown. It may run any number of times a day, from several workers at once: an alert is created once
per (person, object, kind, threshold) by the unique constraint, never by a check that could race.
"""

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from centres.models import Centre
from comptes.models import Role, User
from comptes.permissions import EQUIPE
from roubaix_cs import deadlines
from roubaix_cs.todos import lien

from .echeances import types_comptes
from .models import Alerte, ExecutionAlertes

# When a deadline alerts. Its threshold names the alert; the alert date follows from it in one of two ways:
# - "J-N" (documents J-30, safety commissions J-60, financial reports J-30, SUB-9 publications J-30, CPO-4
#   evaluations J-92): N days before the due date, the threshold carrying its own lead, so that the alert
#   keeps the real due date (a warning ahead of a limit gives way to the limit's own threshold on that day);
# - any other threshold: on the due date itself. The steps of a back-planning (agrément M-14 … M-3,
#   convention M-6 and M-3) are deadlines dated at their step, the limits reached (CPO-4 evaluation M-3,
#   SUB-9 publication M+3) are dated on their day, the delays counted from an event (J+15 after a vote,
#   J+7 of a waiting proposal) are dated at their end, and the overdue ones ("retard", "expire", a past AG
#   year) are past already.
# An alert exists once today >= its alert date, not on that day only: a day the job did not run is caught
# up by the next run, and the unique constraint makes it alert once.
AVANCE_EN_JOURS = re.compile(r"^J-(\d+)$")
# The people who follow an object: the referent of its file when its model has one (a convention, a
# grant request) or names who follows it (`REFERENTS_DES_ALERTES`, the first of these fields that is set:
# a meeting's action, its owner, else its meeting's organiser), otherwise the referent of its centre; then
# every responsable. Élus and partners get no deadline alert (the actions a partner organisation owns are
# e-mailed to its contacts: pilotage.reunions).
CHAMP_REFERENT = "referent"
DESTINATAIRES = EQUIPE
CHAMPS_SUIVIS = ("centre_id", "label", "url", "due")  # what a deadline may change on an alert that stays


def date_d_alerte(deadline: deadlines.Deadline) -> datetime.date:
    """The day from which `deadline` alerts (see AVANCE_EN_JOURS above)."""
    if avance := AVANCE_EN_JOURS.match(deadline.threshold):
        return deadline.due - datetime.timedelta(days=int(avance.group(1)))
    return deadline.due


def a_alerter(today: datetime.date, kinds=None) -> list[deadlines.Deadline]:
    """The deadlines of every app (of `kinds` only, when given) whose alert date has come, one per
    (object, kind, threshold)."""
    retenues = {}
    for deadline in deadlines.collect(today, kinds):
        if date_d_alerte(deadline) <= today:
            retenues.setdefault((deadline.object_key, deadline.kind, deadline.threshold), deadline)
    return list(retenues.values())


def _objet(object_key):
    """("centres.agrement", 12) from "centres.agrement:12"."""
    modele, _, pk = object_key.rpartition(":")
    return modele, int(pk)


def _referents_des_dossiers(echeances):
    """{object_key: referent id} of the objects whose model has a referent: one query per such model."""
    pks_par_modele = defaultdict(set)
    for deadline in echeances:
        modele, pk = _objet(deadline.object_key)
        pks_par_modele[modele].add(pk)
    referents = {}
    for label, pks in sorted(pks_par_modele.items()):
        modele = apps.get_model(label)
        champs = getattr(modele, "REFERENTS_DES_ALERTES", ())
        if not champs and any(f.name == CHAMP_REFERENT and f.is_relation for f in modele._meta.concrete_fields):
            champs = (CHAMP_REFERENT,)
        if not champs:
            continue
        referent = Coalesce(*champs, output_field=BigIntegerField()) if len(champs) > 1 else F(champs[0])
        lignes = modele._default_manager.filter(pk__in=pks).annotate(_referent=referent)
        referents |= {f"{label}:{pk}": ref for pk, ref in lignes.values_list("pk", "_referent") if ref is not None}
    return referents


def destinataires(echeances) -> dict[str, list[int]]:
    """{object_key: the ids of the people who get its alerts}: its referent (of the file, else of the
    centre), if an active team member, then the active responsables, then the active members of the roles
    the deadline names (`Deadline.roles`: the régisseurs for a room request). A fixed number of queries."""
    par_dossier = _referents_des_dossiers(echeances)
    centres = {d.centre_id for d in echeances if d.centre_id is not None}
    par_centre = dict(Centre.objects.filter(pk__in=centres, referent__isnull=False).values_list("pk", "referent_id"))
    referents = {d.object_key: par_dossier.get(d.object_key, par_centre.get(d.centre_id)) for d in echeances}
    roles_nommes = defaultdict(set)
    for deadline in echeances:
        roles_nommes[deadline.object_key] |= deadline.roles
    tous_les_roles = set().union(*roles_nommes.values())
    personnes = User.objects.filter(is_active=True).filter(
        Q(role=Role.RESPONSABLE)
        | Q(pk__in={r for r in referents.values() if r}, role__in=DESTINATAIRES)
        | Q(role__in=tous_les_roles)
    )
    roles = dict(personnes.values_list("pk", "role"))
    responsables = sorted(pk for pk, role in roles.items() if role == Role.RESPONSABLE)
    resultat = {}
    for object_key, referent in referents.items():
        suivi = [referent] if referent in roles and roles[referent] in DESTINATAIRES | {Role.RESPONSABLE} else []
        suivi += [pk for pk in responsables if pk != referent]
        nommes = roles_nommes[object_key] - {Role.RESPONSABLE}
        suivi += sorted(pk for pk, role in roles.items() if role in nommes and pk not in suivi)
        resultat[object_key] = suivi
    return resultat


@dataclass
class Bilan:
    """What one run did, by kind of deadline: alerts created, closed (deadline gone) and reopened."""

    creees: Counter = field(default_factory=Counter)
    closes: Counter = field(default_factory=Counter)
    rouvertes: Counter = field(default_factory=Counter)

    def par_type(self):
        """{kind: {"creees": n, "closes": n, "rouvertes": n}} of the kinds something happened to."""
        kinds = sorted(set(self.creees) | set(self.closes) | set(self.rouvertes))
        return {k: {"creees": self.creees[k], "closes": self.closes[k], "rouvertes": self.rouvertes[k]} for k in kinds}


def synchroniser(today: datetime.date) -> Bilan:
    """Store the alerts due on `today`: create the missing ones, close the open ones whose deadline is
    gone (or that no longer go to that person), reopen and refresh the closed ones whose deadline is back.

    Idempotent and safe under concurrency: the rows are created by one INSERT … ON CONFLICT DO NOTHING
    under the unique constraint, closed by one UPDATE of the still-open ones; the counts are read back by
    this run's own timestamp, so two runs at once report each alert once between them. A fixed number of
    queries whatever the number of deadlines (on SQLite, the insert is split in batches of its limit)."""
    echeances = a_alerter(today)
    pour = destinataires(echeances)
    voulues = {(d.object_key, d.kind, d.threshold, user): d for d in echeances for user in pour[d.object_key]}
    maintenant = timezone.now()
    bilan = Bilan()
    with transaction.atomic():
        existantes = {
            (a.object_key, a.kind, a.threshold, a.user_id): a
            for a in Alerte.objects.filter(
                Q(closed_at__isnull=True) | Q(object_key__in={d.object_key for d in echeances})
            )
        }
        a_creer = [
            Alerte(
                user_id=user,
                kind=d.kind,
                threshold=d.threshold,
                object_key=object_key,
                centre_id=d.centre_id,
                label=d.label,
                url=d.url,
                due=d.due,
                created_at=maintenant,
            )
            for (object_key, _, _, user), d in voulues.items()
            if (object_key, d.kind, d.threshold, user) not in existantes
        ]
        a_fermer = [a.pk for cle, a in existantes.items() if cle not in voulues and a.closed_at is None]
        a_mettre_a_jour = []
        for cle, alerte in existantes.items():
            if (d := voulues.get(cle)) is None:
                continue
            nouvelles = {champ: getattr(d, champ) for champ in CHAMPS_SUIVIS}
            if alerte.closed_at is not None or any(getattr(alerte, c) != v for c, v in nouvelles.items()):
                if alerte.closed_at is not None:
                    bilan.rouvertes[alerte.kind] += 1
                alerte.closed_at = None
                for champ, valeur in nouvelles.items():
                    setattr(alerte, champ, valeur)
                a_mettre_a_jour.append(alerte)
        if a_creer:
            Alerte.objects.bulk_create(a_creer, ignore_conflicts=True)
            bilan.creees.update(_par_type(Alerte.objects.filter(created_at=maintenant)))
        if a_fermer:
            Alerte.objects.filter(pk__in=a_fermer, closed_at__isnull=True).update(closed_at=maintenant)
            bilan.closes.update(_par_type(Alerte.objects.filter(closed_at=maintenant)))
        if a_mettre_a_jour:
            Alerte.objects.bulk_update(a_mettre_a_jour, ["closed_at", *CHAMPS_SUIVIS])
        # One row a day, written by an upsert: two runs at once both record it, neither fails.
        ExecutionAlertes.objects.bulk_create(
            [ExecutionAlertes(jour=today, execute_le=maintenant)],
            update_conflicts=True,
            unique_fields=["jour"],
            update_fields=["execute_le"],
        )
    return bilan


def synchroniser_sans_planificateur(today: datetime.date, *, une_fois_par_jour=False) -> Bilan | None:
    """For the pages that read the alerts, when shown: in the embedded default (no broker, so no beat) they
    bring the alerts up to date themselves, so that they are right without any scheduler; with a broker
    the morning job does it and the pages only read (None). The alert centre runs it at each showing (an
    agrément renewed closes its alert at once); the home page, `une_fois_par_jour`, only when no run is
    recorded for today (one query)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    if une_fois_par_jour and ExecutionAlertes.objects.filter(jour=today).exists():
        return None
    return synchroniser(today)


def par_type(alertes, **filtres):
    """The kinds of `alertes`, most frequent first, each with its count (one query) and the link to those
    in « Mes alertes » (filtered on `filtres` too)."""
    return types_comptes(_par_type(alertes), lambda kind: lien("pilotage:alertes", kind=kind, **filtres))


def derniere_execution():
    """When the alerts were last brought up to date (None: never)."""
    return ExecutionAlertes.objects.order_by("-jour").values_list("execute_le", flat=True).first()


def _par_type(alertes):
    """{kind: how many} of `alertes`, in one query."""
    return {ligne["kind"]: ligne["n"] for ligne in alertes.order_by().values("kind").annotate(n=Count("pk"))}
