"""The régisseurs' rota of Espace Linné: the only writer of shifts (`Creneau`), the copy of the template
week (`CreneauType`) into a week, and what the shifts leave uncovered.

What must be covered, each day: one régisseur during the site's opening hours (the union of the hours of
every room open to bookings that weekday, except on the days the whole site is closed; a room's own
closure takes that room off only) and during every confirmed booking's blocked time (set-up and clean-up
included); two during a confirmed booking expecting more than `seuils.EFFECTIF_DEUX_REGISSEURS` people.
The staffing at an instant is the number of distinct régisseurs whose shift covers it.

A shift is one régisseur's, never spans midnight and never overlaps another shift of the same régisseur;
each write holds the régisseur's row locked, so that two writes at once cannot both pass the check.
The coverage is computed in memory from four queries (hours, closures, bookings, shifts), whatever the
number of days or rows.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from comptes.models import Role, User
from roubaix_cs.seuils import EFFECTIF_DEUX_REGISSEURS

from .grille import debut_du_jour
from .models import Creneau, CreneauType, Fermeture, HoraireOuverture, Reservation

MESSAGE_PAS_REGISSEUR = "Seul un régisseur en poste (compte actif) peut recevoir un créneau."
MESSAGE_FIN_APRES_DEBUT = "Le créneau doit finir après son début."
MESSAGE_MINUIT = "Un créneau ne passe pas minuit : saisissez-en un par jour."
MOTIF_OUVERTURE = "ouverture"


def heure(moment):
    return f"{timezone.localtime(moment):%H:%M}"


def moment(jour, h):
    """The aware datetime of `jour` at wall-clock time `h` in Europe/Paris (DST-safe: the offset is the
    one of that day)."""
    return timezone.make_aware(datetime.datetime.combine(jour, h))


def lundi_de(jour):
    return jour - datetime.timedelta(days=jour.weekday())


def est_regisseur(user):
    return user is not None and user.is_active and user.role == Role.REGISSEUR


def _plage(creneau):
    debut, fin = timezone.localtime(creneau.debut), timezone.localtime(creneau.fin)
    return f"le {debut:%d/%m/%Y} de {debut:%H:%M} à {fin:%H:%M}"


def _chevauchement(regisseur, autre):
    return f"{regisseur.get_full_name() or regisseur} a déjà un créneau qui chevauche celui-ci ({_plage(autre)})."


def _verifier(creneau):
    """Every reason `creneau` cannot be saved (ValidationError by field), the régisseur's row locked."""
    if creneau.regisseur_id is None or not est_regisseur(creneau.regisseur):
        raise ValidationError({"regisseur": MESSAGE_PAS_REGISSEUR})
    if creneau.fin <= creneau.debut:
        raise ValidationError({"fin": MESSAGE_FIN_APRES_DEBUT})
    # A shift ends at midnight at the latest: its last instant is on the day it starts.
    if timezone.localtime(creneau.fin - datetime.timedelta(microseconds=1)).date() != (
        timezone.localtime(creneau.debut).date()
    ):
        raise ValidationError({"fin": MESSAGE_MINUIT})
    User.objects.select_for_update().filter(pk=creneau.regisseur_id).first()
    autre = (
        Creneau.objects.filter(regisseur_id=creneau.regisseur_id)
        .entre(creneau.debut, creneau.fin)
        .exclude(pk=creneau.pk)
        .order_by("debut")
        .first()
    )
    if autre is not None:
        raise ValidationError({"debut": _chevauchement(creneau.regisseur, autre)})
    creneau.full_clean()


def _sauver(creneau, *, par, motif):
    creneau._history_user = par
    creneau._change_reason = motif
    creneau.save()
    return creneau


@transaction.atomic
def creer_creneau(*, regisseur, debut, fin, par, note=""):
    """A new shift of `regisseur`; raises ValidationError (in French) and writes nothing when refused."""
    creneau = Creneau(regisseur=regisseur, debut=debut, fin=fin, note=note, cree_par=par if par and par.pk else None)
    _verifier(creneau)
    return _sauver(creneau, par=par, motif="Créneau créé")


