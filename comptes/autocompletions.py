"""The organisations a search field finds (roubaix_cs.autocompletion)."""

from roubaix_cs.autocompletion import Autocompletion

from .models import Organisation

AUTOCOMPLETIONS = [Autocompletion(Organisation, url="comptes:organisation_autocompletion", champs=("nom",))]
