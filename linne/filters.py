"""The filters of Espace Linné's lists (GET forms): rooms, closures, bookings."""

import django_filters

from comptes.models import Organisation
from roubaix_cs.forms import FiltreChoixModele, dates_natives

from .models import Fermeture, Reservation, Salle, TypeActivite

OUI_NON = [("oui", "Oui"), ("non", "Non")]


class SalleFilter(django_filters.FilterSet):
    """The rooms: open to bookings or not, accessible or not, a capacity at least."""

    active = django_filters.ChoiceFilter(
        choices=[("oui", "Ouvertes aux réservations"), ("non", "Fermées aux réservations")],
        method="filtrer_active",
        label="Réservations",
        empty_label="Toutes les salles",
    )
    accessible_pmr = django_filters.ChoiceFilter(
        choices=OUI_NON, method="filtrer_pmr", label="Accessible aux personnes à mobilité réduite", empty_label="Toutes"
    )
    capacite = django_filters.NumberFilter(
        field_name="capacite", lookup_expr="gte", label="Capacité d'au moins", min_value=1, max_value=100_000
    )
    tri = django_filters.OrderingFilter(
        fields=(("nom", "nom"), ("capacite", "capacite")),
        field_labels={"nom": "Nom", "capacite": "Capacité"},
        label="Trier par",
        empty_label="Nom",
    )

    class Meta:
        model = Salle
        fields = ["active", "accessible_pmr", "capacite"]

    def filtrer_active(self, queryset, name, value):
        return queryset.filter(active=value == "oui")

    def filtrer_pmr(self, queryset, name, value):
        return queryset.filter(accessible_pmr=value == "oui")


class FermetureFilter(django_filters.FilterSet):
    """The closures: of a room (or of the whole site), touching a year, by motif."""

    TOUT_LE_SITE = "site"
    salle = django_filters.ChoiceFilter(method="filtrer_salle", label="Salle", empty_label="Toutes")
    annee = django_filters.NumberFilter(method="filtrer_annee", label="Année", min_value=2000, max_value=2100)
    motif = django_filters.ChoiceFilter(choices=Fermeture.Motif.choices, empty_label="Tous les motifs")
    tri = django_filters.OrderingFilter(
        fields=(("debut", "debut"), ("salle__nom", "salle")),
        field_labels={"debut": "Début", "salle__nom": "Salle"},
        label="Trier par",
        empty_label="Début (récent d'abord)",
    )

    class Meta:
        model = Fermeture
        fields = ["salle", "annee", "motif"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["salle"].extra["choices"] = [
            (self.TOUT_LE_SITE, "Tout l'Espace Linné (fermetures générales)"),
            *((str(pk), nom) for pk, nom in Salle.objects.order_by("nom").values_list("pk", "nom")),
        ]

    def filtrer_salle(self, queryset, name, value):
        if value == self.TOUT_LE_SITE:
            return queryset.filter(salle__isnull=True)
        return queryset.filter(salle_id=int(value))

    def filtrer_annee(self, queryset, name, value):
        annee = int(value)
        return queryset.filter(debut__year__lte=annee, fin__year__gte=annee)


class ReservationFilter(django_filters.FilterSet):
    """The bookings: by room, status, organisation, period, public or not, kind of activity."""

    salle = FiltreChoixModele(queryset=Salle.objects.order_by("nom"), empty_label="Toutes les salles")
    statut = django_filters.ChoiceFilter(choices=Reservation.Statut.choices, empty_label="Tous les statuts")
    organisation = FiltreChoixModele(queryset=Organisation.objects.order_by("nom"), empty_label="Toutes")
    du = django_filters.DateFilter(method="filtrer_du", label="Du")
    au = django_filters.DateFilter(method="filtrer_au", label="Au (inclus)")
    public = django_filters.ChoiceFilter(
        choices=OUI_NON, method="filtrer_public", label="Événement public", empty_label="Tous"
    )
    type_activite = django_filters.ChoiceFilter(
        choices=TypeActivite.choices, label="Type d'activité", empty_label="Tous les types"
    )
    tri = django_filters.OrderingFilter(
        fields=(
            ("debut", "debut"),
            ("salle__nom", "salle"),
            ("organisation__nom", "organisation"),
            ("statut", "statut"),
        ),
        field_labels={
            "debut": "Date",
            "salle__nom": "Salle",
            "organisation__nom": "Organisation",
            "statut": "Statut",
        },
        label="Trier par",
        empty_label="Date (la plus récente d'abord)",
    )

    class Meta:
        model = Reservation
        fields = ["salle", "statut", "organisation", "du", "au", "public", "type_activite"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self.form)

    def filtrer_du(self, queryset, name, value):
        return queryset.filter(fin__date__gte=value)

    def filtrer_au(self, queryset, name, value):
        return queryset.filter(debut__date__lte=value)

    def filtrer_public(self, queryset, name, value):
        return queryset.filter(public=value == "oui")
