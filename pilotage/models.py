import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from centres.models import Centre
from comptes.models import Organisation, Role
from roubaix_cs import bornes
from roubaix_cs.generations import Generation
from roubaix_cs.locking import Versionne


class AlerteQuerySet(models.QuerySet):
    def ouvertes(self):
        """The alerts whose deadline still stands (not closed by `pilotage.alertes.synchroniser`)."""
        return self.filter(closed_at__isnull=True)

    def non_lues(self):
        return self.filter(acknowledged_at__isnull=True)

    def acquitter(self, moment):
        """Mark read those of these alerts not read yet, in one UPDATE; how many."""
        return self.non_lues().update(acknowledged_at=moment)


class Alerte(models.Model):
    """The stored notice, for one person, that a deadline reached one of its thresholds.

    Written only by `pilotage.alertes.synchroniser`: created once per (person, object, kind, threshold)
    under the unique constraint, so that a re-run, a restarted beat or two workers at once create and
    send nothing twice; closed when its deadline disappears (the agrément was renewed, say).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="destinataire", on_delete=models.CASCADE, related_name="alertes"
    )
    kind = models.CharField("type", max_length=50)  # Deadline.kind, e.g. "agrement_renouvellement"
    threshold = models.CharField("seuil", max_length=30)  # Deadline.threshold, e.g. "M-6"
    object_key = models.CharField("objet", max_length=100)  # Deadline.object_key, e.g. "centres.agrement:12"
    centre = models.ForeignKey(
        Centre, verbose_name="centre", on_delete=models.SET_NULL, null=True, blank=True, related_name="alertes"
    )
    label = models.TextField("libellé")
    url = models.CharField("lien", max_length=500)
    due = models.DateField("échéance")
    created_at = models.DateTimeField("créée le", default=timezone.now)
    closed_at = models.DateTimeField("close le", null=True, blank=True)  # its deadline disappeared
    acknowledged_at = models.DateTimeField("lue le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)  # by the e-mail digest

    objects = AlerteQuerySet.as_manager()

    class Meta:
        verbose_name = "alerte"
        ordering = ["due", "label", "pk"]
        constraints = [
            # object_key first: the daily job reads the alerts of its deadlines by object through this index.
            models.UniqueConstraint(
                fields=["object_key", "kind", "threshold", "user"],
                name="alerte_unique_par_personne_objet_type_seuil",
                violation_error_message="Cette personne a déjà cette alerte pour cet objet.",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.due:%d/%m/%Y})"


class ExecutionAlertes(models.Model):
    """The day the alerts were last brought up to date (`pilotage.alertes.synchroniser`), one row a day:
    without a scheduler the home page runs the service when today has none, and « Mes alertes » says
    when the alerts were computed (a stopped beat shows as an old date)."""

    jour = models.DateField("jour", unique=True)
    execute_le = models.DateTimeField("dernière mise à jour")

    class Meta:
        verbose_name = "mise à jour des alertes"
        verbose_name_plural = "mises à jour des alertes"
        ordering = ["-jour"]

    def __str__(self):
        return f"Alertes du {self.jour:%d/%m/%Y}"


class PreferenceAlerte(models.Model):
    """How one person receives one kind of alert by e-mail. No row: the daily digest (the default)."""

    class Frequence(models.TextChoices):
        QUOTIDIENNE = "quotidienne", "Chaque jour"
        HEBDOMADAIRE = "hebdomadaire", "Chaque lundi"
        AUCUNE = "aucune", "Jamais (seulement dans « Mes alertes »)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="personne", on_delete=models.CASCADE, related_name="preferences_alertes"
    )
    kind = models.CharField("type", max_length=50)  # Deadline.kind
    frequence = models.CharField("courriel", max_length=20, choices=Frequence.choices, default=Frequence.QUOTIDIENNE)

    class Meta:
        verbose_name = "préférence d'alerte"
        verbose_name_plural = "préférences d'alertes"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="preference_alerte_unique_par_personne_type",
                violation_error_message="Cette personne a déjà une préférence pour ce type d'alerte.",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.kind} : {self.get_frequence_display()}"


class ResumeElu(models.Model):
    """An élu's opt-in to the weekly summary of what concerns them (pilotage.digest.resume_elu), and the
    Monday it was last sent, so that a re-run the same week sends nothing twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="élu", on_delete=models.CASCADE, related_name="resume_elu"
    )
    actif = models.BooleanField("recevoir le résumé hebdomadaire", default=False)
    envoye_le = models.DateField("dernier envoi", null=True, blank=True)

    class Meta:
        verbose_name = "résumé hebdomadaire d'un élu"
        verbose_name_plural = "résumés hebdomadaires des élus"

    def __str__(self):
        return f"{self.user} : {'oui' if self.actif else 'non'}"


