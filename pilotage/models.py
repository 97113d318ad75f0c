from django.conf import settings
from django.db import models
from django.utils import timezone

from centres.models import Centre
from roubaix_cs import bornes
from roubaix_cs.generations import Generation


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
