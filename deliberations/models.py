import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from comptes.models import Organisation, Role
from conventions.models import Avenant, Convention
from roubaix_cs import bornes
from roubaix_cs.generations import Generation
from roubaix_cs.locking import Versionne
from roubaix_cs.seuils import CONVOCATION_JOURS_FRANCS, CONVOCATION_URGENCE_JOURS_FRANCS
from roubaix_cs.sources_legales import CGCT_L2131_1
from subventions.models import DemandeSubvention

ELUS = {"role": Role.ELU}
# DEL-7 — accusé de réception @CTES : {département}-{SIREN}-{AAAAMMJJ}-{numéro}-DE.
# {département}-{SIREN}-{AAAAMMJJ}-{numéro}-DE (DEL-7); Corsica's départements are 2A and 2B (02A, 02B).
AR_ACTES_RE = re.compile(r"^(?:\d{2,3}|0?2[AB])-\d{9}-\d{8}-[A-Za-z0-9_]+-DE$")


def membres_du_conseil():
    return settings.CONSEIL_MUNICIPAL_MEMBRES


class VotePresident(models.TextChoices):
    """The president's own vote: it decides a tie, except in a secret ballot (CGCT L2121-20)."""

    POUR = "pour", "Pour"
    CONTRE = "contre", "Contre"
    ABSTENTION = "abstention", "Abstention"