@transaction.atomic
def modifier_creneau(*, creneau, regisseur, debut, fin, par, note=""):
    """Change a shift (its régisseur, times or note) under the same checks as a new one."""
    creneau.regisseur, creneau.debut, creneau.fin, creneau.note = regisseur, debut, fin, note
    _verifier(creneau)
    return _sauver(creneau, par=par, motif="Créneau modifié")


@transaction.atomic
def supprimer_creneau(*, creneau, par):
    creneau._history_user = par
    creneau._change_reason = "Créneau supprimé"
    creneau.delete()


# --- The template week ------------------------------------------------------------------------------


def _verifier_type(creneau_type):
    if creneau_type.regisseur_id is None or not est_regisseur(creneau_type.regisseur):
        raise ValidationError({"regisseur": MESSAGE_PAS_REGISSEUR})
    creneau_type.full_clean()
    autre = (
        CreneauType.objects.filter(
            regisseur_id=creneau_type.regisseur_id,
            jour_semaine=creneau_type.jour_semaine,
            heure_debut__lt=creneau_type.heure_fin,
            heure_fin__gt=creneau_type.heure_debut,
        )
        .exclude(pk=creneau_type.pk)
        .first()
    )
    if autre is not None:
        qui = creneau_type.regisseur.get_full_name() or creneau_type.regisseur
        plage = f"{autre.heure_debut:%H:%M}–{autre.heure_fin:%H:%M}"
        raise ValidationError(
            {"heure_debut": f"{qui} a déjà un créneau de la semaine type qui chevauche celui-ci ({plage})."}
        )


@transaction.atomic
def enregistrer_creneau_type(*, creneau_type, par):
    """Create or change a shift of the template week: an active régisseur's, never overlapping another
    of theirs that weekday."""
    User.objects.select_for_update().filter(pk=creneau_type.regisseur_id).first()
    _verifier_type(creneau_type)
    creneau_type._history_user = par
    creneau_type.save()
    return creneau_type


@transaction.atomic
def supprimer_creneau_type(*, creneau_type, par):
    creneau_type._history_user = par
    creneau_type.delete()


@dataclass(frozen=True)
class Ignore:
    """A shift of the template week that the copy did not write, and why."""

    creneau_type: CreneauType
    jour: datetime.date
    motif: str

    def __str__(self):
        t = self.creneau_type
        return f"{self.jour:%d/%m/%Y} {t.heure_debut:%H:%M}–{t.heure_fin:%H:%M}, {t.regisseur} : {self.motif}"


@dataclass
class Copie:
    crees: list = field(default_factory=list)
    ignores: list = field(default_factory=list)


