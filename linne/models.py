"""Espace Linné, the bookings (DESIGN.md §4): rooms with their opening hours, rules and price list,
closures, bookings and their series, and the requests associations make on the public page.

A booking's status changes only through `linne.services` (its workflow table); two confirmed bookings
never overlap in one room, their set-up and clean-up buffers included: the service checks it in the
transaction (the room's row locked), and on PostgreSQL an exclusion constraint over the stored blocked
range guards it too (migration 0002, `btree_gist`).
"""

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from comptes.models import Organisation
from roubaix_cs import bornes
from roubaix_cs.locking import Versionne
from roubaix_cs.validators import valider_rna, valider_siret

# Plausible bounds of a room and a booking (roubaix_cs.bornes' reasoning: typing errors, not cases).
# A room of Espace Linné holds at most a few hundred people; 2 000 is more than any hall of the city.
CAPACITE_SALLE_MAX = 2000
# A booking lasts at most a day (it never spans midnight): 24 hours.
DUREE_MAX_MINUTES = 24 * 60
# Set-up and clean-up take at most half a day.
BATTEMENT_MAX_MINUTES = 12 * 60
# An hourly rate above 10 000 € is an extra zero.
TARIF_HORAIRE_MAX = Decimal("10000")

JOURS_SEMAINE = [
    (0, "lundi"),
    (1, "mardi"),
    (2, "mercredi"),
    (3, "jeudi"),
    (4, "vendredi"),
    (5, "samedi"),
    (6, "dimanche"),
]


class Categorie(models.TextChoices):
    """Who books, for the price list (one hourly rate per kind of user)."""

    ASSOCIATION = "association", "Association"
    CENTRE_SOCIAL = "centre_social", "Centre social"
    SERVICE_MUNICIPAL = "service_municipal", "Service municipal"
    PARTENAIRE = "partenaire", "Partenaire institutionnel"
    AUTRE = "autre", "Autre (particulier, entreprise)"


class TypeActivite(models.TextChoices):
    REUNION = "reunion", "Réunion, assemblée"
    ACTIVITE_REGULIERE = "activite_reguliere", "Activité régulière (atelier, cours)"
    FORMATION = "formation", "Formation"
    CULTURE = "culture", "Spectacle, exposition, culture"
    SPORT = "sport", "Activité physique"
    FESTIF = "festif", "Fête, repas, événement festif"
    AUTRE = "autre", "Autre"


class SalleQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(active=True)


class Salle(bornes.ContraintesParChamp, Versionne):
    """A room of Espace Linné: its capacity, equipment, access, the duration rules of its bookings and the
    time its set-up and clean-up take; its opening hours and price list are rows of their own."""

    nom = models.CharField("nom", max_length=100, unique=True)
    description = models.TextField("description", blank=True)
    capacite = models.PositiveIntegerField(
        "capacité (personnes)",
        validators=[MinValueValidator(1), MaxValueValidator(CAPACITE_SALLE_MAX)],
        help_text="L'effectif maximal admis dans la salle (établissement recevant du public).",
    )
    surface_m2 = models.DecimalField(
        "surface (m²)", max_digits=8, decimal_places=2, null=True, blank=True, validators=bornes.SURFACE
    )
    equipements = models.TextField("équipements", blank=True, help_text="Vidéoprojecteur, sono, cuisine, tables…")
    accessible_pmr = models.BooleanField("accessible aux personnes à mobilité réduite", default=True)
    accessibilite = models.TextField("accessibilité (précisions)", blank=True)
    duree_min_minutes = models.PositiveIntegerField(
        "durée minimale d'une réservation (minutes)",
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(DUREE_MAX_MINUTES)],
    )
    duree_max_minutes = models.PositiveIntegerField(
        "durée maximale d'une réservation (minutes)",
        default=8 * 60,
        validators=[MinValueValidator(15), MaxValueValidator(DUREE_MAX_MINUTES)],
    )
    battement_avant_minutes = models.PositiveIntegerField(
        "installation avant (minutes)", default=15, validators=[MaxValueValidator(BATTEMENT_MAX_MINUTES)]
    )
    battement_apres_minutes = models.PositiveIntegerField(
        "rangement et ménage après (minutes)", default=15, validators=[MaxValueValidator(BATTEMENT_MAX_MINUTES)]
    )
    active = models.BooleanField("ouverte aux réservations", default=True)
    # The private key of the room's ICS feed (one feed per room, read by the régisseurs' calendars).
    jeton_flux = models.UUIDField("jeton du flux", default=uuid.uuid4, editable=False, unique=True)

    objects = SalleQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"salle_duree_max_apres_min": "duree_max_minutes"}

    class Meta:
        ordering = ["nom"]
        verbose_name = "salle"
        constraints = [
            models.CheckConstraint(
                name="salle_duree_max_apres_min",
                condition=Q(duree_max_minutes__gte=F("duree_min_minutes")),
                violation_error_message="La durée maximale doit être au moins égale à la durée minimale.",
            )
        ]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("linne:salle_detail", args=[self.pk])

    @property
    def battement_avant(self):
        return datetime.timedelta(minutes=self.battement_avant_minutes)

    @property
    def battement_apres(self):
        return datetime.timedelta(minutes=self.battement_apres_minutes)


