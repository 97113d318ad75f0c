"""Accounts managed by the service: the responsable opens them, invites, edits, deactivates and
reactivates them. Every change is saved with who made it and why (the account's history)."""

from functools import partial
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import flux_calendrier
from .models import Role, User
from .retention import est_anonymise

MOTIF_OUVERTURE = "Ouverture du compte"
MOTIF_INVITATION = "Invitation renvoyée"
DOUBLON = "Un compte vient d'être enregistré avec cet identifiant ou cette adresse e-mail : vérifiez la liste."
SESSIONS_EN_BASE = frozenset({"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"})


def responsables_actifs():
    return User.objects.filter(role=Role.RESPONSABLE, is_active=True)


def refus_garde_responsable(compte, *, role=None, actif=True) -> str | None:
    """The service always keeps one active responsable (only she opens accounts): the last one may
    neither be deactivated nor lose the role. Returns the refusal, or None."""
    restera = actif and (role or compte.role) == Role.RESPONSABLE
    if compte.role != Role.RESPONSABLE or not compte.is_active or restera:
        return None
    if responsables_actifs().exclude(pk=compte.pk).exists():
        return None
    return (
        "Le service doit toujours garder un compte de responsable actif, et c'est le dernier : "
        "ouvrez ou réactivez d'abord un autre compte de responsable."
    )


def _verrouiller(compte):
    """Lock the active responsables, then the account: two changes at the same moment cannot both
    take the last responsable away. Returns the account as stored."""
    list(responsables_actifs().select_for_update().values_list("pk", flat=True))
    return User.objects.select_for_update().get(pk=compte.pk)


def _enregistrer(compte, *, par, motif):
    compte._history_user = par
    compte._change_reason = motif
    try:
        with transaction.atomic():
            compte.save()
    except IntegrityError as erreur:  # the same login or e-mail saved in between
        raise ValidationError(DOUBLON) from erreur


def duree_validite() -> str:
    """How long an invitation or password-reset link lasts (PASSWORD_RESET_TIMEOUT), in words."""
    heures = settings.PASSWORD_RESET_TIMEOUT // 3600
    if heures >= 48:
        return f"{heures // 24} jours"
    return f"{max(heures, 1)} heure{'s' if heures > 1 else ''}"


def _inviter_apres_commit(compte, origine):
    from .tasks import envoyer_invitation

    # Sent once the account is saved for good; a failing mail server is logged and retried, never
    # an error for the responsable, who may resend the invitation.
    transaction.on_commit(partial(envoyer_invitation.delay, compte.pk, origine), robust=True)


@transaction.atomic
def creer_compte(*, form, par, origine) -> User:
    """Open the account of the (valid) form with no usable password, and e-mail its invitation."""
    compte = form.save(commit=False)
    compte.set_unusable_password()
    compte.invitation_envoyee_le = timezone.now()
    _enregistrer(compte, par=par, motif=form.cleaned_data.get("motif") or MOTIF_OUVERTURE)
    _inviter_apres_commit(compte, origine)
    return compte


@transaction.atomic
def modifier_compte(*, form, par) -> User:
    """Save the (valid) form's names, e-mail, role and organisation, the last responsable kept."""
    actuel = _verrouiller(form.instance)
    if refus := refus_garde_responsable(actuel, role=form.cleaned_data["role"]):
        raise ValidationError({"role": refus})
    compte = form.save(commit=False)
    _enregistrer(compte, par=par, motif=form.cleaned_data["motif"])
    return compte


@transaction.atomic
def inviter(*, compte, par, origine) -> User:
    """E-mail a new one-time link to choose a password (the previous links stop working once it is used)."""
    compte = _verrouiller(compte)
    if not compte.is_active:
        raise ValidationError("Ce compte est désactivé : réactivez-le avant de renvoyer une invitation.")
    if not compte.email:
        raise ValidationError("Ce compte n'a pas d'adresse e-mail : renseignez-la d'abord.")
    compte.invitation_envoyee_le = timezone.now()
    _enregistrer(compte, par=par, motif=MOTIF_INVITATION)
    _inviter_apres_commit(compte, origine)
    return compte


@transaction.atomic
def desactiver_compte(*, compte, par, motif) -> User:
    """A leaver: login refused, open sessions ended and the calendar address revoked (a reactivated
    account makes a new one); the account and its history stay."""
    if compte.pk == par.pk:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre compte.")
    compte = _verrouiller(compte)
    if not compte.is_active:
        raise ValidationError("Ce compte est déjà désactivé.")
    if refus := refus_garde_responsable(compte, actif=False):
        raise ValidationError(refus)
    compte.is_active = False
    _enregistrer(compte, par=par, motif=motif)
    fermer_sessions(compte)
    flux_calendrier.revoquer(user=compte)
    return compte


@transaction.atomic
def reactiver_compte(*, compte, par, motif) -> User:
    """Someone back: the account logs in again with its password (or a new invitation)."""
    compte = _verrouiller(compte)
    if compte.is_active:
        raise ValidationError("Ce compte est déjà actif.")
    if est_anonymise(compte):
        raise ValidationError(
            "Ce compte a été anonymisé à la fin de sa durée de conservation : ouvrez un nouveau compte."
        )
    if compte.email and User.objects.filter(email__iexact=compte.email, is_active=True).exists():
        raise ValidationError(
            "Un autre compte actif utilise la même adresse e-mail : désactivez-le ou changez l'adresse d'abord."
        )
    compte.is_active = True
    _enregistrer(compte, par=par, motif=motif)
    return compte


def fermer_sessions(compte) -> int:
    """End the open sessions of `compte`; returns how many. (Whatever the session engine, a deactivated
    account is logged out at its next request: Django's backend refuses an inactive user.)"""
    if settings.SESSION_ENGINE not in SESSIONS_EN_BASE:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    fermees = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(compte.pk):
            store(session_key=session.session_key).delete()
            fermees += 1
    return fermees


def envoyer_invitation(*, compte_id, origine):
    """The invitation e-mail: a one-time link to choose one's password, valid PASSWORD_RESET_TIMEOUT.
    Nothing is sent to an account deactivated in between."""
    compte = User.objects.filter(pk=compte_id, is_active=True).exclude(email="").first()
    if compte is None:
        return False
    chemin = reverse(
        "comptes:invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(compte.pk)),
            "token": default_token_generator.make_token(compte),
        },
    )
    contexte = {"compte": compte, "lien": f"{origine}{chemin}", "validite": duree_validite()}
    sujet = " ".join(render_to_string("comptes/emails/invitation_objet.txt", contexte).split())
    send_mail(sujet, render_to_string("comptes/emails/invitation.txt", contexte), None, [compte.email])
    return True
