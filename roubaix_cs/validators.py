"""Validators for French public identifiers, shared by every app."""

import re

from django.core.exceptions import ValidationError

SIRET_RE = re.compile(r"^\d{14}$")
RNA_RE = re.compile(r"^W\d{9}$")


def luhn_valide(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def valider_siret(value: str) -> None:
    """A SIRET is 14 digits (SIREN + NIC) and passes the Luhn check (INSEE)."""
    if not SIRET_RE.match(value or ""):
        raise ValidationError("Le SIRET doit comporter exactement 14 chiffres, sans espace.", code="siret_format")
    if not luhn_valide(value):
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle incorrecte).", code="siret_luhn")


def valider_rna(value: str) -> None:
    """An RNA number (répertoire national des associations) is W followed by 9 digits."""
    if not RNA_RE.match(value or ""):
        raise ValidationError("Le numéro RNA doit être de la forme W suivi de 9 chiffres (ex. W595012345).", code="rna")


def completer_siret(prefix13: str) -> str:
    """Append the Luhn check digit to 13 digits (used for demo data and tests)."""
    for check in "0123456789":
        if luhn_valide(prefix13 + check):
            return prefix13 + check
    raise ValueError(prefix13)  # pragma: no cover - a Luhn digit always exists