class HoraireOuverture(bornes.ContraintesParChamp, models.Model):
    """When a room may be booked on one weekday (no row: closed that day)."""

    salle = models.ForeignKey(Salle, on_delete=models.CASCADE, related_name="horaires")
    jour_semaine = models.PositiveSmallIntegerField("jour", choices=JOURS_SEMAINE)
    ouverture = models.TimeField("ouverture")
    fermeture = models.TimeField("fermeture")
    history = HistoricalRecords()
    champs_des_contraintes = {
        "horaire_fermeture_apres_ouverture": "fermeture",
        "horaire_unique_par_jour": "jour_semaine",
    }

    class Meta:
        ordering = ["salle", "jour_semaine"]
        verbose_name = "horaire d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        constraints = [
            models.CheckConstraint(
                name="horaire_fermeture_apres_ouverture",
                condition=Q(fermeture__gt=F("ouverture")),
                violation_error_message="L'heure de fermeture doit suivre l'heure d'ouverture.",
            ),
            models.UniqueConstraint(
                fields=["salle", "jour_semaine"],
                name="horaire_unique_par_jour",
                violation_error_message="Cette salle a déjà des horaires pour ce jour.",
            ),
        ]

    def __str__(self):
        return f"{self.get_jour_semaine_display()} {self.ouverture:%H:%M}–{self.fermeture:%H:%M}"


class Tarif(bornes.ContraintesParChamp, models.Model):
    """The price list, as data: one hourly rate of a room per kind of user (no row: free)."""

    salle = models.ForeignKey(Salle, on_delete=models.CASCADE, related_name="tarifs")
    categorie = models.CharField("pour", max_length=20, choices=Categorie.choices)
    tarif_horaire = models.DecimalField(
        "tarif horaire (€)",
        max_digits=12,
        decimal_places=2,
        validators=[bornes.positif("Le tarif ne peut pas être négatif."), MaxValueValidator(TARIF_HORAIRE_MAX)],
    )
    history = HistoricalRecords()
    champs_des_contraintes = {"tarif_unique_par_categorie": "categorie"}

    class Meta:
        ordering = ["salle", "categorie"]
        verbose_name = "tarif"
        constraints = [
            models.UniqueConstraint(
                fields=["salle", "categorie"],
                name="tarif_unique_par_categorie",
                violation_error_message="Cette salle a déjà un tarif pour ce public.",
            )
        ]

    def __str__(self):
        return f"{self.salle} — {self.get_categorie_display()} : {self.tarif_horaire} €/h"


class FermetureQuerySet(models.QuerySet):
    def touchant(self, salle, du, au):
        """The closures of the whole site or of `salle` that cover a day from `du` to `au`."""
        return self.filter(Q(salle__isnull=True) | Q(salle=salle), debut__lte=au, fin__gte=du)


