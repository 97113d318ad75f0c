import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from centres.models import Centre
from comptes.models import Role
from conventions.models import Convention
from roubaix_cs import bornes, formats
from roubaix_cs.generations import Generation
from roubaix_cs.locking import Versionne
from roubaix_cs.seuils import CRF_DELAI_MOIS, ECART_CRF_PCT
from roubaix_cs.sources_legales import CCOM_L612_4, CGCT_L2313_1

MONTANT = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0")


class LigneBudgetaireQuerySet(models.QuerySet):
    def avec_consommation(self, *, sauf=None):
        """Annotate each line's money figures, the one place they are computed (SUB-15):
        `total_engage` (validated onwards: the voted amount, else the proposal), `total_paye` and
        `disponible` (open credits minus engaged). `sauf`: a request left out of the engaged amount,
        the one whose proposal or vote is being checked against the line."""
        # Two independent correlated subqueries, one per line: no join of the requests to group, so the
        # paid amount is never computed once per joined request.
        argent = models.DecimalField(**MONTANT)
        demandes = DemandeSubvention.objects.filter(ligne_budgetaire=models.OuterRef("pk"))
        if sauf is not None and sauf.pk:
            demandes = demandes.exclude(pk=sauf.pk)
        engage = models.Subquery(
            demandes.filter(statut__in=DemandeSubvention.STATUTS_VOTES + DemandeSubvention.STATUTS_ENGAGES)
            .order_by()
            .values("ligne_budgetaire")
            .annotate(
                total=Sum(
                    models.Case(
                        models.When(statut__in=DemandeSubvention.STATUTS_VOTES, then="montant_vote"),
                        default="montant_propose",
                        output_field=argent,
                    )
                )
            )
            .values("total")[:1],
            output_field=argent,
        )
        paye = models.Subquery(
            Versement.objects.filter(demande__ligne_budgetaire=models.OuterRef("pk"))
            .order_by()
            .values("demande__ligne_budgetaire")
            .annotate(total=Sum("montant"))
            .values("total")[:1],
            output_field=argent,
        )
        # A line without requests or payments is engaged and paid 0, not NULL (its figures add up).
        engage = Coalesce(engage, models.Value(ZERO), output_field=argent)
        paye = Coalesce(paye, models.Value(ZERO), output_field=argent)
        return self.annotate(total_engage=engage, total_paye=paye).annotate(
            disponible=models.F("credits_votes") + models.F("decisions_modificatives") - models.F("total_engage")
        )


class LigneBudgetaire(bornes.ContraintesParChamp, Versionne):
    class Section(models.TextChoices):
        FONCTIONNEMENT = "fonctionnement", "Fonctionnement"
        INVESTISSEMENT = "investissement", "Investissement"

    annee = models.PositiveIntegerField("exercice", validators=bornes.EXERCICE)
    section = models.CharField("section", max_length=20, choices=Section.choices)
    chapitre = models.CharField("chapitre", max_length=5, help_text="M57 : 65 (fonctionnement), 204 (investissement).")
    compte = models.CharField("compte", max_length=10, help_text="M57 : 6574x (fonctionnement), 2042x (équipement).")
    fonction = models.CharField("fonction", max_length=10, blank=True)
    libelle = models.CharField("libellé", max_length=200)
    credits_votes = models.DecimalField("crédits votés (€)", validators=bornes.BUDGET, **MONTANT)
    decisions_modificatives = models.DecimalField(
        "décisions modificatives (€)",
        default=ZERO,
        help_text="Positives ou négatives.",
        validators=bornes.DECISION_MODIFICATIVE,
        **MONTANT,
    )

    objects = LigneBudgetaireQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {
        "ligne_budgetaire_unique": "libelle",
        "ligne_credits_positifs": "credits_votes",
        "ligne_credits_ouverts_positifs": "decisions_modificatives",
    }

    class Meta:
        ordering = ["-annee", "section", "compte"]
        verbose_name = "ligne budgétaire"
        verbose_name_plural = "lignes budgétaires"
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "section", "compte", "fonction", "libelle"],
                name="ligne_budgetaire_unique",
                violation_error_message="Cette ligne budgétaire existe déjà pour l'exercice.",
            ),
            models.CheckConstraint(
                name="ligne_credits_positifs",
                condition=Q(credits_votes__gte=0),
                violation_error_message="Les crédits votés ne peuvent pas être négatifs.",
            ),
            models.CheckConstraint(
                name="ligne_credits_ouverts_positifs",
                condition=Q(credits_votes__gte=-models.F("decisions_modificatives")),
                violation_error_message="Les décisions modificatives ne peuvent pas rendre les crédits ouverts "
                "négatifs.",
            ),
        ]

    def __str__(self):
        return f"{self.annee} — {self.chapitre}/{self.compte} {self.libelle}"

    def get_absolute_url(self):
        return reverse("subventions:budget", args=[self.annee])

    @property
    def credits_ouverts(self):
        return self.credits_votes + self.decisions_modificatives

    def clean(self):
        # A reduction takes back credits not yet used: never more than were voted.
        if self.credits_votes is not None and self.decisions_modificatives is not None and self.credits_ouverts < 0:
            raise ValidationError(
                {
                    "decisions_modificatives": "Une décision modificative ne retire pas plus que les crédits votés : "
                    f"les crédits ouverts seraient de {formats.montant(self.credits_ouverts)}."
                }
            )


