"""Extension points through which an app adds to the apps below it without being imported by them.

Each installed app may have a module of a known name (`deadlines`, `onglets_centre`, `menu`,
`todos`, `calendrier`, `aides_en_nature`, `accueil`), found
the way Django autodiscovers `admin` modules: dependencies keep pointing one way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings


def modules(nom):
    """The `<app>.<nom>` modules of the project's own apps, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(settings.BASE_DIR) or ".venv" in Path(config.path).parts:
            continue
        module_name = f"{config.name}.{nom}"
        if find_spec(module_name) is not None:
            yield import_module(module_name)


def reagir(evenement, **donnees):
    """Tell the higher apps that something happened to a lower app's record: each `<app>.reactions`
    module that defines the function `evenement` is called with `donnees`, in the same transaction.
    (A grant adjourned while on a draft deliberation, say: the deliberations app takes it off.)"""
    for module in modules("reactions"):
        if reaction := getattr(module, evenement, None):
            reaction(**donnees)


@dataclass(frozen=True)
class OngletCentre:
    """A tab that a higher app adds to the centre page (module `onglets_centre`, list `ONGLETS`)."""

    code: str
    libelle: str
    visible: Callable  # visible(user) -> bool
    contexte: Callable  # contexte(centre, user) -> dict
    template: str


def onglets_centre():
    return [onglet for module in modules("onglets_centre") for onglet in module.ONGLETS]


@dataclass(frozen=True)
class EntreeMenu:
    """An entry of the navigation bar that an app declares (module `menu`, list `ENTREES`)."""

    libelle: str
    url: str  # URL name
    roles: frozenset  # roles that see it
    rang: int  # its place in the bar, left to right


def menu():
    return sorted((e for module in modules("menu") for e in module.ENTREES), key=lambda e: (e.rang, e.libelle))


def evenements_calendrier(user, today):
    """The events of `user`'s personal calendar feed that the apps add (module `calendrier`, function
    `evenements(user, today) -> list[roubaix_cs.ics.EvenementIcs]`): general assemblies, meetings,
    and later bookings. The deadlines come from `deadlines.py`, through pilotage."""
    return [e for module in modules("calendrier") for e in module.evenements(user, today)]


def aides_en_nature(organisation_ids, annees):
    """The valued in-kind aid that the apps record for organisations (module `aides_en_nature`, function
    `par_organisation(organisation_ids, annees) -> {organisation pk: {year: Decimal}}`): the rooms of the
    Espace Linné lent free or below their price (LOC-2), say. Summed over the apps, in the same shape;
    conventions adds it to the yearly aid of each beneficiary (the 23 000 € rule). One call per app,
    whatever the number of organisations (`organisation_ids` may be a queryset of pks: a subquery)."""
    annees = list(annees)
    total = {}
    for module in modules("aides_en_nature"):
        for organisation, par_annee in module.par_organisation(organisation_ids, annees).items():
            siennes = total.setdefault(organisation, {})
            for annee, valeur in par_annee.items():
                siennes[annee] = siennes.get(annee, 0) + valeur
    return total


@dataclass(frozen=True)
class BlocAccueil:
    """A block that an app adds to a user's home page (module `accueil`, function
    `blocs(user, today) -> list[BlocAccueil]`, empty for the users it has nothing for): a template and its
    context, rendered in the home page's order of the apps."""

    template: str
    contexte: dict
    titre: str = ""


def blocs_accueil(user, today):
    """The home page's blocks that the apps give `user` (the régisseurs' day at Espace Linné, say)."""
    return [bloc for module in modules("accueil") for bloc in module.blocs(user, today)]
