"""The bookings of Espace Linné: what a slot must respect (opening hours, closures, duration rules,
capacity, and no overlap with a confirmed booking, buffers included), the booking's workflow, and the
series with their preview, skipped dates, and moves or cancellations of one, the following or all
occurrences, each in one transaction.

A booking's status changes only here. Every write that may confirm a booking locks the room's row
first, so that two confirmations of one room are taken one after the other and the second sees the
first (PostgreSQL); the exclusion constraint of migration 0002 is the last guard, and its refusal is
turned into the same French message.
"""

import datetime
import enum
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from centres.models import Centre
from comptes.models import Organisation
from comptes.permissions import GESTION_LINNE, qui
from roubaix_cs import workflow
from roubaix_cs.history import changements_depuis
from roubaix_cs.locking import ConflitEdition

from .models import (
    JOURS_SEMAINE,
    Categorie,
    DateIgnoree,
    Fermeture,
    HoraireOuverture,
    Reservation,
    Salle,
    Serie,
    Tarif,
    arrondi_euros,
)

S = Reservation.Statut

# A series holds at most a year of daily occurrences: a season (September to June) of weekly slots is
# about 40; more is a typing error in its end date.
SERIE_OCCURRENCES_MAX = 366
MESSAGE_CHEVAUCHEMENT = (
    "Ce créneau chevauche une réservation confirmée de la même salle, installation et rangement compris : "
    "deux réservations confirmées ne peuvent pas occuper la salle en même temps."
)


def _heure(moment):
    return f"{timezone.localtime(moment):%H:%M}"


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def _periode(reservation):
    return timezone.localtime(reservation.debut).date(), timezone.localtime(reservation.fin).date()


def _jour(moment):
    return f"{timezone.localtime(moment):%d/%m/%Y}"


def categorie_de(organisation):
    """The price list's kind of user an organisation is, by default (the form may change it)."""
    if organisation is None:
        return Categorie.ASSOCIATION
    if Centre.objects.filter(organisation=organisation).exists():
        return Categorie.CENTRE_SOCIAL
    return {
        Organisation.Nature.ASSOCIATION: Categorie.ASSOCIATION,
        Organisation.Nature.VILLE: Categorie.SERVICE_MUNICIPAL,
        Organisation.Nature.CAF: Categorie.PARTENAIRE,
        Organisation.Nature.DEPARTEMENT: Categorie.PARTENAIRE,
        Organisation.Nature.PREFECTURE: Categorie.PARTENAIRE,
        Organisation.Nature.FEDERATION: Categorie.PARTENAIRE,
    }.get(organisation.nature, Categorie.AUTRE)


# --- What a slot must respect ---------------------------------------------------------------------


