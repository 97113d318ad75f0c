"""Settings of Mission Centres Sociaux, driven by environment variables.

Development defaults are safe: without DEBUG=1 (development mode) the app refuses to start
unless a SECRET_KEY is given. The production variables are listed in the README.

Two switches, kept apart: `DEBUG=1` is the development mode (`make run`: a development key,
localhost, plain http, static files from the source folders, the demo data allowed), which keeps
the product's own French error pages; `DJANGO_DEBUG=1` turns on Django's technical error pages
for a developer who wants them (never in production).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from roubaix_cs.seuils import (
    CONSEIL_MUNICIPAL_MEMBRES_ROUBAIX,
    TRANSMISSION_PREFECTURE_JOURS_PRATIQUE,
    VEILLE_FREQUENCE_ALERTE_JOURS_DEFAUT,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEVELOPPEMENT = env_bool("DEBUG")
DEBUG = DEVELOPPEMENT and env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPPEMENT:
        raise ImproperlyConfigured(
            "SECRET_KEY manquante : définissez SECRET_KEY (production) ou DEBUG=1 (développement)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 (development only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEVELOPPEMENT else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "comptes",
    "centres",
    "conventions",
    "linne",
    "subventions",
    "deliberations",
    "pilotage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "roubaix_cs.politique_contenu.PolitiqueContenuMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "comptes.securite.InactiviteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "comptes.middleware.DenyByDefaultMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the login page with its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "roubaix_cs.urls"
WSGI_APPLICATION = "roubaix_cs.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pilotage.context_processors.navigation",
                "roubaix_cs.lecture.lecture",  # the fields each reader may read (one rule per model)
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# One request, one transaction: a failure never leaves a record half saved.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "comptes.User"
LOGIN_URL = "comptes:login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "comptes:login"
# django-axes watches every login attempt before the usual check of the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Development serves static files straight from the source folders, through WhiteNoise.
WHITENOISE_USE_FINDERS = DEVELOPPEMENT
WHITENOISE_AUTOREFRESH = DEVELOPPEMENT
# Uploaded and generated files are private: no MEDIA_URL is ever served; files go
# out only through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/fichiers-prives/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEVELOPPEMENT
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

vars().update(dj_email_url.parse(os.environ.get("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mission-centres-sociaux@ville-roubaix.fr")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The service's own mailbox and name: the ORGANIZER of the meetings' ICS invitations, and where replies go.
SERVICE_EMAIL = os.environ.get("SERVICE_EMAIL", DEFAULT_FROM_EMAIL)
SERVICE_NOM = os.environ.get("SERVICE_NOM", "Mission des centres sociaux")
# The site's address in the e-mails sent by the jobs, which have no request to build links from.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
ADMINS = [("Administrateur", a) for a in env_list("ADMINS")]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A session ends after this long without a request (comptes.securite.InactiviteMiddleware); active
# use keeps it open.
SESSION_INACTIVITE_SECONDES = int(os.environ.get("SESSION_INACTIVITE_SECONDES", 2 * 60 * 60))
SESSION_COOKIE_AGE = SESSION_INACTIVITE_SECONDES
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEVELOPPEMENT:  # production: https only
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Login protection (django-axes): after CONNEXION_ECHECS_MAX wrong passwords, the pair of this
# username and this address is locked for CONNEXION_BLOCAGE_MINUTES. Only that pair: the same account
# from another address is not, so that nobody can lock the responsable out from elsewhere. The
# responsable unlocks a pair (comptes:blocages), a superuser in the admin; a password reset does too.
CONNEXION_ECHECS_MAX = int(os.environ.get("CONNEXION_ECHECS_MAX", 5))
CONNEXION_BLOCAGE_MINUTES = int(os.environ.get("CONNEXION_BLOCAGE_MINUTES", 15))
AXES_FAILURE_LIMIT = CONNEXION_ECHECS_MAX
AXES_COOLOFF_TIME = timedelta(minutes=CONNEXION_BLOCAGE_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cooling-off runs from the lock: trying again while locked does not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "comptes.securite.reponse_blocage"
AXES_CLIENT_IP_CALLABLE = "comptes.securite.adresse_client"
# No log of every successful login and its address (personal data); the account keeps its last login.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Reverse proxies in front of Django (nginx in production): the client's address is then the one the
# nearest proxy appended to X-Forwarded-For, never an address the client wrote there itself.
PROXIES_INVERSES = int(os.environ.get("PROXIES_INVERSES", 0 if DEVELOPPEMENT else 1))

# Content-Security-Policy (django-csp) on every page: scripts, styles, images and requests from the
# site itself only, no inline script or style (htmx's indicator style is off: see base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its small icons (select arrow, check box, close button) as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Celery: without a broker, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # RGPD: what is past its retention period is anonymised or removed every night (pilotage.tasks).
    "purger-donnees-personnelles": {
        "task": "pilotage.tasks.purger_donnees_personnelles",
        "schedule": crontab(hour=3, minute=15),
    },
    # The deadline alerts of the day, before the team arrives (pilotage.alertes; Europe/Paris, CELERY_TIMEZONE).
    "alertes-du-jour": {
        "task": "pilotage.tasks.alertes_du_jour",
        "schedule": crontab(hour=6, minute=30),
    },
    # Espace Linné: the reminder of each confirmed booking two days before it (linne.demandes), once.
    "rappels-reservations-linne": {
        "task": "linne.tasks.rappels_du_jour",
        "schedule": crontab(hour=7, minute=0),
    },
    # Espace Linné: the snapshot of the day's ended bookings that the statistics read (linne.frequentation).
    "frequentations-linne": {
        "task": "linne.tasks.figer_frequentations",
        "schedule": crontab(hour=1, minute=30),
    },
}
# Redis redelivers a task whose worker died (acks_late) after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3600))}
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# The city as the grant-giver of the open data (SCDL « subventions »). Its SIRET is configured,
# never guessed: the export refuses to run without it.
VILLE_NOM = os.environ.get("VILLE_NOM", "Ville de Roubaix")
VILLE_SIRET = os.environ.get("VILLE_SIRET", "")
# The council's legal size (CGCT L2121-2 by population: roubaix_cs.seuils), the default number of
# members in office of a new session.
CONSEIL_MUNICIPAL_MEMBRES = int(os.environ.get("CONSEIL_MUNICIPAL_MEMBRES", CONSEIL_MUNICIPAL_MEMBRES_ROUBAIX))
# DEL-4: a voted deliberation not transmitted to the Préfecture this many days after the vote is
# flagged (practice of the service: roubaix_cs.seuils).
DELAI_TRANSMISSION_PREFECTURE_JOURS = int(
    os.environ.get("DELAI_TRANSMISSION_PREFECTURE_JOURS", TRANSMISSION_PREFECTURE_JOURS_PRATIQUE)
)
# CV-2: a Cellule de veille file at the « alerte » level meets at least every this many days, or it is a
# deadline (roubaix_cs.seuils).
VEILLE_FREQUENCE_ALERTE_JOURS = int(
    os.environ.get("VEILLE_FREQUENCE_ALERTE_JOURS", VEILLE_FREQUENCE_ALERTE_JOURS_DEFAUT)
)

# Personal data (RGPD art. 5-1-e): how long each kind is kept, the purge job applies them
# (`purger_donnees_personnelles`, every night), the privacy page shows them.
RETENTION_CONTACTS_CENTRE_FERME_ANS = int(os.environ.get("RETENTION_CONTACTS_CENTRE_FERME_ANS", 2))
RETENTION_CONTACTS_SUPPRIMES_ANS = int(os.environ.get("RETENTION_CONTACTS_SUPPRIMES_ANS", 2))
RETENTION_CONTACTS_REUNIONS_ANS = int(os.environ.get("RETENTION_CONTACTS_REUNIONS_ANS", 3))
RETENTION_COMPTES_DESACTIVES_ANS = int(os.environ.get("RETENTION_COMPTES_DESACTIVES_ANS", 2))
RETENTION_TENTATIVES_CONNEXION_JOURS = int(os.environ.get("RETENTION_TENTATIVES_CONNEXION_JOURS", 30))
# The contacts of Espace Linné's bookings and requests (linne/retention.py); the team's leave (equipe, no
# model yet).
RETENTION_DEMANDES_PUBLIC_MOIS = int(os.environ.get("RETENTION_DEMANDES_PUBLIC_MOIS", 12))
RETENTION_CONGES_ANS = int(os.environ.get("RETENTION_CONGES_ANS", 5))
# Whom a person asks about their data: the city's data protection officer (RGPD art. 37-39).
# The default is a postal placeholder; production sets the DPO's real address and e-mail.
DPO_CONTACT = os.environ.get(
    "DPO_CONTACT",
    "Délégué(e) à la protection des données de la Ville de Roubaix, Hôtel de Ville, Grande Place, 59100 Roubaix",
)
DPO_EMAIL = os.environ.get("DPO_EMAIL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        # django-axes narrates every login at INFO; its failures and locks are WARNINGs.
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