def chemin_rapport_annuel(instance, filename):
    return f"rapports-annuels/{instance.annee}/rapport-annuel-{instance.annee}-v{instance.numero}.pdf"


class VersionRapportAnnuel(models.Model):
    """One generation of a year's report to the political steering committee (pilotage.rapport): each one
    kept, numbered per year, with its date and author, so that the copy handed to the copil can be found."""

    annee = models.PositiveIntegerField("année", validators=bornes.EXERCICE)
    numero = models.PositiveIntegerField("version")
    fichier = models.FileField("fichier", upload_to=chemin_rapport_annuel, max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    generee_le = models.DateTimeField("générée le", auto_now_add=True)
    generee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-annee", "-numero"]
        verbose_name = "version du rapport annuel"
        verbose_name_plural = "versions du rapport annuel"
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "numero"],
                name="version_rapport_annuel_unique",
                violation_error_message="Version en double.",
            )
        ]

    def __str__(self):
        return f"Rapport annuel {self.annee} v{self.numero}"


class GenerationRapportAnnuel(Generation):
    """A yearly report PDF generation job and its visible status."""

    annee = models.PositiveIntegerField("année", validators=bornes.EXERCICE)
    version = models.OneToOneField(
        VersionRapportAnnuel, on_delete=models.SET_NULL, null=True, blank=True, related_name="generation"
    )

    class Meta(Generation.Meta):
        verbose_name = "génération du rapport annuel"
        verbose_name_plural = "générations du rapport annuel"


# Copils, Cellule de veille and their actions (DESIGN.md §4, domain-rules AVS-8 and §6 CV-1..4).


def chemin_compte_rendu(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"reunions/{instance.date:%Y}/compte-rendu-{instance.pk or 'nouveau'}-{uuid.uuid4().hex[:8]}.{extension}"


class ReunionQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """The meetings `user` may read: the team all of them; a partner those its organisation takes part
        in (CV-3); the élus and the régisseurs none (the élus read levels, never minutes)."""
        if user.role in (Role.RESPONSABLE, Role.AGENT):
            return self
        if user.role == Role.PARTENAIRE and user.organisation_id:
            return self.filter(participants__organisation_id=user.organisation_id).distinct()
        return self.none()


class Reunion(bornes.ContraintesParChamp, Versionne):
    """A meeting the service convenes: a steering committee, a Cellule de veille, a team meeting."""

    class Type(models.TextChoices):
        COPIL_STRATEGIQUE = "copil_strategique", "Copil stratégique"
        COPIL_POLITIQUE = "copil_politique", "Copil politique"
        CELLULE_VEILLE = "cellule_veille", "Cellule de veille"
        EQUIPE = "equipe", "Réunion d'équipe"
        AUTRE = "autre", "Autre réunion"

    class Statut(models.TextChoices):
        PREVUE = "prevue", "Prévue"
        TENUE = "tenue", "Tenue"
        ANNULEE = "annulee", "Annulée"

    type = models.CharField("type", max_length=20, choices=Type.choices)
    titre = models.CharField("intitulé", max_length=200, blank=True)
    date = models.DateField("date", validators=bornes.DATE_ACTIVITE)
    heure_debut = models.TimeField("début")
    heure_fin = models.TimeField("fin")
    lieu = models.CharField("lieu", max_length=255, blank=True)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.PREVUE)
    ordre_du_jour = models.TextField("ordre du jour", blank=True)
    compte_rendu = models.TextField("compte rendu", blank=True)
    compte_rendu_fichier = models.FileField(
        "compte rendu (fichier)", upload_to=chemin_compte_rendu, max_length=255, blank=True
    )
    decisions = models.TextField("décisions", blank=True)
    notes_internes = models.TextField("notes internes", blank=True, help_text="Visibles du seul service.")
    organisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="organisée par",
        on_delete=models.PROTECT,
        related_name="reunions_organisees",
    )
    # The files of the Cellule de veille a meeting examines (and, through them, their centres).
    situations = models.ManyToManyField(
        "SituationVeille", verbose_name="dossiers examinés", blank=True, related_name="reunions"
    )
    # The ICS invitation's SEQUENCE: raised by each convocation sent after a change (RFC 5546).
    sequence_convocation = models.PositiveIntegerField("révision de la convocation", default=0, editable=False)
    convoquee_le = models.DateTimeField("convocation envoyée le", null=True, blank=True, editable=False)

    objects = ReunionQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"reunion_fin_apres_debut": "heure_fin"}

    class Meta:
        ordering = ["-date", "-heure_debut", "pk"]
        verbose_name = "réunion"
        constraints = [
            models.CheckConstraint(
                name="reunion_fin_apres_debut",
                condition=Q(heure_fin__gt=F("heure_debut")),
                violation_error_message="La réunion doit finir après son début.",
            )
        ]

    def __str__(self):
        return f"{self.titre or self.get_type_display()} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("pilotage:reunion_detail", args=[self.pk])

    @property
    def libelle(self):
        """Its title, or its kind when it has none (« Copil stratégique »)."""
        return self.titre or self.get_type_display()

    @property
    def debut(self):
        return datetime.datetime.combine(self.date, self.heure_debut)

    @property
    def fin(self):
        return datetime.datetime.combine(self.date, self.heure_fin)


