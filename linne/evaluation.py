"""The yearly evaluation of the Espace Linné's project (issue 18): the head of service writes, every year, a
review and the outlook of the facility beside the figures of the year, which this module gathers: the
statistics per room and month (`linne.statistiques`), the partnerships (the organisations hosted, with
their bookings and hours, the recurring partners, the centres sociaux), the public events, and the value
of the in-kind aid the city gave by lending rooms free or below their price (LOC-2, read through
`linne.aides_en_nature`, never recomputed here). A fixed number of queries whatever the data.

The texts are saved under optimistic locking (`Evaluation` is `Versionne`), with their history; the PDF is
rendered in the background like the yearly report of the steering committee (`roubaix_cs.generations`):
each generation that succeeds stores a new numbered version of the year.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from centres.models import Centre
from comptes.models import Organisation
from roubaix_cs import bornes, generations, graphiques
from roubaix_cs.history import changements_depuis
from roubaix_cs.locking import ConflitEdition
from roubaix_cs.pdf import render_pdf

from . import aides_en_nature, statistiques
from .models import Evaluation, Frequentation, GenerationEvaluation, Reservation, VersionEvaluation

ZERO = Decimal("0")
GABARIT_PDF = "pdf/evaluation_linne.html"


@dataclass
class Partenaire:
    """An organisation hosted in the year: its bookings that took place and their hours."""

    organisation_id: int | None
    nom: str
    reservations: int
    heures: Decimal
    centre: str = ""  # the centre social it runs, if any

    @property
    def recurrent(self):
        return self.reservations >= statistiques.RECURRENCE_MIN


@dataclass
class EvenementPublic:
    """A confirmed public booking of the year, with its attendance when recorded."""

    debut: datetime.datetime
    salle: str
    organisation: str
    objet: str
    effectif_prevu: int
    presents: int | None = None
    absence: bool = False


@dataclass
class AideOrganisation:
    organisation_id: int
    nom: str
    montant: Decimal


@dataclass
class Contenu:
    """Everything the evaluation of `annee` shows, on its page and in its PDF."""

    annee: int
    jour: datetime.date
    statistiques: statistiques.Statistiques
    evaluation: Evaluation
    partenaires: list = field(default_factory=list)  # Partenaire, most bookings first
    evenements: list = field(default_factory=list)  # EvenementPublic, by date
    aides: list = field(default_factory=list)  # AideOrganisation, highest first
    aide_totale: Decimal = ZERO

    @property
    def recurrents(self):
        return [p for p in self.partenaires if p.recurrent]

    @property
    def centres_sociaux(self):
        return [p for p in self.partenaires if p.centre]

    @property
    def heures_partenaires(self):
        return sum((p.heures for p in self.partenaires), ZERO)

    @property
    def recurrence_min(self):
        return statistiques.RECURRENCE_MIN


def evaluation_de(annee):
    """The evaluation of `annee`, or a new unsaved one (nothing written yet)."""
    return Evaluation.objects.select_related("modifiee_par").filter(annee=annee).first() or Evaluation(annee=annee)


def _partenaires(stats):
    """The organisations hosted from 1 January to the statistics' last day (the bookings that took place,
    from their snapshots, as the statistics count them), with the centre social each runs: two queries."""
    lignes = (
        Frequentation.objects.filter(date__gte=datetime.date(stats.annee, 1, 1), date__lte=stats.arretees_au)
        .filter(absence=False)
        .exclude(organisation_nom="")
        .values("organisation", "organisation_nom")
        .annotate(n=Count("pk"), heures=Sum("duree_heures"))
        .order_by()
    )
    partenaires = [
        Partenaire(
            organisation_id=ligne["organisation"],
            nom=ligne["organisation_nom"],
            reservations=ligne["n"],
            heures=ligne["heures"] or ZERO,
        )
        for ligne in lignes
    ]
    ids = {p.organisation_id for p in partenaires if p.organisation_id}
    centres = {}
    for organisation_id, nom, nom_court in (
        Centre.objects.filter(organisation__in=ids).order_by("nom").values_list("organisation", "nom", "nom_court")
    ):
        centres.setdefault(organisation_id, nom_court or nom)
    for partenaire in partenaires:
        partenaire.centre = centres.get(partenaire.organisation_id, "")
    return sorted(partenaires, key=lambda p: (-p.reservations, -p.heures, p.nom))


def _evenements(annee):
    """The confirmed public bookings whose start falls in `annee` (Paris), with their attendance: one query."""
    debut = timezone.make_aware(datetime.datetime(annee, 1, 1))
    fin = timezone.make_aware(datetime.datetime(annee + 1, 1, 1))
    reservations = (
        Reservation.objects.confirmees()
        .filter(public=True, debut__gte=debut, debut__lt=fin)
        .select_related("salle", "organisation", "frequentation")
        .order_by("debut", "pk")
    )
    evenements = []
    for reservation in reservations:
        frequentation = getattr(reservation, "frequentation", None)
        evenements.append(
            EvenementPublic(
                debut=reservation.debut,
                salle=reservation.salle.nom,
                organisation=reservation.organisation.nom,
                objet=reservation.objet,
                effectif_prevu=reservation.effectif_prevu,
                presents=frequentation.effectif_reel if frequentation else None,
                absence=bool(frequentation and frequentation.absence),
            )
        )
    return evenements


def _aides(annee):
    """LOC-2: the in-kind aid of the year per organisation (`aides_en_nature.par_organisation`, one query)
    and their names (one query)."""
    montants = {
        organisation_id: par_annee[annee]
        for organisation_id, par_annee in aides_en_nature.par_organisation(
            Reservation.objects.values("organisation"), [annee]
        ).items()
        if annee in par_annee
    }
    noms = dict(Organisation.objects.filter(pk__in=list(montants)).values_list("pk", "nom"))
    aides = [AideOrganisation(pk, noms.get(pk, ""), montant) for pk, montant in montants.items()]
    return sorted(aides, key=lambda a: (-a.montant, a.nom)), sum(montants.values(), ZERO)


def contenu(annee, *, jour=None):
    """The evaluation of `annee` as of `jour` (default today): the statistics stop the day before it."""
    jour = jour or timezone.localdate()
    stats = statistiques.de_l_annee(annee, jour=jour)
    aides, aide_totale = _aides(annee)
    return Contenu(
        annee=annee,
        jour=jour,
        statistiques=stats,
        evaluation=evaluation_de(annee),
        partenaires=_partenaires(stats),
        evenements=_evenements(annee),
        aides=aides,
        aide_totale=aide_totale,
    )


def _euros(valeur):
    return f"{valeur:,.0f}".replace(",", "\u202f")


def graphiques_de(contenu):
    """The charts of the PDF (server SVG): the occupancy per room, the hours per kind of activity."""
    stats = contenu.statistiques
    return {
        "occupation": graphiques.barres(
            [(ligne.salle.nom, ligne.annee.occupation) for ligne in stats.salles],
            titre=f"Taux d'occupation des salles en {contenu.annee}",
            description="Heures réservées sur heures d'ouverture, fermetures déduites.",
            unite="%",
            ident="evaluation-occupation",
        ),
        "activites": graphiques.barres(
            stats.heures_par_type,
            titre=f"Heures d'activité par type en {contenu.annee}",
            unite="h",
            ident="evaluation-activites",
        ),
        "aides": graphiques.barres(
            [(aide.nom, aide.montant) for aide in contenu.aides[:10]],
            titre=f"Aide en nature des prêts de salles en {contenu.annee}",
            description="Valeur au tarif moins le montant facturé, par organisation.",
            unite="€",
            format_valeur=_euros,
            ident="evaluation-aides",
        ),
    }


# --- The texts ------------------------------------------------------------------------------------


@transaction.atomic
def enregistrer_texte(*, annee, bilan, perspectives, version, par):
    """Save the responsable's texts of `annee` (created on first save). `version` is the version of the
    evaluation the form showed (None for one not saved yet): when somebody saved it since, nothing is
    written and ConflitEdition tells what changed."""
    for valider in bornes.EXERCICE:
        valider(annee)
    evaluation = Evaluation.objects.select_for_update().filter(annee=annee).first()
    if evaluation is None:
        if version is not None:
            raise ValidationError("Cette évaluation n'existe plus : rechargez la page.")
        evaluation = Evaluation(annee=annee, version=1)
    elif version != evaluation.version:
        raise ConflitEdition(changements_depuis(evaluation, version or 1), evaluation.version)
    else:
        evaluation.version += 1
    evaluation.bilan = bilan
    evaluation.perspectives = perspectives
    evaluation.modifiee_par = par
    evaluation.modifiee_le = timezone.now()
    evaluation._change_reason = "Texte de l'évaluation enregistré"
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# --- The PDF, in the background --------------------------------------------------------------------


@transaction.atomic
def demander_generation(*, annee, par):
    """Queue the PDF of `annee` (after commit): the web request renders nothing. A year out of the
    service's window is refused (ValidationError)."""
    for valider in bornes.EXERCICE:
        valider(annee)
    generation = GenerationEvaluation.objects.create(annee=annee, demandee_par=par)
    from .tasks import generer_evaluation  # the task module imports this one

    transaction.on_commit(lambda: generer_evaluation.delay(generation.pk))
    return generation


def contexte_pdf(annee, *, jour):
    donnees = contenu(annee, jour=jour)
    return {"annee": annee, "edite_le": jour, "contenu": donnees, "graphiques": graphiques_de(donnees)}


def generer(generation_id):
    """Render and store a new version of the evaluation's PDF. Idempotent: a finished generation is not
    redone."""

    def rendre(annee, generation):
        return render_pdf(GABARIT_PDF, contexte_pdf(annee, jour=timezone.localdate()))

    return generations.generer_version_annuelle(GenerationEvaluation, VersionEvaluation, generation_id, rendre)
