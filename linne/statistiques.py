"""Espace Linné's statistics of a year, per room and month (issue 18): occupancy (hours booked over
opening hours), attendance, organisations hosted, hours by kind of activity and by kind of organisation,
and the share of bookings made by associations of the priority neighbourhoods (QPV).

They read the attendance snapshots only (`linne.frequentation`): the bookings that took place, as they
were, whatever became of the booking's contact since. The figures stop the day before `jour` (the
nightly task snapshots the day's bookings). The opening hours are the rooms' current ones, less the
closures. A fixed number of queries, whatever the number of bookings, rooms and months.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Categorie, Fermeture, Frequentation, HoraireOuverture, Salle, TypeActivite

CENT = Decimal(100)
ZERO = Decimal("0")


def pourcentage(partie, tout):
    """`partie` over `tout` in per cent, to one decimal; None when `tout` is nothing (no opening hour)."""
    if not tout:
        return None
    return (Decimal(partie) * CENT / Decimal(tout)).quantize(Decimal("0.1"))


@dataclass
class Cellule:
    """The figures of one room (or all rooms) over one month (or the year)."""

    heures_ouverture: Decimal = ZERO
    heures_reservees: Decimal = ZERO
    reservations: int = 0
    absences: int = 0
    saisies: int = 0
    presents: int = 0

    @property
    def occupation(self):
        return pourcentage(self.heures_reservees, self.heures_ouverture)

    def ajouter(self, autre):
        self.heures_ouverture += autre.heures_ouverture
        self.heures_reservees += autre.heures_reservees
        self.reservations += autre.reservations
        self.absences += autre.absences
        self.saisies += autre.saisies
        self.presents += autre.presents


@dataclass
class LigneSalle:
    salle: Salle
    mois: list  # one Cellule per month, January first
    annee: Cellule


@dataclass
class Statistiques:
    annee: int
    arretees_au: datetime.date  # the last day counted
    mois: list  # the first day of each month
    salles: list  # LigneSalle
    total_mois: list  # Cellule per month, all rooms
    total: Cellule
    organisations_accueillies: int = 0
    organisations_recurrentes: int = 0  # hosted at least `RECURRENCE_MIN` times in the year
    heures_par_type: list = field(default_factory=list)  # (label, hours), most first
    heures_par_categorie: list = field(default_factory=list)
    reservations_qpv: int = 0  # bookings of organisations active in a priority neighbourhood

    @property
    def part_qpv(self):
        return pourcentage(self.reservations_qpv, self.total.reservations)


# An organisation hosted at least this many times in a year is a recurring partner of the facility (about
# once a month over a season): the evaluation names them. Choice of the service.
RECURRENCE_MIN = 10


def _heures(horaire):
    debut = datetime.datetime.combine(datetime.date.min, horaire.ouverture)
    fin = datetime.datetime.combine(datetime.date.min, horaire.fermeture)
    return Decimal((fin - debut).total_seconds()) / Decimal(3600)


def heures_ouverture(salles, du, au):
    """{(room pk, month's first day): opening hours} from `du` to `au` included, closures deducted: two
    queries."""
    horaires = defaultdict(dict)
    for horaire in HoraireOuverture.objects.filter(salle__in=[s.pk for s in salles]):
        horaires[horaire.salle_id][horaire.jour_semaine] = _heures(horaire)
    fermetures = list(Fermeture.objects.filter(debut__lte=au, fin__gte=du).values_list("salle_id", "debut", "fin"))
    resultat = defaultdict(Decimal)
    jour = du
    while jour <= au:
        fermees = {salle_id for salle_id, debut, fin in fermetures if debut <= jour <= fin}
        for salle in salles:
            if None in fermees or salle.pk in fermees:
                continue
            heures = horaires[salle.pk].get(jour.weekday())
            if heures:
                resultat[(salle.pk, jour.replace(day=1))] += heures
        jour += datetime.timedelta(days=1)
    return resultat


def de_l_annee(annee, *, jour=None, salles=None):
    """The statistics of `annee` up to the day before `jour` (default today), for `salles` (default every
    room that was open or hosted a booking)."""
    jour = jour or timezone.localdate()
    du = datetime.date(annee, 1, 1)
    au = min(datetime.date(annee, 12, 31), jour - datetime.timedelta(days=1))
    mois = [datetime.date(annee, m, 1) for m in range(1, 13)]
    frequentations = Frequentation.objects.filter(date__gte=du, date__lte=au)
    if salles is None:
        # The rooms open now, and those closed since that hosted a booking that year (not a later one).
        servies = Q(frequentations__date__gte=du, frequentations__date__lte=au)
        salles = list(Salle.objects.filter(Q(active=True) | servies).distinct().order_by("nom"))
    else:
        salles = list(salles)
        frequentations = frequentations.filter(salle__in=[s.pk for s in salles])
    ouverture = heures_ouverture(salles, du, au) if du <= au else {}
    par_salle_mois = {
        (ligne["salle"], ligne["m"].date() if isinstance(ligne["m"], datetime.datetime) else ligne["m"]): ligne
        for ligne in frequentations.annotate(m=TruncMonth("date"))
        .values("salle", "m")
        .annotate(
            heures=Sum("duree_heures"),
            n=Count("pk"),
            absences=Count("pk", filter=Q(absence=True)),
            saisies=Count("pk", filter=Q(absence=True) | Q(effectif_reel__isnull=False)),
            presents=Sum("effectif_reel"),
        )
        .order_by()
    }
    lignes, total_mois, total = [], [Cellule() for _ in mois], Cellule()
    for salle in salles:
        cellules = []
        for index, premier in enumerate(mois):
            agregat = par_salle_mois.get((salle.pk, premier), {})
            cellule = Cellule(
                heures_ouverture=ouverture.get((salle.pk, premier), ZERO).quantize(Decimal("0.01")),
                heures_reservees=agregat.get("heures") or ZERO,
                reservations=agregat.get("n", 0),
                absences=agregat.get("absences", 0),
                saisies=agregat.get("saisies", 0),
                presents=agregat.get("presents") or 0,
            )
            cellules.append(cellule)
            total_mois[index].ajouter(cellule)
        annuelle = Cellule()
        for cellule in cellules:
            annuelle.ajouter(cellule)
        total.ajouter(annuelle)
        lignes.append(LigneSalle(salle=salle, mois=cellules, annee=annuelle))
    presentes = frequentations.filter(absence=False)
    par_organisation = list(
        presentes.exclude(organisation_nom="").values("organisation_nom").annotate(n=Count("pk")).order_by()
    )
    types = dict(TypeActivite.choices)
    categories = dict(Categorie.choices)
    return Statistiques(
        annee=annee,
        arretees_au=au,
        mois=mois,
        salles=lignes,
        total_mois=total_mois,
        total=total,
        organisations_accueillies=len(par_organisation),
        organisations_recurrentes=sum(1 for ligne in par_organisation if ligne["n"] >= RECURRENCE_MIN),
        heures_par_type=_repartition(frequentations, "type_activite", types),
        heures_par_categorie=_repartition(frequentations, "categorie", categories),
        reservations_qpv=frequentations.filter(quartier_prioritaire=True).count(),
    )


def _repartition(frequentations, champ, libelles):
    lignes = frequentations.filter(absence=False).values(champ).annotate(heures=Sum("duree_heures")).order_by()
    return sorted(
        ((libelles.get(ligne[champ], ligne[champ]), ligne["heures"] or ZERO) for ligne in lignes),
        key=lambda paire: (-paire[1], paire[0]),
    )
