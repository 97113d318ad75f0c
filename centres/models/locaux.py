"""Municipal premises lent to the centres and Espace Linné, and the works run in them."""

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from simple_history.models import HistoricalRecords

from roubaix_cs import bornes, formats
from roubaix_cs.locking import Versionne

from .centres import Centre

MONTANT = {"max_digits": 12, "decimal_places": 2}


ZERO = Decimal("0")
SOMME = models.DecimalField(max_digits=14, decimal_places=2)


CENTIME = Decimal("0.01")


def _avantage():
    """LOC-2 as a database expression, row by row: the same rule as Local.avantage_en_nature."""
    return Greatest(F("valeur_locative") + F("charges_ville") - F("loyer_facture"), Value(ZERO), output_field=SOMME)


class LocalQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(Q(centre__isnull=True) | Q(centre__in=Centre.objects.visibles_par(user)))

    def avec_avantage(self):
        """Annotate `avantage` (LOC-2), for sorting and filtering by the database."""
        return self.annotate(avantage=_avantage())

    def commission_a_surveiller(self, jour):
        """Safety commission due by `jour` (overdue included) or whose last opinion was unfavourable."""
        return self.filter(Q(commission_prochaine__lte=jour) | Q(commission_avis=Local.Avis.DEFAVORABLE))

    def totaux(self):
        """Totals of the whole (filtered) list in one aggregate query; `avantage` sums LOC-2 row by row,
        so a premises rented above its value counts for zero, not for a negative amount."""
        # Aliases differ from field and annotation names: Django would resolve them to each other.
        sommes = {
            "surface": "surface_m2",
            "valeur_locative": "valeur_locative",
            "loyers": "loyer_facture",
            "charges": "charges_ville",
            "avantage": _avantage(),
        }
        totaux = self.aggregate(
            total_nombre=Count("pk"),
            **{f"total_{cle}": Sum(expr, default=ZERO, output_field=SOMME) for cle, expr in sommes.items()},
        )
        # SQLite computes decimals in floating point: round to the cent, as PostgreSQL's numeric is.
        return {
            "nombre": totaux["total_nombre"],
            **{cle: totaux[f"total_{cle}"].quantize(CENTIME) for cle in sommes},
        }


