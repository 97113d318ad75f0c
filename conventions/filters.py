import django_filters
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from centres.models import Centre
from comptes.models import referents
from comptes.permissions import EQUIPE
from roubaix_cs.forms import FiltreChoixModele

from .models import Convention


class ConventionFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=Convention.Type.choices, empty_label="Tous les types")
    statut = django_filters.ChoiceFilter(choices=Convention.Statut.choices, empty_label="Tous les statuts")
    centre = FiltreChoixModele(queryset=Centre.objects.all(), empty_label="Tous les centres")
    fin_mois = django_filters.NumberFilter(
        method="filtrer_fin", label="Finissant d'ici (mois)", min_value=0, max_value=120
    )
    referent = FiltreChoixModele(queryset=referents(), label="Suivie par", empty_label="Tous")
    tri = django_filters.OrderingFilter(
        fields=(("debut", "debut"), ("fin", "fin"), ("centre__nom", "centre"), ("statut", "statut")),
        field_labels={"debut": "Début", "fin": "Fin", "centre__nom": "Centre", "statut": "Statut"},
        label="Trier par",
        empty_label="Début (récent d'abord)",
    )

    class Meta:
        model = Convention
        fields = ["type", "statut", "centre", "fin_mois", "referent"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["centre"].queryset = Centre.objects.visibles_par(user)
            if user.role not in EQUIPE:  # who follows a file is the service's own business
                del self.filters["referent"]

    def filtrer_fin(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(fin__gte=today, fin__lte=today + relativedelta(months=int(value)))
