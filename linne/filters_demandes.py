"""The filters of the room requests' pages: the list of the requests, and the season of the allocation."""

import django_filters
from django import forms

from roubaix_cs import bornes

from .models import DemandeReservation


class DemandeFilter(django_filters.FilterSet):
    """The requests' list: by status (the pending ones), kind and season; sorted by date of receipt, name
    or status."""

    statut = django_filters.ChoiceFilter(choices=DemandeReservation.Statut.choices, empty_label="Tous les statuts")
    nature = django_filters.ChoiceFilter(
        choices=DemandeReservation.Nature.choices, label="Demande", empty_label="Ponctuelles et saisons"
    )
    saison = django_filters.NumberFilter(label="Saison (année de rentrée)", min_value=2000, max_value=2100)
    tri = django_filters.OrderingFilter(
        fields=(("recue_le", "recue_le"), ("nom_organisation", "nom"), ("statut", "statut")),
        field_labels={"recue_le": "Reçue le", "nom_organisation": "Association", "statut": "Statut"},
        label="Trier par",
        empty_label="Reçue le (la plus récente d'abord)",
    )

    class Meta:
        model = DemandeReservation
        fields = ["statut", "nature", "saison"]


class SaisonFiltre(forms.Form):
    """The season of the allocation page (?saison=2026); empty or invalid, the next one (shown)."""

    saison = forms.IntegerField(label="Saison (année de rentrée)", required=False, validators=bornes.EXERCICE)
