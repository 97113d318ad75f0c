"""The forms of the Espace Linné's yearly evaluation: the year shown, and the responsable's texts."""

from django import forms

from roubaix_cs import bornes
from roubaix_cs.locking import VersionForm

from .models import Evaluation


class AnneeEvaluationForm(forms.Form):
    """The year of the evaluation (?annee=), within the years the service handles; empty, this year."""

    annee = forms.IntegerField(label="Année", required=False, validators=bornes.EXERCICE)

    def annee_choisie(self, today):
        """The year asked for, this year when none or when the year asked for is not valid."""
        if not self.is_valid():
            return today.year
        return self.cleaned_data["annee"] or today.year


class EvaluationForm(VersionForm):
    """The responsable's review of the year and the outlook, saved under optimistic locking."""

    class Meta(VersionForm.Meta):
        model = Evaluation
        fields = ["bilan", "perspectives"]
        widgets = {
            "bilan": forms.Textarea(attrs={"rows": 8}),
            "perspectives": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "bilan": "Ce que l'équipement a permis cette année : publics, partenariats, événements, difficultés.",
            "perspectives": "Les orientations du projet de l'équipement pour l'année suivante.",
        }
