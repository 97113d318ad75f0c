"""To-dos: the workflow steps waiting for a user, which each app exposes to the home pages (and to
the alert centre of `pilotage`).

Each app may have a `todos.py` module with `a_faire(user) -> list[AFaire]`: what waits for this
user's role, each with its count and the link to the list filtered on those very rows (the count
and the list come from the same QuerySet method or filter). `collect(user)` finds them the way
deadlines are found, so no app imports the apps above it.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from .extensions import modules


@dataclass(frozen=True)
class AFaire:
    kind: str  # stable code, e.g. "subventions.propositions_a_valider"
    label: str  # French, e.g. « Propositions à valider »
    count: int
    url: str  # the list filtered on these rows
    mine: bool = False  # the user's own files (referent), shown first


def lien(nom, **filtres):
    """The URL of list `nom` filtered on `filtres`."""
    return f"{reverse(nom)}?{urlencode(filtres)}" if filtres else reverse(nom)


def collect(user) -> list[AFaire]:
    """Every app's to-dos for `user` that have something to do, the user's own files first."""
    found = [todo for module in modules("todos") for todo in module.a_faire(user) if todo.count]
    return sorted(found, key=lambda t: not t.mine)
