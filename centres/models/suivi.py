"""Follow-up of each centre: general assemblies, ACM/LALP visits and their follow-up actions."""

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from comptes.models import Role
from roubaix_cs import bornes
from roubaix_cs.generations import Generation
from roubaix_cs.locking import Versionne
from roubaix_cs.seuils import (
    ACM_DIRECTEUR_COMPTE_JUSQUA,
    ACM_EQUIPE_PETITE,
    ACM_NON_QUALIFIES_MAX_PCT,
    ACM_QUALIFIES_MIN_PCT,
    ACM_TAUX_ENCADREMENT,
    AG_DELAI_MOIS_APRES_EXERCICE,
)
from roubaix_cs.sources_legales import CASF_DIRECTION, CASF_QUALIFICATION, CASF_TAUX_ENCADREMENT

from .centres import Centre

MEMBRES_DU_SERVICE = {"role__in": [Role.RESPONSABLE, Role.AGENT, Role.REGISSEUR]}


def date_limite_ag(exercice: int) -> datetime.date:
    """The AG approving year N's accounts is due by 30 June N+1."""
    return datetime.date(exercice + 1, AG_DELAI_MOIS_APRES_EXERCICE, 30)


def dernier_exercice_ag_echu(jour: datetime.date) -> int:
    """The latest year whose AG was due before `jour`: the last closed year once its 30 June is past."""
    exercice = jour.year - 1
    if jour <= date_limite_ag(exercice):
        exercice -= 1
    return exercice


class AssembleeGeneraleQuerySet(models.QuerySet):
    def a_venir(self, jour):
        return self.filter(date__gte=jour)

    def tenues(self, jour):
        return self.filter(date__lte=jour)


class AssembleeGenerale(bornes.ContraintesParChamp, Versionne):
    class Nature(models.TextChoices):
        ORDINAIRE = "ordinaire", "Ordinaire"
        EXTRAORDINAIRE = "extraordinaire", "Extraordinaire"

    centre = models.ForeignKey(Centre, verbose_name="centre", on_delete=models.CASCADE, related_name="assemblees")
    nature = models.CharField("nature", max_length=20, choices=Nature.choices, default=Nature.ORDINAIRE)
    exercice = models.PositiveIntegerField(
        "exercice approuvé", help_text="L'année dont l'AG approuve les comptes.", validators=bornes.EXERCICE
    )
    date = models.DateField("date", validators=bornes.DATE_ACTIVITE)
    lieu = models.CharField("lieu", max_length=200, blank=True)
    participants_service = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="présents pour le service",
        blank=True,
        related_name="assemblees_suivies",
        limit_choices_to=MEMBRES_DU_SERVICE,
    )
    comptes_approuves = models.BooleanField("comptes approuvés", null=True, blank=True)
    compte_rendu = models.TextField("compte rendu", blank=True)

    objects = AssembleeGeneraleQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[participants_service])
    champs_des_contraintes = {"ag_ordinaire_unique_par_exercice": "exercice"}

    class Meta:
        ordering = ["-date"]
        verbose_name = "assemblée générale"
        verbose_name_plural = "assemblées générales"
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "exercice"],
                condition=Q(nature="ordinaire"),
                name="ag_ordinaire_unique_par_exercice",
                violation_error_message="Ce centre a déjà une assemblée générale ordinaire pour cet exercice.",
            )
        ]

    def __str__(self):
        return f"AG {self.get_nature_display().lower()} du {self.date:%d/%m/%Y} (exercice {self.exercice})"

    def get_absolute_url(self):
        return reverse("centres:detail", args=[self.centre_id]) + "?onglet=assemblees"

    @property
    def date_limite(self):
        return date_limite_ag(self.exercice)

    @property
    def en_retard(self):
        return self.nature == self.Nature.ORDINAIRE and self.date > self.date_limite


@dataclass
class ControleEncadrement:
    """ACM-3 and ACM-4: the staffing check of an ACM visit."""

    requis: int
    present: int
    conforme: bool
    motifs: list = field(default_factory=list)


class VisiteQuerySet(models.QuerySet):
    def avec_actions_ouvertes(self, *, en_retard_le=None):
        """Visits with a follow-up action still open (overdue on `en_retard_le`, when given)."""
        ouvertes = ActionSuivi.objects.ouvertes().filter(visite=models.OuterRef("pk"))
        if en_retard_le is not None:
            ouvertes = ouvertes.filter(echeance__lt=en_retard_le)
        return self.filter(models.Exists(ouvertes))


