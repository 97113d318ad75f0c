"""The year the Espace Linné's evaluation page shows (?annee=): a GET form, as the other pages' filters."""

from django import forms

from roubaix_cs import bornes


class AnneeEvaluationForm(forms.Form):
    """The year of the evaluation (?annee=), within the years the service handles; empty, this year."""

    annee = forms.IntegerField(label="Année", required=False, validators=bornes.EXERCICE)

    def annee_choisie(self, today):
        """The year asked for, this year when none or when the year asked for is not valid."""
        if not self.is_valid():
            return today.year
        return self.cleaned_data["annee"] or today.year
