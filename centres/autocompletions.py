"""The centres and premises a search field finds (roubaix_cs.autocompletion)."""

from roubaix_cs.autocompletion import Autocompletion

from .models import Centre, Local

AUTOCOMPLETIONS = [
    Autocompletion(Centre, url="centres:autocompletion", champs=("nom", "nom_court")),
    Autocompletion(Local, url="centres:local_autocompletion", champs=("nom", "adresse")),
]