class Visite(Versionne):
    class Type(models.TextChoices):
        ACM = "acm", "ACM (accueil collectif de mineurs)"
        LALP = "lalp", "LALP (lieu d'accueil et de loisirs de proximité)"
        AUTRE = "autre", "Autre"

    class Accueil(models.TextChoices):
        EXTRASCOLAIRE = "extrascolaire", "Extrascolaire (vacances, mercredis sans PEDT)"
        PERISCOLAIRE = "periscolaire", "Périscolaire"
        PERISCOLAIRE_PEDT = "periscolaire_pedt", "Périscolaire avec PEDT"

    centre = models.ForeignKey(Centre, verbose_name="centre", on_delete=models.CASCADE, related_name="visites")
    type = models.CharField("type de visite", max_length=10, choices=Type.choices)
    date = models.DateField("date", validators=bornes.DATE_ACTIVITE)
    visiteurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="visiteurs du service",
        blank=True,
        related_name="visites",
        limit_choices_to=MEMBRES_DU_SERVICE,
    )
    recepisse = models.CharField("n° de récépissé de déclaration (TAM)", max_length=50, blank=True)
    accueil = models.CharField("type d'accueil", max_length=20, choices=Accueil.choices, default=Accueil.EXTRASCOLAIRE)
    effectif_moins_6 = models.PositiveIntegerField("mineurs de moins de 6 ans", default=0, validators=bornes.EFFECTIF)
    effectif_6_plus = models.PositiveIntegerField("mineurs de 6 ans et plus", default=0, validators=bornes.EFFECTIF)
    animateurs_qualifies = models.PositiveIntegerField(
        "animateurs qualifiés (BAFA ou équivalent)", default=0, validators=bornes.EFFECTIF
    )
    animateurs_stagiaires = models.PositiveIntegerField("animateurs stagiaires", default=0, validators=bornes.EFFECTIF)
    animateurs_non_qualifies = models.PositiveIntegerField(
        "animateurs sans qualification", default=0, validators=bornes.EFFECTIF
    )
    directeur_present = models.BooleanField("directeur présent", default=False)
    directeur_qualifie = models.BooleanField("directeur qualifié (BAFD ou équivalent)", default=False)
    # Checklist of domain-rules §5 (None: not checked).
    projet_educatif = models.BooleanField("projet éducatif", null=True, blank=True)
    projet_pedagogique = models.BooleanField("projet pédagogique", null=True, blank=True)
    registre_presence = models.BooleanField("registre de présence", null=True, blank=True)
    fiches_sanitaires = models.BooleanField("fiches sanitaires", null=True, blank=True)
    pai = models.BooleanField("PAI connus et appliqués", null=True, blank=True)
    premiers_secours = models.BooleanField("premiers secours (trousse, PSC1)", null=True, blank=True)
    affichage_obligatoire = models.BooleanField("affichages obligatoires (119…)", null=True, blank=True)
    registre_securite = models.BooleanField("registre de sécurité ERP", null=True, blank=True)
    hygiene_alimentaire = models.BooleanField("hygiène alimentaire", null=True, blank=True)
    transport = models.BooleanField("transports conformes", null=True, blank=True)
    assurance = models.BooleanField("assurance responsabilité civile", null=True, blank=True)
    observations = models.TextField("observations", blank=True)

    objects = VisiteQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[visiteurs])

    CHECKLIST = [
        "projet_educatif",
        "projet_pedagogique",
        "registre_presence",
        "fiches_sanitaires",
        "pai",
        "premiers_secours",
        "affichage_obligatoire",
        "registre_securite",
        "hygiene_alimentaire",
        "transport",
        "assurance",
    ]

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "visite"

    def __str__(self):
        return f"Visite {self.get_type_display().split(' ')[0]} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("centres:visite_detail", args=[self.pk])

    @property
    def effectif(self):
        return self.effectif_moins_6 + self.effectif_6_plus

    @property
    def animateurs(self):
        return self.animateurs_qualifies + self.animateurs_stagiaires + self.animateurs_non_qualifies

    def actions_ouvertes(self):
        """The open follow-up actions, from the prefetched `actions` when there are."""
        return [action for action in self.actions.all() if action.ouverte]

    def points_non_conformes(self):
        return [self._meta.get_field(name).verbose_name for name in self.CHECKLIST if getattr(self, name) is False]

    def controle_encadrement(self):
        """ACM-3 and ACM-4; None for visits that are not ACM visits."""
        if self.type != self.Type.ACM:
            return None
        taux_moins_6, taux_6_plus = ACM_TAUX_ENCADREMENT[self.accueil]
        requis = math.ceil(self.effectif_moins_6 / taux_moins_6) + math.ceil(self.effectif_6_plus / taux_6_plus)
        directeur_compte = self.directeur_present and self.effectif <= ACM_DIRECTEUR_COMPTE_JUSQUA
        present = self.animateurs + (1 if directeur_compte else 0)
        motifs = []
        if present < requis:
            motifs.append(
                f"Encadrement insuffisant : {present} présent(s) pour {requis} requis "
                f"(taux d'encadrement, {CASF_TAUX_ENCADREMENT})."
            )
        equipe = self.animateurs
        if equipe:
            if self.animateurs_qualifies * 100 < ACM_QUALIFIES_MIN_PCT * equipe:
                motifs.append(
                    f"Moins de {ACM_QUALIFIES_MIN_PCT} % d'animateurs qualifiés "
                    f"({self.animateurs_qualifies} sur {equipe}) ({CASF_QUALIFICATION})."
                )
            max_non_qualifies = 1 if equipe in ACM_EQUIPE_PETITE else equipe * ACM_NON_QUALIFIES_MAX_PCT // 100
            if self.animateurs_non_qualifies > max_non_qualifies:
                motifs.append(
                    f"Trop d'animateurs sans qualification : {self.animateurs_non_qualifies} "
                    f"pour {max_non_qualifies} admis ({CASF_QUALIFICATION})."
                )
        if not self.directeur_present:
            motifs.append(f"Directeur absent ({CASF_DIRECTION}).")
        elif not self.directeur_qualifie:
            motifs.append(f"Directeur sans qualification de direction (BAFD ou équivalent) ({CASF_DIRECTION}).")
        return ControleEncadrement(requis=requis, present=present, conforme=not motifs, motifs=motifs)


