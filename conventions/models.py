import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from centres.models import Centre, Document, Local, duree_en_mois
from comptes.models import Organisation, Role
from roubaix_cs import bornes
from roubaix_cs.locking import Versionne
from roubaix_cs.seuils import CPOM_DUREE_MAX_MOIS, EVALUATION_PREAVIS_MOIS
from roubaix_cs.sources_legales import CGCT_L1611_4, LOI_2000_321_ART_9_1

MONTANT = {"max_digits": 12, "decimal_places": 2}


class ConventionQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """Partners see the conventions their organisation is party to; never a draft in the works."""
        if user.role == Role.PARTENAIRE:
            return self.filter(parties__organisation=user.organisation_id).exclude(
                statut__in=[Convention.Statut.BROUILLON, Convention.Statut.REVUE_JURIDIQUE]
            )
        return self

    def signees(self):
        return self.filter(statut__in=Convention.STATUTS_SIGNES)

    def couvrant(self, annee):
        return self.filter(debut__lte=datetime.date(annee, 12, 31), fin__gte=datetime.date(annee, 1, 1))

    def en_vigueur(self):
        """Signed or running: the conventions that bind their parties and have not ended."""
        return self.filter(statut__in=Convention.STATUTS_EN_VIGUEUR)

    def avec_fin_consolidee(self):
        """Annotate `fin_consolidee`, the end once the signed avenants are applied (CPO-5): the last one
        moving it wins (services.fin_consolidee, for every row at once)."""
        nouvelle_fin = (
            Avenant.objects.filter(
                convention=models.OuterRef("pk"), statut=Avenant.Statut.SIGNE, nouvelle_fin__isnull=False
            )
            .order_by("-numero")
            .values("nouvelle_fin")[:1]
        )
        return self.annotate(fin_consolidee=Coalesce(models.Subquery(nouvelle_fin), "fin"))


