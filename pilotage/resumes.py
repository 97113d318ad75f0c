"""The e-mail digest of the alerts: one e-mail per person per day, of their alerts not sent yet.

Called by the daily job after `pilotage.alertes.synchroniser` (`pilotage.tasks.alertes_du_jour`), which
queues one task per person (`pilotage.tasks.envoyer_resume`), so that a mail server that fails for one
person is retried for that person only. An alert is marked sent (`sent_at`) in the same transaction as
its e-mail left, after the send succeeded: a failed send marks nothing, and a re-run sends nothing twice.

Per kind of alert, each person chooses in « Mes préférences » (PreferenceAlerte): every day (the
default), on Mondays only, or never (the alert stays in « Mes alertes »). Élus, who get no alerts, may
opt in to a weekly summary of what concerns them (ResumeElu).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role, User
from roubaix_cs import deadlines

from . import alertes
from .models import Alerte, PreferenceAlerte, ResumeElu
from .veille import niveaux_officiels

F = PreferenceAlerte.Frequence
LUNDI = 0  # date.weekday(): the day of the weekly digests
SEMAINE_JOURS = 7  # « cette semaine »: due within the next 7 days
EN_RETARD, CETTE_SEMAINE, PLUS_TARD = "en_retard", "cette_semaine", "plus_tard"
URGENCES = {EN_RETARD: "En retard", CETTE_SEMAINE: "Cette semaine", PLUS_TARD: "Plus tard"}
# What concerns an élu (issue 14): conventions ending, and grants whose payments are blocked because
# their financial report is overdue (SUB-4: no payment while a CRF is late, subventions.services).
RESUME_ELU = {("convention_fin", None), ("crf", "retard")}


def frequences_du_jour(today: datetime.date) -> frozenset:
    """The frequencies sent on `today`: every day the daily one, on Mondays the weekly one too."""
    return frozenset({F.QUOTIDIENNE, F.HEBDOMADAIRE} if today.weekday() == LUNDI else {F.QUOTIDIENNE})


def a_envoyer(today: datetime.date):
    """{user id: [kinds]} of the people with open alerts not sent yet, of kinds sent on `today`
    (no preference: daily). Two queries whatever the number of alerts."""
    envoyees = frequences_du_jour(today)
    en_attente = set(
        Alerte.objects.ouvertes()
        .filter(sent_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .order_by()
        .values_list("user_id", "kind")
        .distinct()
    )
    choisies = {
        (u, k): f
        for u, k, f in PreferenceAlerte.objects.filter(user__in={u for u, _ in en_attente}).values_list(
            "user_id", "kind", "frequence"
        )
    }
    resultat = {}
    for user, kind in sorted(en_attente):
        if choisies.get((user, kind), F.QUOTIDIENNE) in envoyees:
            resultat.setdefault(user, []).append(kind)
    return resultat


@dataclass(frozen=True)
class Ligne:
    """One line of an e-mail: an alert or a deadline, its link absolute."""

    due: datetime.date
    label: str
    type: str
    url: str


def urgence(due: datetime.date, today: datetime.date) -> str:
    if due < today:
        return EN_RETARD
    if due <= today + datetime.timedelta(days=SEMAINE_JOURS):
        return CETTE_SEMAINE
    return PLUS_TARD


def _par_urgence(elements, today):
    """[(title, [elements])] in the order overdue, this week, later; the empty groups left out."""
    groupes = {code: [] for code in URGENCES}
    for element in elements:
        groupes[urgence(element.due, today)].append(element)
    return [(URGENCES[code], liste) for code, liste in groupes.items() if liste]


def absolue(chemin: str) -> str:
    """The address of a page of the site in an e-mail (no request to build it from: SITE_URL)."""
    return f"{settings.SITE_URL}{chemin}"


def _envoyer(user, sujet, gabarit, contexte):
    """Send one e-mail (plain text and HTML); a failure raises, so that nothing is marked sent."""
    contexte = {"personne": user, "preferences": absolue(reverse("pilotage:preferences")), **contexte}
    message = EmailMultiAlternatives(
        sujet, render_to_string(f"pilotage/emails/{gabarit}.txt", contexte), None, [user.email]
    )
    message.attach_alternative(render_to_string(f"pilotage/emails/{gabarit}.html", contexte), "text/html")
    message.send()


def envoyer_resume(*, user_id: int, today: datetime.date) -> int:
    """E-mail `user_id` their alerts not sent yet, of the kinds sent on `today`; how many were sent.

    The alerts are locked (another worker skips them), e-mailed, then marked sent in one transaction:
    an e-mail that fails raises and rolls back, so the alerts stay to send at the retry."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return 0
    kinds = a_envoyer(today).get(user.pk, [])
    if not kinds:
        return 0
    noms = deadlines.types()
    with transaction.atomic():
        a_mettre = list(
            Alerte.objects.ouvertes()
            .filter(user=user, sent_at__isnull=True, kind__in=kinds)
            .select_for_update(skip_locked=True)
            .order_by("due", "label", "pk")
        )
        if not a_mettre:
            return 0
        lignes = [Ligne(due=a.due, label=a.label, type=noms.get(a.kind, ""), url=absolue(a.url)) for a in a_mettre]
        contexte = {
            "groupes": _par_urgence(lignes, today),
            "today": today,
            "centre_alertes": absolue(reverse("pilotage:alertes")),
        }
        n = len(a_mettre)
        _envoyer(
            user, f"{n} nouvelle{'s' if n > 1 else ''} alerte{'s' if n > 1 else ''} d'échéance", "resume", contexte
        )
        Alerte.objects.filter(pk__in=[a.pk for a in a_mettre]).update(sent_at=timezone.now())
    return n


