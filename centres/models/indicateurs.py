"""A centre's yearly figures (SENACS-like, domain-rules §2) and the inputs of the Cellule de Veille's
financial ratios (§6); the imports of these figures from a spreadsheet."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from roubaix_cs import bornes
from roubaix_cs.formats import montant as _euros
from roubaix_cs.locking import Versionne
from roubaix_cs.seuils import ECART_PRODUITS_MAX, VAR_MAX

from .centres import Centre


def _montant(libelle, validators=bornes.INDICATEUR, **kwargs):
    return models.DecimalField(
        libelle, max_digits=12, decimal_places=2, default=Decimal("0"), validators=validators, **kwargs
    )


def _personnes(libelle, validators=bornes.PERSONNES_CENTRE, **kwargs):
    return models.PositiveIntegerField(libelle, default=0, validators=validators, **kwargs)


class IndicateursAnnuelsQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """The indicators of the centres `user` sees (a partner: those of its organisation's centres)."""
        return self.filter(centre__in=Centre.objects.visibles_par(user))


class AvisCommissaire(models.TextChoices):
    SANS_RESERVE = "sans_reserve", "Comptes certifiés sans réserve"
    AVEC_RESERVES = "avec_reserves", "Comptes certifiés avec réserves"
    REFUS = "refus", "Refus de certifier"
    IMPOSSIBILITE = "impossibilite", "Impossibilité de certifier"


class IndicateursAnnuels(bornes.ContraintesParChamp, Versionne):
    centre = models.ForeignKey(Centre, verbose_name="centre", on_delete=models.CASCADE, related_name="indicateurs")
    annee = models.PositiveIntegerField(
        "année", help_text="L'exercice dont ce sont les chiffres.", validators=bornes.EXERCICE
    )
    # Publics
    usagers = _personnes("usagers distincts")
    familles_adherentes = _personnes("familles adhérentes")
    adherents = _personnes("adhérents", help_text="Personnes à jour de leur adhésion, familles comprises.")
    # Dynamiques partenariales
    partenaires = _personnes(
        "partenaires opérationnels",
        help_text="Institutions, associations, écoles… avec qui le centre mène des actions.",
    )
    associations_accueillies = _personnes("associations accueillies", help_text="Hébergées ou domiciliées au centre.")
    # Vitalité démocratique
    administrateurs = _personnes("administrateurs")
    benevoles = _personnes("bénévoles d'activité")
    reunions_ca = _personnes("réunions du conseil d'administration", bornes.REUNIONS_PAR_AN)
    heures_benevolat = _personnes("heures de bénévolat", bornes.HEURES_BENEVOLAT)
    # Ressources humaines
    salaries = _personnes("salariés au 31/12")
    etp = models.DecimalField(
        "équivalents temps plein (ETP)",
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=bornes.ETP_CENTRE,
    )
    # Compte de résultat
    charges_total = _montant("total des charges (€)")
    charges_exploitation = _montant("charges d'exploitation (€)")
    dotations_amortissements = _montant("dotations aux amortissements (€)")
    masse_salariale = _montant("masse salariale (€)")
    produits_total = _montant("total des produits (€)")
    produits_ville = _montant("produits de la Ville (€)")
    produits_caf = _montant("produits de la CAF (€)")
    produits_departement = _montant("produits du Département (€)")
    produits_etat = _montant("produits de l'État (€)")
    produits_autres = _montant("autres produits (€)", help_text="Autres financeurs, participations des usagers…")
    contributions_nature = _montant("contributions volontaires en nature (€)")
    # Bilan et trésorerie
    tresorerie = _montant("disponibilités et valeurs mobilières de placement (€)", bornes.INDICATEUR_SIGNE)
    decouverts_bancaires = _montant("découverts bancaires (€)")
    fonds_propres = _montant("fonds propres (€)", bornes.INDICATEUR_SIGNE)
    ressources_stables = _montant("ressources stables (€)", bornes.INDICATEUR_SIGNE)
    immobilisations_nettes = _montant("immobilisations nettes (€)")
    dettes_sociales_echues = _montant(
        "dettes sociales et fiscales échues (€)", help_text="URSSAF, impôts… non payés à l'échéance."
    )
    subventions_a_recevoir = _montant("subventions à recevoir (€)")
    # The auditor's report on the year's accounts (domain-rules §6, governance signals).
    avis_commissaire = models.CharField(
        "avis du commissaire aux comptes", max_length=20, choices=AvisCommissaire.choices, blank=True
    )
    procedure_alerte = models.BooleanField(
        "procédure d'alerte du commissaire aux comptes engagée",
        default=False,
        help_text="Article L612-3 du code de commerce.",
    )
    notes_internes = models.TextField("notes internes", blank=True)

    objects = IndicateursAnnuelsQuerySet.as_manager()
    history = HistoricalRecords()
    champs_des_contraintes = {"indicateurs_unique_par_centre_et_annee": "annee"}

    # The figures, in the order of the form, the list's export and the import's columns.
    # The whole numbers: head-counts, meetings, hours.
    ENTIERS = [
        "usagers",
        "familles_adherentes",
        "adherents",
        "partenaires",
        "associations_accueillies",
        "administrateurs",
        "benevoles",
        "reunions_ca",
        "heures_benevolat",
        "salaries",
    ]
    PRODUITS_PAR_FINANCEUR = [
        "produits_ville",
        "produits_caf",
        "produits_departement",
        "produits_etat",
        "produits_autres",
    ]
    CHIFFRES = [
        *ENTIERS,
        "etp",
        "charges_total",
        "charges_exploitation",
        "dotations_amortissements",
        "masse_salariale",
        "produits_total",
        *PRODUITS_PAR_FINANCEUR,
        "contributions_nature",
        "tresorerie",
        "decouverts_bancaires",
        "fonds_propres",
        "ressources_stables",
        "immobilisations_nettes",
        "dettes_sociales_echues",
        "subventions_a_recevoir",
    ]
    # SEN-4: the figures whose jump from one year to the next is reported.
    SUIVIS_D_UNE_ANNEE_A_L_AUTRE = ["charges_total", "etp", "usagers"]

    class Meta:
        ordering = ["-annee", "centre__nom"]
        verbose_name = "indicateurs annuels"
        verbose_name_plural = "indicateurs annuels"
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "annee"],
                name="indicateurs_unique_par_centre_et_annee",
                violation_error_message="Ce centre a déjà des indicateurs pour cette année : modifiez-les.",
            )
        ]

    def __str__(self):
        return f"Indicateurs {self.annee}"

    def get_absolute_url(self):
        return reverse("centres:detail", args=[self.centre_id]) + "?onglet=indicateurs"

    @property
    def resultat(self):
        return self.produits_total - self.charges_total

    @property
    def somme_produits_financeurs(self):
        return sum((getattr(self, nom) for nom in self.PRODUITS_PAR_FINANCEUR), Decimal("0"))

    def avertissements(self, precedent=None):
        """[(field, French message)]: the checks that warn without blocking (SEN-2, SEN-3, SEN-4 against
        `precedent`, the centre's figures of the year before, when known)."""
        resultats = []
        somme = self.somme_produits_financeurs
        if abs(somme - self.produits_total) > ECART_PRODUITS_MAX:
            resultats.append(
                (
                    "produits_total",
                    f"La somme des produits par financeur ({_euros(somme)}) diffère du total des produits "
                    f"({_euros(self.produits_total)}) de plus de {_euros(ECART_PRODUITS_MAX)}.",
                )
            )
        if self.etp > self.salaries:
            resultats.append(("etp", f"Plus d'équivalents temps plein ({self.etp}) que de salariés ({self.salaries})."))
        if self.administrateurs > self.benevoles:
            resultats.append(
                (
                    "administrateurs",
                    f"Plus d'administrateurs ({self.administrateurs}) que de bénévoles ({self.benevoles}).",
                )
            )
        if precedent is not None:
            for nom in self.SUIVIS_D_UNE_ANNEE_A_L_AUTRE:
                avant, apres = Decimal(getattr(precedent, nom)), Decimal(getattr(self, nom))
                if variation_excessive(avant, apres):
                    libelle = self._meta.get_field(nom).verbose_name
                    resultats.append(
                        (
                            nom,
                            f"{libelle.capitalize()} : {_pourcentage(avant, apres)} par rapport à {precedent.annee}, "
                            f"plus de {VAR_MAX} % d'une année sur l'autre.",
                        )
                    )
        return resultats


