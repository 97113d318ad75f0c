import django_filters

from centres.models import Centre
from comptes.models import Organisation, referents
from roubaix_cs.forms import FiltreChoixModele

from .models import DemandeSubvention, Dispositif


class TriStable(django_filters.OrderingFilter):
    """Sort by the chosen column, then by pk: pages never share or skip a row."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


class DemandeFilter(django_filters.FilterSet):
    annee = django_filters.NumberFilter(label="Exercice", min_value=2000, max_value=2100)
    centre = FiltreChoixModele(queryset=Centre.objects.all(), empty_label="Tous les centres")
    nature = django_filters.ChoiceFilter(choices=DemandeSubvention.Nature.choices, empty_label="Toutes les natures")
    VOTEES = "votees"  # the group of statuses the council voted (DemandeQuerySet.votees)
    statut = django_filters.ChoiceFilter(
        choices=[(VOTEES, "Votées (votées, notifiées ou payées)"), *DemandeSubvention.Statut.choices],
        method="filtrer_statut",
        empty_label="Tous les statuts",
    )
    # One beneficiary is the association and all the centres it runs (SUB-3, subventions/concours.py).
    association = FiltreChoixModele(
        queryset=Organisation.objects.filter(centres_geres__isnull=False).distinct().order_by("nom"),
        field_name="centre__organisation",
        label="Association gestionnaire (tous ses centres)",
        empty_label="Toutes",
    )
    dispositif = FiltreChoixModele(queryset=Dispositif.objects.all(), empty_label="Tous les dispositifs")
    referent = FiltreChoixModele(queryset=referents(), label="Instruite par", empty_label="Tous")
    crf = django_filters.ChoiceFilter(
        choices=[("a_analyser", "Reçu, à analyser")],
        method="filtrer_crf",
        label="Compte rendu financier",
        empty_label="Indifférent",
    )
    tri = TriStable(
        fields=(
            ("annee", "annee"),
            ("centre__nom", "centre"),
            ("date_reception", "reception"),
            ("montant_demande", "demande"),
            ("montant_vote", "vote"),
            ("statut", "statut"),
        ),
        field_labels={
            "annee": "Exercice",
            "centre__nom": "Centre",
            "date_reception": "Date de réception",
            "montant_demande": "Montant demandé",
            "montant_vote": "Montant voté",
            "statut": "Statut",
        },
        label="Trier par",
        empty_label="Exercice (récent d'abord), centre",
    )

    class Meta:
        model = DemandeSubvention
        fields = ["annee", "centre", "association", "nature", "statut", "dispositif", "referent", "crf"]

    def filtrer_statut(self, queryset, name, value):
        return queryset.votees() if value == self.VOTEES else queryset.filter(statut=value)

    def filtrer_crf(self, queryset, name, value):
        return queryset.crf_a_analyser()
