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
from roubaix_cs.generations import Generation
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
    # Said by the association on the public form; accepting the request marks its organisation (the
    # statistics' share of bookings given to the priority neighbourhoods).
    quartier_prioritaire = models.BooleanField("active dans un quartier prioritaire (QPV)", default=False)
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


# --- L'exploitation (issue 18): attendance and its statistics' snapshot, the yearly evaluation, the
# régisseurs' rota, and the safety register of the building (an établissement recevant du public).


class Frequentation(bornes.ContraintesParChamp, models.Model):
    """What happened at one past confirmed booking (attendance counted, or the organisation did not come),
    and the snapshot of the booking that the statistics read: room, organisation, times, kind, value. The
    snapshot holds no contact, so the statistics survive the erasure of a contact's personal data
    (`linne.retention`) and even the booking's removal. Written only by `linne.frequentation`."""

    reservation = models.OneToOneField(
        Reservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="frequentation"
    )
    salle = models.ForeignKey(Salle, verbose_name="salle", on_delete=models.PROTECT, related_name="frequentations")
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation_nom = models.CharField("organisation", max_length=200)
    nature_organisation = models.CharField("nature de l'organisation", max_length=20)
    quartier_prioritaire = models.BooleanField("organisation active en quartier prioritaire", default=False)
    categorie = models.CharField("tarif appliqué", max_length=20, choices=Categorie.choices)
    type_activite = models.CharField("type d'activité", max_length=20, choices=TypeActivite.choices)
    public = models.BooleanField("événement public", default=False)
    date = models.DateField("date")
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    duree_heures = models.DecimalField("durée (heures)", max_digits=5, decimal_places=2)
    valeur = models.DecimalField("valeur au tarif", max_digits=12, decimal_places=2, default=Decimal("0"))
    montant = models.DecimalField("montant facturé", max_digits=12, decimal_places=2, default=Decimal("0"))
    effectif_prevu = models.PositiveIntegerField("effectif attendu")
    effectif_reel = models.PositiveIntegerField(
        "personnes présentes",
        null=True,
        blank=True,
        validators=[MaxValueValidator(CAPACITE_SALLE_MAX)],
    )
    absence = models.BooleanField("l'organisation n'est pas venue", default=False)
    saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saisie_le = models.DateTimeField("saisie le", null=True, blank=True)
    figee_le = models.DateTimeField("instantané pris le", default=timezone.now, editable=False)

    history = HistoricalRecords()
    champs_des_contraintes = {"frequentation_absence_sans_effectif": "effectif_reel"}

    class Meta:
        ordering = ["debut", "salle", "pk"]
        verbose_name = "fréquentation"
        indexes = [models.Index(fields=["date", "salle"], name="frequentation_date_salle")]
        constraints = [
            models.CheckConstraint(
                name="frequentation_absence_sans_effectif",
                condition=Q(absence=False) | Q(effectif_reel__isnull=True) | Q(effectif_reel=0),
                violation_error_message="Une organisation absente n'a personne de présent.",
            ),
        ]

    def __str__(self):
        return f"{self.salle} — {timezone.localtime(self.debut):%d/%m/%Y %H:%M} — {self.organisation_nom}"

    @property
    def saisie(self):
        """Whether the attendance has been recorded (a count or a no-show)."""
        return self.absence or self.effectif_reel is not None


class Evaluation(bornes.ContraintesParChamp, Versionne):
    """The yearly evaluation of the facility's project: the responsable's text beside the figures of the
    year (`linne.evaluation` computes them), rendered as a PDF in the background with its versions."""

    annee = models.PositiveIntegerField("année", unique=True, validators=bornes.EXERCICE)
    bilan = models.TextField("bilan de l'année", blank=True)
    perspectives = models.TextField("perspectives", blank=True)
    modifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    modifiee_le = models.DateTimeField("modifiée le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-annee"]
        verbose_name = "évaluation annuelle"
        verbose_name_plural = "évaluations annuelles"

    def __str__(self):
        return f"Évaluation de l'Espace Linné {self.annee}"


def chemin_evaluation(instance, filename):
    return f"linne/evaluations/{instance.annee}/evaluation-linne-{instance.annee}-v{instance.numero}.pdf"


class VersionEvaluation(models.Model):
    """One generated PDF of a year's evaluation, numbered per year and kept."""

    annee = models.PositiveIntegerField("année", validators=bornes.EXERCICE)
    numero = models.PositiveIntegerField("version")
    fichier = models.FileField("fichier", upload_to=chemin_evaluation, max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    generee_le = models.DateTimeField("générée le", auto_now_add=True)
    generee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-annee", "-numero"]
        verbose_name = "version de l'évaluation"
        verbose_name_plural = "versions de l'évaluation"
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "numero"],
                name="version_evaluation_linne_unique",
                violation_error_message="Version en double.",
            )
        ]

    def __str__(self):
        return f"Évaluation de l'Espace Linné {self.annee} v{self.numero}"