def variation_excessive(avant, apres):
    """SEN-4: a change of more than VAR_MAX % (exactly VAR_MAX % is not); no base (0) compares nothing."""
    if not avant:
        return False
    return abs(apres - avant) * 100 > VAR_MAX * abs(avant)


def _pourcentage(avant, apres):
    taux = (apres - avant) * 100 / abs(avant)
    return f"{taux:+.1f} %".replace(".", ",")


def chemin_import(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/indicateurs/{uuid.uuid4().hex}.{extension}"


class ImportIndicateurs(models.Model):
    """A spreadsheet of indicators uploaded by the team: analysed (every error and warning, nothing
    written), then, once confirmed, written all at once, in the background when it is large."""

    class Statut(models.TextChoices):
        A_CONFIRMER = "a_confirmer", "À confirmer"
        A_CORRIGER = "a_corriger", "Erreurs à corriger"
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        ECHEC = "echec", "Échec"

    fichier = models.FileField("fichier", upload_to=chemin_import, max_length=255)
    nom_original = models.CharField("nom du fichier", max_length=255)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.A_CONFIRMER)
    deposee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deposee_le = models.DateTimeField("déposé le", auto_now_add=True)
    lignes = models.PositiveIntegerField("lignes", default=0)
    traitees = models.PositiveIntegerField("lignes traitées", default=0)
    # The analysis shown on the preview: {"erreurs": [[row, column, message]], "avertissements": [...],
    # "mises_a_jour": [[row, message]]}.
    rapport = models.JSONField("analyse", default=dict, blank=True)
    erreur = models.TextField("erreur", blank=True)
    debut = models.DateTimeField("commencé le", null=True, blank=True)
    fin = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        ordering = ["-deposee_le", "-pk"]
        verbose_name = "import d'indicateurs"
        verbose_name_plural = "imports d'indicateurs"

    def __str__(self):
        return f"Import « {self.nom_original} » ({self.get_statut_display()})"

    def get_absolute_url(self):
        return reverse("centres:indicateurs_import", args=[self.pk])

    @property
    def en_cours(self):
        return self.statut in (self.Statut.EN_ATTENTE, self.Statut.EN_COURS)

    @property
    def progression(self):
        return round(100 * self.traitees / self.lignes) if self.lignes else 0