@dataclass
class Contexte:
    """What the checks of a room's slots read, loaded once for a period (a series' 40 dates cost three
    queries, not 120): its opening hours, its closures and its confirmed bookings."""

    salle: Salle
    horaires: dict
    fermetures: list
    confirmees: list
    tarifs: dict = field(default_factory=dict)

    @classmethod
    def charger(cls, salle, du, au):
        """`du`, `au`: the first and last days of the period."""
        debut = timezone.make_aware(datetime.datetime.combine(du, datetime.time.min)) - datetime.timedelta(days=1)
        fin = timezone.make_aware(datetime.datetime.combine(au, datetime.time.max)) + datetime.timedelta(days=1)
        return cls(
            salle=salle,
            horaires={h.jour_semaine: h for h in HoraireOuverture.objects.filter(salle=salle)},
            fermetures=list(Fermeture.objects.touchant(salle, du, au)),
            confirmees=list(
                Reservation.objects.confirmees()
                .filter(salle=salle, debut_bloque__lt=fin, fin_bloque__gt=debut)
                .select_related("organisation")
            ),
            tarifs={t.categorie: t.tarif_horaire for t in Tarif.objects.filter(salle=salle)},
        )

    def raisons(self, debut, fin, *, effectif=None, exclure=frozenset(), conflits=True):
        """Why the room cannot be booked from `debut` to `fin` (aware datetimes), in French; empty: it can."""
        salle = self.salle
        if fin <= debut:
            return ["La réservation doit finir après son début."]
        local_debut, local_fin = timezone.localtime(debut), timezone.localtime(fin)
        jour = local_debut.date()
        raisons = []
        if local_fin.date() != jour and local_fin.time() != datetime.time(0, 0):
            raisons.append("Une réservation commence et finit le même jour.")
        duree = (fin - debut).total_seconds() / 60
        if duree < salle.duree_min_minutes:
            raisons.append(f"La salle « {salle} » se réserve pour {salle.duree_min_minutes} minutes au moins.")
        if duree > salle.duree_max_minutes:
            raisons.append(f"La salle « {salle} » se réserve pour {salle.duree_max_minutes} minutes au plus.")
        if effectif is not None and effectif > salle.capacite:
            raisons.append(
                f"L'effectif attendu ({effectif}) dépasse la capacité de la salle « {salle} » "
                f"({salle.capacite} personnes), fixée pour la sécurité d'un établissement recevant du public."
            )
        horaire = self.horaires.get(jour.weekday())
        if horaire is None:
            raisons.append(f"La salle « {salle} » est fermée le {dict(JOURS_SEMAINE)[jour.weekday()]}.")
        elif local_debut.time() < horaire.ouverture or (
            local_fin.date() != jour or local_fin.time() > horaire.fermeture
        ):
            raisons.append(
                f"Hors des heures d'ouverture : le {dict(JOURS_SEMAINE)[jour.weekday()]}, la salle « {salle} » "
                f"ouvre de {horaire.ouverture:%H:%M} à {horaire.fermeture:%H:%M}."
            )
        for fermeture in self.fermetures:
            if fermeture.debut <= jour <= fermeture.fin and fermeture.salle_id in (None, salle.pk):
                raisons.append(f"{str(fermeture)[0].upper()}{str(fermeture)[1:]}.")
        if conflits:
            debut_bloque, fin_bloque = debut - salle.battement_avant, fin + salle.battement_apres
            for autre in self.confirmees:
                if autre.pk in exclure:
                    continue
                if autre.debut_bloque < fin_bloque and autre.fin_bloque > debut_bloque:
                    raisons.append(
                        f"Conflit avec la réservation confirmée de {autre.organisation} le {_jour(autre.debut)} "
                        f"de {_heure(autre.debut)} à {_heure(autre.fin)} (avec l'installation et le rangement, "
                        f"la salle est occupée de {_heure(autre.debut_bloque)} à {_heure(autre.fin_bloque)})."
                    )
        return raisons

    def valoriser(self, categorie, debut, fin, gratuit):
        """The price list's amount of the slot, and what is charged (nothing when free)."""
        heures = Decimal((fin - debut).total_seconds()) / Decimal(3600)
        valeur = arrondi_euros(self.tarifs.get(categorie, Decimal("0")) * heures)
        return valeur, (Decimal("0.00") if gratuit else valeur)


def raisons_creneau(salle, debut, fin, *, effectif=None, exclure=frozenset(), conflits=True):
    """Why `salle` cannot be booked from `debut` to `fin`: the list of French reasons (empty: it can)."""
    if fin <= debut:
        return ["La réservation doit finir après son début."]
    contexte = Contexte.charger(salle, timezone.localtime(debut).date(), timezone.localtime(fin).date())
    return contexte.raisons(debut, fin, effectif=effectif, exclure=exclure, conflits=conflits)


def _verrouiller_salle(salle):
    """Lock the room's row until the end of the transaction: the confirmations of one room are taken one
    after the other (PostgreSQL; SQLite has one writer at a time)."""
    return Salle.objects.select_for_update().get(pk=salle.pk)


def _preparer(reservation, contexte):
    """Set the fields a booking derives from its room: the blocked range and its value."""
    salle = contexte.salle
    reservation.debut_bloque = reservation.debut - salle.battement_avant
    reservation.fin_bloque = reservation.fin + salle.battement_apres
    reservation.valeur, reservation.montant = contexte.valoriser(
        reservation.categorie, reservation.debut, reservation.fin, reservation.gratuit
    )


def _verifier(reservation, contexte, exclure=frozenset()):
    raisons = contexte.raisons(
        reservation.debut,
        reservation.fin,
        effectif=reservation.effectif_prevu,
        exclure=exclure | {reservation.pk},
        conflits=reservation.statut == S.CONFIRMEE,
    )
    if raisons:
        raise ValidationError(raisons)


def _sauver(reservation, *, par, motif):
    """Save, with its history; the exclusion constraint's refusal becomes the French message."""
    try:
        with transaction.atomic():
            if reservation.pk is None:
                reservation._history_user = par
                reservation._change_reason = motif
                reservation.save()
            else:
                workflow.enregistrer(reservation, par=par, motif=motif)
    except IntegrityError as erreur:
        if "reservation_sans_chevauchement" in str(erreur):
            raise ValidationError(MESSAGE_CHEVAUCHEMENT) from erreur
        raise
    return reservation


