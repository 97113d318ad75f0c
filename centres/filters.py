import django_filters
from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from comptes.models import Role, referents
from roubaix_cs.forms import FiltreChoixModele
from roubaix_cs.seuils import DOCUMENT_ALERTE_JOURS

from .models import AssembleeGenerale, Centre, Document, IndicateursAnnuels, Local, Quartier, Travaux, Visite


class CentreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="rechercher", label="Recherche")
    OUVERTS = "ouverts"

    statut = django_filters.ChoiceFilter(
        choices=[(OUVERTS, "Ouverts (hors fermés)"), *Centre.Statut.choices],
        method="filtrer_statut",
        empty_label="Tous les statuts",
    )
    referent = FiltreChoixModele(
        queryset=referents(), label="Suivi par", empty_label="Tous", null_label="Personne (sans référent(e))"
    )
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
        fields = ["q", "statut", "quartier", "agrement_fin_mois", "referent"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.role not in (Role.RESPONSABLE, Role.AGENT):
            del self.filters["referent"]  # who follows a centre is the team's business

    def rechercher(self, queryset, name, value):
        return queryset.filter(Q(nom__icontains=value) | Q(nom_court__icontains=value) | Q(siret__icontains=value))

    def filtrer_statut(self, queryset, name, value):
        if value == self.OUVERTS:
            return queryset.exclude(statut=Centre.Statut.FERME)
        return queryset.filter(statut=value)

    def filtrer_fin_agrement(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.agrement_finissant_entre(today, today + relativedelta(months=int(value)))


def _centres_visibles(request):
    """The centre choices of a filter: only the centres this user may see."""
    return Centre.objects.visibles_par(request.user).order_by("nom")


class AssembleeGeneraleFilter(django_filters.FilterSet):
    """The AG calendar: upcoming AGs by default, soonest first; past ones most recent first."""

    PERIODES = [("a_venir", "À venir"), ("passees", "Passées"), ("toutes", "Toutes")]

    periode = django_filters.ChoiceFilter(choices=PERIODES, method="filtrer_periode", label="Période", empty_label=None)
    centre = FiltreChoixModele(queryset=_centres_visibles, empty_label="Tous les centres")
    nature = django_filters.ChoiceFilter(choices=AssembleeGenerale.Nature.choices, empty_label="Toutes")
    exercice = django_filters.NumberFilter(label="Exercice", min_value=1900, max_value=2999)
    comptes_approuves = django_filters.ChoiceFilter(
        choices=[("oui", "Oui"), ("non", "Non"), ("inconnu", "Non renseigné")],
        method="filtrer_comptes",
        label="Comptes approuvés",
        empty_label="Indifférent",
    )

    class Meta:
        model = AssembleeGenerale
        fields = ["periode", "centre", "nature", "exercice", "comptes_approuves"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("periode"):
            data["periode"] = "a_venir"
        super().__init__(data, *args, **kwargs)

    def filtrer_periode(self, queryset, name, value):
        today = timezone.localdate()
        if value == "a_venir":
            return queryset.a_venir(today).order_by("date", "centre__nom")
        if value == "passees":
            return queryset.filter(date__lt=today).order_by("-date", "centre__nom")
        return queryset.order_by("-date", "centre__nom")

    def filtrer_comptes(self, queryset, name, value):
        return queryset.filter(comptes_approuves={"oui": True, "non": False, "inconnu": None}[value])


class VisiteFilter(django_filters.FilterSet):
    ACTIONS = [
        ("ouvertes", "Avec actions ouvertes"),
        ("en_retard", "Avec actions en retard"),
        ("aucune", "Sans action ouverte"),
    ]

    type = django_filters.ChoiceFilter(choices=Visite.Type.choices, empty_label="Tous les types")
    centre = FiltreChoixModele(queryset=_centres_visibles, empty_label="Tous les centres")
    annee = django_filters.NumberFilter(field_name="date", lookup_expr="year", label="Année", min_value=1900)
    actions = django_filters.ChoiceFilter(
        choices=ACTIONS, method="filtrer_actions", label="Actions de suivi", empty_label="Indifférent"
    )
    tri = django_filters.OrderingFilter(
        fields=(("date", "date"), ("centre__nom", "centre")),
        field_labels={"date": "Date", "centre__nom": "Centre"},
        label="Trier par",
        empty_label="Date (récentes d'abord)",
    )

    class Meta:
        model = Visite
        fields = ["type", "centre", "annee", "actions"]

    def filtrer_actions(self, queryset, name, value):
        # Conformity of the staffing is computed per visit (Visite.controle_encadrement) and only
        # shown; the list filters on what the database knows: the open and overdue actions.
        if value == "en_retard":
            return queryset.avec_actions_ouvertes(en_retard_le=timezone.localdate())
        if value == "aucune":
            return queryset.exclude(pk__in=Visite.objects.avec_actions_ouvertes().values("pk"))
        return queryset.avec_actions_ouvertes()


class LocalFilter(django_filters.FilterSet):
    """Premises lent to the centres and Espace Linné; the queryset is annotated with `avantage` (LOC-2)."""

    OCCUPANTS = [("centre", "Centres sociaux"), ("autre", "Espace Linné et autres occupants")]

    q = django_filters.CharFilter(method="rechercher", label="Recherche")
    centre = FiltreChoixModele(queryset=_centres_visibles, label="Centre occupant", empty_label="Tous les centres")
    occupant = django_filters.ChoiceFilter(
        choices=OCCUPANTS, method="filtrer_occupant", label="Occupant", empty_label="Tous les occupants"
    )
    titre = django_filters.ChoiceFilter(choices=Local.Titre.choices, label="Titre d'occupation", empty_label="Tous")
    proprietaire = django_filters.ChoiceFilter(
        choices=Local.Proprietaire.choices, label="Propriétaire", empty_label="Tous"
    )
    commission_jours = django_filters.NumberFilter(
        method="filtrer_commission",
        label="Commission due d'ici (jours)",
        help_text="Visite due dans ce délai (ou dépassée), ou dernier avis défavorable.",
        min_value=0,
        max_value=3650,
    )
    tri = django_filters.OrderingFilter(
        fields=(
            ("nom", "nom"),
            ("centre__nom", "occupant"),
            ("surface_m2", "surface"),
            ("valeur_locative", "valeur_locative"),
            ("avantage", "avantage"),
            ("commission_prochaine", "commission"),
        ),
        field_labels={
            "nom": "Nom",
            "centre__nom": "Centre occupant",
            "surface_m2": "Surface",
            "valeur_locative": "Valeur locative",
            "avantage": "Avantage en nature",
            "commission_prochaine": "Prochaine commission",
        },
        label="Trier par",
        empty_label="Nom",
    )

    class Meta:
        model = Local
        fields = ["q", "centre", "occupant", "titre", "proprietaire", "commission_jours"]

    def rechercher(self, queryset, name, value):
        return queryset.filter(
            Q(nom__icontains=value)
            | Q(adresse__icontains=value)
            | Q(autre_occupant__icontains=value)
            | Q(centre__nom__icontains=value)
        )

    def filtrer_occupant(self, queryset, name, value):
        return queryset.filter(centre__isnull=value == "autre")

    def filtrer_commission(self, queryset, name, value):
        return queryset.commission_a_surveiller(timezone.localdate() + relativedelta(days=int(value)))


class TravauxFilter(django_filters.FilterSet):
    ETATS = [("en_cours", "En cours (ni réceptionnés ni abandonnés)"), ("termines", "Réceptionnés ou abandonnés")]

    q = django_filters.CharFilter(method="rechercher", label="Recherche")
    phase = django_filters.ChoiceFilter(choices=Travaux.Phase.choices, empty_label="Toutes les phases")
    nature = django_filters.ChoiceFilter(choices=Travaux.Nature.choices, empty_label="Toutes")
    centre = FiltreChoixModele(
        field_name="local__centre", queryset=_centres_visibles, label="Centre occupant", empty_label="Tous les centres"
    )
    etat = django_filters.ChoiceFilter(choices=ETATS, method="filtrer_etat", label="État", empty_label="Tous")
    annee = django_filters.NumberFilter(
        field_name="debut_prevu", lookup_expr="year", label="Année de début prévu", min_value=1900, max_value=2999
    )
    tri = django_filters.OrderingFilter(
        fields=(("debut_prevu", "debut"), ("budget", "budget"), ("local__nom", "local"), ("phase", "phase")),
        field_labels={"debut_prevu": "Début prévu", "budget": "Budget", "local__nom": "Local", "phase": "Phase"},
        label="Trier par",
        empty_label="Début prévu (récents d'abord)",
    )

    class Meta:
        model = Travaux
        fields = ["q", "phase", "nature", "centre", "etat", "annee"]

    def rechercher(self, queryset, name, value):
        return queryset.filter(
            Q(objet__icontains=value) | Q(local__nom__icontains=value) | Q(entreprise__icontains=value)
        )

    def filtrer_etat(self, queryset, name, value):
        return queryset.en_cours() if value == "en_cours" else queryset.termines()


class DocumentFilter(django_filters.FilterSet):
    VALIDITES = [
        ("valide", "Valide aujourd'hui"),
        ("expire_bientot", f"Expire dans les {DOCUMENT_ALERTE_JOURS} jours"),
        ("expire", "Expiré"),
    ]

    q = django_filters.CharFilter(method="rechercher", label="Recherche")
    type = django_filters.ChoiceFilter(choices=Document.Type.choices, empty_label="Tous les types")
    centre = FiltreChoixModele(queryset=_centres_visibles, empty_label="Tous les centres")
    validite = django_filters.ChoiceFilter(
        choices=VALIDITES, method="filtrer_validite", label="Validité", empty_label="Indifférente"
    )
    annee = django_filters.NumberFilter(label="Exercice", min_value=1900, max_value=2999)
    tri = django_filters.OrderingFilter(
        fields=(("depose_le", "depose_le"), ("type", "type"), ("titre", "titre"), ("valide_au", "valide_au")),
        field_labels={"depose_le": "Dépôt", "type": "Type", "titre": "Titre", "valide_au": "Fin de validité"},
        label="Trier par",
        empty_label="Dépôt (récents d'abord)",
    )

    class Meta:
        model = Document
        fields = ["q", "type", "centre", "validite", "annee"]

    def rechercher(self, queryset, name, value):
        return queryset.filter(Q(titre__icontains=value) | Q(nom_original__icontains=value))

    def filtrer_validite(self, queryset, name, value):
        today = timezone.localdate()
        if value == "valide":
            return queryset.valides_le(today)
        if value == "expire_bientot":
            return queryset.expirant_entre(today, today + relativedelta(days=DOCUMENT_ALERTE_JOURS))
        return queryset.expires_le(today)


class IndicateursAnnuelsFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="rechercher", label="Centre (nom ou SIRET)")
    annee = django_filters.NumberFilter(label="Année", min_value=1900, max_value=2999)
    centre = FiltreChoixModele(queryset=Centre.objects.order_by("nom"), empty_label="Tous les centres")
    tri = django_filters.OrderingFilter(
        fields=(("annee", "annee"), ("centre__nom", "centre"), ("produits_total", "produits")),
        field_labels={"annee": "Année", "centre__nom": "Centre", "produits_total": "Total des produits"},
        label="Trier par",
        empty_label="Année (récentes d'abord)",
    )

    class Meta:
        model = IndicateursAnnuels
        fields = ["q", "annee", "centre"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # a partner chooses among the centres it sees, and learns of no other
            self.filters["centre"].queryset = Centre.objects.visibles_par(user).order_by("nom")

    def rechercher(self, queryset, name, value):
        return queryset.filter(
            Q(centre__nom__icontains=value) | Q(centre__nom_court__icontains=value) | Q(centre__siret__icontains=value)
        )