class Convention(bornes.ContraintesParChamp, Versionne):
    class Type(models.TextChoices):
        CPOM = "cpom", "CPOM (convention pluriannuelle d'objectifs et de moyens)"
        OBJECTIFS = "objectifs", "Convention annuelle d'objectifs"
        LOCAUX = "locaux", "Convention de mise à disposition de locaux"
        PARTENARIAT = "partenariat", "Convention de partenariat"

    class Statut(models.TextChoices):
        BROUILLON = "brouillon", "Projet"
        REVUE_JURIDIQUE = "revue_juridique", "En revue juridique"
        APPROUVEE = "approuvee", "Approuvée pour signature"
        DELIBEREE = "deliberee", "Délibérée"
        SIGNEE = "signee", "Signée"
        EN_COURS = "en_cours", "En cours d'exécution"
        EXPIREE = "expiree", "Expirée"
        RESILIEE = "resiliee", "Résiliée"

    STATUTS_SIGNES = ("signee", "en_cours", "expiree")
    STATUTS_EN_VIGUEUR = ("signee", "en_cours")
    STATUTS_MODIFIABLES = ("brouillon", "revue_juridique")

    # Mandatory clauses (SUB-3 art. 10, SUB-6, SUB-11, SUB-12): field name → label.
    CLAUSES = {
        "clause_objet": "Objet",
        "clause_duree": "Durée",
        "clause_montant": "Montant et conditions d'utilisation",
        "clause_versement": "Modalités de versement",
        "clause_controle": "Contrôle de l'utilisation (CGCT L1611-4)",
        "clause_crf": "Compte rendu financier (CERFA 15059)",
        "clause_cer": "Contrat d'engagement républicain",
        "clause_evaluation": "Évaluation",
        "clause_resiliation": "Résiliation et reversement",
        "clause_reversement": "Interdiction de reverser la subvention à un tiers (sauf autorisation)",
    }

    type = models.CharField("type", max_length=20, choices=Type.choices, default=Type.CPOM)
    centre = models.ForeignKey(Centre, verbose_name="centre", on_delete=models.PROTECT, related_name="conventions")
    objet = models.CharField("objet", max_length=255)
    debut = models.DateField("début", validators=bornes.DATE_ACTIVITE)
    fin = models.DateField("fin", validators=bornes.DATE_ECHEANCE)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.BROUILLON)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="référent(e)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conventions_suivies",
        limit_choices_to={"role__in": [Role.RESPONSABLE, Role.AGENT]},
    )
    locaux = models.ManyToManyField(
        Local,
        verbose_name="locaux mis à disposition",
        blank=True,
        related_name="conventions",
        help_text=(
            "Leur mise à disposition gratuite ou sous sa valeur est une aide en nature de la Ville, valorisée "
            f"dans ses engagements ({LOI_2000_321_ART_9_1})."
        ),
    )
    clause_objet = models.BooleanField("objet", default=False)
    clause_duree = models.BooleanField("durée", default=False)
    clause_montant = models.BooleanField("montant et conditions d'utilisation", default=False)
    clause_versement = models.BooleanField("modalités de versement", default=False)
    clause_controle = models.BooleanField("contrôle", default=False)
    clause_crf = models.BooleanField("compte rendu financier", default=False)
    clause_cer = models.BooleanField("contrat d'engagement républicain", default=False)
    clause_evaluation = models.BooleanField("évaluation", default=False)
    clause_resiliation = models.BooleanField("résiliation", default=False)
    clause_reversement = models.BooleanField("interdiction de reversement", default=False)
    autorise_reversement = models.BooleanField(
        "reversement à des tiers autorisé",
        default=False,
        help_text=f"Reverser la subvention à d'autres organismes est interdit sauf accord exprès ({CGCT_L1611_4}).",
    )
    # CPO-6: the legal service's review.
    juridique_envoi = models.DateField(
        "envoyée au service juridique le", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    juridique_visa = models.DateField(
        "visa du service juridique le", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    juridique_remarques = models.TextField("remarques du service juridique", blank=True)
    modele_version = models.CharField("version du modèle de convention", max_length=50, blank=True)
    # The council's decision, written by `deliberations` (plain fields: no import of a higher app).
    deliberation_numero = models.CharField("n° de délibération", max_length=20, blank=True)
    deliberation_executoire = models.DateField(
        "délibération exécutoire le", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    motif_fin = models.TextField("motif de résiliation", blank=True)
    notes_internes = models.TextField("notes internes", blank=True)

    objects = ConventionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[locaux])
    champs_des_contraintes = {"convention_fin_apres_debut": "fin"}

    class Meta:
        ordering = ["-debut", "centre__nom"]
        verbose_name = "convention"
        constraints = [
            models.CheckConstraint(
                name="convention_fin_apres_debut",
                condition=Q(fin__gt=models.F("debut")),
                violation_error_message="La fin de la convention doit suivre son début.",
            )
        ]

    def __str__(self):
        return f"{self.get_type_display().split(' (')[0]} {self.centre.libelle_court} {self.debut:%Y}–{self.fin:%Y}"

    def get_absolute_url(self):
        return reverse("conventions:detail", args=[self.pk])

    @property
    def duree_mois(self):
        return duree_en_mois(self.debut, self.fin)

    @property
    def modifiable(self):
        """CPO-5: once approved, amounts, object and duration change only through an avenant."""
        return self.statut in self.STATUTS_MODIFIABLES

    @property
    def signee(self):
        return self.statut in self.STATUTS_SIGNES

    def clauses_manquantes(self):
        return [label for name, label in self.CLAUSES.items() if not getattr(self, name)]

    def annees(self):
        return list(range(self.debut.year, self.fin.year + 1))

    def clean(self):
        if self.debut and self.fin:
            if self.fin <= self.debut:
                raise ValidationError({"fin": "La fin de la convention doit suivre son début."})
            # CPO-6: the legal service cannot sign a text off before it received it.
            if self.juridique_envoi and self.juridique_visa and self.juridique_visa < self.juridique_envoi:
                raise ValidationError(
                    {
                        "juridique_visa": "Le visa du service juridique ne peut pas précéder l'envoi de la "
                        f"convention (envoyée le {self.juridique_envoi:%d/%m/%Y})."
                    }
                )
            # CPO-1: a CPOM lasts at most 48 months.
            if self.type == self.Type.CPOM and self.duree_mois > CPOM_DUREE_MAX_MOIS:
                raise ValidationError(
                    {"fin": f"Un CPOM dure au plus {CPOM_DUREE_MAX_MOIS} mois (ici {self.duree_mois} mois)."}
                )

    def date_limite_evaluation(self, fin=None):
        """CPO-4: the evaluation must exist at least 3 months before the end (`fin` once avenants apply)."""
        return (fin or self.fin) - relativedelta(months=EVALUATION_PREAVIS_MOIS)


class Partie(bornes.ContraintesParChamp, models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, verbose_name="organisation", on_delete=models.PROTECT)
    signataire = models.CharField("signataire (nom et qualité)", max_length=200, blank=True)
    date_signature = models.DateField("date de signature", null=True, blank=True, validators=bornes.DATE_ACTIVITE)

    history = HistoricalRecords()
    champs_des_contraintes = {"partie_unique": "organisation"}

    class Meta:
        ordering = ["pk"]
        verbose_name = "partie"
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "organisation"],
                name="partie_unique",
                violation_error_message="Cette organisation est déjà partie à la convention.",
            )
        ]

    def __str__(self):
        return str(self.organisation)


