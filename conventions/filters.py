import django_filters
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from centres.models import Centre
from comptes.models import referents
from comptes.permissions import EQUIPE
from roubaix_cs.forms import FiltreChoixModele, dates_natives

from .models import Convention


class ConventionFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=Convention.Type.choices, empty_label="Tous les types")
    EN_VIGUEUR = "en_vigueur"  # the group ConventionQuerySet.en_vigueur() reads
    statut = django_filters.ChoiceFilter(
        choices=[(EN_VIGUEUR, "En vigueur (signées ou en cours)"), *Convention.Statut.choices],
        method="filtrer_statut",
        empty_label="Tous les statuts",
    )
    annee = django_filters.NumberFilter(
        method="filtrer_annee", label="Couvrant l'année", min_value=2000, max_value=2100
    )
    centre = FiltreChoixModele(queryset=Centre.objects.all(), empty_label="Tous les centres")
    fin_mois = django_filters.NumberFilter(
        method="filtrer_fin", label="Finissant d'ici (mois)", min_value=0, max_value=120
    )
    fin_avant = django_filters.DateFilter(
        method="filtrer_fin_avant",
        label="Finissant d'ici le (avenants compris)",
        help_text="Fin reportée par les avenants signés ; les conventions déjà finies ne sont pas comprises.",
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
        fields = ["type", "statut", "annee", "centre", "fin_mois", "fin_avant", "referent"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["centre"].queryset = Centre.objects.visibles_par(user)
            if user.role not in EQUIPE:  # who follows a file is the service's own business
                del self.filters["referent"]
        dates_natives(self.form)  # once the filters are settled: the form is built from them

    def filtrer_statut(self, queryset, name, value):
        return queryset.en_vigueur() if value == self.EN_VIGUEUR else queryset.filter(statut=value)

    def filtrer_annee(self, queryset, name, value):
        return queryset.couvrant(int(value))

    def filtrer_fin_avant(self, queryset, name, value):
        """Ending between today and `value`, the end moved by the signed avenants (CPO-5)."""
        today = timezone.localdate()
        return queryset.avec_fin_consolidee().filter(fin_consolidee__gte=today, fin_consolidee__lte=value)

    def filtrer_fin(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(fin__gte=today, fin__lte=today + relativedelta(months=int(value)))
