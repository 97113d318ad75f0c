from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from simple_history.models import HistoricalRecords

from roubaix_cs.validators import valider_siret


class Role(models.TextChoices):
    RESPONSABLE = "responsable", "Responsable de service"
    AGENT = "agent", "Chargé(e) de dossiers / de mission"
    REGISSEUR = "regisseur", "Régisseur Espace Linné"
    ELU = "elu", "Élu(e)"
    PARTENAIRE = "partenaire", "Partenaire"


class Organisation(models.Model):
    class Nature(models.TextChoices):
        VILLE = "ville", "Ville"
        CAF = "caf", "CAF"
        DEPARTEMENT = "departement", "Département"
        PREFECTURE = "prefecture", "Préfecture"
        FEDERATION = "federation", "Fédération des centres sociaux"
        ASSOCIATION = "association", "Association"
        AUTRE = "autre", "Autre"

    nom = models.CharField("nom", max_length=200, unique=True)
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[valider_siret])
    # An association based in, or working mainly for, a priority neighbourhood of the city policy (QPV):
    # Espace Linné's statistics count the share of bookings it gives them.
    quartier_prioritaire = models.BooleanField(
        "active en quartier prioritaire (QPV)",
        default=False,
        help_text="Siège ou public principal dans un quartier prioritaire de la politique de la ville.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["nom"]
        verbose_name = "organisation"

    def __str__(self):
        return self.nom


class User(AbstractUser):
    role = models.CharField(
        "rôle",
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text="Vide pour un compte purement technique (administration Django).",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="utilisateurs",
    )
    # The last invitation e-mailed (a one-time link to set one's password): shown on the account page.
    invitation_envoyee_le = models.DateTimeField("invitation envoyée le", null=True, blank=True, editable=False)

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                name="partenaire_a_une_organisation",
                condition=~models.Q(role="partenaire") | models.Q(organisation__isnull=False),
                violation_error_message="Un compte partenaire doit être rattaché à une organisation.",
            ),
            # The invitation and the password reset go to the e-mail: one active account per address.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(is_active=True) & ~models.Q(email=""),
                name="email_unique_parmi_comptes_actifs",
                violation_error_message="Un compte actif utilise déjà cette adresse e-mail.",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def est_technique(self):
        """A technical account (no role, or a superuser): managed in the Django admin, never in the
        service's pages."""
        return not self.role or self.is_superuser


def referents():
    """The users who may follow a file (a centre, a convention, a grant): the team, active ones."""
    return User.objects.filter(role__in=[Role.RESPONSABLE, Role.AGENT], is_active=True)


class JetonCalendrier(models.Model):
    """The secret of a user's personal calendar feed: whoever has the address reads the feed, without
    logging in (a calendar application cannot). Stored as is, like Django's session keys, so that the
    preferences page can show the address again; regenerating it or revoking it cuts the old one off."""

    user = models.OneToOneField(
        User, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="jeton_calendrier"
    )
    jeton = models.CharField("jeton", max_length=64, unique=True)
    cree_le = models.DateTimeField("créé le")
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "adresse de calendrier personnel"
        verbose_name_plural = "adresses de calendrier personnel"

    def __str__(self):
        return f"Calendrier de {self.user}"

    @property
    def actif(self):
        return self.revoque_le is None


class SequenceCalendrier(models.Model):
    """The SEQUENCE of an event of the feeds (by its UID): raised by one each time a download finds its
    published content (dates, title, place, text) changed, so the same on every download until then."""

    uid = models.CharField("UID", max_length=255, unique=True)
    empreinte = models.CharField("empreinte du contenu", max_length=64)
    sequence = models.PositiveIntegerField("séquence", default=0)

    class Meta:
        verbose_name = "séquence d'un événement de calendrier"
        verbose_name_plural = "séquences des événements de calendrier"

    def __str__(self):
        return f"{self.uid} ({self.sequence})"