@transaction.atomic
def creer_reservation(*, par, confirmer=True, **champs):
    """A booking (confirmed at once by default, else requested) from its fields; raises ValidationError
    with every reason the slot cannot be booked, and writes nothing then."""
    reservation = Reservation(**champs, cree_par=par if par and par.pk else None)
    reservation.statut = S.CONFIRMEE if confirmer else S.DEMANDEE
    if not reservation.categorie:
        reservation.categorie = categorie_de(reservation.organisation)
    salle = _verrouiller_salle(reservation.salle)
    contexte = Contexte.charger(salle, *_periode(reservation))
    _preparer(reservation, contexte)
    reservation.full_clean(exclude=["debut_bloque", "fin_bloque"])
    _verifier(reservation, contexte)
    return _sauver(reservation, par=par, motif="Réservation confirmée" if confirmer else "Réservation demandée")


@transaction.atomic
def enregistrer_modification(form, *, par):
    """Save the edit form of a booking (a VersionForm): refused when somebody saved it since the form was
    shown (ConflitEdition), or when the new slot breaks a rule (ValidationError). Nothing is written then."""
    reservation = form.instance
    actuelle = Reservation.objects.select_for_update().only("version").get(pk=reservation.pk).version
    if actuelle != form.cleaned_data["version_vue"]:
        raise ConflitEdition(changements_depuis(reservation, form.cleaned_data["version_vue"]), actuelle)
    salle = _verrouiller_salle(reservation.salle)
    contexte = Contexte.charger(salle, *_periode(reservation))
    _preparer(reservation, contexte)
    _verifier(reservation, contexte)
    reservation.version = actuelle
    return _sauver(reservation, par=par, motif="Réservation modifiée")


# --- The workflow ---------------------------------------------------------------------------------


def _creneau_libre(reservation, jour):
    contexte = Contexte.charger(reservation.salle, *_periode(reservation))
    return contexte.raisons(
        reservation.debut, reservation.fin, effectif=reservation.effectif_prevu, exclure={reservation.pk}
    )


TRANSITIONS = [
    workflow.Transition((S.DEMANDEE,), S.CONFIRMEE, "Confirmer", GESTION_LINNE, _creneau_libre, principale=True),
    workflow.Transition((S.DEMANDEE,), S.REFUSEE, "Refuser", GESTION_LINNE, motif_requis=True),
    workflow.Transition((S.DEMANDEE, S.CONFIRMEE), S.ANNULEE, "Annuler", GESTION_LINNE, motif_requis=True),
]
CIRCUIT = workflow.Circuit(TRANSITIONS, S, qui=qui)


def _motif(reservation, transition, *, jour, commentaire, par):
    if transition.motif_requis:
        reservation.motif = commentaire.strip()


@transaction.atomic
def changer_statut(*, reservation, vers, par, motif="", jour=None):
    """Confirm, refuse or cancel one booking (the room locked first, then the booking); raises ValidationError."""
    _verrouiller_salle(reservation.salle)
    reservation = Reservation.objects.select_for_update().select_related("salle").get(pk=reservation.pk)
    try:
        with transaction.atomic():
            return CIRCUIT.appliquer(reservation, vers, par=par, commentaire=motif, jour=jour, preparer=_motif)
    except IntegrityError as erreur:
        if "reservation_sans_chevauchement" in str(erreur):
            raise ValidationError(MESSAGE_CHEVAUCHEMENT) from erreur
        raise


# --- Series ---------------------------------------------------------------------------------------


class Portee(enum.StrEnum):
    """Which occurrences of a series an action takes."""

    UNE = "une", "Cette réservation seulement"
    SUIVANTES = "suivantes", "Celle-ci et les suivantes"
    TOUTES = "toutes", "Toute la série"

    def __new__(cls, valeur, libelle):
        membre = str.__new__(cls, valeur)
        membre._value_ = valeur
        membre.libelle = libelle
        return membre

    @classmethod
    def choices(cls):
        return [(p.value, p.libelle) for p in cls]


def dates_de_la_regle(*, jours, intervalle_semaines, date_debut, date_fin):
    """The dates of a weekly rule: the chosen weekdays (0 = Monday), every `intervalle_semaines` weeks
    counted from the week of `date_debut`, from `date_debut` to `date_fin` included."""
    lundi = date_debut - datetime.timedelta(days=date_debut.weekday())
    dates = []
    semaine = 0
    while True:
        debut_semaine = lundi + datetime.timedelta(weeks=semaine)
        if debut_semaine > date_fin:
            return dates
        for jour in sorted(set(jours)):
            date = debut_semaine + datetime.timedelta(days=jour)
            if date_debut <= date <= date_fin:
                dates.append(date)
        semaine += intervalle_semaines


