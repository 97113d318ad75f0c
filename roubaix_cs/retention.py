"""Retention of personal data (RGPD art. 5-1-e: kept no longer than needed).

Each app that keeps personal data has a `retention.py` module with
`purger(today, *, simuler) -> list[Purge]`: it anonymises or removes what is past its retention
period (a setting `RETENTION_*`), and the history rows that still hold it. `purger(today)` here
runs them all in one transaction, found the way `deadlines` are, so no app imports the apps above
it. Records that others refer to are anonymised rather than deleted, so that counts stay right.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .extensions import modules

MOTIF_ANONYMISATION = "Anonymisation : durée de conservation des données personnelles échue"


@dataclass
class Purge:
    """What one kind of purge did (or, simulated, would do)."""

    libelle: str  # « Contacts de centres fermés depuis plus de 2 ans, anonymisés »
    objets: list = field(default_factory=list)  # a French line per record
    historique: int = 0  # history rows removed

    @property
    def nombre(self):
        return len(self.objets)


def purger(today: datetime.date, *, simuler: bool = False) -> list[Purge]:
    """Run every app's purge; simulated, nothing is written (the transaction is rolled back too)."""
    with transaction.atomic():
        resultats = [p for module in modules("retention") for p in module.purger(today, simuler=simuler)]
        if simuler:
            transaction.set_rollback(True)
    return resultats


def depuis(instance, champ: str) -> datetime.date | None:
    """The day since which `instance.<champ>` holds its current value, read from its history
    (the date of the first row of the last unbroken run of that value); None without history."""
    valeur = getattr(instance, champ)
    jour = None
    for record in instance.history.order_by("-history_date", "-history_id").only(champ, "history_date"):
        if getattr(record, champ) != valeur:
            break
        jour = record.history_date
    return timezone.localdate(jour) if jour else None


def effacer_historique(modele, pks) -> int:
    """Delete the history rows of the records `pks` of `modele` (their snapshots of many-to-many
    fields go with them): the history must not keep what was purged. Returns the rows removed."""
    historique = modele.history.model
    _, par_modele = historique.objects.filter(**{f"{modele._meta.pk.attname}__in": list(pks)}).delete()
    return par_modele.get(historique._meta.label, 0)
