"""The choices of the attendance pages (GET forms: the fuzz walk posts the forms of `forms*.py`): the day of
the attendance list, the year and room of the statistics."""

from django import forms
from django.utils import timezone

from roubaix_cs import bornes
from roubaix_cs.forms import ChoixModele

from .models import Salle

MESSAGE_JOUR_ILLISIBLE = "La date demandée n'a pas pu être lue : voici celle d'aujourd'hui."
MESSAGE_ANNEE_ILLISIBLE = "L'année demandée n'a pas pu être lue : voici celle de cette année."


class JourFiltre(forms.Form):
    """?jour=YYYY-MM-DD, today without one (or with one unreadable, with a message)."""

    jour = forms.DateField(label="Jour", required=False, validators=bornes.DATE_ECHEANCE)

    def jour_choisi(self):
        """(the day, a French message when the one asked for was unreadable)."""
        today = timezone.localdate()
        if not self.is_valid():
            return today, MESSAGE_JOUR_ILLISIBLE
        return self.cleaned_data["jour"] or today, ""


class StatistiquesFiltre(forms.Form):
    """?annee= (this year by default, within the years the service handles) and ?salle= (every room)."""

    annee = forms.IntegerField(label="Année", required=False, validators=bornes.EXERCICE)
    salle = ChoixModele(queryset=Salle.objects.order_by("nom"), label="Salle", required=False, empty_label="Toutes")

    def criteres(self):
        """(year, room or None, a French message when the choice was unreadable)."""
        today = timezone.localdate()
        if not self.is_valid():
            return today.year, None, MESSAGE_ANNEE_ILLISIBLE
        return self.cleaned_data["annee"] or today.year, self.cleaned_data["salle"], ""