class ActionSuiviQuerySet(models.QuerySet):
    def ouvertes(self):
        return self.filter(statut__in=[ActionSuivi.Statut.A_FAIRE, ActionSuivi.Statut.EN_COURS])


class ActionSuivi(bornes.ContraintesParChamp, Versionne):
    class Statut(models.TextChoices):
        A_FAIRE = "a_faire", "À faire"
        EN_COURS = "en_cours", "En cours"
        FAITE = "faite", "Faite"
        ABANDONNEE = "abandonnee", "Abandonnée"

    visite = models.ForeignKey(Visite, verbose_name="visite", on_delete=models.CASCADE, related_name="actions")
    libelle = models.CharField("action", max_length=255)
    porteur = models.CharField("porteur", max_length=150, help_text="Qui la réalise (ex. direction du centre).")
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="suivie par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_suivies",
        limit_choices_to=MEMBRES_DU_SERVICE,
    )
    echeance = models.DateField("échéance", validators=bornes.DATE_ACTIVITE)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.A_FAIRE)
    date_cloture = models.DateField("date de clôture", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    commentaire = models.TextField("commentaire", blank=True)

    objects = ActionSuiviQuerySet.as_manager()
    champs_des_contraintes = {"action_close_a_une_date": "date_cloture"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["echeance", "pk"]
        verbose_name = "action de suivi"
        verbose_name_plural = "actions de suivi"
        constraints = [
            models.CheckConstraint(
                name="action_close_a_une_date",
                condition=Q(statut__in=["a_faire", "en_cours"]) | Q(date_cloture__isnull=False),
                violation_error_message="Une action faite ou abandonnée doit avoir une date de clôture.",
            )
        ]

    def __str__(self):
        return self.libelle

    @property
    def ouverte(self):
        return self.statut in (self.Statut.A_FAIRE, self.Statut.EN_COURS)

    def en_retard(self, jour):
        return self.ouverte and self.echeance < jour


def chemin_rapport(instance, filename):
    return f"visites/{instance.visite.date:%Y}/visite-{instance.visite.pk}-v{instance.numero}.pdf"


class VersionRapport(models.Model):
    """One generation of a visit's report PDF: each one kept, numbered, with its date and author."""

    visite = models.ForeignKey(Visite, verbose_name="visite", on_delete=models.CASCADE, related_name="rapports")
    numero = models.PositiveIntegerField("version")
    fichier = models.FileField("fichier", upload_to=chemin_rapport, max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    generee_le = models.DateTimeField("générée le", auto_now_add=True)
    generee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-numero"]
        verbose_name = "version du rapport de visite"
        verbose_name_plural = "versions du rapport de visite"
        constraints = [
            models.UniqueConstraint(
                fields=["visite", "numero"], name="version_rapport_unique", violation_error_message="Version en double."
            )
        ]

    def __str__(self):
        return f"Rapport de la visite {self.visite_id} v{self.numero}"


class GenerationRapport(Generation):
    """A report PDF generation job of a visit and its visible status."""

    visite = models.ForeignKey(Visite, verbose_name="visite", on_delete=models.CASCADE, related_name="generations")
    version = models.OneToOneField(
        VersionRapport, on_delete=models.SET_NULL, null=True, blank=True, related_name="generation"
    )

    class Meta(Generation.Meta):
        verbose_name = "génération du rapport de visite"


def exercices_sans_ag(centres, jour):
    """{centre id: exercice} for the active centres whose ordinary AG approving the last closed
    year was not held by 30 June of the following year (domain-rules §6, governance signal)."""
    exercice = dernier_exercice_ag_echu(jour)
    tenue = AssembleeGenerale.objects.filter(
        nature=AssembleeGenerale.Nature.ORDINAIRE,
        exercice=exercice,
        date__lte=date_limite_ag(exercice),
    ).values("centre_id")
    # One query, whatever the number of centres (the centre page and the AG calendar both ask). A
    # NOT IN, which PostgreSQL runs once as a hashed subplan: the correlated NOT EXISTS it replaces
    # was planned as a nested loop when the statistics lag (1 000 centres × 1 000 AGs, 250 ms).
    sans_ag = centres.filter(statut=Centre.Statut.ACTIF).exclude(pk__in=tenue).order_by().values_list("pk", flat=True)
    return dict.fromkeys(sans_ag, exercice)
