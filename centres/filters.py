import django_filters
from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from .models import Centre, Quartier


class CentreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="rechercher", label="Recherche")
    statut = django_filters.ChoiceFilter(choices=Centre.Statut.choices, empty_label="Tous les statuts")
    quartier = django_filters.ChoiceFilter(choices=Quartier.choices, empty_label="Tous les quartiers")
    agrement_fin_mois = django_filters.NumberFilter(
        method="filtrer_fin_agrement",
        label="Agrément finissant d'ici (mois)",
        min_value=0,
        max_value=120,
    )
    tri = django_filters.OrderingFilter(
        fields=(("nom", "nom"), ("quartier", "quartier"), ("statut", "statut"), ("fin_agrement", "fin_agrement")),
        field_labels={
            "nom": "Nom",
            "quartier": "Quartier",
            "statut": "Statut",
            "fin_agrement": "Fin d'agrément",
        },
        label="Trier par",
        empty_label="Nom",
    )

    class Meta:
        model = Centre
        fields = ["q", "statut", "quartier", "agrement_fin_mois"]

    def rechercher(self, queryset, name, value):
        return queryset.filter(Q(nom__icontains=value) | Q(nom_court__icontains=value) | Q(siret__icontains=value))

    def filtrer_fin_agrement(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.agrement_finissant_entre(today, today + relativedelta(months=int(value)))
