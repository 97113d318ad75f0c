import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Max, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from comptes.models import Organisation, Role
from roubaix_cs import bornes
from roubaix_cs.locking import Versionne
from roubaix_cs.seuils import AGREMENT_DUREE_MAX_MOIS, AGREMENT_DUREE_MIN_MOIS
from roubaix_cs.validators import valider_rna, valider_siret


class Quartier(models.TextChoices):
    ALMA = "alma", "Alma"
    ARMENTIERES = "armentieres", "Armentières"
    BARBIEUX = "barbieux", "Barbieux"
    CARTIGNY = "cartigny", "Cartigny"
    CENTRE = "centre", "Centre"
    CUL_DE_FOUR = "cul-de-four", "Cul-de-Four"
    EPEULE = "epeule", "Épeule"
    FRESNOY_MACKELLERIE = "fresnoy-mackellerie", "Fresnoy-Mackellerie"
    HAUTS_CHAMPS = "hauts-champs", "Hauts-Champs"
    HOMMELET = "hommelet", "Hommelet"
    JUSTICE = "justice", "Justice"
    MOULIN = "moulin", "Moulin"
    NOUVEAU_ROUBAIX = "nouveau-roubaix", "Nouveau Roubaix"
    PILE = "pile", "Pile"
    POTENNERIE = "potennerie", "Potennerie"
    SAINTE_ELISABETH = "sainte-elisabeth", "Sainte-Élisabeth"
    SARTEL_CARIHEM = "sartel-carihem", "Sartel-Carihem"
    TRICHON = "trichon", "Trichon"
    TROIS_PONTS = "trois-ponts", "Trois-Ponts"


def duree_en_mois(debut: datetime.date, fin: datetime.date) -> int:
    """Months covered from `debut` to `fin` inclusive, a started month counting as one."""
    # The day after `fin`; 31/12/9999 has none (a hostile date: then one day short, refused by the bounds).
    lendemain = fin + datetime.timedelta(days=1) if fin < datetime.date.max else fin
    delta = relativedelta(lendemain, debut)
    return delta.years * 12 + delta.months + (1 if delta.days else 0)


class CentreQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """Partners see the centres their organisation is a partner of; the other roles see all."""
        if user.role == Role.PARTENAIRE:
            return self.filter(partenaires=user.organisation_id)
        return self

    def du_beneficiaire(self, centre):
        """The centres whose aid goes to the same beneficiary as `centre`: all the centres its association
        runs, else the centre alone (the 23 000 € rule and the certified accounts count per beneficiary)."""
        return self.filter(organisation=centre.organisation_id) if centre.organisation_id else self.filter(pk=centre.pk)

    def avec_fin_agrement(self):
        """Annotate the end of the granted AGC agrément (the centre social's own)."""
        return self.annotate(
            fin_agrement=Max(
                "agrements__fin",
                filter=Q(agrements__type=Agrement.Type.AGC, agrements__statut=Agrement.Statut.ACCORDE),
            )
        )

    def agrement_finissant_entre(self, debut, fin):
        """Centres with a granted agrément (any type) ending between the two dates."""
        return self.filter(
            Exists(Agrement.objects.accordes().filter(centre=OuterRef("pk"), fin__gte=debut, fin__lte=fin))
        )


