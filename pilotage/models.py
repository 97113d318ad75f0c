from django.conf import settings
from django.db import models
from django.utils import timezone

from centres.models import Centre


class AlerteQuerySet(models.QuerySet):
    def ouvertes(self):
        """The alerts whose deadline still stands (not closed by `pilotage.alertes.synchroniser`)."""
        return self.filter(closed_at__isnull=True)


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