class Seance(Versionne):
    """A session of the municipal council."""

    date = models.DateField("date de la séance", unique=True, validators=bornes.DATE_ACTIVITE)
    lieu = models.CharField("lieu", max_length=200, default="Hôtel de ville, salle du conseil")
    date_convocation = models.DateField(
        "convocation envoyée le", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    urgence = models.BooleanField(
        "urgence déclarée par le maire",
        default=False,
        help_text="Délai de convocation abrégé, sans être inférieur à un jour franc (CGCT L2121-12).",
    )
    urgence_admise = models.BooleanField("urgence admise par le conseil à l'ouverture de la séance", default=False)
    sans_quorum = models.BooleanField(
        "convoquée à nouveau faute de quorum",
        default=False,
        help_text="Trois jours au moins après une séance sans quorum : le conseil délibère alors valablement "
        "sans condition de quorum (CGCT L2121-17).",
    )
    membres_en_exercice = models.PositiveIntegerField(
        "conseillers en exercice", default=membres_du_conseil, validators=bornes.MEMBRES_DU_CONSEIL
    )
    presents = models.PositiveIntegerField("présents", null=True, blank=True, validators=bornes.TETES_DU_CONSEIL)
    pouvoirs = models.PositiveIntegerField("pouvoirs", null=True, blank=True, validators=bornes.TETES_DU_CONSEIL)
    secretaire = models.CharField("secrétaire de séance", max_length=150, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = "séance du conseil municipal"
        verbose_name_plural = "séances du conseil municipal"

    def __str__(self):
        return f"Conseil municipal du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("deliberations:seance_detail", args=[self.pk])

    @property
    def jours_francs(self):
        """Whole days between the notice and the session, neither counted (DEL-1)."""
        return (self.date - self.date_convocation).days - 1 if self.date and self.date_convocation else None

    def clean(self):
        erreurs = {}
        delai = CONVOCATION_URGENCE_JOURS_FRANCS if self.urgence else CONVOCATION_JOURS_FRANCS
        if self.jours_francs is not None and self.jours_francs < delai:
            erreurs["date_convocation"] = self._message_delai()
        erreurs.update(self.erreurs_de_presence(self.presents, self.pouvoirs))
        if erreurs:
            raise ValidationError(erreurs)

    def erreurs_de_presence(self, presents, pouvoirs):
        """DEL-2: no more present than in office, and each present member holds one proxy at most,
        from an absent one (CGCT L2121-20). Field → message; empty when plausible."""
        en_exercice, pouvoirs = self.membres_en_exercice, pouvoirs or 0
        if not en_exercice or presents is None:
            return {}
        if presents > en_exercice:
            return {"presents": f"{presents} présents pour {en_exercice} conseillers en exercice."}
        if pouvoirs > min(presents, en_exercice - presents):
            return {
                "pouvoirs": f"{pouvoirs} pouvoirs pour {presents} présents et {en_exercice - presents} absents : un "
                "conseiller absent donne au plus un pouvoir, et un présent n'en porte qu'un (CGCT L2121-20)."
            }
        return {}

    def _message_delai(self):
        if self.urgence:
            return (
                f"En cas d'urgence, la convocation part au moins {CONVOCATION_URGENCE_JOURS_FRANCS} jour franc "
                "avant la séance (CGCT L2121-12)."
            )
        return (
            f"La convocation doit partir au moins {CONVOCATION_JOURS_FRANCS} jours francs avant la séance "
            "(CGCT L2121-12), sauf urgence déclarée par le maire."
        )

    def refus_de_vote(self):
        """DEL-1: why this session may not hold a vote (empty when it may)."""
        if self.date_convocation is None:
            return ["La date de convocation de la séance est requise avant tout vote (CGCT L2121-12)."]
        erreurs = []
        delai = CONVOCATION_URGENCE_JOURS_FRANCS if self.urgence else CONVOCATION_JOURS_FRANCS
        if self.jours_francs < delai:
            erreurs.append(self._message_delai())
        if self.urgence and not self.urgence_admise:
            erreurs.append(
                "Le conseil se prononce sur l'urgence à l'ouverture de la séance : enregistrez qu'il l'a admise "
                "(CGCT L2121-12)."
            )
        return erreurs


class Mandat(bornes.ContraintesParChamp, models.Model):
    """An élu's seat on a body's board: SUB-13 keeps them out of the votes that concern it."""

    elu = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="élu(e)",
        on_delete=models.CASCADE,
        related_name="mandats",
        limit_choices_to=ELUS,
    )
    organisation = models.ForeignKey(Organisation, verbose_name="organisme", on_delete=models.PROTECT)
    fonction = models.CharField("fonction", max_length=100, default="Membre du conseil d'administration")

    history = HistoricalRecords()
    champs_des_contraintes = {"mandat_unique": "organisation"}

    class Meta:
        verbose_name = "mandat d'élu"
        constraints = [
            models.UniqueConstraint(
                fields=["elu", "organisation"],
                name="mandat_unique",
                violation_error_message="Ce mandat est déjà déclaré.",
            )
        ]

    def __str__(self):
        return f"{self.elu} — {self.organisation}"


class DeliberationQuerySet(models.QuerySet):
    def avec_totaux(self):
        """Annotate `nb_demandes`, the grants a deliberation attributes, and `total`, their proposed
        amounts: the figures of the deliberations list, its export and the élus' dashboard."""
        return self.annotate(nb_demandes=models.Count("demandes"), total=models.Sum("demandes__montant_propose"))

    def pdf_a_generer(self):
        """Drafts without a PDF, or whose grants, conventions or avenants changed since their last one."""
        return self.filter(statut=Deliberation.Statut.BROUILLON).filter(
            Q(contenu_modifie=True) | ~models.Exists(VersionPdf.objects.filter(deliberation=models.OuterRef("pk")))
        )

    def a_marquer_prete(self):
        """Drafts whose PDF is up to date: the responsable may mark them ready for the session."""
        return self.filter(statut=Deliberation.Statut.BROUILLON, contenu_modifie=False).filter(
            models.Exists(VersionPdf.objects.filter(deliberation=models.OuterRef("pk")))
        )


class Deliberation(Versionne):
    class Nature(models.TextChoices):
        SUBVENTIONS = "subventions", "Attribution de subventions"
        CONVENTION = "convention", "Approbation de conventions"
        AVENANT = "avenant", "Approbation d'avenants"

    class Statut(models.TextChoices):
        BROUILLON = "brouillon", "Projet"
        PRETE = "prete", "Prête pour la séance"
        VOTEE = "votee", "Votée"
        EXECUTOIRE = "executoire", "Exécutoire"

    seance = models.ForeignKey(Seance, verbose_name="séance", on_delete=models.PROTECT, related_name="deliberations")
    annee = models.PositiveIntegerField("année", validators=bornes.EXERCICE)
    numero = models.PositiveIntegerField("numéro")
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    objet = models.CharField("objet", max_length=255)
    rapporteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="rapporteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliberations_rapportees",
        limit_choices_to=ELUS,
    )
    commission = models.CharField("commission", max_length=150, blank=True)
    date_commission = models.DateField("date de la commission", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    visas = models.TextField("visas", blank=True)
    considerants = models.TextField("considérants", blank=True)
    articles = models.TextField("articles", blank=True)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.BROUILLON)
    demandes = models.ManyToManyField(
        DemandeSubvention, verbose_name="subventions", blank=True, related_name="deliberations"
    )
    conventions = models.ManyToManyField(
        Convention, verbose_name="conventions", blank=True, related_name="deliberations"
    )
    avenants = models.ManyToManyField(Avenant, verbose_name="avenants", blank=True, related_name="deliberations")
    # Vote (DEL-3) and élus not taking part (SUB-13)
    vote_pour = models.PositiveIntegerField("pour", null=True, blank=True, validators=bornes.TETES_DU_CONSEIL)
    vote_contre = models.PositiveIntegerField("contre", null=True, blank=True, validators=bornes.TETES_DU_CONSEIL)
    vote_abstentions = models.PositiveIntegerField(
        "abstentions", null=True, blank=True, validators=bornes.TETES_DU_CONSEIL
    )
    # Attendance when this item was put to the vote: quorum is judged at each item (DEL-2).
    presents = models.PositiveIntegerField(
        "présents au vote", null=True, blank=True, validators=bornes.TETES_DU_CONSEIL
    )
    pouvoirs = models.PositiveIntegerField("pouvoirs", null=True, blank=True, validators=bornes.TETES_DU_CONSEIL)
    # An élu who does not take part cannot vote either with the proxy he carries (SUB-13).
    pouvoirs_hors_vote = models.PositiveIntegerField(
        "pouvoirs portés par des élus qui ne prennent pas part au vote",
        default=0,
        validators=bornes.TETES_DU_CONSEIL,
    )
    scrutin_secret = models.BooleanField("scrutin secret", default=False)
    vote_president = models.CharField(
        "vote du président de séance", max_length=12, choices=VotePresident.choices, blank=True
    )
    ne_prennent_pas_part = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="ne prennent pas part au vote",
        blank=True,
        related_name="+",
        limit_choices_to=ELUS,
    )
    # Exécutoire (DEL-4)
    date_transmission = models.DateField(
        "transmise à la Préfecture le", null=True, blank=True, validators=bornes.DATE_ACTIVITE
    )
    ar_actes = models.CharField("accusé de réception @CTES", max_length=80, blank=True)
    date_publication = models.DateField("publiée le", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    date_executoire = models.DateField("exécutoire le", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    # Its grants, conventions or avenants changed after its last PDF: regenerate it before the vote.
    contenu_modifie = models.BooleanField("contenu modifié depuis le dernier PDF", default=False)

    objects = DeliberationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[demandes, conventions, avenants, ne_prennent_pas_part])

    class Meta:
        ordering = ["-annee", "-numero"]
        verbose_name = "délibération"
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "numero"],
                name="deliberation_numero_unique",
                violation_error_message="Ce numéro de délibération existe déjà pour l'année.",
            ),
            models.CheckConstraint(
                name="deliberation_executoire_apres_transmission_et_publication",
                condition=Q(date_executoire__isnull=True)
                | (
                    Q(date_executoire__gte=models.F("date_transmission"))
                    & Q(date_executoire__gte=models.F("date_publication"))
                ),
                violation_error_message=(
                    f"La date exécutoire suit la transmission à la Préfecture et la publication ({CGCT_L2131_1})."
                ),
            ),
        ]

    def __str__(self):
        return f"Délibération n° {self.reference} — {self.objet}"

    def get_absolute_url(self):
        return reverse("deliberations:detail", args=[self.pk])

    @property
    def reference(self):
        """YYYY/NNN, the number used in the grants, the conventions and the open data."""
        return f"{self.annee}/{self.numero:03d}"

    @property
    def commission_libelle(self):
        """The commission's name, said once: « Commission Cohésion sociale » whether typed with or without it."""
        nom = self.commission.strip()
        return nom if not nom or nom.lower().startswith("commission") else f"Commission {nom}"

    @property
    def votants(self):
        """Members voting on this item: present, plus proxies, minus those not taking part and the
        proxies they carry (DEL-3, SUB-13)."""
        if self.presents is None:
            return None
        return votants(self.presents, self.pouvoirs or 0, len(self.ne_prennent_pas_part.all()), self.pouvoirs_hors_vote)

    @property
    def modifiable(self):
        """The text stays editable until the responsable marks it ready."""
        return self.statut == self.Statut.BROUILLON

    @property
    def votee(self):
        return self.statut in (self.Statut.VOTEE, self.Statut.EXECUTOIRE)