class Fermeture(bornes.ContraintesParChamp, models.Model):
    """A closed period, of the whole site (no room) or of one room: holidays, works, a public holiday."""

    class Motif(models.TextChoices):
        VACANCES = "vacances", "Congés, fermeture annuelle"
        TRAVAUX = "travaux", "Travaux"
        FERIE = "ferie", "Jour férié"
        AUTRE = "autre", "Autre"

    salle = models.ForeignKey(
        Salle,
        verbose_name="salle",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fermetures",
        help_text="Vide : tout l'Espace Linné est fermé.",
    )
    debut = models.DateField("du", validators=bornes.DATE_ECHEANCE)
    fin = models.DateField("au (inclus)", validators=bornes.DATE_ECHEANCE)
    motif = models.CharField("motif", max_length=20, choices=Motif.choices)
    libelle = models.CharField("libellé", max_length=200, blank=True)

    objects = FermetureQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"fermeture_fin_apres_debut": "fin"}

    class Meta:
        ordering = ["-debut", "pk"]
        verbose_name = "fermeture"
        constraints = [
            models.CheckConstraint(
                name="fermeture_fin_apres_debut",
                condition=Q(fin__gte=F("debut")),
                violation_error_message="La fermeture doit finir le jour de son début ou après.",
            )
        ]

    def __str__(self):
        ou = f"la salle « {self.salle.nom} »" if self.salle_id else "l'Espace Linné"
        quoi = self.libelle or self.get_motif_display()
        if self.debut == self.fin:
            return f"fermeture de {ou} le {self.debut:%d/%m/%Y} ({quoi})"
        return f"fermeture de {ou} du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y} ({quoi})"


class Contact(models.Model):
    """The person who books, for the organisation (abstract: a booking, a series, a request)."""

    contact_nom = models.CharField("nom du contact", max_length=200)
    contact_email = models.EmailField("e-mail du contact")
    contact_telephone = models.CharField("téléphone du contact", max_length=30, blank=True)

    class Meta:
        abstract = True


class Serie(bornes.ContraintesParChamp, Contact, Versionne):
    """A recurring booking: its rule (weekly on chosen weekdays, every N weeks, until a date), whose
    occurrences are real `Reservation` rows linked to it, and the dates skipped with their reason."""

    salle = models.ForeignKey(Salle, verbose_name="salle", on_delete=models.PROTECT, related_name="series")
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, related_name="series_linne"
    )
    categorie = models.CharField("tarif appliqué", max_length=20, choices=Categorie.choices)
    objet = models.CharField("objet", max_length=255)
    type_activite = models.CharField("type d'activité", max_length=20, choices=TypeActivite.choices)
    effectif_prevu = models.PositiveIntegerField(
        "effectif attendu", validators=[MinValueValidator(1), MaxValueValidator(CAPACITE_SALLE_MAX)]
    )
    public = models.BooleanField("événement public", default=False)
    gratuit = models.BooleanField("mise à disposition gratuite", default=False)
    jours = models.CharField(
        "jours", max_length=20, help_text="Les jours de la semaine, 0 = lundi, séparés par des virgules."
    )
    intervalle_semaines = models.PositiveSmallIntegerField(
        "toutes les", default=1, validators=[MinValueValidator(1), MaxValueValidator(8)], help_text="semaines"
    )
    date_debut = models.DateField("à partir du", validators=bornes.DATE_ECHEANCE)
    date_fin = models.DateField("jusqu'au (inclus)", validators=bornes.DATE_ECHEANCE)
    heure_debut = models.TimeField("de")
    heure_fin = models.TimeField("à")
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créée le", default=timezone.now, editable=False)

    history = HistoricalRecords()
    champs_des_contraintes = {"serie_fin_apres_debut": "date_fin"}

    class Meta:
        ordering = ["-date_debut", "pk"]
        verbose_name = "série de réservations"
        verbose_name_plural = "séries de réservations"
        constraints = [
            models.CheckConstraint(
                name="serie_fin_apres_debut",
                condition=Q(date_fin__gte=F("date_debut")) & Q(heure_fin__gt=F("heure_debut")),
                violation_error_message="La série doit finir après son début.",
            )
        ]

    def __str__(self):
        return f"{self.objet} — {self.salle}, {self.libelle_regle}"

    def get_absolute_url(self):
        return reverse("linne:serie_detail", args=[self.pk])

    @property
    def liste_jours(self):
        return [int(j) for j in self.jours.split(",") if j.strip() != ""]

    @property
    def libelle_regle(self):
        noms = dict(JOURS_SEMAINE)
        jours = ", ".join(noms[j] for j in self.liste_jours)
        frequence = (
            "chaque semaine" if self.intervalle_semaines == 1 else f"toutes les {self.intervalle_semaines} semaines"
        )
        return (
            f"le {jours} {frequence}, {self.heure_debut:%H:%M}–{self.heure_fin:%H:%M}, "
            f"du {self.date_debut:%d/%m/%Y} au {self.date_fin:%d/%m/%Y}"
        )