class Centre(bornes.ContraintesParChamp, Versionne):
    class Statut(models.TextChoices):
        ACTIF = "actif", "Actif"
        PREFIGURATION = "prefiguration", "En préfiguration"
        FERME = "ferme", "Fermé"

    class Gestion(models.TextChoices):
        ASSOCIATION = "association", "Associative"
        MUNICIPALE = "municipale", "Municipale"
        CAF = "caf", "CAF"

    class FormeJuridique(models.TextChoices):
        ASSOCIATION = "association_1901", "Association loi 1901"
        REGIE = "regie", "Régie municipale"
        CAF = "caf", "Gestion directe CAF"
        AUTRE = "autre", "Autre"

    nom = models.CharField("nom", max_length=200, unique=True)
    nom_court = models.CharField("nom court", max_length=60, blank=True)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.ACTIF)
    forme_juridique = models.CharField(
        "forme juridique", max_length=20, choices=FormeJuridique.choices, default=FormeJuridique.ASSOCIATION
    )
    gestion = models.CharField("mode de gestion", max_length=20, choices=Gestion.choices, default=Gestion.ASSOCIATION)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[valider_siret])
    rna = models.CharField("numéro RNA", max_length=10, blank=True, validators=[valider_rna])
    adresse = models.CharField("adresse", max_length=255)
    code_postal = models.CharField("code postal", max_length=5, default="59100")
    commune = models.CharField("commune", max_length=100, default="Roubaix")
    quartier = models.CharField("quartier", max_length=30, choices=Quartier.choices)
    code_qpv = models.CharField("code QPV", max_length=12, blank=True, help_text="Ex. QN05912M")
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("e-mail", blank=True)
    site_web = models.URLField("site web", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="association gestionnaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centres_geres",
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="référent(e) du service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="centres_suivis",
        limit_choices_to={"role__in": [Role.RESPONSABLE, Role.AGENT]},
    )
    partenaires = models.ManyToManyField(
        Organisation,
        through="CentrePartenaire",
        related_name="centres_partenaires",
        verbose_name="partenaires",
        blank=True,
    )
    notes_internes = models.TextField("notes internes", blank=True, help_text="Visibles du seul service.")
    # Governance (Cellule de veille signals, domain-rules §6): the board's statutory minimum and the
    # president's resignation; the board's size is the year's `IndicateursAnnuels.administrateurs`.
    ca_minimum_statutaire = models.PositiveSmallIntegerField(
        "nombre minimal d'administrateurs (statuts)",
        null=True,
        blank=True,
        validators=bornes.PERSONNES_CENTRE,
        help_text="Le minimum que fixent les statuts de l'association.",
    )
    presidence_vacante_depuis = models.DateField(
        "présidence vacante depuis",
        null=True,
        blank=True,
        validators=bornes.DATE_ACTIVITE,
        help_text="La date de démission du président ou de la présidente, tant que le poste n'est pas repourvu.",
    )

    objects = CentreQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"centre_siret_unique": "siret"}

    class Meta:
        ordering = ["nom"]
        verbose_name = "centre social"
        verbose_name_plural = "centres sociaux"
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="centre_siret_unique",
                violation_error_message="Un autre centre porte déjà ce SIRET.",
            ),
        ]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("centres:detail", args=[self.pk])

    @property
    def libelle_court(self):
        return self.nom_court or self.nom

    @property
    def nom_beneficiaire(self):
        """Who receives the city's aid: the association running the centre, else the centre itself."""
        return self.organisation.nom if self.organisation_id else self.nom

    @property
    def siret_beneficiaire(self):
        """The beneficiary's SIRET: its association's, else the centre's own ("" when none)."""
        return (self.organisation.siret if self.organisation_id and self.organisation.siret else self.siret) or ""


class DirectionQuerySet(models.QuerySet):
    def en_poste(self, jour):
        """The directions in post on `jour` (the same rule as `Direction.en_poste_le`)."""
        return self.filter(debut__lte=jour).filter(Q(fin__isnull=True) | Q(fin__gte=jour))


class Direction(bornes.ContraintesParChamp, Versionne):
    """One director of a centre and their time in post: the director in post has no end date; the past
    ones make the turnover the Cellule de veille reads (domain-rules §6)."""

    centre = models.ForeignKey(Centre, verbose_name="centre", on_delete=models.CASCADE, related_name="directions")
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100)
    debut = models.DateField("en poste depuis le", validators=bornes.DATE_ANCIENNE)
    fin = models.DateField("parti(e) le", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    interim = models.BooleanField("direction par intérim", default=False)

    objects = DirectionQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"direction_fin_apres_debut": "fin"}

    class Meta:
        ordering = ["-debut", "pk"]
        verbose_name = "direction"
        verbose_name_plural = "directions"
        constraints = [
            models.CheckConstraint(
                name="direction_fin_apres_debut",
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                violation_error_message="La date de départ ne peut pas précéder la prise de poste.",
            )
        ]

    def __str__(self):
        return f"{self.prenom} {self.nom}"

    def en_poste_le(self, jour):
        """In post on `jour`: arrived by then and not left before (left that very day still counts)."""
        return self.debut <= jour and (self.fin is None or self.fin >= jour)

    def en_poste_entre(self, debut, fin):
        """In post at some time between the two dates (the turnover the Cellule de veille reads)."""
        return self.debut <= fin and (self.fin is None or self.fin >= debut)


