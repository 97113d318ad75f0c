"""The filters of pilotage's lists (GET forms: the fuzz walk posts the forms of `forms.py`)."""

from django import forms

from roubaix_cs import deadlines
from roubaix_cs.seuils import ACCUEIL_ECHEANCES_JOURS

from .echeances import PORTEES


class EcheanceFiltre(forms.Form):
    """The filters of « Toutes les échéances »; empty, the home page's selection (every centre)."""

    portee = forms.ChoiceField(label="Centres", required=False, choices=[("", "Tous les centres"), *PORTEES])
    type = forms.ChoiceField(label="Type", required=False)
    jours = forms.IntegerField(
        label="Dues d'ici (jours)",
        required=False,
        min_value=0,
        max_value=3650,
        help_text=f"{ACCUEIL_ECHEANCES_JOURS} jours si vide ; les échéances dépassées sont toujours comprises.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Tous les types"), *sorted(deadlines.types().items(), key=lambda t: t[1])]

    def criteres(self):
        """The keyword arguments of `echeances.selection`; an invalid filter is left out (and shown)."""
        self.is_valid()
        donnees = self.cleaned_data
        return {
            "portee": donnees.get("portee", ""),
            "kind": donnees.get("type", ""),
            "jours": ACCUEIL_ECHEANCES_JOURS if donnees.get("jours") is None else donnees["jours"],
        }
