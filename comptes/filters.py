"""The list of accounts: its filters."""

import django_filters
from django.db.models import Q

from roubaix_cs.forms import FiltreChoixModele

from .models import Organisation, Role, User


class CompteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="chercher", label="Nom, identifiant ou e-mail", max_length=100)
    role = django_filters.ChoiceFilter(choices=Role.choices, label="Rôle", empty_label="Tous les rôles")
    organisation = FiltreChoixModele(
        queryset=Organisation.objects.order_by("nom"), label="Organisation", empty_label="Toutes"
    )
    actif = django_filters.ChoiceFilter(
        method="filtrer_actif",
        label="État",
        choices=[("oui", "Actifs"), ("non", "Désactivés")],
        empty_label="Actifs et désactivés",
    )
    tri = django_filters.OrderingFilter(
        fields=(("last_name", "nom"), ("last_login", "connexion"), ("role", "role")),
        field_labels={"last_name": "Nom", "last_login": "Dernière connexion", "role": "Rôle"},
        label="Trier par",
        empty_label="Nom",
    )

    class Meta:
        model = User
        fields = ["q", "role", "organisation", "actif"]

    def chercher(self, queryset, name, value):
        mots = value.split()
        for mot in mots:
            queryset = queryset.filter(
                Q(first_name__icontains=mot)
                | Q(last_name__icontains=mot)
                | Q(username__icontains=mot)
                | Q(email__icontains=mot)
            )
        return queryset

    def filtrer_actif(self, queryset, name, value):
        return queryset.filter(is_active=value == "oui")
