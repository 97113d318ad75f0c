import django_filters
from django.db.models import Q
from django.utils import timezone

from roubaix_cs.forms import FiltreChoixModele

from .models import Deliberation, Seance


class SeanceFilter(django_filters.FilterSet):
    periode = django_filters.ChoiceFilter(
        choices=[("a_venir", "À venir"), ("passees", "Passées")],
        method="filtrer_periode",
        label="Période",
        empty_label="Toutes",
    )
    annee = django_filters.NumberFilter(field_name="date__year", label="Année")

    class Meta:
        model = Seance
        fields = ["periode", "annee"]

    def filtrer_periode(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(date__gte=today) if value == "a_venir" else queryset.filter(date__lt=today)


class DeliberationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="rechercher", label="Recherche")
    statut = django_filters.ChoiceFilter(choices=Deliberation.Statut.choices, empty_label="Tous les statuts")
    nature = django_filters.ChoiceFilter(choices=Deliberation.Nature.choices, empty_label="Toutes les natures")
    annee = django_filters.NumberFilter(field_name="annee", label="Année")
    seance = FiltreChoixModele(queryset=Seance.objects.all(), empty_label="Toutes les séances")
    etape = django_filters.ChoiceFilter(
        choices=[("pdf_a_generer", "PDF à générer"), ("a_marquer_prete", "PDF à jour, à marquer prête")],
        method="filtrer_etape",
        label="Étape",
        empty_label="Toutes",
    )

    class Meta:
        model = Deliberation
        fields = ["q", "statut", "nature", "annee", "seance", "etape"]

    def filtrer_etape(self, queryset, name, value):
        return getattr(queryset, value)()  # the QuerySet methods the to-dos count (deliberations/todos.py)

    def rechercher(self, queryset, name, value):
        avec_centre = Deliberation.objects.filter(demandes__centre__nom__icontains=value).values("pk")
        return queryset.filter(Q(objet__icontains=value) | Q(pk__in=avec_centre))
