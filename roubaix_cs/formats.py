"""How values are shown to users: French formats, one place."""

import datetime
from decimal import Decimal

from django.utils import timezone

NBSP = "\u00a0"
NNBSP = "\u202f"


def montant(value) -> str:
    """12 345,67 € with non-breaking spaces (they survive PDFs and line wraps)."""
    if value is None:
        return "—"
    value = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    entier, decimales = f"{abs(value):.2f}".split(".")
    groupes = []
    while entier:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    return f"{sign}{NNBSP.join(groupes)},{decimales}{NBSP}€"


def valeur(value) -> str:
    """A field value as text for histories and exports."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return montant(value)
    return str(value)