class DateIgnoree(models.Model):
    """A date of a series that was not booked, and why (closure, conflict, opening hours…)."""

    serie = models.ForeignKey(Serie, on_delete=models.CASCADE, related_name="dates_ignorees")
    date = models.DateField("date")
    motif = models.TextField("motif")

    class Meta:
        ordering = ["serie", "date"]
        verbose_name = "date écartée d'une série"
        verbose_name_plural = "dates écartées des séries"
        constraints = [
            models.UniqueConstraint(
                fields=["serie", "date"], name="date_ignoree_unique", violation_error_message="Date déjà écartée."
            )
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} : {self.motif}"


def chemin_justificatif(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"linne/justificatifs/{timezone.localdate():%Y}/{uuid.uuid4().hex}.{extension}"


class DemandeReservation(bornes.ContraintesParChamp, Contact, Versionne):
    """What an association asks for on the public page: a room once (its booking is then a requested
    `Reservation`) or for the season, September to June (a weekly slot, up to three ranked `Voeu`).
    It waits for the régisseurs; its organisation is found or created when it is answered."""

    class Nature(models.TextChoices):
        PONCTUELLE = "ponctuelle", "Une fois"
        SAISONNIERE = "saisonniere", "Pour la saison (septembre à juin)"

    class Statut(models.TextChoices):
        RECUE = "recue", "Reçue, en attente"
        TRAITEE = "traitee", "Traitée"
        REFUSEE = "refusee", "Refusée"

    nature = models.CharField("demande", max_length=20, choices=Nature.choices)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.RECUE)
    nom_organisation = models.CharField("nom de l'association", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[valider_siret])
    rna = models.CharField("numéro RNA", max_length=10, blank=True, validators=[valider_rna])
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demandes_linne",
        help_text="Rattachée quand la demande est traitée.",
    )
    objet = models.CharField("objet", max_length=255)
    type_activite = models.CharField("type d'activité", max_length=20, choices=TypeActivite.choices)
    effectif_prevu = models.PositiveIntegerField(
        "effectif attendu", validators=[MinValueValidator(1), MaxValueValidator(CAPACITE_SALLE_MAX)]
    )
    public = models.BooleanField("événement ouvert au public", default=False)
    saison = models.PositiveIntegerField(
        "saison (année de rentrée)",
        null=True,
        blank=True,
        validators=bornes.EXERCICE,
        help_text="2026 : de septembre 2026 à juin 2027.",
    )
    # A one-off request: the room and time asked for (a seasonal one has its wishes instead).
    salle = models.ForeignKey(
        Salle,
        verbose_name="salle souhaitée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demandes_de_salle",
    )
    debut = models.DateTimeField("début", null=True, blank=True)
    fin = models.DateTimeField("fin", null=True, blank=True)
    message = models.TextField("précisions", blank=True)
    reglement_accepte_le = models.DateTimeField("règlement intérieur accepté le")
    recue_le = models.DateTimeField("reçue le", default=timezone.now, editable=False)
    # The rate limit per address reads this keyed hash of the sender's address, never the address itself.
    empreinte_adresse = models.CharField("empreinte de l'adresse", max_length=64, blank=True, editable=False)
    motif_refus = models.TextField("motif du refus", blank=True)
    traitee_le = models.DateTimeField("traitée le", null=True, blank=True)
    traitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    champs_des_contraintes = {"demande_saisonniere_a_une_saison": "saison", "demande_ponctuelle_a_un_creneau": "debut"}

    class Meta:
        ordering = ["-recue_le", "pk"]
        verbose_name = "demande de salle"
        verbose_name_plural = "demandes de salle"
        indexes = [models.Index(fields=["empreinte_adresse", "recue_le"], name="demande_linne_adresse")]
        constraints = [
            models.CheckConstraint(
                name="demande_saisonniere_a_une_saison",
                condition=Q(nature="ponctuelle") | Q(saison__isnull=False),
                violation_error_message="Indiquez la saison demandée.",
            ),
            models.CheckConstraint(
                name="demande_ponctuelle_a_un_creneau",
                condition=Q(nature="saisonniere")
                | (Q(salle__isnull=False) & Q(debut__isnull=False) & Q(fin__isnull=False) & Q(fin__gt=F("debut"))),
                violation_error_message="Indiquez la salle, le début et la fin souhaités.",
            ),
        ]

    def __str__(self):
        return f"Demande de {self.nom_organisation} du {timezone.localtime(self.recue_le):%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("linne:demande_detail", args=[self.pk])


