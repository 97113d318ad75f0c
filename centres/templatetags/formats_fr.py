"""French formats in templates: `{% load formats_fr %}` then `{{ value|montant }}`."""

from django import template

from roubaix_cs import formats

register = template.Library()


@register.filter
def montant(value):
    """12 345,67 € (roubaix_cs.formats.montant); "—" when empty."""
    return formats.montant(None if value == "" else value)


@register.filter
def nombre(value):
    """180 familles, not 180,00 (roubaix_cs.formats.nombre); "—" when empty."""
    return formats.nombre(value)


@register.filter
def pourcentage(value):
    """62,5 % (roubaix_cs.formats.pourcentage); "—" when unknown."""
    return formats.pourcentage(value)


@register.filter
def expire_le(document, jour):
    """Whether a document's validity ended before `jour` (Document.expire)."""
    return document.expire(jour)


@register.filter
def de(nom):
    """« de l'Association X », « du Centre social Y », « d'Alma Gare » (roubaix_cs.formats.de)."""
    return formats.de(nom)