class ParticipantReunion(bornes.ContraintesParChamp, models.Model):
    """Who is convened: a user, or a partner organisation's contact without an account (name and
    e-mail), and whether they attended."""

    class Presence(models.TextChoices):
        CONVOQUE = "convoque", "Convoqué(e)"
        PRESENT = "present", "Présent(e)"
        EXCUSE = "excuse", "Excusé(e)"
        ABSENT = "absent", "Absent(e)"

    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="personne", on_delete=models.PROTECT, null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, null=True, blank=True
    )
    nom = models.CharField("nom", max_length=200, blank=True, help_text="Pour un contact sans compte.")
    email = models.EmailField("e-mail", blank=True)
    presence = models.CharField("présence", max_length=10, choices=Presence.choices, default=Presence.CONVOQUE)
    history = HistoricalRecords()
    champs_des_contraintes = {"participant_identifie": "nom", "participant_unique_par_reunion": "user"}

    class Meta:
        ordering = ["organisation__nom", "nom", "pk"]
        verbose_name = "participant"
        constraints = [
            models.CheckConstraint(
                name="participant_identifie",
                condition=Q(user__isnull=False) | ~Q(nom="") | Q(organisation__isnull=False),
                violation_error_message="Indiquez une personne, une organisation ou un nom.",
            ),
            models.UniqueConstraint(
                fields=["reunion", "user"],
                condition=Q(user__isnull=False),
                name="participant_unique_par_reunion",
                violation_error_message="Cette personne est déjà convoquée à cette réunion.",
            ),
        ]

    def __str__(self):
        qui = str(self.user) if self.user_id else self.nom
        if self.organisation_id:
            return f"{qui} ({self.organisation})" if qui else str(self.organisation)
        return qui

    @property
    def adresse(self):
        """Where the convocation goes: the user's e-mail, else the contact's."""
        return (self.user.email if self.user_id else "") or self.email


class ActionQuerySet(models.QuerySet):
    def ouvertes(self):
        return self.filter(statut__in=[Action.Statut.A_FAIRE, Action.Statut.EN_COURS])

    def en_retard(self, jour):
        return self.ouvertes().filter(echeance__lt=jour)


