"""Login protection and idle sessions.

- django-axes locks the pair of a username and an address after settings.CONNEXION_ECHECS_MAX failed
  logins, for settings.CONNEXION_BLOCAGE_MINUTES (settings AXES_*). Only that pair: the same account
  from another address still logs in, so nobody can lock the responsable out from elsewhere.
  `reponse_blocage` is the login page with the French message; `blocages_en_cours` lists the pairs
  locked now, for the responsable's page that unlocks them (comptes.views_securite).
- `InactiviteMiddleware` ends a session after settings.SESSION_INACTIVITE_SECONDES without a request.
"""

import ipaddress
import math
import time

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

# --- The client's address --------------------------------------------------------------------------


def _adresse_valide(valeur):
    try:
        return str(ipaddress.ip_address(valeur.strip()))
    except ValueError:
        return None


def adresse_client(request):
    """The address a login attempt comes from (AXES_CLIENT_IP_CALLABLE).

    Behind settings.PROXIES_INVERSES reverse proxies (nginx), the address the nearest of them appended
    to X-Forwarded-For: the entries left of it are written by the client and could be anything.
    Without a proxy, the connection's own address.
    """
    distante = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXIES_INVERSES
    if proxies > 0:
        chaine = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(chaine) >= proxies and (adresse := _adresse_valide(chaine[-proxies])):
            return adresse
    return _adresse_valide(distante) or distante or None


# --- Locks ------------------------------------------------------------------------------------------


def debut_fenetre():
    """Failures older than the cooling-off no longer count."""
    return timezone.now() - settings.AXES_COOLOFF_TIME


def blocages_en_cours():
    """The (username, address) pairs locked now, with `fin`: when the lock lifts by itself."""
    tentatives = AccessAttempt.objects.filter(attempt_time__gte=debut_fenetre()).order_by("-attempt_time")
    paires = {}
    for tentative in tentatives:
        paire = paires.setdefault(
            (tentative.username, tentative.ip_address),
            {"username": tentative.username, "ip_address": tentative.ip_address, "echecs": 0, "derniere": None},
        )
        paire["echecs"] += tentative.failures_since_start
        paire["derniere"] = max(filter(None, [paire["derniere"], tentative.attempt_time]))
    bloquees = [p for p in paires.values() if p["echecs"] >= settings.AXES_FAILURE_LIMIT]
    for paire in bloquees:
        paire["fin"] = paire["derniere"] + settings.AXES_COOLOFF_TIME
    return bloquees


def minutes_restantes(fin):
    """Whole minutes until `fin`, at least one."""
    return max(1, math.ceil((fin - timezone.now()).total_seconds() / 60))


def message_blocage(minutes):
    return (
        f"Trop d'essais de connexion avec ce nom d'utilisateur depuis ce poste : la connexion y est bloquée. "
        f"Réessayez dans {minutes} minute{'s' if minutes > 1 else ''} ou demandez à la responsable de service "
        f"de débloquer le compte ; vous pouvez aussi choisir un nouveau mot de passe (« Mot de passe oublié »). "
        f"Ce blocage ne vaut que pour ce poste : le même compte se connecte toujours depuis un autre."
    )


def reponse_blocage(request, original_response=None, credentials=None):
    """The login page, with the message of the lock and when it lifts (AXES_LOCKOUT_CALLABLE), status 429."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    adresse = getattr(request, "axes_ip_address", None) or adresse_client(request)
    fin = next(
        (p["fin"] for p in blocages_en_cours() if p["username"] == username and p["ip_address"] == adresse),
        timezone.now() + settings.AXES_COOLOFF_TIME,
    )
    form = AuthenticationForm(request, initial={"username": username})
    contexte = {"form": form, "blocage": message_blocage(minutes_restantes(fin)), "next": request.POST.get("next", "")}
    return render(request, "comptes/login.html", contexte, status=429)


# --- Idle sessions ----------------------------------------------------------------------------------

CLE_ACTIVITE = "derniere_activite"


def rafraichissement():
    """How old the mark of activity gets before a request rewrites it: a tenth of the idle period (12
    minutes for 2 hours), at least a minute. No session write on every request, so that a page costs the
    same queries from one request to the next; the session ends after the idle period, give or take
    that tenth."""
    return max(60, settings.SESSION_INACTIVITE_SECONDES // 10)


@receiver(user_logged_in, dispatch_uid="comptes.securite.activite_a_la_connexion")
def _activite_a_la_connexion(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[CLE_ACTIVITE] = int(time.time())


class InactiviteMiddleware:
    """Log out a session idle for more than settings.SESSION_INACTIVITE_SECONDES.

    Each request of a logged-in user renews the mark of activity (at most once every `rafraichissement()`),
    and with it the session's expiry (SESSION_COOKIE_AGE, the same duration): active use keeps the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            maintenant = int(time.time())
            derniere = request.session.get(CLE_ACTIVITE)
            if derniere is not None and maintenant - derniere > settings.SESSION_INACTIVITE_SECONDES:
                logout(request)
            elif derniere is None or maintenant - derniere >= rafraichissement():
                request.session[CLE_ACTIVITE] = maintenant
        return self.get_response(request)