class Local(bornes.ContraintesParChamp, Versionne):
    class Proprietaire(models.TextChoices):
        VILLE = "ville", "Ville de Roubaix"
        BAILLEUR = "bailleur", "Bailleur social"
        PRIVE = "prive", "Propriétaire privé"

    class Titre(models.TextChoices):
        MISE_A_DISPOSITION = "mise_a_disposition", "Mise à disposition (convention d'occupation, AOT)"
        BAIL = "bail", "Bail"
        COMMODAT = "commodat", "Commodat (prêt à usage)"
        GESTION_DIRECTE = "gestion_directe", "Gestion directe par la Ville"

    class Avis(models.TextChoices):
        FAVORABLE = "favorable", "Favorable"
        DEFAVORABLE = "defavorable", "Défavorable"
        SANS_OBJET = "sans_objet", "Sans objet"

    nom = models.CharField("nom", max_length=200)
    adresse = models.CharField("adresse", max_length=255)
    centre = models.ForeignKey(
        Centre,
        verbose_name="centre occupant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locaux",
    )
    autre_occupant = models.CharField(
        "autre occupant", max_length=200, blank=True, help_text="Par exemple : Espace Linné (équipement municipal)."
    )
    proprietaire = models.CharField("propriétaire", max_length=20, choices=Proprietaire.choices, default="ville")
    ville_locataire = models.BooleanField(
        "la Ville est locataire",
        default=False,
        help_text="La Ville loue ces locaux à leur propriétaire et les met à disposition : c'est alors son aide.",
    )
    titre = models.CharField("titre d'occupation", max_length=30, choices=Titre.choices)
    debut = models.DateField("début d'occupation", null=True, blank=True, validators=bornes.DATE_ANCIENNE)
    fin = models.DateField("fin d'occupation", null=True, blank=True, validators=bornes.DATE_FIN_BAIL)
    surface_m2 = models.DecimalField(
        "surface (m²)", max_digits=8, decimal_places=1, null=True, blank=True, validators=bornes.SURFACE
    )
    valeur_locative = models.DecimalField(
        "valeur locative annuelle (€)", default=Decimal("0"), validators=bornes.LOCAL, **MONTANT
    )
    methode_valeur = models.CharField(
        "méthode d'évaluation", max_length=200, blank=True, help_text="Ex. avis du Domaine, prix du marché au m²."
    )
    loyer_facture = models.DecimalField(
        "loyer annuel facturé (€)", default=Decimal("0"), validators=bornes.LOCAL, **MONTANT
    )
    charges_ville = models.DecimalField(
        "charges annuelles payées par la Ville (€)", default=Decimal("0"), validators=bornes.LOCAL, **MONTANT
    )
    erp_type = models.CharField("type ERP", max_length=10, blank=True)
    erp_categorie = models.CharField("catégorie ERP", max_length=5, blank=True)
    commission_derniere = models.DateField(
        "dernière commission de sécurité", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    commission_prochaine = models.DateField(
        "prochaine commission de sécurité", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    commission_avis = models.CharField(
        "avis de la commission", max_length=20, choices=Avis.choices, default=Avis.SANS_OBJET
    )
    observations = models.TextField("observations", blank=True)

    objects = LocalQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {
        "local_a_un_occupant": "centre",
        "local_montants_positifs": "valeur_locative",
        "local_fin_apres_debut": "fin",
    }

    class Meta:
        ordering = ["nom"]
        verbose_name = "local"
        verbose_name_plural = "locaux"
        constraints = [
            models.CheckConstraint(
                name="local_a_un_occupant",
                condition=(Q(centre__isnull=False) & Q(autre_occupant=""))
                | (Q(centre__isnull=True) & ~Q(autre_occupant="")),
                violation_error_message="Indiquez soit le centre occupant, soit un autre occupant (pas les deux).",
            ),
            models.CheckConstraint(
                name="local_montants_positifs",
                condition=Q(valeur_locative__gte=0) & Q(loyer_facture__gte=0) & Q(charges_ville__gte=0),
                violation_error_message="Les montants d'un local ne peuvent pas être négatifs.",
            ),
            models.CheckConstraint(
                name="local_fin_apres_debut",
                condition=Q(fin__isnull=True) | Q(debut__isnull=True) | Q(fin__gte=models.F("debut")),
                violation_error_message="La fin d'occupation doit suivre son début.",
            ),
        ]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("centres:local_detail", args=[self.pk])

    @property
    def occupant(self):
        return self.centre.nom if self.centre_id else self.autre_occupant

    @property
    def avantage_en_nature(self) -> Decimal:
        """LOC-2: free or below-value use is in-kind aid, valued as
        rental value + charges paid by the city − rent paid (never below zero), for a whole year."""
        return max(Decimal("0"), self.valeur_locative + self.charges_ville - self.loyer_facture)

    @property
    def aide_de_la_ville(self) -> bool:
        """Premises are the city's aid when it owns them, or rents them to lend them (LOC-2)."""
        return self.proprietaire == self.Proprietaire.VILLE or self.ville_locataire

    def mois_occupes(self, annee) -> int:
        """The months of `annee` during which the premises are lent (a month begun counts)."""
        debut = max(datetime.date(annee, 1, 1), self.debut or datetime.date(annee, 1, 1))
        fin = min(datetime.date(annee, 12, 31), self.fin or datetime.date(annee, 12, 31))
        return 0 if fin < debut else (fin.year - debut.year) * 12 + fin.month - debut.month + 1

    def avantage_pour(self, annee) -> Decimal:
        """LOC-2 for one year: the yearly value prorated by the months lent, for the city's premises only."""
        if not self.aide_de_la_ville:
            return ZERO
        return (self.avantage_en_nature * self.mois_occupes(annee) / 12).quantize(CENTIME)

    def calcul_avantage(self, annee) -> str:
        """How `avantage_pour(annee)` was computed, in words."""
        if not self.aide_de_la_ville:
            return f"{self.get_proprietaire_display()}, ni propriété ni location de la Ville : pas d'aide de la Ville."
        return (
            f"{formats.montant(self.avantage_en_nature)} par an × {self.mois_occupes(annee)}/12 mois occupés en "
            f"{annee} = {formats.montant(self.avantage_pour(annee))}"
        )


class TravauxQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(local__in=Local.objects.visibles_par(user))

    def en_cours(self):
        return self.exclude(phase__in=Travaux.PHASES_TERMINEES)

    def termines(self):
        return self.filter(phase__in=Travaux.PHASES_TERMINEES)

    def totaux(self):
        totaux = self.aggregate(total_nombre=Count("pk"), total_budget=Sum("budget", default=ZERO, output_field=SOMME))
        return {"nombre": totaux["total_nombre"], "budget": totaux["total_budget"].quantize(CENTIME)}


class Travaux(bornes.ContraintesParChamp, Versionne):
    class Nature(models.TextChoices):
        INVESTISSEMENT = "investissement", "Investissement"
        GROS_ENTRETIEN = "gros_entretien", "Gros entretien"

    class Phase(models.TextChoices):
        ETUDE = "etude", "Étude"
        CONSULTATION = "consultation", "Consultation des entreprises"
        TRAVAUX = "travaux", "Travaux en cours"
        RECEPTIONNES = "receptionnes", "Réceptionnés"
        ABANDONNES = "abandonnes", "Abandonnés"

    PHASES_TERMINEES = (Phase.RECEPTIONNES, Phase.ABANDONNES)

    local = models.ForeignKey(Local, verbose_name="local", on_delete=models.PROTECT, related_name="travaux")
    objet = models.CharField("objet", max_length=255)
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    budget = models.DecimalField("budget (€ TTC)", validators=bornes.TRAVAUX, **MONTANT)
    phase = models.CharField("phase", max_length=20, choices=Phase.choices, default=Phase.ETUDE)
    debut_prevu = models.DateField("début prévu", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    fin_prevue = models.DateField("fin prévue", null=True, blank=True, validators=bornes.DATE_ECHEANCE)
    debut_reel = models.DateField("début réel", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    fin_reelle = models.DateField("fin réelle", null=True, blank=True, validators=bornes.DATE_ECHEANCE)
    entreprise = models.CharField("entreprise titulaire", max_length=200, blank=True)
    observations = models.TextField("observations", blank=True)

    objects = TravauxQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"travaux_budget_positif": "budget", "travaux_fin_prevue_apres_debut": "fin_prevue"}

    class Meta:
        ordering = ["-debut_prevu", "objet"]
        verbose_name = "travaux"
        verbose_name_plural = "travaux"
        constraints = [
            models.CheckConstraint(
                name="travaux_budget_positif",
                condition=Q(budget__gte=0),
                violation_error_message="Le budget ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                name="travaux_fin_prevue_apres_debut",
                condition=Q(fin_prevue__isnull=True)
                | Q(debut_prevu__isnull=True)
                | Q(fin_prevue__gte=models.F("debut_prevu")),
                violation_error_message="La fin prévue doit suivre le début prévu.",
            ),
        ]

    def __str__(self):
        return self.objet

    def get_absolute_url(self):
        return reverse("centres:local_detail", args=[self.local_id]) + "#travaux"