class Action(bornes.ContraintesParChamp, Versionne):
    """An action decided by a meeting (and, for a Cellule de veille file, a measure of its action plan),
    owned by a user or a partner organisation, followed until done."""

    class Statut(models.TextChoices):
        A_FAIRE = "a_faire", "À faire"
        EN_COURS = "en_cours", "En cours"
        FAITE = "faite", "Faite"
        ABANDONNEE = "abandonnee", "Abandonnée"

    class Mesure(models.TextChoices):
        """The typical measures of a recovery plan (domain-rules §6)."""

        CALENDRIER_VERSEMENTS = "calendrier_versements", "Calendrier de versement adapté ou avance"
        DLA = "dla", "Dispositif local d'accompagnement (DLA)"
        FEDERATION = "federation", "Accompagnement de la Fédération"
        DIRECTION_INTERIM = "direction_interim", "Direction par intérim"
        AUTRE = "autre", "Autre mesure"

    reunion = models.ForeignKey(
        Reunion, verbose_name="décidée en réunion", on_delete=models.PROTECT, related_name="actions"
    )
    situation = models.ForeignKey(
        "SituationVeille",
        verbose_name="dossier de la cellule de veille",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    libelle = models.CharField("action", max_length=255)
    mesure = models.CharField("mesure type", max_length=30, choices=Mesure.choices, blank=True)
    porteur_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="portée par (personne)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_portees",
    )
    porteur_organisation = models.ForeignKey(
        Organisation,
        verbose_name="portée par (organisation)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_portees",
    )
    echeance = models.DateField("échéance", validators=bornes.DATE_ECHEANCE)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.A_FAIRE)
    date_cloture = models.DateField("date de clôture", null=True, blank=True, validators=bornes.DATE_ACTIVITE)
    commentaire = models.TextField("commentaire", blank=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()
    # Who gets its deadline alerts (pilotage.alertes): its owner in the team, else its meeting's organiser.
    REFERENTS_DES_ALERTES = ("porteur_user", "reunion__organisateur")
    champs_des_contraintes = {
        "action_reunion_un_porteur": "porteur_user",
        "action_reunion_close_a_une_date": "date_cloture",
    }

    class Meta:
        ordering = ["echeance", "pk"]
        verbose_name = "action"
        constraints = [
            models.CheckConstraint(
                name="action_reunion_un_porteur",
                condition=(Q(porteur_user__isnull=False) & Q(porteur_organisation__isnull=True))
                | (Q(porteur_user__isnull=True) & Q(porteur_organisation__isnull=False)),
                violation_error_message="Indiquez qui porte l'action : une personne ou une organisation, pas les deux.",
            ),
            models.CheckConstraint(
                name="action_reunion_close_a_une_date",
                condition=Q(statut__in=["a_faire", "en_cours"]) | Q(date_cloture__isnull=False),
                violation_error_message="Une action faite ou abandonnée doit avoir une date de clôture.",
            ),
        ]

    def __str__(self):
        return self.libelle

    @property
    def porteur(self):
        return self.porteur_user or self.porteur_organisation

    @property
    def ouverte(self):
        return self.statut in (self.Statut.A_FAIRE, self.Statut.EN_COURS)

    def en_retard(self, jour):
        return self.ouverte and self.echeance < jour


class Niveau(models.TextChoices):
    """The Cellule de veille's levels, from the least to the most serious (CV-1)."""

    VIGILANCE = "vigilance", "Vigilance"
    ALERTE = "alerte", "Alerte"
    CRITIQUE = "critique", "Critique"


NIVEAUX_ORDRE = [Niveau.VIGILANCE, Niveau.ALERTE, Niveau.CRITIQUE]


class SituationVeilleQuerySet(models.QuerySet):
    def ouvertes(self):
        return self.exclude(statut=SituationVeille.Statut.CLOSE)

    def visibles_par(self, user):
        """The files `user` may read: the team all; a partner those examined by a meeting its organisation
        takes part in (CV-3); the élus and the régisseurs none (the élus read the levels only)."""
        if user.role in (Role.RESPONSABLE, Role.AGENT):
            return self
        if user.role == Role.PARTENAIRE and user.organisation_id:
            return self.filter(reunions__participants__organisation_id=user.organisation_id).distinct()
        return self.none()


class SituationVeille(bornes.ContraintesParChamp, Versionne):
    """A centre's file in the Cellule de veille: the signals are computed (pilotage.signaux), the official
    level is the cellule's dated decision (CV-1, `DecisionNiveau`), its action plan is its `actions`."""

    class Statut(models.TextChoices):
        SIGNALEE = "signalee", "Signalée"
        EN_ANALYSE = "en_analyse", "En analyse"
        SUIVIE = "suivie", "Suivie"
        CLOSE = "close", "Close"

    centre = models.ForeignKey(
        Centre, verbose_name="centre", on_delete=models.PROTECT, related_name="situations_veille"
    )
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.SIGNALEE)
    signalee_le = models.DateField("signalée le", validators=bornes.DATE_ACTIVITE)
    motif = models.TextField("motif du signalement")
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="référent(e)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="situations_veille_suivies",
    )
    # The official level: written only by pilotage.veille.decider_niveau, with its DecisionNiveau row.
    niveau = models.CharField("niveau officiel", max_length=10, choices=Niveau.choices, blank=True, editable=False)
    analyse = models.TextField("analyse de la cellule", blank=True)
    conflits_sociaux = models.TextField("conflits sociaux", blank=True)
    tresorerie_initiale = models.DecimalField(
        "trésorerie au début du plan (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=bornes.INDICATEUR_SIGNE,
    )
    notes_internes = models.TextField("notes internes", blank=True, help_text="Visibles du seul service.")

    objects = SituationVeilleQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"situation_veille_une_ouverte_par_centre": "centre"}

    class Meta:
        ordering = ["centre__nom", "-signalee_le", "pk"]
        verbose_name = "dossier de la cellule de veille"
        verbose_name_plural = "dossiers de la cellule de veille"
        constraints = [
            models.UniqueConstraint(
                fields=["centre"],
                condition=Q(statut__in=["signalee", "en_analyse", "suivie"]),
                name="situation_veille_une_ouverte_par_centre",
                violation_error_message="Ce centre a déjà un dossier ouvert à la cellule de veille.",
            )
        ]

    def __str__(self):
        return f"Cellule de veille — {self.centre}"

    def get_absolute_url(self):
        return reverse("pilotage:veille_detail", args=[self.pk])