def _moment(date, heure):
    return timezone.make_aware(datetime.datetime.combine(date, heure))


@dataclass(frozen=True)
class DateApercu:
    date: datetime.date
    debut: datetime.datetime
    fin: datetime.datetime
    raisons: tuple

    @property
    def possible(self):
        return not self.raisons


def apercu_serie(*, salle, jours, intervalle_semaines, date_debut, date_fin, heure_debut, heure_fin, effectif=None):
    """Every date of the rule and, for each that cannot be booked, why: what the form shows before saving."""
    dates = dates_de_la_regle(
        jours=jours, intervalle_semaines=intervalle_semaines, date_debut=date_debut, date_fin=date_fin
    )
    if len(dates) > SERIE_OCCURRENCES_MAX:
        raise ValidationError(
            f"Cette règle donne {len(dates)} dates : une série en compte {SERIE_OCCURRENCES_MAX} au plus. "
            "Vérifiez la date de fin."
        )
    if not dates:
        raise ValidationError("Aucune date ne correspond à cette règle entre ces deux dates.")
    contexte = Contexte.charger(salle, dates[0], dates[-1])
    apercu = []
    for date in dates:
        debut, fin = _moment(date, heure_debut), _moment(date, heure_fin)
        apercu.append(DateApercu(date, debut, fin, tuple(contexte.raisons(debut, fin, effectif=effectif))))
    return apercu, contexte


@transaction.atomic
def creer_serie(*, par, ecarter_impossibles=False, confirmer=True, **champs):
    """A series and its occurrences (confirmed by default): the dates that cannot be booked are refused,
    unless the user chose to skip them (`ecarter_impossibles`); skipped, they are recorded with their
    reason. Raises ValidationError; writes nothing then."""
    serie = Serie(**champs, cree_par=par if par and par.pk else None)
    if not serie.categorie:
        serie.categorie = categorie_de(serie.organisation)
    serie.full_clean()
    salle = _verrouiller_salle(serie.salle)
    apercu, contexte = apercu_serie(
        salle=salle,
        jours=serie.liste_jours,
        intervalle_semaines=serie.intervalle_semaines,
        date_debut=serie.date_debut,
        date_fin=serie.date_fin,
        heure_debut=serie.heure_debut,
        heure_fin=serie.heure_fin,
        effectif=serie.effectif_prevu,
    )
    impossibles = [d for d in apercu if not d.possible]
    if impossibles and not ecarter_impossibles:
        raise ValidationError(
            [f"Le {d.date:%d/%m/%Y} ne peut pas être réservé : {' '.join(d.raisons)}" for d in impossibles]
        )
    possibles = [d for d in apercu if d.possible]
    if not possibles:
        raise ValidationError("Aucune date de cette série ne peut être réservée.")
    serie._history_user = par
    serie._change_reason = "Série créée"
    serie.save()
    occurrences = []
    for d in possibles:
        reservation = Reservation(
            salle=salle,
            organisation=serie.organisation,
            categorie=serie.categorie,
            objet=serie.objet,
            type_activite=serie.type_activite,
            debut=d.debut,
            fin=d.fin,
            effectif_prevu=serie.effectif_prevu,
            public=serie.public,
            gratuit=serie.gratuit,
            contact_nom=serie.contact_nom,
            contact_email=serie.contact_email,
            contact_telephone=serie.contact_telephone,
            statut=S.CONFIRMEE if confirmer else S.DEMANDEE,
            serie=serie,
            cree_par=serie.cree_par,
        )
        _preparer(reservation, contexte)
        occurrences.append(reservation)
    try:
        with transaction.atomic():
            bulk_create_with_history(
                occurrences,
                Reservation,
                default_user=par if par and par.pk else None,
                default_change_reason="Réservation de la série",
            )
    except IntegrityError as erreur:
        if "reservation_sans_chevauchement" in str(erreur):
            raise ValidationError(MESSAGE_CHEVAUCHEMENT) from erreur
        raise
    DateIgnoree.objects.bulk_create(
        DateIgnoree(serie=serie, date=d.date, motif=" ".join(d.raisons)) for d in impossibles
    )
    return serie


