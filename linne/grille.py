"""The calendars of Espace Linné as tables: a room's week (a column a day) and a day of every room (a
column a room), the hours down the side in steps of PAS_MINUTES.

A booking takes the rows of its time; bookings that overlap in one column (a request beside a confirmed
booking) sit side by side, the column split into as many lanes as it needs, so that none hides another.
Each grid loads its rows in a fixed number of queries (the room's hours, the closures, the bookings),
whatever their number; the table itself is built in memory.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from roubaix_cs.liens import chemins

from .models import Fermeture, HoraireOuverture, Reservation

PAS_MINUTES = 30  # one row of the grid: the bookings are made by the quarter or the half hour
MINUTES_PAR_JOUR = 24 * 60
# Without opening hours nor bookings to show, the grid spans Espace Linné's usual day.
JOURNEE_PAR_DEFAUT = (8 * 60, 22 * 60)

S = Reservation.Statut


def liens_reservations():
    """function(pk) -> the path of a booking's page, from one `reverse()`."""
    return chemins("linne:reservation_detail")


def debut_du_jour(jour):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time.min))


def _minutes(moment, jour):
    """The wall-clock minutes of `moment` since the midnight that starts `jour`, within the day (a
    booking may end at midnight: 1440)."""
    local = timezone.localtime(moment).replace(tzinfo=None)
    minutes = (local - datetime.datetime.combine(jour, datetime.time.min)).total_seconds() // 60
    return int(max(0, min(MINUTES_PAR_JOUR, minutes)))


def _en_minutes(heure):
    return heure.hour * 60 + heure.minute


@dataclass
class Evenement:
    """A booking in a column: its rows, its lane, and the link to its page."""

    reservation: Reservation
    debut: int  # minutes since midnight
    fin: int
    lien: str = ""
    voie: int = 0
    premiere_ligne: int = 0
    lignes: int = 1

    @property
    def demandee(self):
        return self.reservation.statut == S.DEMANDEE


@dataclass
class Colonne:
    """One day of one room: its opening hours that day (None: closed that weekday), its closures, its bookings."""

    jour: datetime.date
    salle: object
    horaire: HoraireOuverture | None
    fermetures: list
    evenements: list = field(default_factory=list)
    voies: int = 1

    @property
    def fermee(self):
        return self.horaire is None or bool(self.fermetures)

    @property
    def motifs_fermeture(self):
        return [f.libelle or f.get_motif_display() for f in self.fermetures]

    def ouverte_a(self, minute):
        if self.fermee:
            return False
        return _en_minutes(self.horaire.ouverture) <= minute < _en_minutes(self.horaire.fermeture)


@dataclass(frozen=True)
class Cellule:
    """A cell of the table: a booking spanning `lignes` rows, or an empty slot (open or closed)."""

    evenement: Evenement | None = None
    lignes: int = 1
    ouverte: bool = True


@dataclass(frozen=True)
class Ligne:
    heure: datetime.time
    cellules: list


@dataclass
class Grille:
    colonnes: list
    lignes: list

    @property
    def nb_reservations(self):
        return sum(len(c.evenements) for c in self.colonnes)