class CentrePartenaire(models.Model):
    """A partner organisation that follows the centre: it gives its users read access."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="liens_partenaires")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="liens_centres")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "partenaire du centre"
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "organisation"],
                name="centre_partenaire_unique",
                violation_error_message="Cette organisation est déjà partenaire du centre.",
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.centre}"


class Contact(Versionne):
    class Qualite(models.TextChoices):
        DIRECTEUR = "directeur", "Directeur / directrice"
        PRESIDENT = "president", "Président(e)"
        TRESORIER = "tresorier", "Trésorier / trésorière"
        REFERENT_FAMILLES = "referent_familles", "Référent(e) familles"
        AUTRE = "autre", "Autre"

    centre = models.ForeignKey(Centre, verbose_name="centre", on_delete=models.CASCADE, related_name="contacts")
    qualite = models.CharField("qualité", max_length=20, choices=Qualite.choices)
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100)
    fonction = models.CharField("fonction", max_length=150, blank=True)
    email = models.EmailField("e-mail", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["qualite", "nom", "prenom"]
        verbose_name = "contact"

    def __str__(self):
        return f"{self.prenom} {self.nom}"


class AgrementQuerySet(models.QuerySet):
    def accordes(self):
        return self.filter(statut=Agrement.Statut.ACCORDE)

    def en_cours(self, jour):
        return self.accordes().filter(debut__lte=jour, fin__gte=jour)


class Agrement(bornes.ContraintesParChamp, Versionne):
    class Type(models.TextChoices):
        AGC = "AGC", "Animation globale et coordination (AGC)"
        ACF = "ACF", "Animation collective familles (ACF)"
        EVS = "EVS", "Espace de vie sociale (EVS)"

    class Regime(models.TextChoices):
        C2012 = "2012", "Circulaire CNAF 2012"
        C2025 = "2025", "Circulaire CNAF 2025"

    class Statut(models.TextChoices):
        INSTRUCTION = "instruction", "En instruction"
        ACCORDE = "accorde", "Accordé"
        REFUSE = "refuse", "Refusé"

    centre = models.ForeignKey(Centre, verbose_name="centre", on_delete=models.CASCADE, related_name="agrements")
    type = models.CharField("type", max_length=3, choices=Type.choices)
    regime = models.CharField("régime", max_length=4, choices=Regime.choices, default=Regime.C2012)
    debut = models.DateField("début", validators=bornes.DATE_ACTIVITE)
    fin = models.DateField("fin", validators=bornes.DATE_ECHEANCE)
    date_decision_caf = models.DateField(
        "date de décision de la CAF", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.INSTRUCTION)
    observations = models.TextField("observations", blank=True)

    objects = AgrementQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"agrement_fin_apres_debut": "fin"}

    class Meta:
        ordering = ["-fin", "type"]
        verbose_name = "agrément CAF"
        verbose_name_plural = "agréments CAF"
        constraints = [
            models.CheckConstraint(
                name="agrement_fin_apres_debut",
                condition=Q(fin__gt=models.F("debut")),
                violation_error_message="La fin de l'agrément doit être postérieure à son début.",
            ),
        ]

    def __str__(self):
        return f"{self.type} {self.debut:%d/%m/%Y} → {self.fin:%d/%m/%Y}"

    @property
    def duree_mois(self):
        return duree_en_mois(self.debut, self.fin)

    def etat(self, jour):
        if self.statut != self.Statut.ACCORDE:
            return self.get_statut_display()
        if self.fin < jour:
            return "Expiré"
        if self.debut > jour:
            return "À venir"
        return "En cours"

    def clean(self):
        if not (self.debut and self.fin and self.centre_id):
            return
        if self.fin <= self.debut:
            raise ValidationError({"fin": "La fin de l'agrément doit être postérieure à son début."})
        # AVS-1: the CAF grants an agrément for 1 to 4 years.
        if not AGREMENT_DUREE_MIN_MOIS <= self.duree_mois <= AGREMENT_DUREE_MAX_MOIS:
            raise ValidationError(
                {
                    "fin": f"Un agrément dure de {AGREMENT_DUREE_MIN_MOIS} à {AGREMENT_DUREE_MAX_MOIS} mois "
                    f"(ici {self.duree_mois} mois)."
                }
            )
        autres = Agrement.objects.filter(centre_id=self.centre_id).exclude(pk=self.pk)
        if self.type == self.Type.ACF and self.statut != self.Statut.REFUSE:
            self._verifier_agc_couvrant(autres)
        # An AGC, whatever its status, type or dates become, still covers the granted ACF tied to it.
        if self.pk and Agrement.objects.filter(pk=self.pk, type=self.Type.AGC).exists():
            self._verifier_acf_couverts(autres)

    def _verifier_agc_couvrant(self, autres):
        """AVS-2: an ACF agrément needs a valid AGC agrément of the same centre covering its period."""
        statuts = [self.Statut.ACCORDE] if self.statut == self.Statut.ACCORDE else [self.Statut.ACCORDE, self.statut]
        if not autres.filter(type=self.Type.AGC, statut__in=statuts, debut__lte=self.debut, fin__gte=self.fin).exists():
            raise ValidationError(
                "Un agrément ACF (animation collective familles) suppose un agrément AGC "
                f"{'accordé ' if self.statut == self.Statut.ACCORDE else ''}du même centre couvrant toute sa période."
            )

    def _verifier_acf_couverts(self, autres):
        """AVS-2, seen from the AGC: shortening it may not leave a granted ACF uncovered."""
        for acf in autres.filter(type=self.Type.ACF, statut=self.Statut.ACCORDE):
            couvert_ici = (
                self.type == self.Type.AGC
                and self.statut == self.Statut.ACCORDE
                and self.debut <= acf.debut
                and acf.fin <= self.fin
            )
            couvert_ailleurs = (
                autres.accordes().filter(type=self.Type.AGC, debut__lte=acf.debut, fin__gte=acf.fin).exists()
            )
            if not (couvert_ici or couvert_ailleurs):
                raise ValidationError(
                    f"L'agrément ACF {acf.debut:%d/%m/%Y} → {acf.fin:%d/%m/%Y} ne serait plus couvert "
                    "par un agrément AGC accordé."
                )