def occurrences(reservation, portee):
    """The bookings an action on `reservation` takes: it alone, it and the following ones of its series,
    or the whole series; only those still requested or confirmed."""
    portee = Portee(portee)
    if portee == Portee.UNE or reservation.serie_id is None:
        return Reservation.objects.filter(pk=reservation.pk)
    qs = Reservation.objects.actives().filter(serie_id=reservation.serie_id)
    if portee == Portee.SUIVANTES:
        qs = qs.filter(debut__gte=reservation.debut)
    return qs


@transaction.atomic
def annuler(*, reservation, portee=Portee.UNE, motif, par):
    """Cancel one booking, it and the following of its series, or the whole series, in one transaction;
    each cancelled occurrence keeps the reason in its history. How many were cancelled."""
    if not motif.strip():
        raise ValidationError("Indiquez le motif de l'annulation.")
    if par.role not in GESTION_LINNE:
        raise ValidationError(f"L'annulation est réservée à {qui(GESTION_LINNE)}.")
    _verrouiller_salle(reservation.salle)
    lot = list(occurrences(reservation, portee).select_for_update().order_by("pk"))
    for occurrence in lot:
        CIRCUIT.appliquer(occurrence, S.ANNULEE, par=par, commentaire=motif, preparer=_motif)
    return len(lot)


def _decaler(moment, delta):
    """`moment` moved by `delta` of local wall-clock time (a booking at 18:00 stays at 18:00 across the
    change to summer time)."""
    return timezone.make_aware(_local(moment) + delta)


@transaction.atomic
def deplacer(*, reservation, portee=Portee.UNE, nouveau_debut, nouvelle_fin, salle=None, par, motif=""):
    """Move one booking, it and the following of its series, or the whole series: each occurrence is
    shifted by what moves `reservation` to `nouveau_debut` and takes its new duration (and room). Every
    moved occurrence is checked against the rules; one that cannot move refuses the whole move, with the
    dates and their reasons, and nothing is written. How many were moved."""
    if par.role not in GESTION_LINNE:
        raise ValidationError(f"Le déplacement est réservé à {qui(GESTION_LINNE)}.")
    if nouvelle_fin <= nouveau_debut:
        raise ValidationError("La réservation doit finir après son début.")
    salle = salle or reservation.salle
    salles = sorted({salle.pk, reservation.salle_id})
    for pk in salles:  # in key order, as every writer does
        Salle.objects.select_for_update().get(pk=pk)
    salle = Salle.objects.get(pk=salle.pk)
    lot = list(occurrences(reservation, portee).select_for_update().order_by("debut", "pk"))
    delta = _local(nouveau_debut) - _local(reservation.debut)
    duree = nouvelle_fin - nouveau_debut
    nouveaux = [(occ, _decaler(occ.debut, delta)) for occ in lot]
    premier = min(timezone.localtime(d).date() for _, d in nouveaux)
    dernier = max(timezone.localtime(d + duree).date() for _, d in nouveaux)
    contexte = Contexte.charger(salle, premier, dernier)
    moved = frozenset(occ.pk for occ in lot)
    erreurs = []
    for occ, debut in nouveaux:
        raisons = contexte.raisons(
            debut, debut + duree, effectif=occ.effectif_prevu, exclure=moved, conflits=occ.statut == S.CONFIRMEE
        )
        if raisons:
            erreurs.append(f"Le {_jour(occ.debut)} ne peut pas être déplacé : {' '.join(raisons)}")
    # The moved occurrences must not overlap each other either (a long new duration).
    blocs = sorted((d - salle.battement_avant, d + duree + salle.battement_apres) for _, d in nouveaux)
    if any(b[0] < a[1] for a, b in zip(blocs, blocs[1:], strict=False)):
        erreurs.append("Avec cette durée, des occurrences de la série se chevaucheraient.")
    if erreurs:
        raise ValidationError(erreurs)
    libelle = f"Réservation déplacée{' — ' + motif.strip() if motif.strip() else ''}"
    for occ, debut in nouveaux:
        occ.salle = salle
        occ.debut, occ.fin = debut, debut + duree
        _preparer(occ, contexte)
        _sauver(occ, par=par, motif=libelle)
    if reservation.serie_id and Portee(portee) == Portee.TOUTES:
        serie = Serie.objects.select_for_update().get(pk=reservation.serie_id)
        serie.salle = salle
        premier_local = timezone.localtime(nouveaux[0][1])
        serie.heure_debut = premier_local.time()
        serie.heure_fin = timezone.localtime(nouveaux[0][1] + duree).time()
        workflow.enregistrer(serie, par=par, motif=libelle)
    return len(lot)