class DecisionNiveau(models.Model):
    """CV-1: the official level is a human decision of the cellule, dated and minuted by a meeting."""

    situation = models.ForeignKey(SituationVeille, on_delete=models.CASCADE, related_name="decisions_niveau")
    niveau = models.CharField("niveau", max_length=10, choices=Niveau.choices)
    niveau_propose = models.CharField("niveau calculé", max_length=10, choices=Niveau.choices, blank=True)
    date = models.DateField("décidé le", validators=bornes.DATE_ACTIVITE)
    reunion = models.ForeignKey(Reunion, verbose_name="réunion", on_delete=models.PROTECT, related_name="+")
    motifs = models.TextField("motifs")
    decide_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enregistree_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "décision de niveau"
        verbose_name_plural = "décisions de niveau"

    def __str__(self):
        return f"{self.get_niveau_display()} ({self.date:%d/%m/%Y})"


class InstantaneFinancier(models.Model):
    """CV-4: a financial year's figures as the cellule read them, kept with the file (N-2..N)."""

    situation = models.ForeignKey(SituationVeille, on_delete=models.CASCADE, related_name="instantanes")
    annee = models.PositiveIntegerField("exercice", validators=bornes.EXERCICE)
    chiffres = models.JSONField("chiffres", default=dict)  # IndicateursAnnuels.CHIFFRES, as strings
    pris_le = models.DateTimeField("pris le", default=timezone.now)
    pris_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["annee"]
        verbose_name = "instantané financier"
        verbose_name_plural = "instantanés financiers"
        constraints = [
            models.UniqueConstraint(
                fields=["situation", "annee"],
                name="instantane_unique_par_dossier_et_annee",
                violation_error_message="Ce dossier a déjà un instantané de cet exercice.",
            )
        ]

    def __str__(self):
        return f"Exercice {self.annee}"


class LignePlanTresorerie(bornes.ContraintesParChamp, models.Model):
    """CV-4: one month of the 12-month cash plan, entered by the team; the balance is computed."""

    situation = models.ForeignKey(SituationVeille, on_delete=models.CASCADE, related_name="plan_tresorerie")
    mois = models.DateField("mois", validators=bornes.DATE_ECHEANCE)  # the first day of the month
    encaissements = models.DecimalField(
        "encaissements (€)", max_digits=12, decimal_places=2, default=Decimal("0"), validators=bornes.ORGANISME
    )
    decaissements = models.DecimalField(
        "décaissements (€)", max_digits=12, decimal_places=2, default=Decimal("0"), validators=bornes.ORGANISME
    )
    commentaire = models.CharField("commentaire", max_length=255, blank=True)
    history = HistoricalRecords()
    champs_des_contraintes = {"plan_tresorerie_un_mois_par_dossier": "mois"}

    class Meta:
        ordering = ["mois"]
        verbose_name = "mois du plan de trésorerie"
        verbose_name_plural = "plan de trésorerie"
        constraints = [
            models.UniqueConstraint(
                fields=["situation", "mois"],
                name="plan_tresorerie_un_mois_par_dossier",
                violation_error_message="Ce mois est déjà dans le plan de trésorerie.",
            )
        ]

    def __str__(self):
        return f"{self.mois:%m/%Y}"


class LectureSituation(models.Model):
    """CV-3: every read of a file by a partner, shown in its history."""

    situation = models.ForeignKey(SituationVeille, on_delete=models.CASCADE, related_name="lectures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lu_le = models.DateTimeField("lu le", default=timezone.now)
    page = models.CharField("page", max_length=100, default="dossier")

    class Meta:
        ordering = ["-lu_le", "-pk"]
        verbose_name = "lecture d'un dossier par un partenaire"
        verbose_name_plural = "lectures des dossiers par les partenaires"

    def __str__(self):
        return f"{self.user} — {self.lu_le:%d/%m/%Y %H:%M}"
