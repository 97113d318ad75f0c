"""The filters of pilotage's lists (GET forms: the fuzz walk posts the forms of `forms.py`)."""

import datetime

import django_filters
from django import forms
from django.utils import timezone

from centres.models import Centre
from comptes.models import Organisation, referents
from comptes.permissions import EQUIPE
from roubaix_cs import bornes, deadlines
from roubaix_cs.forms import ChoixModele, FiltreChoixModele
from roubaix_cs.seuils import ACCUEIL_ECHEANCES_JOURS

from . import comparaisons, veille
from .echeances import PORTEES
from .models import Action, Alerte, Niveau, ParticipantReunion, Reunion, SituationVeille

LUES = [("non", "Non lues"), ("oui", "Lues")]


class AlerteFilter(django_filters.FilterSet):
    """The filters of « Mes alertes »: kind, centre, due within N days (the overdue included), read or not."""

    kind = django_filters.ChoiceFilter(label="Type", choices=[], empty_label="Tous les types")
    centre = FiltreChoixModele(queryset=Centre.objects.order_by("nom"), empty_label="Tous les centres")
    jours = django_filters.NumberFilter(
        method="filtrer_jours",
        label="Dues d'ici (jours)",
        min_value=0,
        max_value=3650,
        help_text="Les alertes en retard sont toujours comprises.",
    )
    lue = django_filters.ChoiceFilter(method="filtrer_lue", label="Lues ou non", choices=LUES, empty_label="Toutes")

    class Meta:
        model = Alerte
        fields = ["kind", "centre", "jours", "lue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = sorted(deadlines.types().items(), key=lambda t: t[1])

    def filtrer_jours(self, queryset, name, value):
        return queryset.filter(due__lte=timezone.localdate() + datetime.timedelta(days=int(value)))

    def filtrer_lue(self, queryset, name, value):
        return queryset.filter(acknowledged_at__isnull=value != "oui")


class EcheanceFiltre(forms.Form):
    """The filters of « Toutes les échéances »; empty, the home page's selection (every centre)."""

    portee = forms.ChoiceField(label="Centres", required=False, choices=[("", "Tous les centres"), *PORTEES])
    type = forms.ChoiceField(label="Type", required=False)
    jours = forms.IntegerField(
        label="Dues d'ici (jours)",
        required=False,
        min_value=0,
        max_value=3650,
        help_text=f"{ACCUEIL_ECHEANCES_JOURS} jours si vide ; les échéances dépassées sont toujours comprises.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Tous les types"), *sorted(deadlines.types().items(), key=lambda t: t[1])]

    def criteres(self):
        """The keyword arguments of `echeances.selection`; an invalid filter is left out (and shown)."""
        self.is_valid()
        donnees = self.cleaned_data
        return {
            "portee": donnees.get("portee", ""),
            "kind": donnees.get("type", ""),
            "jours": ACCUEIL_ECHEANCES_JOURS if donnees.get("jours") is None else donnees["jours"],
        }


class ComparaisonFiltre(forms.Form):
    """« Comparer les centres »: an indicator, a year among those with figures, a centre or all. Empty,
    the users reached in the latest year, for every centre; an invalid choice is left out (and shown)."""

    indicateur = forms.ChoiceField(label="Indicateur", required=False, choices=comparaisons.choix)
    annee = forms.TypedChoiceField(label="Année", required=False, coerce=int)
    centre = ChoixModele(
        queryset=Centre.objects.none(),
        required=False,
        label="Centre",
        empty_label="Tous les centres",
        help_text="Pour suivre un centre d'une année à l'autre.",
    )

    def __init__(self, data, *, user, annees):
        self.annees = annees
        data = data.copy()
        for nom, defaut in (("indicateur", comparaisons.DEFAUT), ("annee", annees[-1] if annees else "")):
            if not data.get(nom):
                data[nom] = defaut
        super().__init__(data)
        self.fields["annee"].choices = [(a, a) for a in reversed(annees)]
        self.fields["centre"].queryset = Centre.objects.visibles_par(user).order_by("nom")

    def criteres(self):
        """The keyword arguments of `comparaisons.comparer`; each invalid choice falls back to its default."""
        self.is_valid()
        donnees = self.cleaned_data
        return {
            "indicateur": comparaisons.INDICATEURS[donnees.get("indicateur") or comparaisons.DEFAUT],
            "annee": donnees.get("annee") or (self.annees[-1] if self.annees else None),
            "centre": donnees.get("centre"),
        }


