"""Deadlines that apps expose to the alerts of `pilotage`.

Each app may have a `deadlines.py` module with `upcoming(today) -> list[Deadline]` and `TYPES`, the
French name of each kind it yields (by which the lists of deadlines are filtered); `collect(today)`
finds them the way Django autodiscovers `admin` modules, so no app
imports the apps above it.
"""

import datetime
from dataclasses import dataclass

from .extensions import modules


@dataclass(frozen=True)
class Deadline:
    due: datetime.date
    kind: str  # stable code, e.g. "agrement_renouvellement"
    label: str  # French sentence shown to users
    url: str  # where to act
    threshold: str = ""  # e.g. "M-6": one alert per (object, kind, threshold)
    object_key: str = ""  # e.g. "centres.agrement:12"
    centre_id: int | None = None
    # Roles whose every active member gets the alert besides the file's referent and the responsables
    # (the régisseurs for a room request of Espace Linné): a deadline nobody follows by name.
    roles: frozenset = frozenset()


def collect(today: datetime.date, kinds=None) -> list[Deadline]:
    """Every app's deadlines, by date; only those of `kinds` when given (the apps that yield none of them
    are not asked)."""
    found = [
        deadline
        for module in modules("deadlines")
        if kinds is None or kinds & set(module.TYPES)
        for deadline in module.upcoming(today)
        if kinds is None or deadline.kind in kinds
    ]
    return sorted(found, key=lambda d: (d.due, d.label))


def types() -> dict[str, str]:
    """{kind: French name} of every app's deadlines, in INSTALLED_APPS order."""
    return {kind: nom for module in modules("deadlines") for kind, nom in module.TYPES.items()}