def votants(presents, pouvoirs, hors_vote, pouvoirs_hors_vote):
    """Who votes on an item: the members present and the proxies, less the élus who do not take part
    and the proxies they carry (DEL-3, SUB-13)."""
    return presents + pouvoirs - hors_vote - pouvoirs_hors_vote


def chemin_pdf(instance, filename):
    return f"deliberations/{instance.deliberation.annee}/{instance.deliberation.numero:03d}-v{instance.numero}.pdf"


class VersionPdf(models.Model):
    """One generation of the deliberation's PDF; the one voted is frozen (never rewritten)."""

    deliberation = models.ForeignKey(Deliberation, on_delete=models.PROTECT, related_name="versions")
    numero = models.PositiveIntegerField("version")
    fichier = models.FileField("fichier", upload_to=chemin_pdf, max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    generee_le = models.DateTimeField("générée le", auto_now_add=True)
    generee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    votee = models.BooleanField("version votée (figée)", default=False)

    class Meta:
        ordering = ["-numero"]
        verbose_name = "version PDF"
        verbose_name_plural = "versions PDF"
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "numero"],
                name="version_pdf_unique",
                violation_error_message="Version en double.",
            )
        ]

    def __str__(self):
        return f"{self.deliberation.reference} v{self.numero}"


class GenerationPdf(Generation):
    """A PDF generation job of a deliberation and its visible status."""

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="generations")
    version = models.OneToOneField(
        VersionPdf, on_delete=models.SET_NULL, null=True, blank=True, related_name="generation"
    )
    # The act as voted, queued by the vote: its version is the frozen one; the others are drafts.
    acte = models.BooleanField("acte tel que voté", default=False)

    class Meta(Generation.Meta):
        verbose_name = "génération de PDF"