class EngagementAnnuel(bornes.ContraintesParChamp, Versionne):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="engagements")
    annee = models.PositiveIntegerField("année", validators=bornes.ANNEE_CONVENTION)
    financeur = models.ForeignKey(Organisation, verbose_name="financeur", on_delete=models.PROTECT)
    montant = models.DecimalField("montant en numéraire (€)", default=Decimal("0"), validators=bornes.AIDE, **MONTANT)
    avance = models.DecimalField("dont avance (€)", default=Decimal("0"), validators=bornes.AIDE, **MONTANT)
    valeur_nature = models.DecimalField(
        "autres aides en nature valorisées (€)",
        default=Decimal("0"),
        help_text="Hors locaux : la valeur des locaux mis à disposition vient de leurs fiches.",
        validators=bornes.AIDE,
        **MONTANT,
    )

    history = HistoricalRecords()
    champs_des_contraintes = {
        "engagement_unique": "annee",
        "engagement_montants_positifs": "montant",
        "engagement_avance_dans_montant": "avance",
    }

    class Meta:
        ordering = ["annee", "financeur__nom"]
        verbose_name = "engagement annuel"
        verbose_name_plural = "engagements annuels"
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "annee", "financeur"],
                name="engagement_unique",
                violation_error_message="Un engagement existe déjà pour ce financeur et cette année.",
            ),
            models.CheckConstraint(
                name="engagement_montants_positifs",
                condition=Q(montant__gte=0) & Q(avance__gte=0) & Q(valeur_nature__gte=0),
                violation_error_message="Les montants ne peuvent pas être négatifs.",
            ),
            models.CheckConstraint(
                name="engagement_avance_dans_montant",
                condition=Q(avance__lte=models.F("montant")),
                violation_error_message="L'avance ne peut pas dépasser le montant de l'année.",
            ),
        ]

    def __str__(self):
        return f"{self.financeur} {self.annee}"