class Voeu(bornes.ContraintesParChamp, models.Model):
    """One ranked wish of a seasonal request: a room, a weekday and hours, every week of the season.
    Allocated, it becomes a `Serie`."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        ATTRIBUE = "attribue", "Attribué"
        NON_RETENU = "non_retenu", "Non retenu"

    demande = models.ForeignKey(DemandeReservation, on_delete=models.CASCADE, related_name="voeux")
    rang = models.PositiveSmallIntegerField("rang", validators=[MinValueValidator(1), MaxValueValidator(3)])
    salle = models.ForeignKey(Salle, verbose_name="salle", on_delete=models.PROTECT, related_name="voeux")
    jour_semaine = models.PositiveSmallIntegerField("jour", choices=JOURS_SEMAINE)
    heure_debut = models.TimeField("de")
    heure_fin = models.TimeField("à")
    statut = models.CharField("statut", max_length=12, choices=Statut.choices, default=Statut.EN_ATTENTE)
    serie = models.OneToOneField(
        Serie, verbose_name="série attribuée", on_delete=models.SET_NULL, null=True, blank=True, related_name="voeu"
    )
    history = HistoricalRecords()
    champs_des_contraintes = {"voeu_fin_apres_debut": "heure_fin", "voeu_rang_unique": "rang"}

    class Meta:
        ordering = ["demande", "rang"]
        verbose_name = "vœu"
        verbose_name_plural = "vœux"
        constraints = [
            models.CheckConstraint(
                name="voeu_fin_apres_debut",
                condition=Q(heure_fin__gt=F("heure_debut")),
                violation_error_message="Le créneau doit finir après son début.",
            ),
            models.UniqueConstraint(
                fields=["demande", "rang"], name="voeu_rang_unique", violation_error_message="Ce rang est déjà pris."
            ),
        ]

    def __str__(self):
        return (
            f"Vœu {self.rang} : {self.salle}, le {self.get_jour_semaine_display()} "
            f"{self.heure_debut:%H:%M}–{self.heure_fin:%H:%M}"
        )


class Justificatif(bornes.ContraintesParChamp, models.Model):
    """A document an organisation gives to book at Espace Linné, kept with it and its validity: the
    insurance certificate (a file), the acceptance of the facility's rules (a date, for the season)."""

    class Nature(models.TextChoices):
        ASSURANCE = "assurance", "Attestation d'assurance"
        REGLEMENT = "reglement", "Acceptation du règlement intérieur"

    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="justificatifs_linne"
    )
    demande = models.ForeignKey(
        DemandeReservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="justificatifs"
    )
    fichier = models.FileField("fichier", upload_to=chemin_justificatif, max_length=255, blank=True)
    nom_fichier = models.CharField("nom du fichier", max_length=255, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    valide_du = models.DateField("valable du", validators=bornes.DATE_ECHEANCE)
    valide_jusqu_au = models.DateField("valable jusqu'au", validators=bornes.DATE_ECHEANCE)
    depose_le = models.DateTimeField("déposé le", default=timezone.now, editable=False)
    history = HistoricalRecords()
    champs_des_contraintes = {"justificatif_validite_ordonnee": "valide_jusqu_au"}

    class Meta:
        ordering = ["-valide_jusqu_au", "pk"]
        verbose_name = "justificatif"
        constraints = [
            models.CheckConstraint(
                name="justificatif_validite_ordonnee",
                condition=Q(valide_jusqu_au__gte=F("valide_du")),
                violation_error_message="La fin de validité doit suivre son début.",
            )
        ]

    def __str__(self):
        return f"{self.get_nature_display()} valable jusqu'au {self.valide_jusqu_au:%d/%m/%Y}"

    def valide_le(self, jour):
        return self.valide_du <= jour <= self.valide_jusqu_au


class ReservationQuerySet(models.QuerySet):
    def confirmees(self):
        return self.filter(statut=Reservation.Statut.CONFIRMEE)

    def actives(self):
        """Those that still hold or ask for their slot (requested or confirmed)."""
        return self.filter(statut__in=[Reservation.Statut.DEMANDEE, Reservation.Statut.CONFIRMEE])

    def entre(self, debut, fin):
        """Those that overlap the period [debut, fin[."""
        return self.filter(debut__lt=fin, fin__gt=debut)

    def bloquant(self, salle, debut_bloque, fin_bloque):
        """The confirmed bookings of `salle` whose blocked time (buffers included) meets this one."""
        return self.confirmees().filter(salle=salle, debut_bloque__lt=fin_bloque, fin_bloque__gt=debut_bloque)

    def publiques_a_venir(self, moment):
        return self.confirmees().filter(public=True, fin__gte=moment)


def arrondi_euros(montant):
    return montant.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Reservation(bornes.ContraintesParChamp, Contact, Versionne):
    """One booking of a room by an organisation, once or as an occurrence of a series."""

    class Statut(models.TextChoices):
        DEMANDEE = "demandee", "Demandée"
        CONFIRMEE = "confirmee", "Confirmée"
        REFUSEE = "refusee", "Refusée"
        ANNULEE = "annulee", "Annulée"

    salle = models.ForeignKey(Salle, verbose_name="salle", on_delete=models.PROTECT, related_name="reservations")
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, related_name="reservations_linne"
    )
    categorie = models.CharField("tarif appliqué", max_length=20, choices=Categorie.choices)
    objet = models.CharField("objet", max_length=255)
    type_activite = models.CharField("type d'activité", max_length=20, choices=TypeActivite.choices)
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    # The room's time the booking holds: its start less the set-up, its end plus the clean-up, as they
    # were when booked. The exclusion constraint and the overlap check read these two.
    debut_bloque = models.DateTimeField("début, installation comprise", editable=False)
    fin_bloque = models.DateTimeField("fin, rangement compris", editable=False)
    effectif_prevu = models.PositiveIntegerField(
        "effectif attendu", validators=[MinValueValidator(1), MaxValueValidator(CAPACITE_SALLE_MAX)]
    )
    public = models.BooleanField(
        "événement public", default=False, help_text="Annoncé dans l'agenda public de l'Espace Linné."
    )
    gratuit = models.BooleanField("mise à disposition gratuite", default=False)
    # The price list's amount for this booking, and what is charged (nothing when free): their
    # difference for an association is in-kind aid (domain-rules LOC-2).
    valeur = models.DecimalField(
        "valeur au tarif", max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )
    montant = models.DecimalField(
        "montant facturé", max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.DEMANDEE)
    motif = models.TextField("motif du refus ou de l'annulation", blank=True)
    notes_internes = models.TextField("notes internes", blank=True, help_text="Visibles du seul service.")
    serie = models.ForeignKey(
        Serie, verbose_name="série", on_delete=models.PROTECT, null=True, blank=True, related_name="reservations"
    )
    demande = models.ForeignKey(
        DemandeReservation,
        verbose_name="demande",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reservations",
    )
    rappel_envoye_le = models.DateTimeField("rappel envoyé le", null=True, blank=True, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créée le", default=timezone.now, editable=False)

    objects = ReservationQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"reservation_fin_apres_debut": "fin", "reservation_motif_si_refus": "motif"}

    class Meta:
        ordering = ["debut", "salle", "pk"]
        verbose_name = "réservation"
        indexes = [models.Index(fields=["salle", "debut_bloque"], name="reservation_salle_debut")]
        constraints = [
            models.CheckConstraint(
                name="reservation_fin_apres_debut",
                condition=Q(fin__gt=F("debut")),
                violation_error_message="La réservation doit finir après son début.",
            ),
            models.CheckConstraint(
                name="reservation_motif_si_refus",
                condition=Q(statut__in=["demandee", "confirmee"]) | ~Q(motif=""),
                violation_error_message="Indiquez le motif du refus ou de l'annulation.",
            ),
        ]

    def __str__(self):
        debut = timezone.localtime(self.debut)
        fin = timezone.localtime(self.fin)
        return f"{self.salle} — {debut:%d/%m/%Y %H:%M}–{fin:%H:%M} — {self.organisation}"

    def get_absolute_url(self):
        return reverse("linne:reservation_detail", args=[self.pk])

    @property
    def aide_en_nature(self):
        """What the city gives by lending below its price list (LOC-2): the value less what is charged."""
        return self.valeur - self.montant