def elus_du_jour(today: datetime.date) -> list[int]:
    """The élus who opted in to the weekly summary and have not had it this week (on Mondays only)."""
    if today.weekday() != LUNDI:
        return []
    debut = today - datetime.timedelta(days=today.weekday())
    return list(
        ResumeElu.objects.filter(actif=True, user__role=Role.ELU, user__is_active=True)
        .exclude(user__email="")
        .exclude(envoye_le__gte=debut)
        .values_list("user_id", flat=True)
        .order_by("user_id")
    )


def ce_qui_concerne_les_elus(today: datetime.date) -> list:
    """The deadlines of the élus' summary (RESUME_ELU), by date."""
    echeances = alertes.a_alerter(today, kinds={kind for kind, _ in RESUME_ELU})
    return [d for d in echeances if (d.kind, None) in RESUME_ELU or (d.kind, d.threshold) in RESUME_ELU]


def _chemin_pour_les_elus(deadline) -> str:
    """Where an élu reads a deadline: a blocked payment on the grant's page (the financial report's form
    is the team's), anything else where the deadline points."""
    if deadline.kind == "crf":
        return reverse("subventions:detail", args=[int(deadline.object_key.rpartition(":")[2])])
    return deadline.url


def lignes_des_elus(today: datetime.date, *, adresse=lambda chemin: chemin) -> list[Ligne]:
    """The lines of the élus' summary, by date: the same in their e-mail (`adresse`: absolue) and on their
    dashboard (pilotage.chiffres.alertes_du_lecteur)."""
    noms = deadlines.types()
    return [
        Ligne(
            due=d.due,
            label=d.label,
            type="Versements bloqués" if d.kind == "crf" else noms[d.kind],
            url=adresse(_chemin_pour_les_elus(d)),
        )
        for d in sorted(ce_qui_concerne_les_elus(today), key=lambda d: (d.due, d.label))
    ]


def envoyer_resume_elu(*, user_id: int, today: datetime.date) -> int:
    """The weekly summary of an élu who asked for it: conventions ending, payments blocked, and the Cellule
    de veille's official levels (CV-3: the levels only). Sent once a week (ResumeElu.envoye_le, row locked),
    nothing when there is nothing to tell; how many lines."""
    with transaction.atomic():
        abonnement = (
            ResumeElu.objects.select_for_update(skip_locked=True)
            .filter(user_id=user_id, user_id__in=elus_du_jour(today))
            .select_related("user")
            .first()
        )
        if abonnement is None:
            return 0
        lignes = lignes_des_elus(today, adresse=absolue)
        veille = niveaux_officiels()
        if lignes or veille:
            contexte = {"groupes": _par_urgence(lignes, today), "today": today, "veille": veille}
            _envoyer(abonnement.user, "Votre résumé de la semaine", "resume_elu", contexte)
        abonnement.envoye_le = today
        abonnement.save(update_fields=["envoye_le"])
    return len(lignes)


def preferences_de(user) -> dict:
    """The keyword arguments of PreferencesForm: {"frequences": {kind: frequency}, "resume_elu": bool}."""
    return {
        "frequences": dict(user.preferences_alertes.values_list("kind", "frequence")),
        "resume_elu": ResumeElu.objects.filter(user=user, actif=True).exists(),
    }


def enregistrer_preferences(*, user, frequences: dict, resume_elu: bool | None) -> None:
    """Store `user`'s choices in one transaction: a row per kind not left at the default (daily)."""
    with transaction.atomic():
        user.preferences_alertes.all().delete()
        PreferenceAlerte.objects.bulk_create(
            PreferenceAlerte(user=user, kind=kind, frequence=f) for kind, f in frequences.items() if f != F.QUOTIDIENNE
        )
        if resume_elu is not None:
            ResumeElu.objects.update_or_create(user=user, defaults={"actif": resume_elu})
