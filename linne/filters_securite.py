"""The filters of the safety register's lists (GET forms): the checks, the commission's visits, the
incidents."""

import django_filters

from roubaix_cs.forms import FiltreChoixModele, dates_natives

from .models import Controle, Incident, Salle, TypeControle, VisiteCommission


class _Periode(django_filters.FilterSet):
    """« Du » and « Au (inclus) » on the records' date field `CHAMP_DATE`."""

    CHAMP_DATE = "date"
    du = django_filters.DateFilter(method="filtrer_du", label="Du")
    au = django_filters.DateFilter(method="filtrer_au", label="Au (inclus)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self.form)

    def filtrer_du(self, queryset, name, value):
        return queryset.filter(**{f"{self.CHAMP_DATE}__gte": value})

    def filtrer_au(self, queryset, name, value):
        return queryset.filter(**{f"{self.CHAMP_DATE}__lte": value})


class ControleFilter(_Periode):
    """The checks done: of a kind, by result, over a period."""

    type_controle = FiltreChoixModele(
        queryset=TypeControle.objects.order_by("ordre", "nom"), label="Contrôle", empty_label="Tous les contrôles"
    )
    resultat = django_filters.ChoiceFilter(choices=Controle.Resultat.choices, empty_label="Tous les résultats")
    tri = django_filters.OrderingFilter(
        fields=(("date", "date"), ("type_controle__nom", "contrôle"), ("resultat", "resultat")),
        field_labels={"date": "Date", "type_controle__nom": "Contrôle", "resultat": "Résultat"},
        label="Trier par",
        empty_label="Date (la plus récente d'abord)",
    )

    class Meta:
        model = Controle
        fields = ["type_controle", "resultat", "du", "au"]


class VisiteCommissionFilter(_Periode):
    """The commission's visits: by kind, by opinion, over a period."""

    nature = django_filters.ChoiceFilter(choices=VisiteCommission.Nature.choices, empty_label="Toutes les visites")
    avis = django_filters.ChoiceFilter(choices=VisiteCommission.Avis.choices, empty_label="Tous les avis")
    tri = django_filters.OrderingFilter(
        fields=(("date", "date"), ("avis", "avis")),
        field_labels={"date": "Date", "avis": "Avis"},
        label="Trier par",
        empty_label="Date (la plus récente d'abord)",
    )

    class Meta:
        model = VisiteCommission
        fields = ["nature", "avis", "du", "au"]


class IncidentFilter(_Periode):
    """The incidents: followed or closed, by kind, by room, over a period."""

    CHAMP_DATE = "survenu_le__date"
    statut = django_filters.ChoiceFilter(choices=Incident.Statut.choices, empty_label="Tous")
    nature = django_filters.ChoiceFilter(choices=Incident.Nature.choices, empty_label="Toutes les natures")
    salle = FiltreChoixModele(queryset=Salle.objects.order_by("nom"), empty_label="Toutes les salles")
    tri = django_filters.OrderingFilter(
        fields=(("survenu_le", "date"), ("nature", "nature"), ("salle__nom", "salle")),
        field_labels={"survenu_le": "Date", "nature": "Nature", "salle__nom": "Salle"},
        label="Trier par",
        empty_label="Date (la plus récente d'abord)",
    )

    class Meta:
        model = Incident
        fields = ["statut", "nature", "salle", "du", "au"]
