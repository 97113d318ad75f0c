"""The documents vault: typed files per centre, uploaded once and reused."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from comptes.models import Role
from roubaix_cs import bornes

from .centres import Centre
from .locaux import Travaux
from .suivi import AssembleeGenerale, Visite


def chemin_document(instance, filename):
    """Files are stored under a random name: the user's file name never reaches the disk."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    dossier = f"centre-{instance.centre_id}" if instance.centre_id else "ville"
    return f"documents/{dossier}/{uuid.uuid4().hex}.{extension}"


class DocumentQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """The team sees every document; élus and partners the public ones of the centres they see."""
        if user.role in (Role.RESPONSABLE, Role.AGENT):
            return self
        if user.role in (Role.ELU, Role.PARTENAIRE):
            return self.filter(type__in=Document.TYPES_PUBLICS, centre__in=Centre.objects.visibles_par(user))
        return self.none()

    def valides_le(self, jour):
        return self.filter(Q(valide_du__isnull=True) | Q(valide_du__lte=jour)).filter(
            Q(valide_au__isnull=True) | Q(valide_au__gte=jour)
        )

    def expirant_entre(self, debut, fin):
        """Documents whose validity ends between the two dates (both included)."""
        return self.filter(valide_au__gte=debut, valide_au__lte=fin)

    def expires_le(self, jour):
        return self.filter(valide_au__lt=jour)


class Document(bornes.ContraintesParChamp, models.Model):
    class Type(models.TextChoices):
        STATUTS = "statuts", "Statuts"
        DIRIGEANTS = "dirigeants", "Liste des dirigeants"
        RIB = "rib", "RIB"
        COMPTES = "comptes", "Comptes annuels approuvés"
        RAPPORT_ACTIVITE = "rapport_activite", "Rapport d'activité"
        CER = "cer", "Contrat d'engagement républicain signé"
        ASSURANCE = "assurance", "Attestation d'assurance"
        PROJET_SOCIAL = "projet_social", "Projet social"
        RAPPORT_CAC = "rapport_cac", "Rapport du commissaire aux comptes"
        BUDGET = "budget", "Budget prévisionnel"
        PV_AG = "pv_ag", "Procès-verbal d'assemblée générale"
        RAPPORT_VISITE = "rapport_visite", "Rapport ou pièce de visite"
        TRAVAUX = "travaux", "Pièce de travaux"
        CONVENTION_PROJET = "convention_projet", "Projet de convention ou d'avenant"
        CONVENTION_SIGNEE = "convention_signee", "Convention ou avenant signé"
        AUTRE = "autre", "Autre"

    # What élus and partners may read: the centre's public documents, never bank or personal data.
    TYPES_PUBLICS = frozenset(
        {"statuts", "comptes", "rapport_activite", "cer", "projet_social", "pv_ag", "convention_signee"}
    )

    centre = models.ForeignKey(
        Centre, verbose_name="centre", on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    type = models.CharField("type", max_length=30, choices=Type.choices)
    titre = models.CharField("titre", max_length=200)
    annee = models.PositiveIntegerField("exercice concerné", null=True, blank=True, validators=bornes.ANNEE_ANCIENNE)
    valide_du = models.DateField("valide du", null=True, blank=True, validators=bornes.DATE_ANCIENNE)
    valide_au = models.DateField("valide jusqu'au", null=True, blank=True, validators=bornes.DATE_FIN_BAIL)
    fichier = models.FileField("fichier", upload_to=chemin_document, max_length=255)
    nom_original = models.CharField("nom du fichier", max_length=150)
    type_mime = models.CharField("type de fichier", max_length=100)
    taille = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    assemblee = models.ForeignKey(
        AssembleeGenerale,
        verbose_name="assemblée générale",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    visite = models.ForeignKey(
        Visite, verbose_name="visite", on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    travaux = models.ForeignKey(
        Travaux, verbose_name="travaux", on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposé par", on_delete=models.PROTECT, related_name="+"
    )
    depose_le = models.DateTimeField("déposé le", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"document_validite_ordonnee": "valide_au"}

    class Meta:
        ordering = ["-depose_le", "-pk"]
        verbose_name = "document"
        constraints = [
            models.CheckConstraint(
                name="document_validite_ordonnee",
                condition=Q(valide_au__isnull=True)
                | Q(valide_du__isnull=True)
                | Q(valide_au__gte=models.F("valide_du")),
                violation_error_message="La fin de validité doit suivre son début.",
            ),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("centres:document_telecharger", args=[self.pk])

    def expire(self, jour):
        return self.valide_au is not None and self.valide_au < jour

    def valide_le(self, jour):
        """Same rule as DocumentQuerySet.valides_le, for a document already loaded."""
        return (self.valide_du is None or self.valide_du <= jour) and not self.expire(jour)