@transaction.atomic
def copier_semaine_type(lundi, par, remplacer=False):
    """Copy the template week into the week starting on Monday `lundi` (Paris wall-clock times, whatever the
    day's offset: a DST week keeps its 8:00–22:00). With `remplacer`, the week's shifts are removed first;
    otherwise a template shift overlapping one of its régisseur's existing shifts is skipped and reported,
    as is one of a régisseur no longer in post. All in one transaction."""
    if lundi.weekday() != 0:
        raise ValidationError("La semaine se copie à partir d'un lundi.")
    debut_semaine, fin_semaine = debut_du_jour(lundi), debut_du_jour(lundi + datetime.timedelta(days=7))
    types = list(CreneauType.objects.select_related("regisseur").order_by("jour_semaine", "heure_debut", "pk"))
    regisseurs = sorted({t.regisseur_id for t in types})
    list(User.objects.select_for_update().filter(pk__in=regisseurs).order_by("pk"))
    semaine = Creneau.objects.entre(debut_semaine, fin_semaine)
    if remplacer:
        for creneau in semaine.select_related("regisseur"):
            supprimer_creneau(creneau=creneau, par=par)
    occupes = {}
    for regisseur_id, d, f in semaine.values_list("regisseur_id", "debut", "fin"):
        occupes.setdefault(regisseur_id, []).append((d, f))
    copie = Copie()
    for t in types:
        jour = lundi + datetime.timedelta(days=t.jour_semaine)
        debut, fin = moment(jour, t.heure_debut), moment(jour, t.heure_fin)
        if not est_regisseur(t.regisseur):
            copie.ignores.append(Ignore(t, jour, "ce compte n'est plus celui d'un régisseur en poste"))
            continue
        siens = occupes.setdefault(t.regisseur_id, [])
        if any(d < fin and debut < f for d, f in siens):
            copie.ignores.append(Ignore(t, jour, "il ou elle a déjà un créneau à ces heures"))
            continue
        siens.append((debut, fin))
        copie.crees.append(
            Creneau(regisseur=t.regisseur, debut=debut, fin=fin, cree_par=par if par and par.pk else None)
        )
    if copie.crees:
        copie.crees = bulk_create_with_history(
            copie.crees, Creneau, default_user=par, default_change_reason="Semaine type copiée"
        )
    return copie


# --- The coverage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Besoin:
    """A stretch of time that needs `requis` régisseurs: the opening hours, or a booking."""

    debut: datetime.datetime
    fin: datetime.datetime
    requis: int
    reservation: Reservation | None = None

    @property
    def motif(self):
        if self.reservation is None:
            return MOTIF_OUVERTURE
        r = self.reservation
        return (
            f"réservation « {r.objet} » de {r.organisation.nom}, {r.salle.nom} ({r.effectif_prevu} personnes attendues)"
        )


@dataclass(frozen=True)
class Trou:
    """An uncovered stretch of a day: `presents` régisseurs where `requis` are needed."""

    debut: datetime.datetime
    fin: datetime.datetime
    requis: int
    presents: int
    motif: str
    reservation: Reservation | None = None

    def __str__(self):
        manque = "aucun régisseur" if self.presents == 0 else f"{self.presents} régisseur sur {self.requis}"
        return f"{heure(self.debut)}–{heure(self.fin)} : {manque} ({self.motif})"


@dataclass
class Jour:
    """One day of the rota: its shifts, its confirmed bookings and what is left uncovered."""

    jour: datetime.date
    creneaux: list = field(default_factory=list)
    reservations: list = field(default_factory=list)
    trous: list = field(default_factory=list)
    ferme: bool = False

    @property
    def couvert(self):
        return not self.trous

    def par_regisseur(self):
        """[(régisseur, [shifts])] in the order of their first shift."""
        groupes = {}
        for c in self.creneaux:
            groupes.setdefault(c.regisseur_id, (c.regisseur, []))[1].append(c)
        return list(groupes.values())


def _union(intervalles):
    fusion = []
    for d, f in sorted(intervalles):
        if fusion and d <= fusion[-1][1]:
            fusion[-1][1] = max(fusion[-1][1], f)
        else:
            fusion.append([d, f])
    return [(d, f) for d, f in fusion]


def _charger(du, au):
    """The rows the days from `du` to `au` (included) read: four queries."""
    debut, fin = debut_du_jour(du), debut_du_jour(au + datetime.timedelta(days=1))
    horaires = {}
    for salle_id, jour_semaine, ouverture, fermeture in HoraireOuverture.objects.filter(salle__active=True).values_list(
        "salle_id", "jour_semaine", "ouverture", "fermeture"
    ):
        horaires.setdefault(jour_semaine, []).append((salle_id, ouverture, fermeture))
    fermetures = list(Fermeture.objects.filter(debut__lte=au, fin__gte=du).values_list("salle_id", "debut", "fin"))
    reservations = list(
        Reservation.objects.confirmees()
        .filter(debut_bloque__lt=fin, fin_bloque__gt=debut)
        .select_related("salle", "organisation")
        .order_by("debut", "pk")
    )
    creneaux = list(
        Creneau.objects.entre(debut, fin).select_related("regisseur").order_by("debut", "regisseur_id", "pk")
    )
    return horaires, fermetures, reservations, creneaux