class GenerationEvaluation(Generation):
    """A job rendering a year's evaluation PDF, and its visible status."""

    annee = models.PositiveIntegerField("année", validators=bornes.EXERCICE)
    version = models.OneToOneField(
        VersionEvaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="generation"
    )

    class Meta(Generation.Meta):
        verbose_name = "génération de l'évaluation"
        verbose_name_plural = "générations de l'évaluation"


class CreneauQuerySet(models.QuerySet):
    def entre(self, debut, fin):
        return self.filter(debut__lt=fin, fin__gt=debut)


class Creneau(bornes.ContraintesParChamp, models.Model):
    """A régisseur's shift on site. The shifts must cover the opening hours and every confirmed booking,
    two people during a booking expecting more than `seuils.EFFECTIF_DEUX_REGISSEURS` (`linne.planning`
    computes what is left uncovered). Written only by `linne.planning`."""

    regisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="régisseur",
        on_delete=models.PROTECT,
        related_name="creneaux_linne",
        limit_choices_to={"role": "regisseur", "is_active": True},
    )
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    note = models.CharField("note", max_length=200, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now, editable=False)

    objects = CreneauQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"creneau_fin_apres_debut": "fin"}

    class Meta:
        ordering = ["debut", "regisseur", "pk"]
        verbose_name = "créneau de régisseur"
        verbose_name_plural = "créneaux de régisseurs"
        indexes = [models.Index(fields=["debut", "fin"], name="creneau_debut_fin")]
        constraints = [
            models.CheckConstraint(
                name="creneau_fin_apres_debut",
                condition=Q(fin__gt=F("debut")),
                violation_error_message="Le créneau doit finir après son début.",
            ),
        ]

    def __str__(self):
        debut = timezone.localtime(self.debut)
        fin = timezone.localtime(self.fin)
        return f"{self.regisseur} — {debut:%d/%m/%Y %H:%M}–{fin:%H:%M}"


class CreneauType(bornes.ContraintesParChamp, models.Model):
    """A shift of the template week, copied into a chosen week by `linne.planning.copier_semaine_type`."""

    regisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="régisseur",
        on_delete=models.CASCADE,
        related_name="creneaux_types_linne",
        limit_choices_to={"role": "regisseur", "is_active": True},
    )
    jour_semaine = models.PositiveSmallIntegerField("jour", choices=JOURS_SEMAINE)
    heure_debut = models.TimeField("de")
    heure_fin = models.TimeField("à")

    history = HistoricalRecords()
    champs_des_contraintes = {"creneau_type_fin_apres_debut": "heure_fin"}

    class Meta:
        ordering = ["jour_semaine", "heure_debut", "regisseur", "pk"]
        verbose_name = "créneau de la semaine type"
        verbose_name_plural = "créneaux de la semaine type"
        constraints = [
            models.CheckConstraint(
                name="creneau_type_fin_apres_debut",
                condition=Q(heure_fin__gt=F("heure_debut")),
                violation_error_message="Le créneau doit finir après son début.",
            ),
        ]

    def __str__(self):
        return f"{self.get_jour_semaine_display()} {self.heure_debut:%H:%M}–{self.heure_fin:%H:%M} — {self.regisseur}"


