"""Plausible bounds of what users type, each named once with its reason.

A value outside these bounds is a typing error (an extra zero, a year 2205, a date in 1900), not a
case to handle: the model fields carry these validators, so every form, the admin and the services
refuse it with the same French message next to the field. They are practice, not law: widen one
here, with its reason, when a real case exceeds it.

The bounds that depend on today are computed when a value is checked, never at import time
(a server runs for months), and are deconstructible so that migrations can name them.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import router
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from roubaix_cs import formats

# --- Years ------------------------------------------------------------------------------------
# A financial year (exercice) typed on a request, a budget line, a commitment, an evaluation, an
# assembly: the service still handles the last ten years (archives, late financial reports, the
# 10-year retention of accounting documents, C. com. L123-22) and prepares at most the next two.
EXERCICE_RECUL_ANS = 10
EXERCICE_AVANCE_ANS = 2

# --- Dates ------------------------------------------------------------------------------------
# An association's creation, a lease or a document's validity can be old: not before the law of
# 1 July 1901 on associations.
DEPUIS_LOI_1901 = datetime.date(1901, 7, 1)
# The life of the service (a request's receipt, a convention's start, a session, a vote, an
# agrément, a visit, a payment…): nothing of it predates 2000 (CNAF circulars, loi 2000-321).
DEPUIS_2000 = datetime.date(2000, 1, 1)
# Events planned ahead (a session, a convention's start, an agrément, a safety commission):
# at most five years ahead, the longest CAF agrément (4 years) and a margin.
AVANCE_EVENEMENT_ANS = 5
# The end of what lasts (a convention, an agrément, works): at most ten years ahead, two CPOM of
# four years (circulaire n° 5811/SG) and a margin.
AVANCE_ECHEANCE_ANS = 10
# The end of a lease: a long lease (bail emphytéotique) lasts up to 99 years (C. rural L451-1).
AVANCE_BAIL_ANS = 99

# --- Amounts ----------------------------------------------------------------------------------
# One grant to a centre (requested, proposed, voted, committed, set by an avenant, paid): the
# city spends a few million euros a year on its ten social centres; 5 M€ for one centre is more
# than all of it, so it is a typing error.
MONTANT_MAX_AIDE = Decimal("5000000")
# One budget line, its credits or one amendment (décision modificative): 20 M€, several times the
# city's yearly envelope for the centres and their equipment.
MONTANT_MAX_BUDGET = Decimal("20000000")
# The rental value, rent or charges of one premises for a year: 1 M€, far above any centre's
# building (a large one is worth a few tens of thousands of euros a year).
MONTANT_MAX_LOCAL = Decimal("1000000")
# The budget of one works operation on a premises: 20 M€, a full rebuilding of a large centre.
MONTANT_MAX_TRAVAUX = Decimal("20000000")
# What an organisation declares for a year (its revenue, its other public grants, the lines of its
# financial report): 100 M€, far above any social centre or federation of centres.
MONTANT_MAX_ORGANISME = Decimal("100000000")
# A social centre's yearly figures (its charges, produits, cash, own funds, debts): 100 M€, like
# what an organisation declares for a year (MONTANT_MAX_ORGANISME); own funds and cash may be
# negative (a centre in difficulty), down to the same bound.
MONTANT_MAX_INDICATEUR = MONTANT_MAX_ORGANISME
# A surface: 50 000 m², far above any social centre's premises.
SURFACE_MAX_M2 = Decimal("50000")

# --- Head-counts ------------------------------------------------------------------------------
# Members present, proxies and votes never exceed the council's legal size (CGCT L2121-2), the
# setting CONSEIL_MUNICIPAL_MEMBRES (53 at Roubaix); a council has at least one member.
CONSEIL_MEMBRES_MIN = 1
# Minors and staff counted at an inspection of a holiday centre: 1 000, far above any centre's.
EFFECTIF_ACCUEIL_MAX = 1000
# The people a social centre counts in a year (distinct users, member families, volunteers,
# administrators, employees): 100 000, more than the city's population (98 000), so a typing error.
PERSONNES_CENTRE_MAX = 100_000
# A board that met every day of the year.
REUNIONS_PAR_AN_MAX = 366
# A centre's volunteer hours in a year: 1 000 000, some 600 full-time years of work, far above any centre's.
HEURES_BENEVOLAT_MAX = 1_000_000
# A centre's full-time equivalents: 1 000, far above the largest centre's few dozen.
ETP_CENTRE_MAX = Decimal("1000")


def aujourdhui():
    return timezone.localdate()


def _an(jour, ans):
    """`jour` moved by `ans` years (29 February becomes 28 February)."""
    try:
        return jour.replace(year=jour.year + ans)
    except ValueError:
        return jour.replace(year=jour.year + ans, day=28)


@deconstructible
class ExerciceDansLaFenetre:
    """A financial year between today's year − `recul` and today's year + `avance`."""

    def __init__(self, recul=EXERCICE_RECUL_ANS, avance=EXERCICE_AVANCE_ANS, depuis=None):
        self.recul, self.avance, self.depuis = recul, avance, depuis

    def bornes(self):
        annee = aujourdhui().year
        return (self.depuis.year if self.depuis else annee - self.recul), annee + self.avance

    def __call__(self, valeur):
        if valeur is None:
            return
        premier, dernier = self.bornes()
        if not premier <= valeur <= dernier:
            raison = (
                f"au plus {self.avance} ans après cette année"
                if self.depuis
                else f"le service traite les {self.recul} dernières années et prépare au plus les {self.avance} "
                "suivantes"
            )
            raise ValidationError(
                f"Indiquez une année entre {premier} et {dernier} : {raison}.", code="annee_hors_fenetre"
            )

    def __eq__(self, autre):
        return isinstance(autre, ExerciceDansLaFenetre) and (self.recul, self.avance, self.depuis) == (
            autre.recul,
            autre.avance,
            autre.depuis,
        )


@deconstructible
class DatePlausible:
    """A date not before `depuis` nor more than `avance` years after today."""

    def __init__(self, depuis=DEPUIS_2000, avance=AVANCE_EVENEMENT_ANS):
        self.depuis, self.avance = depuis, avance

    def bornes(self):
        return self.depuis, _an(aujourdhui(), self.avance)

    def __call__(self, valeur):
        if valeur is None:
            return
        premier, dernier = self.bornes()
        if valeur < premier:
            raise ValidationError(
                f"Cette date est antérieure au {premier:%d/%m/%Y} : vérifiez l'année.",
                code="date_trop_ancienne",
            )
        if valeur > dernier:
            raise ValidationError(
                f"Cette date est postérieure au {dernier:%d/%m/%Y}, plus de {self.avance} ans après "
                "aujourd'hui : vérifiez l'année.",
                code="date_trop_lointaine",
            )

    def __eq__(self, autre):
        return isinstance(autre, DatePlausible) and (self.depuis, self.avance) == (autre.depuis, autre.avance)


@deconstructible
class AuPlusLeConseil:
    """A head-count (present, proxies, votes) at most the council's legal size, read from the
    settings when checked (CONSEIL_MUNICIPAL_MEMBRES)."""

    def __call__(self, valeur):
        if valeur is not None and valeur > settings.CONSEIL_MUNICIPAL_MEMBRES:
            raise ValidationError(
                f"Au plus {settings.CONSEIL_MUNICIPAL_MEMBRES} : le conseil municipal compte "
                f"{settings.CONSEIL_MUNICIPAL_MEMBRES} membres (CGCT L2121-2).",
                code="au_dela_du_conseil",
            )

    def __eq__(self, autre):
        return isinstance(autre, AuPlusLeConseil)


def positif(message="Le montant ne peut pas être négatif."):
    return MinValueValidator(Decimal("0"), message=message)


def plafond(maximum, quoi):
    """Refuse an amount above `maximum`, saying what it is the ceiling of."""
    return MaxValueValidator(
        maximum,
        message=f"Au-delà de {formats.montant(maximum)} pour {quoi}, c'est sans doute une erreur de saisie : "
        "vérifiez le nombre de chiffres.",
    )


def montant(maximum, quoi):
    """The validators of an amount: not negative, at most `maximum` (what it is, in words)."""
    return [positif(), plafond(maximum, quoi)]


# Validators named once per kind, used by the model fields.
EXERCICE = [ExerciceDansLaFenetre()]
# The years of a convention's commitments and objectives: up to its end (a CPOM of four years signed
# today for next year ends five years ahead; an avenant may extend it).
ANNEE_CONVENTION = [ExerciceDansLaFenetre(avance=AVANCE_ECHEANCE_ANS)]
ANNEE_ANCIENNE = [ExerciceDansLaFenetre(depuis=DEPUIS_LOI_1901)]
DATE_ACTIVITE = [DatePlausible()]
DATE_ECHEANCE = [DatePlausible(avance=AVANCE_ECHEANCE_ANS)]
DATE_ANCIENNE = [DatePlausible(depuis=DEPUIS_LOI_1901)]
DATE_FIN_BAIL = [DatePlausible(depuis=DEPUIS_LOI_1901, avance=AVANCE_BAIL_ANS)]
AIDE = montant(MONTANT_MAX_AIDE, "une aide à un centre")
LOCAL = montant(MONTANT_MAX_LOCAL, "un local et une année")
ORGANISME = montant(MONTANT_MAX_ORGANISME, "un organisme et une année")
BUDGET = montant(MONTANT_MAX_BUDGET, "une ligne budgétaire")
DECISION_MODIFICATIVE = [
    MinValueValidator(-MONTANT_MAX_BUDGET, message=plafond(MONTANT_MAX_BUDGET, "une décision modificative").message),
    plafond(MONTANT_MAX_BUDGET, "une décision modificative"),
]
INDICATEUR = montant(MONTANT_MAX_INDICATEUR, "un chiffre annuel d'un centre")
INDICATEUR_SIGNE = [
    MinValueValidator(
        -MONTANT_MAX_INDICATEUR, message=plafond(MONTANT_MAX_INDICATEUR, "un chiffre annuel d'un centre").message
    ),
    plafond(MONTANT_MAX_INDICATEUR, "un chiffre annuel d'un centre"),
]
PERSONNES_CENTRE = [
    MaxValueValidator(
        PERSONNES_CENTRE_MAX,
        message=f"Au-delà de {PERSONNES_CENTRE_MAX:_} personnes".replace("_", " ")
        + ", plus que la population de la ville : vérifiez le nombre saisi.",
    )
]
REUNIONS_PAR_AN = [
    MaxValueValidator(
        REUNIONS_PAR_AN_MAX, message=f"Au-delà de {REUNIONS_PAR_AN_MAX} réunions par an, vérifiez le nombre saisi."
    )
]
HEURES_BENEVOLAT = [
    MaxValueValidator(
        HEURES_BENEVOLAT_MAX,
        message=f"Au-delà de {HEURES_BENEVOLAT_MAX:_} heures de bénévolat par an".replace("_", " ")
        + ", vérifiez le nombre saisi.",
    )
]
ETP_CENTRE = [
    MinValueValidator(Decimal("0"), message="Le nombre d'équivalents temps plein ne peut pas être négatif."),
    MaxValueValidator(ETP_CENTRE_MAX, message=f"Au-delà de {ETP_CENTRE_MAX} ETP, vérifiez le nombre saisi."),
]
TRAVAUX = montant(MONTANT_MAX_TRAVAUX, "une opération de travaux")
SURFACE = [
    positif("La surface ne peut pas être négative."),
    MaxValueValidator(SURFACE_MAX_M2, message=f"Au-delà de {SURFACE_MAX_M2} m², vérifiez la surface saisie."),
]
TETES_DU_CONSEIL = [AuPlusLeConseil()]
MEMBRES_DU_CONSEIL = [
    MinValueValidator(CONSEIL_MEMBRES_MIN, message="Un conseil municipal compte au moins un membre en exercice."),
    AuPlusLeConseil(),
]
EFFECTIF = [
    MaxValueValidator(EFFECTIF_ACCUEIL_MAX, message=f"Au-delà de {EFFECTIF_ACCUEIL_MAX}, vérifiez l'effectif saisi.")
]


class ContraintesParChamp:
    """Model mixin: the error of a database constraint shown next to the field it is about
    (`champs_des_contraintes`: constraint name → field), not at the top of the form."""

    champs_des_contraintes = {}

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        erreurs = {}
        for modele, contraintes in self.get_constraints():
            for contrainte in contraintes:
                try:
                    contrainte.validate(modele, self, exclude=exclude, using=using)
                except ValidationError as erreur:
                    champ = self.champs_des_contraintes.get(contrainte.name)
                    if champ is None and getattr(erreur, "code", None) == "unique" and len(contrainte.fields) == 1:
                        champ = contrainte.fields[0]
                    if champ and champ not in (exclude or ()):
                        erreurs.setdefault(champ, []).append(erreur)
                    else:
                        erreurs.setdefault(NON_FIELD_ERRORS, []).append(erreur)
        if erreurs:
            raise ValidationError(erreurs)
