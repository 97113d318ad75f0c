"""The URLs of many objects of one view: `reverse()` once, each object's id put in its place.

`reverse()` costs tens of microseconds; a list of 5 000 deadlines or export rows calling it once
per row spends most of its time there.
"""

from django.urls import reverse

# A stand-in id, reversed once; every object's URL is that one with its own id in the marker's place.
_REPERE = 987654321


def gabarit(url_du_repere):
    """function(pk) -> `url_du_repere` with `pk` in the marker's place."""
    avant, _, apres = url_du_repere.rpartition(str(_REPERE))
    return lambda pk: f"{avant}{pk}{apres}"


def chemin_du_repere(vue):
    """The path of the view `vue` for the stand-in id."""
    return reverse(vue, args=[_REPERE])


def chemins(vue, suffixe=""):
    """function(pk) -> the path of the view `vue` for the object `pk` (then `suffixe`, e.g. "?onglet=x")."""
    return gabarit(chemin_du_repere(vue) + suffixe)
