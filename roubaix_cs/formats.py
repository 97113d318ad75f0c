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


def nombre(value) -> str:
    """A count or a measure as people write it: 180 (not 180,00), 12,5, 1 250; "—" when empty."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    texte = f"{abs(value):f}"
    entier, _, decimales = texte.partition(".")
    decimales = decimales.rstrip("0")
    groupes = []
    while entier:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    return ("-" if value < 0 else "") + NNBSP.join(groupes) + (f",{decimales}" if decimales else "")


def pourcentage(value) -> str:
    """A share as people write it: 62,5 % (one decimal, non-breaking space); "—" when unknown."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):.1f}".replace(".", ",") + f"{NBSP}%"


# « de » before a beneficiary's name, by the common noun it starts with (its gender, its elision).
ARTICLES = {
    "association": "de l'",
    "amicale": "de l'",
    "espace": "de l'",
    "union": "de l'",
    "centre": "du ",
    "comité": "du ",
    "collectif": "du ",
    "fédération": "de la ",
    "maison": "de la ",
}
VOYELLES = "aàâeéèêiîoôuùûyh"


def de(nom) -> str:
    """« de » before a name, as an act writes it: « de l'Association X », « du Centre social Y »,
    « d'Alma Gare », « de Roubaix Services »."""
    nom = " ".join(str(nom).split())
    premier = nom.split(" ", 1)[0].lower()
    if premier in ARTICLES:
        return f"{ARTICLES[premier]}{nom}"
    return f"d'{nom}" if nom[:1].lower() in VOYELLES else f"de {nom}"


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
