"""Retention of the accounts (RGPD art. 5-1-e), run by `roubaix_cs.retention.purger`.

An account deactivated for `RETENTION_COMPTES_DESACTIVES_ANS` years is anonymised, never deleted:
the records and history rows that name it as their author (grants instructed, documents filed,
payments recorded…) keep pointing at it and now read « Compte supprimé »; its role and
organisation stay for the statistics. Its own history rows, which hold its names and e-mail, go.

Its personal calendar address (`JetonCalendrier`) is revoked when the account is deactivated
(`services.desactiver_compte`), and its row goes with the anonymisation: kept until then, it says
when the address was cut off. The SEQUENCE rows of the feeds' events (`SequenceCalendrier`) are no
account's: keyed by the UID of an object (a deadline, an AG), shared by every feed that shows it, they
hold nothing about a person and stay, so that the other feeds' SEQUENCE keeps rising.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from roubaix_cs.retention import MOTIF_ANONYMISATION, Purge, depuis, effacer_historique

from .models import JetonCalendrier, User

PREFIXE_ANONYME = "compte-supprime-"


def est_anonymise(user) -> bool:
    return user.username.startswith(PREFIXE_ANONYME)


def desactive_depuis(user) -> datetime.date:
    """The day the account was deactivated (from its history), else its last activity."""
    jour = depuis(user, "is_active")
    if jour is None:
        jour = timezone.localdate(user.last_login or user.date_joined)
    return jour


def anonymiser_compte(user):
    """The account keeps its id, role and organisation; what names the person goes, with the history
    rows that held it, but for one row that records the anonymisation."""
    effacer_historique(User, [user.pk])
    user.username = f"{PREFIXE_ANONYME}{user.pk}"
    user.first_name, user.last_name, user.email = "Compte", "supprimé", ""
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()
    user._change_reason = MOTIF_ANONYMISATION
    user.save()


def comptes_a_anonymiser(today: datetime.date) -> list:
    limite = today - relativedelta(years=settings.RETENTION_COMPTES_DESACTIVES_ANS)
    inactifs = User.objects.filter(is_active=False).exclude(username__startswith=PREFIXE_ANONYME).order_by("pk")
    return [user for user in inactifs if desactive_depuis(user) <= limite]


def _tentatives_de_connexion(today: datetime.date, *, simuler: bool) -> Purge:
    jours = settings.RETENTION_TENTATIVES_CONNEXION_JOURS
    purge = Purge(f"Traces de tentatives de connexion de plus de {jours} jour(s), supprimées")
    if not apps.is_installed("axes"):
        return purge
    limite = today - datetime.timedelta(days=jours)
    for nom in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
        traces = apps.get_model("axes", nom).objects.filter(attempt_time__date__lte=limite)
        purge.objets += [f"{t.username or '(sans identifiant)'} le {t.attempt_time:%d/%m/%Y}" for t in traces]
        if not simuler:
            traces.delete()
    return purge


def _adresses_de_calendrier(comptes, *, simuler: bool) -> Purge:
    """The calendar addresses of the accounts anonymised, in this run (`comptes`) or before."""
    purge = Purge("Adresses de calendrier personnel des comptes anonymisés, supprimées")
    jetons = JetonCalendrier.objects.filter(
        Q(user__in=[user.pk for user in comptes]) | Q(user__username__startswith=PREFIXE_ANONYME)
    ).order_by("pk")
    purge.objets += [
        f"Adresse de calendrier du compte n° {user_id}" for user_id in jetons.values_list("user_id", flat=True)
    ]
    if not simuler:
        jetons.delete()
    return purge


def purger(today: datetime.date, *, simuler: bool = False) -> list[Purge]:
    ans = settings.RETENTION_COMPTES_DESACTIVES_ANS
    purge = Purge(f"Comptes désactivés depuis {ans} an(s) ou plus, anonymisés")
    comptes = comptes_a_anonymiser(today)
    for user in comptes:
        purge.objets.append(f"{user} ({user.username}, {user.get_role_display() or 'compte technique'})")
        purge.historique += User.history.filter(id=user.pk).count()
        if not simuler:
            anonymiser_compte(user)
    return [
        purge,
        _adresses_de_calendrier(comptes, simuler=simuler),
        _tentatives_de_connexion(today, simuler=simuler),
    ]