class Dispositif(models.Model):
    """A named funding scheme (managed as data, e.g. « Ville Vie Vacances »)."""

    nom = models.CharField("nom", max_length=150, unique=True)
    description = models.TextField("description", blank=True)
    identifiant = models.CharField(
        "identifiant du dispositif d'aide",
        max_length=100,
        blank=True,
        help_text="Publié avec chaque subvention du dispositif dans les données ouvertes (par exemple la "
        "référence du dispositif sur Aides-territoires). Laisser vide s'il n'en a pas.",
    )
    actif = models.BooleanField("actif", default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["nom"]
        verbose_name = "dispositif"

    def __str__(self):
        return self.nom


class DemandeQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """The team and élus see every request; partners and régisseurs none (instruction is internal)."""
        if user.role in (Role.RESPONSABLE, Role.AGENT, Role.ELU):
            return self
        return self.none()

    def votees(self):
        return self.filter(statut__in=DemandeSubvention.STATUTS_VOTES)

    def vote_par_centre_et_annee(self):
        """{(centre id, year): the sum voted} of the voted grants of the queryset, in one query: the
        council's decisions only, never a proposal (public figures, published as open data)."""
        lignes = self.votees().order_by().values("centre", "annee").annotate(total=Sum("montant_vote"))
        return {(ligne["centre"], ligne["annee"]): ligne["total"] or ZERO for ligne in lignes}

    def crf_en_retard(self, jour):
        """SUB-4: the voted grants whose financial report is overdue on `jour` (due 6 months after the
        financed year, not received): one query for every centre."""
        return (
            self.votees().filter(annee__lte=derniere_annee_crf_echue(jour)).exclude(crf__date_reception__isnull=False)
        )

    def crf_a_analyser(self):
        """Voted grants whose financial report came in and has no analysis of its gaps yet."""
        return self.filter(crf__date_reception__isnull=False, crf__commentaire="")

    def avec_verse(self):
        """Annotate `total_verse`, the sum of the request's payments (a subquery: no row multiplied)."""
        verse = (
            Versement.objects.filter(demande=models.OuterRef("pk"))
            .order_by()
            .values("demande")
            .annotate(total=Sum("montant"))
            .values("total")[:1]
        )
        return self.annotate(
            total_verse=Coalesce(
                models.Subquery(verse, output_field=models.DecimalField(**MONTANT)),
                models.Value(ZERO),
                output_field=models.DecimalField(**MONTANT),
            )
        )

    def totaux(self):
        """Requested, proposed, voted and paid amounts of the whole queryset, in one query."""
        sommes = self.avec_verse().order_by().aggregate(**_SOMMES)
        return {cle: valeur if valeur is not None else ZERO for cle, valeur in sommes.items()}

    def totaux_par(self, *champs):
        """The same amounts as `totaux()`, and how many requests (`nombre`), for each value of `champs`
        (the centre and the nature, say): one query, one dict a group, `champs` included."""
        groupes = self.avec_verse().order_by().values(*champs).annotate(**_SOMMES, nombre=models.Count("pk"))
        return [
            {cle: ZERO if valeur is None and cle in _SOMMES else valeur for cle, valeur in groupe.items()}
            for groupe in groupes.order_by(*champs)
        ]


# The amounts `totaux()` adds up, written once for the whole queryset and for its groups.
_SOMMES = {
    "demande": Sum("montant_demande"),
    "propose": Sum("montant_propose"),
    "vote": Sum("montant_vote"),
    "verse": Sum("total_verse"),
}


class DemandeSubvention(bornes.ContraintesParChamp, Versionne):
    class Nature(models.TextChoices):
        FONCTIONNEMENT = "fonctionnement", "Fonctionnement"
        COMPENSATION_LOYERS = "compensation_loyers", "Compensation de loyers"
        DISPOSITIF = "dispositif", "Dispositif"
        INVESTISSEMENT = "investissement", "Investissement"

    class Statut(models.TextChoices):
        RECUE = "recue", "Reçue"
        INSTRUCTION = "instruction", "En instruction"
        PROPOSEE = "proposee", "Proposée"
        VALIDEE = "validee", "Validée"
        DELIBERATION = "deliberation", "En délibération"
        VOTEE = "votee", "Votée"
        NOTIFIEE = "notifiee", "Notifiée"
        PAYEE = "payee", "Payée"
        REJETEE = "rejetee", "Rejetée"
        RETIREE = "retiree", "Retirée"
        AJOURNEE = "ajournee", "Ajournée"

    STATUTS_ENGAGES = ("validee", "deliberation")
    STATUTS_AVANT_VALIDATION = ("recue", "instruction", "proposee", "ajournee")  # still edited and instructed
    STATUTS_VOTES = ("votee", "notifiee", "payee")

    centre = models.ForeignKey(Centre, verbose_name="centre", on_delete=models.PROTECT, related_name="demandes")
    annee = models.PositiveIntegerField("exercice financé", validators=bornes.EXERCICE)
    nature = models.CharField("nature", max_length=30, choices=Nature.choices)
    dispositif = models.ForeignKey(
        Dispositif, verbose_name="dispositif", on_delete=models.PROTECT, null=True, blank=True, related_name="demandes"
    )
    objet = models.CharField("objet", max_length=255)
    montant_demande = models.DecimalField("montant demandé (€)", validators=bornes.AIDE, **MONTANT)
    date_reception = models.DateField("reçue le", validators=bornes.DATE_ACTIVITE)
    cofinanceurs = models.TextField("cofinanceurs déclarés", blank=True)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.RECUE)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="instruite par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demandes_instruites",
        limit_choices_to={"role__in": [Role.RESPONSABLE, Role.AGENT]},
    )
    # Instruction (internal)
    montant_propose = models.DecimalField(
        "montant proposé (€)", null=True, blank=True, validators=bornes.AIDE, **MONTANT
    )
    note_analyse = models.TextField("note d'analyse (interne)", blank=True)
    ligne_budgetaire = models.ForeignKey(
        LigneBudgetaire,
        verbose_name="imputation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demandes",
    )
    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.SET_NULL, null=True, blank=True, related_name="demandes"
    )
    loyers_charges_justifies = models.DecimalField(
        "loyers et charges réellement payés (€)",
        null=True,
        blank=True,
        help_text="Bail et quittances : une compensation de loyers ne dépasse pas les loyers et charges payés.",
        validators=bornes.AIDE,
        **MONTANT,
    )
    produits_structure = models.DecimalField(
        "produits annuels de l'organisme (€)",
        null=True,
        blank=True,
        help_text=f"Pour savoir si un bilan certifié est exigé ({CGCT_L2313_1}).",
        validators=bornes.ORGANISME,
        **MONTANT,
    )
    autres_subventions_publiques = models.DecimalField(
        "autres subventions publiques en numéraire de l'année (€)",
        null=True,
        blank=True,
        help_text=f"Déclarées par l'organisme, pour savoir s'il lui faut un commissaire aux comptes ({CCOM_L612_4}).",
        validators=bornes.ORGANISME,
        **MONTANT,
    )
    # CRF override (SUB-4): validating while last year's report is overdue.
    derogation_crf_motif = models.TextField("motif de la dérogation (CRF en retard)", blank=True)
    derogation_crf_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The council's decision, written by `deliberations` (plain fields: no import of a higher app).
    montant_vote = models.DecimalField("montant voté (€)", null=True, blank=True, validators=bornes.AIDE, **MONTANT)
    deliberation_numero = models.CharField("n° de délibération", max_length=20, blank=True)
    date_vote = models.DateField("voté le", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    date_executoire = models.DateField(
        "délibération exécutoire le", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    precedente = models.ForeignKey(
        "self", verbose_name="reconduite de", on_delete=models.SET_NULL, null=True, blank=True, related_name="suivantes"
    )

    objects = DemandeQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {
        "demande_montant_demande_positif": "montant_demande",
        "demande_montant_propose_positif": "montant_propose",
        "demande_montant_vote_positif": "montant_vote",
        "demande_dispositif_nomme": "dispositif",
    }

    class Meta:
        ordering = ["-annee", "centre__nom", "pk"]
        verbose_name = "demande de subvention"
        verbose_name_plural = "demandes de subvention"
        constraints = [
            # One constraint per amount, so that each is validated by the forms that hold its field.
            models.CheckConstraint(
                name="demande_montant_demande_positif",
                condition=Q(montant_demande__gte=0),
                violation_error_message="Le montant demandé ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                name="demande_montant_propose_positif",
                condition=Q(montant_propose__isnull=True) | Q(montant_propose__gte=0),
                violation_error_message="Le montant proposé ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                name="demande_montant_vote_positif",
                condition=Q(montant_vote__isnull=True) | Q(montant_vote__gte=0),
                violation_error_message="Le montant voté ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                name="demande_dispositif_nomme",
                condition=~Q(nature="dispositif") | Q(dispositif__isnull=False),
                violation_error_message="Une demande au titre d'un dispositif doit nommer ce dispositif.",
            ),
        ]

    def __str__(self):
        return f"{self.centre.libelle_court} — {self.get_nature_display()} {self.annee}"

    def get_absolute_url(self):
        return reverse("subventions:detail", args=[self.pk])

    @property
    def votee(self):
        return self.statut in self.STATUTS_VOTES

    @property
    def montant_engage(self):
        if self.votee:
            return self.montant_vote or ZERO
        if self.statut in self.STATUTS_ENGAGES:
            return self.montant_propose or ZERO
        return ZERO

    def meme_objet(self):
        """Requests of the same centre for the same purpose (nature and dispositif)."""
        return DemandeSubvention.objects.filter(
            centre=self.centre_id, nature=self.nature, dispositif=self.dispositif_id
        )


class Versement(bornes.ContraintesParChamp, models.Model):
    class Type(models.TextChoices):
        AVANCE = "avance", "Avance"
        SOLDE = "solde", "Solde"
        UNIQUE = "unique", "Versement unique"

    demande = models.ForeignKey(DemandeSubvention, on_delete=models.PROTECT, related_name="versements")
    type = models.CharField("type", max_length=10, choices=Type.choices)
    montant = models.DecimalField("montant (€)", validators=bornes.AIDE, **MONTANT)
    date = models.DateField("date du mandat", validators=bornes.DATE_ACTIVITE)
    reference = models.CharField("référence du mandat", max_length=50)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()
    champs_des_contraintes = {"versement_montant_positif": "montant"}

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = "versement"
        constraints = [
            models.CheckConstraint(
                name="versement_montant_positif",
                condition=Q(montant__gt=0),
                violation_error_message="Un versement a un montant positif.",
            )
        ]

    def __str__(self):
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y}"


def echeance_crf(annee: int) -> datetime.date:
    """SUB-4: the financial report of year N is due 6 months after its end, on 30 June N+1."""
    return datetime.date(annee, 12, 31) + relativedelta(months=CRF_DELAI_MOIS)


def derniere_annee_crf_echue(jour: datetime.date) -> int:
    """The latest financed year whose financial report was due before `jour` (SUB-4)."""
    annee = jour.year
    while echeance_crf(annee) >= jour:
        annee -= 1
    return annee


class CompteRenduFinancier(Versionne):
    demande = models.OneToOneField(DemandeSubvention, on_delete=models.PROTECT, related_name="crf")
    date_reception = models.DateField("reçu le", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    commentaire = models.TextField("analyse des écarts", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "compte rendu financier"
        verbose_name_plural = "comptes rendus financiers"

    def __str__(self):
        return f"CRF {self.demande}"

    @property
    def echeance(self):
        return echeance_crf(self.demande.annee)


class LigneCRF(models.Model):
    crf = models.ForeignKey(CompteRenduFinancier, on_delete=models.CASCADE, related_name="lignes")
    libelle = models.CharField("poste", max_length=150)
    budget = models.DecimalField("budget prévisionnel (€)", validators=bornes.ORGANISME, **MONTANT)
    realise = models.DecimalField("réalisé (€)", validators=bornes.ORGANISME, **MONTANT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "ligne de CRF"

    def __str__(self):
        return self.libelle

    @property
    def ecart(self):
        return self.realise - self.budget

    @property
    def ecart_pct(self):
        return None if not self.budget else (self.ecart * 100 / self.budget).quantize(Decimal("0.1"))

    @property
    def ecart_significatif(self):
        """SUB-5: a gap above 15 % of the budget calls for an explanation; so does an unbudgeted amount.
        Compared exactly, not on the rounded percentage (15.04 % is above 15 %)."""
        if not self.budget:
            return bool(self.realise)
        return abs(self.ecart) * 100 > abs(self.budget) * ECART_CRF_PCT


class PublicationDonnees(models.Model):
    """OD-5, SUB-9: one publication of a year's open-data file (SCDL « subventions »): when, where, by
    whom, and what the file held (rows, total, SHA-256 of the CSV), so that the link is kept and the
    published file can be recognised later."""

    annee = models.PositiveIntegerField("exercice publié", validators=bornes.EXERCICE)
    date = models.DateField("publiée le", validators=bornes.DATE_ACTIVITE)
    adresse = models.URLField(
        "adresse de publication",
        max_length=500,
        help_text="L'adresse où le fichier est en ligne : le site de la Ville ou data.gouv.fr.",
    )
    publiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="enregistrée par", on_delete=models.PROTECT, related_name="+"
    )
    nombre_lignes = models.PositiveIntegerField("nombre de lignes")
    total = models.DecimalField("montant total publié (€)", **MONTANT)
    sha256 = models.CharField("empreinte SHA-256 du fichier", max_length=64)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-annee", "-date", "-pk"]
        verbose_name = "publication des données ouvertes"
        verbose_name_plural = "publications des données ouvertes"

    def __str__(self):
        return f"Données ouvertes {self.annee} publiées le {self.date:%d/%m/%Y}"


def chemin_annexe(instance, filename):
    return f"annexes/{instance.annee}/annexe-concours-{instance.annee}-v{instance.numero}.pdf"


class VersionAnnexe(models.Model):
    """One generation of a year's budget annex PDF (CGCT L2313-1): each one kept, numbered, with its date
    and author, so that the annex attached to the budget or the accounts can be found again."""

    annee = models.PositiveIntegerField("exercice", validators=bornes.EXERCICE)
    numero = models.PositiveIntegerField("version")
    fichier = models.FileField("fichier", upload_to=chemin_annexe, max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    generee_le = models.DateTimeField("générée le", auto_now_add=True)
    generee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-annee", "-numero"]
        verbose_name = "version de l'annexe budgétaire"
        verbose_name_plural = "versions de l'annexe budgétaire"
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "numero"], name="version_annexe_unique", violation_error_message="Version en double."
            )
        ]

    def __str__(self):
        return f"Annexe budgétaire {self.annee} v{self.numero}"


class GenerationAnnexe(Generation):
    """A budget annex PDF generation job of a year and its visible status."""

    annee = models.PositiveIntegerField("exercice", validators=bornes.EXERCICE)
    version = models.OneToOneField(
        VersionAnnexe, on_delete=models.SET_NULL, null=True, blank=True, related_name="generation"
    )

    class Meta(Generation.Meta):
        verbose_name = "génération de l'annexe budgétaire"