class Objectif(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="objectifs")
    intitule = models.CharField("objectif", max_length=255)
    indicateur = models.CharField("indicateur", max_length=255)
    unite = models.CharField("unité", max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "objectif"

    def __str__(self):
        return self.intitule


class ValeurObjectif(bornes.ContraintesParChamp, models.Model):
    objectif = models.ForeignKey(Objectif, on_delete=models.CASCADE, related_name="valeurs")
    annee = models.PositiveIntegerField("année", validators=bornes.ANNEE_CONVENTION)
    cible = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)
    realise = models.DecimalField("réalisé", max_digits=12, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()
    champs_des_contraintes = {"valeur_objectif_unique": "annee"}

    class Meta:
        ordering = ["annee"]
        constraints = [
            models.UniqueConstraint(
                fields=["objectif", "annee"],
                name="valeur_objectif_unique",
                violation_error_message="Une valeur existe déjà pour cette année.",
            )
        ]

    def __str__(self):
        return f"{self.objectif} — {self.annee}"


class Evaluation(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="evaluations")
    annee = models.PositiveIntegerField("année évaluée", validators=bornes.EXERCICE)
    date = models.DateField("date de l'évaluation", validators=bornes.DATE_ACTIVITE)
    synthese = models.TextField("synthèse")
    finale = models.BooleanField("évaluation de fin de convention", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = "évaluation"

    def __str__(self):
        return f"Évaluation {self.annee} du {self.date:%d/%m/%Y}"


class Avenant(bornes.ContraintesParChamp, Versionne):
    class Statut(models.TextChoices):
        PROJET = "projet", "Projet"
        DELIBERE = "delibere", "Délibéré"
        SIGNE = "signe", "Signé"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="avenants")
    numero = models.PositiveIntegerField("n°")
    date = models.DateField("date", validators=bornes.DATE_ACTIVITE)
    objet = models.CharField("objet de l'avenant", max_length=255)
    nouvelle_fin = models.DateField("nouvelle date de fin", null=True, blank=True, validators=bornes.DATE_ECHEANCE)
    nouvel_objet = models.CharField("nouvel objet de la convention", max_length=255, blank=True)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.PROJET)
    # CPO-5: each avenant has its own deliberation (written by `deliberations`).
    deliberation_numero = models.CharField("n° de délibération", max_length=20, blank=True)
    deliberation_executoire = models.DateField(
        "délibération exécutoire le", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    date_signature = models.DateField("date de signature", null=True, blank=True, validators=bornes.DATE_ACTIVITE)

    history = HistoricalRecords()
    champs_des_contraintes = {"avenant_numero_unique": "numero"}

    class Meta:
        ordering = ["numero"]
        verbose_name = "avenant"
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "numero"],
                name="avenant_numero_unique",
                violation_error_message="Ce numéro d'avenant existe déjà pour la convention.",
            )
        ]

    def __str__(self):
        return f"Avenant n° {self.numero}"

    @property
    def modifiable(self):
        """Its text and amounts change only while a project: the council votes them as they are (CPO-5)."""
        return self.statut == self.Statut.PROJET


class AvenantMontant(bornes.ContraintesParChamp, models.Model):
    """The new amounts of a year and funder set by an avenant (they replace the previous ones)."""

    avenant = models.ForeignKey(Avenant, on_delete=models.CASCADE, related_name="montants")
    annee = models.PositiveIntegerField("année", validators=bornes.ANNEE_CONVENTION)
    financeur = models.ForeignKey(Organisation, verbose_name="financeur", on_delete=models.PROTECT)
    montant = models.DecimalField("nouveau montant en numéraire (€)", validators=bornes.AIDE, **MONTANT)
    valeur_nature = models.DecimalField(
        "nouvelles autres aides en nature (€)", default=Decimal("0"), validators=bornes.AIDE, **MONTANT
    )

    history = HistoricalRecords()
    champs_des_contraintes = {"avenant_montant_unique": "annee", "avenant_montants_positifs": "montant"}

    class Meta:
        ordering = ["annee", "financeur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["avenant", "annee", "financeur"],
                name="avenant_montant_unique",
                violation_error_message="Cet avenant fixe déjà ce montant.",
            ),
            models.CheckConstraint(
                name="avenant_montants_positifs",
                condition=Q(montant__gte=0) & Q(valeur_nature__gte=0),
                violation_error_message="Les montants ne peuvent pas être négatifs.",
            ),
        ]

    def __str__(self):
        return f"{self.avenant} — {self.financeur} {self.annee}"


class VersionTexte(models.Model):
    """A version of the convention's text, stored in the centre's documents vault."""

    class Nature(models.TextChoices):
        PROJET = "projet", "Projet"
        SIGNEE = "signee", "Version signée"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="versions")
    avenant = models.ForeignKey(Avenant, on_delete=models.CASCADE, null=True, blank=True, related_name="versions")
    nature = models.CharField("nature", max_length=10, choices=Nature.choices)
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="version_convention")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-document__depose_le"]
        verbose_name = "version du texte"
        verbose_name_plural = "versions du texte"

    def __str__(self):
        return f"{self.get_nature_display()} — {self.convention}"