def _manques(besoins, creneaux, debut_jour, fin_jour):
    """The uncovered stretches of a day: the time cut at every edge of a need or a shift, each piece's need
    (the highest; the opening hours before a booking needing as many) against the régisseurs present."""
    besoins = [(max(b.debut, debut_jour), min(b.fin, fin_jour), b) for b in besoins]
    besoins = [(d, f, b) for d, f, b in besoins if d < f]
    if not besoins:
        return []
    presences = [(max(c.debut, debut_jour), min(c.fin, fin_jour), c.regisseur_id) for c in creneaux]
    bords = sorted({x for d, f, _ in besoins for x in (d, f)} | {x for d, f, _ in presences for x in (d, f)})
    trous = []
    for a, b in zip(bords, bords[1:], strict=False):
        ici = [besoin for d, f, besoin in besoins if d <= a and b <= f]
        if not ici:
            continue
        besoin = max(ici, key=lambda x: (x.requis, x.reservation is None, -(x.reservation.pk if x.reservation else 0)))
        presents = len({r for d, f, r in presences if d <= a and b <= f})
        if presents >= besoin.requis:
            continue
        precedent = trous[-1] if trous else None
        if (
            precedent is not None
            and precedent.fin == a
            and (precedent.requis, precedent.presents, precedent.reservation)
            == (besoin.requis, presents, besoin.reservation)
        ):
            trous[-1] = Trou(precedent.debut, b, besoin.requis, presents, besoin.motif, besoin.reservation)
        else:
            trous.append(Trou(a, b, besoin.requis, presents, besoin.motif, besoin.reservation))
    return trous


def journees(du, au):
    """[Jour] from `du` to `au` included: each day's shifts, confirmed bookings and uncovered stretches.
    Four queries, whatever the number of days, rooms, bookings or shifts."""
    horaires, fermetures, reservations, creneaux = _charger(du, au)
    jours = []
    jour = du
    while jour <= au:
        debut_jour, fin_jour = debut_du_jour(jour), debut_du_jour(jour + datetime.timedelta(days=1))
        fermees = {s for s, d, f in fermetures if d <= jour <= f}
        site_ferme = None in fermees
        ouvertures = (
            []
            if site_ferme
            else _union(
                (moment(jour, o), moment(jour, f)) for s, o, f in horaires.get(jour.weekday(), []) if s not in fermees
            )
        )
        du_jour = [r for r in reservations if r.debut_bloque < fin_jour and r.fin_bloque > debut_jour]
        besoins = [Besoin(d, f, 1) for d, f in ouvertures] + [
            Besoin(r.debut_bloque, r.fin_bloque, 2 if r.effectif_prevu > EFFECTIF_DEUX_REGISSEURS else 1, r)
            for r in du_jour
        ]
        siens = [c for c in creneaux if c.debut < fin_jour and c.fin > debut_jour]
        jours.append(
            Jour(
                jour=jour,
                creneaux=siens,
                reservations=[r for r in du_jour if timezone.localtime(r.debut).date() == jour],
                trous=_manques(besoins, siens, debut_jour, fin_jour),
                ferme=site_ferme,
            )
        )
        jour += datetime.timedelta(days=1)
    return jours


def couverture(du, au):
    """{day: [Trou]} from `du` to `au` included: the uncovered stretches of each day (start, end, needed,
    present, reason: « ouverture » or the booking concerned). Four queries."""
    return {j.jour: j.trous for j in journees(du, au)}


def url_semaine(jour):
    """The rota's week of `jour`."""
    return f"{reverse('linne:planning')}?semaine={lundi_de(jour):%Y-%m-%d}"