def _etendue(colonnes):
    """The first and last minutes the grid shows, on the hour: the opening hours and every booking."""
    bornes = []
    for colonne in colonnes:
        if colonne.horaire is not None:
            bornes += [_en_minutes(colonne.horaire.ouverture), _en_minutes(colonne.horaire.fermeture)]
        for e in colonne.evenements:
            bornes += [e.debut, e.fin]
    debut, fin = (min(bornes), max(bornes)) if bornes else JOURNEE_PAR_DEFAUT
    debut = debut // 60 * 60
    fin = min(MINUTES_PAR_JOUR, -(-fin // 60) * 60)
    return debut, max(fin, debut + 60)


def _repartir(colonne, debut, nb_lignes):
    """Give each booking of `colonne` its rows and the first lane free at its first row."""
    fins_des_voies = []
    for e in sorted(colonne.evenements, key=lambda e: (e.debut, e.fin, e.reservation.pk)):
        e.premiere_ligne = min(nb_lignes - 1, max(0, (e.debut - debut) // PAS_MINUTES))
        derniere = min(nb_lignes, max(e.premiere_ligne + 1, -(-(e.fin - debut) // PAS_MINUTES)))
        e.lignes = derniere - e.premiere_ligne
        e.voie = next((i for i, fin in enumerate(fins_des_voies) if fin <= e.premiere_ligne), len(fins_des_voies))
        if e.voie == len(fins_des_voies):
            fins_des_voies.append(derniere)
        else:
            fins_des_voies[e.voie] = derniere
    colonne.voies = max(1, len(fins_des_voies))


def construire(colonnes):
    """The table of `colonnes` (their bookings given): rows of PAS_MINUTES, cells spanning rows."""
    debut, fin = _etendue(colonnes)
    nb_lignes = (fin - debut) // PAS_MINUTES
    departs, couvertes = {}, set()
    for c, colonne in enumerate(colonnes):
        _repartir(colonne, debut, nb_lignes)
        for e in colonne.evenements:
            departs[(c, e.voie, e.premiere_ligne)] = e
            couvertes |= {(c, e.voie, ligne) for ligne in range(e.premiere_ligne + 1, e.premiere_ligne + e.lignes)}
    lignes = []
    for ligne in range(nb_lignes):
        minute = debut + ligne * PAS_MINUTES
        cellules = []
        for c, colonne in enumerate(colonnes):
            for voie in range(colonne.voies):
                if (e := departs.get((c, voie, ligne))) is not None:
                    cellules.append(Cellule(evenement=e, lignes=e.lignes))
                elif (c, voie, ligne) not in couvertes:
                    cellules.append(Cellule(ouverte=colonne.ouverte_a(minute)))
        lignes.append(Ligne(heure=datetime.time(minute // 60, minute % 60), cellules=cellules))
    return Grille(colonnes=colonnes, lignes=lignes)


def _placer(colonnes_par_cle, reservations, cle, lien):
    for r in reservations:
        colonne = colonnes_par_cle.get(cle(r))
        if colonne is not None:
            colonne.evenements.append(
                Evenement(r, _minutes(r.debut, colonne.jour), _minutes(r.fin, colonne.jour), lien(r.pk))
            )


def _reservations(du, au):
    """The bookings requested or confirmed that meet the days from `du` to `au` included."""
    return (
        Reservation.objects.actives()
        .entre(debut_du_jour(du), debut_du_jour(au + datetime.timedelta(days=1)))
        .select_related("organisation")
        .order_by("debut", "pk")
    )


def semaine(salle, lundi):
    """The week of `salle` from Monday `lundi`: three queries."""
    jours = [lundi + datetime.timedelta(days=i) for i in range(7)]
    horaires = {h.jour_semaine: h for h in HoraireOuverture.objects.filter(salle=salle)}
    fermetures = list(Fermeture.objects.touchant(salle, jours[0], jours[-1]))
    colonnes = {
        jour: Colonne(
            jour=jour,
            salle=salle,
            horaire=horaires.get(jour.weekday()),
            fermetures=[f for f in fermetures if f.debut <= jour <= f.fin],
        )
        for jour in jours
    }
    reservations = _reservations(jours[0], jours[-1]).filter(salle=salle)
    _placer(colonnes, reservations, lambda r: timezone.localtime(r.debut).date(), liens_reservations())
    return construire(list(colonnes.values()))


def journee(salles, jour):
    """The day `jour` of every room of `salles` that is open to bookings or has a booking that day (a
    room closed since keeps its bookings in sight): three queries."""
    reservations = list(_reservations(jour, jour))
    avec_reservations = {r.salle_id for r in reservations}
    salles = [s for s in salles if s.active or s.pk in avec_reservations]
    horaires = {h.salle_id: h for h in HoraireOuverture.objects.filter(jour_semaine=jour.weekday())}
    fermetures = list(Fermeture.objects.filter(debut__lte=jour, fin__gte=jour))
    colonnes = {
        salle.pk: Colonne(
            jour=jour,
            salle=salle,
            horaire=horaires.get(salle.pk),
            fermetures=[f for f in fermetures if f.salle_id in (None, salle.pk)],
        )
        for salle in salles
    }
    _placer(colonnes, reservations, lambda r: r.salle_id, liens_reservations())
    return construire(list(colonnes.values()))