class AnneeTableauForm(forms.Form):
    """The year of the élus' dashboard (?annee=), within the years the service handles; empty, this year."""

    annee = forms.IntegerField(label="Exercice", required=False, validators=bornes.EXERCICE)

    def annee_choisie(self, today):
        """The year asked for, this year when none; None when the year asked for is not valid."""
        if not self.is_valid():
            return None
        return self.cleaned_data["annee"] or today.year


class ReunionFilter(django_filters.FilterSet):
    """The meetings' list: by type, calendar year, status and participating organisation (the team's)."""

    type = django_filters.ChoiceFilter(choices=Reunion.Type.choices, empty_label="Tous les types")
    annee = django_filters.NumberFilter(
        field_name="date", lookup_expr="year", label="Année", min_value=2000, max_value=2100
    )
    statut = django_filters.ChoiceFilter(choices=Reunion.Statut.choices, empty_label="Tous les statuts")
    organisation = FiltreChoixModele(
        queryset=Organisation.objects.order_by("nom"),
        method="filtrer_organisation",
        label="Organisation participante",
        empty_label="Toutes",
    )
    tri = django_filters.OrderingFilter(
        fields=(("date", "date"), ("type", "type"), ("statut", "statut")),
        field_labels={"date": "Date", "type": "Type", "statut": "Statut"},
        label="Trier par",
        empty_label="Date (récente d'abord)",
    )

    class Meta:
        model = Reunion
        fields = ["type", "annee", "statut", "organisation"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.role not in EQUIPE:  # a partner reads its own organisation's meetings
            del self.filters["organisation"]

    def filtrer_organisation(self, queryset, name, value):
        return queryset.filter(pk__in=ParticipantReunion.objects.filter(organisation=value).values("reunion"))


class ActionFilter(django_filters.FilterSet):
    """The actions' list: by status (the open ones), owner, overdue or not, and kind of meeting."""

    OUVERTES = "ouvertes"
    statut = django_filters.ChoiceFilter(
        choices=[(OUVERTES, "Ouvertes (à faire ou en cours)"), *Action.Statut.choices],
        method="filtrer_statut",
        empty_label="Tous les statuts",
    )
    en_retard = django_filters.ChoiceFilter(
        choices=[("oui", "En retard"), ("non", "Dans les temps ou closes")],
        method="filtrer_retard",
        label="Échéance",
        empty_label="Toutes",
    )
    porteur_user = FiltreChoixModele(queryset=referents(), label="Portée par (personne)", empty_label="Toutes")
    porteur_organisation = FiltreChoixModele(
        queryset=Organisation.objects.order_by("nom"), label="Portée par (organisation)", empty_label="Toutes"
    )
    type = django_filters.ChoiceFilter(
        field_name="reunion__type", choices=Reunion.Type.choices, label="Réunion", empty_label="Tous les types"
    )
    tri = django_filters.OrderingFilter(
        fields=(("echeance", "echeance"), ("reunion__date", "reunion"), ("statut", "statut")),
        field_labels={"echeance": "Échéance", "reunion__date": "Date de la réunion", "statut": "Statut"},
        label="Trier par",
        empty_label="Échéance (la plus proche d'abord)",
    )

    class Meta:
        model = Action
        fields = ["statut", "en_retard", "porteur_user", "porteur_organisation", "type"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.role not in EQUIPE:  # who follows what is the service's own business
            del self.filters["porteur_user"]
            del self.filters["porteur_organisation"]

    def filtrer_statut(self, queryset, name, value):
        return queryset.ouvertes() if value == self.OUVERTES else queryset.filter(statut=value)

    def filtrer_retard(self, queryset, name, value):
        en_retard = queryset.en_retard(timezone.localdate())
        return en_retard if value == "oui" else queryset.exclude(pk__in=en_retard.values("pk"))


# --- The Cellule de veille (pilotage.veille) ---------------------------------------------------------


class VeilleFiltre(forms.Form):
    """The filters of the Cellule de veille's overview: the computed level, the open file's status, the
    centre's referent, the order. An invalid choice is left out (and shown)."""

    niveau = forms.ChoiceField(
        label="Niveau calculé",
        required=False,
        choices=[("", "Tous les niveaux"), *Niveau.choices, (veille.AUCUN, "Aucun signal d'alerte")],
    )
    statut = forms.ChoiceField(
        label="Dossier",
        required=False,
        choices=[
            ("", "Avec ou sans dossier"),
            *[(code, libelle) for code, libelle in SituationVeille.Statut.choices if code in veille.OUVERTS],
            (veille.SANS_DOSSIER, "Sans dossier ouvert"),
        ],
    )
    referent = ChoixModele(queryset=referents(), required=False, label="Centre suivi par", empty_label="Tous")
    tri = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[("", "Niveau calculé (le plus grave d'abord)"), ("officiel", "Niveau officiel"), ("centre", "Centre")],
    )

    def criteres(self):
        """The keyword arguments of `veille.tableau_de_veille`."""
        self.is_valid()
        donnees = self.cleaned_data
        return {
            "niveau": donnees.get("niveau", ""),
            "statut": donnees.get("statut", ""),
            "referent": donnees.get("referent"),
            "tri": donnees.get("tri") or "niveau",
        }


class SituationVeilleFilter(django_filters.FilterSet):
    """The filters of the Cellule de veille's files: status (the open ones together), official level,
    centre, referent (the team's business: not for partners), and the order."""

    OUVERTES = "ouvertes"
    statut = django_filters.ChoiceFilter(
        choices=[(OUVERTES, "Ouverts (non clos)"), *SituationVeille.Statut.choices],
        method="filtrer_statut",
        empty_label="Tous les statuts",
    )
    niveau = django_filters.ChoiceFilter(
        label="Niveau officiel",
        choices=[*Niveau.choices, (veille.AUCUN, "Pas encore décidé")],
        method="filtrer_niveau",
        empty_label="Tous les niveaux",
    )
    centre = FiltreChoixModele(queryset=Centre.objects.all(), empty_label="Tous les centres")
    referent = FiltreChoixModele(queryset=referents(), label="Suivi par", empty_label="Tous")
    tri = django_filters.OrderingFilter(
        fields=(("signalee_le", "signalee_le"), ("centre__nom", "centre"), ("statut", "statut"), ("niveau", "niveau")),
        field_labels={
            "signalee_le": "Date de signalement",
            "centre__nom": "Centre",
            "statut": "Statut",
            "niveau": "Niveau officiel",
        },
        label="Trier par",
        empty_label="Centre",
    )

    class Meta:
        model = SituationVeille
        fields = ["statut", "niveau", "centre", "referent"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["centre"].queryset = Centre.objects.visibles_par(user).order_by("nom")
            if user.role not in EQUIPE:  # who follows a file is the service's own business
                del self.filters["referent"]

    def filtrer_statut(self, queryset, name, value):
        return queryset.ouvertes() if value == self.OUVERTES else queryset.filter(statut=value)

    def filtrer_niveau(self, queryset, name, value):
        return queryset.filter(niveau="" if value == veille.AUCUN else value)