class TypeControle(bornes.ContraintesParChamp, models.Model):
    """A periodic check the safety rules require of the building (data: migration 0004 brings the usual
    ones with their article of the ERP safety rules; the service adds or adjusts them)."""

    nom = models.CharField("contrôle", max_length=150, unique=True)
    periodicite_mois = models.PositiveSmallIntegerField(
        "périodicité (mois)", validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    reference = models.CharField("texte applicable", max_length=255, blank=True)
    intervenant = models.CharField(
        "qui le fait", max_length=150, blank=True, help_text="Technicien compétent, organisme agréé…"
    )
    actif = models.BooleanField("suivi", default=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ordre", "nom"]
        verbose_name = "type de contrôle de sécurité"
        verbose_name_plural = "types de contrôle de sécurité"

    def __str__(self):
        return self.nom


class Controle(bornes.ContraintesParChamp, models.Model):
    """One periodic check done (register of safety: date, who, result, observations)."""

    class Resultat(models.TextChoices):
        CONFORME = "conforme", "Conforme"
        OBSERVATIONS = "observations", "Conforme avec observations"
        NON_CONFORME = "non_conforme", "Non conforme"

    type_controle = models.ForeignKey(
        TypeControle, verbose_name="contrôle", on_delete=models.PROTECT, related_name="controles"
    )
    date = models.DateField("date", validators=bornes.DATE_ACTIVITE)
    intervenant = models.CharField("intervenant", max_length=200)
    resultat = models.CharField("résultat", max_length=20, choices=Resultat.choices)
    observations = models.TextField("observations", blank=True)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saisi_le = models.DateTimeField("saisi le", default=timezone.now, editable=False)

    history = HistoricalRecords()
    champs_des_contraintes = {"controle_observations_si_reserve": "observations"}

    class Meta:
        ordering = ["-date", "type_controle", "-pk"]
        verbose_name = "contrôle de sécurité"
        verbose_name_plural = "contrôles de sécurité"
        constraints = [
            models.CheckConstraint(
                name="controle_observations_si_reserve",
                condition=Q(resultat="conforme") | ~Q(observations=""),
                violation_error_message="Notez les observations ou les non-conformités relevées.",
            ),
        ]

    def __str__(self):
        return f"{self.type_controle} — {self.date:%d/%m/%Y}"


class VisiteCommission(bornes.ContraintesParChamp, models.Model):
    """A visit of the safety commission (commission communale de sécurité) and its opinion."""

    class Nature(models.TextChoices):
        PERIODIQUE = "periodique", "Visite périodique"
        RECEPTION = "reception", "Visite de réception (travaux)"
        INOPINEE = "inopinee", "Visite inopinée"

    class Avis(models.TextChoices):
        FAVORABLE = "favorable", "Avis favorable"
        DEFAVORABLE = "defavorable", "Avis défavorable"

    date = models.DateField("date", validators=bornes.DATE_ACTIVITE)
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    avis = models.CharField("avis", max_length=20, choices=Avis.choices)
    prescriptions = models.TextField("prescriptions", blank=True)
    prochaine_visite = models.DateField("prochaine visite", null=True, blank=True, validators=bornes.DATE_ECHEANCE)
    saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    champs_des_contraintes = {"visite_commission_prochaine_apres": "prochaine_visite"}

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "visite de la commission de sécurité"
        verbose_name_plural = "visites de la commission de sécurité"
        constraints = [
            models.CheckConstraint(
                name="visite_commission_prochaine_apres",
                condition=Q(prochaine_visite__isnull=True) | Q(prochaine_visite__gt=F("date")),
                violation_error_message="La prochaine visite vient après celle-ci.",
            ),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} du {self.date:%d/%m/%Y} — {self.get_avis_display()}"


class Incident(bornes.ContraintesParChamp, Versionne):
    """An incident in the building (accident, start of fire, evacuation, damage…) and its follow-up."""

    class Nature(models.TextChoices):
        ACCIDENT = "accident", "Accident de personne"
        MALAISE = "malaise", "Malaise"
        INCENDIE = "incendie", "Départ de feu ou alarme"
        EVACUATION = "evacuation", "Évacuation"
        DEGRADATION = "degradation", "Dégradation"
        INTRUSION = "intrusion", "Intrusion ou vol"
        TECHNIQUE = "technique", "Panne technique"
        AUTRE = "autre", "Autre"

    class Statut(models.TextChoices):
        OUVERT = "ouvert", "Suivi en cours"
        CLOS = "clos", "Clos"

    survenu_le = models.DateTimeField("survenu le")
    salle = models.ForeignKey(
        Salle, verbose_name="salle", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    reservation = models.ForeignKey(
        Reservation,
        verbose_name="pendant la réservation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    description = models.TextField("description", help_text="Les faits, sans nommer les personnes concernées.")
    mesures_immediates = models.TextField("mesures prises sur le moment", blank=True)
    secours_appeles = models.BooleanField("secours appelés", default=False)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.OUVERT)
    clos_le = models.DateField("clos le", null=True, blank=True)
    declare_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declare_le = models.DateTimeField("déclaré le", default=timezone.now, editable=False)

    history = HistoricalRecords()
    champs_des_contraintes = {"incident_clos_avec_date": "clos_le"}

    class Meta:
        ordering = ["-survenu_le", "-pk"]
        verbose_name = "incident"
        constraints = [
            models.CheckConstraint(
                name="incident_clos_avec_date",
                condition=Q(statut__exact="ouvert", clos_le__isnull=True)
                | Q(statut__exact="clos", clos_le__isnull=False),
                violation_error_message="Un incident clos a sa date de clôture, un incident suivi n'en a pas.",
            ),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} du {timezone.localtime(self.survenu_le):%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("linne:incident_detail", args=[self.pk])


class ActionIncident(bornes.ContraintesParChamp, models.Model):
    """A follow-up action of an incident: what, who, by when, done when."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    libelle = models.CharField("action", max_length=255)
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="qui s'en charge",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    echeance = models.DateField("pour le", validators=bornes.DATE_ECHEANCE)
    faite_le = models.DateField("faite le", null=True, blank=True, validators=bornes.DATE_ACTIVITE)

    history = HistoricalRecords()
    # Its alert goes to who takes it on (pilotage.alertes), besides the responsables (linne.deadlines).
    REFERENTS_DES_ALERTES = ("responsable",)

    class Meta:
        ordering = ["echeance", "pk"]
        verbose_name = "action de suivi"
        verbose_name_plural = "actions de suivi"

    def __str__(self):
        return self.libelle
