"""The requests of the public for Espace Linné's rooms (DemandeReservation and its Voeu rows): what an
association asks on the public page and the rate limit per address, the régisseurs' answer (a one-off
request accepted as a confirmed booking, a seasonal wish allocated as a series, a request refused), the
conflicts between the wishes of a season, and the e-mails: acknowledgement, decision and reminder.

A request's and a wish's status change only here; the bookings and series are written by
`linne.services`. Each answer locks the request's row first, then the room's (as `linne.services`
does), so that two régisseurs answering one request at once answer it once.
"""

import dataclasses
import datetime
import hashlib
import hmac
import logging
from collections import defaultdict
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from comptes.models import Organisation
from comptes.tasks import TRANSITOIRES
from roubaix_cs import uploads, workflow
from roubaix_cs.seuils import (
    DEMANDE_SALLE_REPONSE_JOURS,
    DEMANDES_SALLE_PAR_ADRESSE_PAR_HEURE,
    RAPPEL_RESERVATION_JOURS,
)

from . import services
from .models import JOURS_SEMAINE, DemandeReservation, Fermeture, HoraireOuverture, Justificatif, Reservation, Voeu

logger = logging.getLogger(__name__)

D = DemandeReservation.Statut
V = Voeu.Statut
MESSAGE_LIMITE = (
    "Trop de demandes ont été envoyées depuis votre connexion au cours de la dernière heure. "
    "Réessayez plus tard, ou écrivez à l'Espace Linné."
)
MESSAGE_DEJA_TRAITEE = "Cette demande a déjà reçu sa réponse : elle n'est plus en attente."
# A Monday of a week without a change of time: the wishes' weekly slots are checked on its week.
LUNDI_DE_REFERENCE = datetime.date(2024, 1, 8)


# --- Seasons ----------------------------------------------------------------------------------------


def saison_de(jour):
    """The season (its September's year) a day belongs to: 2026 runs from September 2026 to June 2027."""
    return jour.year if jour.month >= 9 else jour.year - 1


def prochaine_saison(jour):
    """The season that starts next September."""
    return jour.year if jour.month < 9 else jour.year + 1


def saisons_ouvertes(jour):
    """The seasons a request may ask for on `jour`: the one under way (from September to June), and the
    next one."""
    saisons = {prochaine_saison(jour)}
    if jour.month not in (7, 8):
        saisons.add(saison_de(jour))
    return sorted(saisons)


def bornes_saison(saison):
    """The first and last days of a season: 1 September to 30 June."""
    return datetime.date(saison, 9, 1), datetime.date(saison + 1, 6, 30)


def periode_attribution(saison, today):
    """The days an allocated wish books: the season, from tomorrow when it is under way."""
    debut, fin = bornes_saison(saison)
    return max(debut, today + datetime.timedelta(days=1)), fin


def reference(demande):
    """The request's reference, given to the association: its year and number."""
    return f"{timezone.localtime(demande.recue_le):%Y}-{demande.pk:05d}"


def _moment(jour, heure):
    return timezone.make_aware(datetime.datetime.combine(jour, heure))


# --- The public page: the sender's address, the checks of a slot, the recording --------------------


def empreinte_adresse(adresse):
    """A keyed hash of the sender's address (HMAC-SHA256 with the SECRET_KEY): the rate limit compares
    these, and the address itself is never stored."""
    return hmac.new(settings.SECRET_KEY.encode(), (adresse or "").encode(), hashlib.sha256).hexdigest()


def limite_atteinte(empreinte, maintenant=None):
    """Whether this address has sent as many requests as allowed in the last hour (the recorded ones:
    the database counts them, whichever process took them)."""
    depuis = (maintenant or timezone.now()) - datetime.timedelta(hours=1)
    recentes = DemandeReservation.objects.filter(empreinte_adresse=empreinte, recue_le__gte=depuis)
    return recentes.count() >= DEMANDES_SALLE_PAR_ADRESSE_PAR_HEURE


def raisons_creneau_public(salle, debut, fin, effectif):
    """Why a one-off slot cannot be asked for: the room's rules only (opening hours, closures, duration,
    capacity), never another booking: the public page reveals nothing of them."""
    return services.raisons_creneau(salle, debut, fin, effectif=effectif, conflits=False)


def raisons_voeu(salle, jour_semaine, heure_debut, heure_fin, effectif=None, horaires=None):
    """Why a weekly slot does not fit the room at all (its opening hours that weekday, its duration
    rules, its capacity); the closures and the other bookings are the allocation's business."""
    if horaires is None:
        horaires = {h.jour_semaine: h for h in salle.horaires.all()}
    contexte = services.Contexte(salle=salle, horaires=horaires, fermetures=[], confirmees=[])
    jour = LUNDI_DE_REFERENCE + datetime.timedelta(days=jour_semaine)
    return contexte.raisons(_moment(jour, heure_debut), _moment(jour, heure_fin), effectif=effectif, conflits=False)


def fin_de_validite_du_reglement(demande):
    """The rules are accepted for a season: the one of the booking asked for, or the season asked for."""
    if demande.nature == DemandeReservation.Nature.SAISONNIERE:
        return bornes_saison(demande.saison)[1]
    return bornes_saison(saison_de(timezone.localtime(demande.debut).date()))[1]


@transaction.atomic
def enregistrer_demande(*, champs, voeux, assurance, assurance_valide_jusqu_au, empreinte):
    """Record a request of the public page: the request, its wishes (seasonal), its insurance certificate
    (a checked upload) and the acceptance of the rules, each validated; the acknowledgement is e-mailed
    once committed. Raises ValidationError and writes nothing then."""
    maintenant = timezone.now()
    today = timezone.localdate()
    demande = DemandeReservation(**champs, reglement_accepte_le=maintenant, empreinte_adresse=empreinte)
    demande.recue_le = maintenant
    demande.full_clean()
    demande._change_reason = "Demande reçue par la page publique"
    demande.save()
    for rang, voeu in enumerate(voeux, start=1):
        ligne = Voeu(demande=demande, rang=rang, **voeu)
        ligne.full_clean()
        ligne._change_reason = "Vœu de la demande"
        ligne.save()
    _, nom, empreinte_fichier = uploads.verifier_fichier(assurance)
    assurance.name = nom  # only the checked extension reaches chemin_justificatif; the rest is random
    justificatifs = [
        Justificatif(
            nature=Justificatif.Nature.ASSURANCE,
            demande=demande,
            fichier=assurance,
            nom_fichier=nom,
            sha256=empreinte_fichier,
            valide_du=min(today, assurance_valide_jusqu_au),
            valide_jusqu_au=assurance_valide_jusqu_au,
        ),
        Justificatif(
            nature=Justificatif.Nature.REGLEMENT,
            demande=demande,
            valide_du=today,
            valide_jusqu_au=fin_de_validite_du_reglement(demande),
        ),
    ]
    for justificatif in justificatifs:
        justificatif.full_clean()
        justificatif._change_reason = "Déposé avec la demande"
        justificatif.save()
    _apres_commit("envoyer_accuse_reception", demande.pk)
    return demande


def _apres_commit(tache, *args):
    """Queue an e-mail task once the transaction commits (a failure to queue is logged, never undoes the
    answer given)."""
    from . import tasks  # the task module imports this one

    transaction.on_commit(partial(getattr(tasks, tache).delay, *args), robust=True)


# --- The answer: organisation, acceptance, allocation, refusal -------------------------------------


def organisation_trouvee(demande):
    """The organisation a request comes from, when it is known: by its SIRET, else by its exact name."""
    if demande.siret:
        par_siret = Organisation.objects.filter(siret=demande.siret).order_by("pk").first()
        if par_siret is not None:
            return par_siret
    return Organisation.objects.filter(nom__iexact=demande.nom_organisation.strip()).order_by("pk").first()


def _organisation(demande, choisie, par):
    """The organisation chosen by the régisseur, else the one found, else a new association; marked as
    active in a priority neighbourhood when the request says so (never unmarked: a request that does not
    say it is no proof of the contrary)."""
    organisation = choisie or organisation_trouvee(demande)
    if organisation is not None:
        if demande.quartier_prioritaire and not organisation.quartier_prioritaire:
            organisation.quartier_prioritaire = True
            organisation._history_user = par
            organisation._change_reason = f"Active en quartier prioritaire (demande de salle {reference(demande)})"
            organisation.save(update_fields=["quartier_prioritaire"])
        return organisation
    organisation = Organisation(
        nom=demande.nom_organisation.strip(),
        nature=Organisation.Nature.ASSOCIATION,
        siret=demande.siret,
        quartier_prioritaire=demande.quartier_prioritaire,
    )
    organisation.full_clean()
    organisation._history_user = par
    organisation._change_reason = f"Créée par la demande de salle {reference(demande)}"
    organisation.save()
    return organisation


def _en_attente(demande, nature=None):
    """The request's row, locked until the end of the transaction, if it still waits for its answer."""
    demande = DemandeReservation.objects.select_for_update().get(pk=demande.pk)
    if demande.statut != D.RECUE:
        raise ValidationError(MESSAGE_DEJA_TRAITEE)
    if nature is not None and demande.nature != nature:
        raise ValidationError(
            "Une demande pour la saison s'attribue vœu par vœu, depuis la page d'attribution de la saison."
            if nature == DemandeReservation.Nature.PONCTUELLE
            else "Cette demande n'est pas une demande pour la saison."
        )
    return demande


def _rattacher_justificatifs(demande, organisation):
    """The request's documents now belong to the organisation too (with their validity)."""
    for justificatif in demande.justificatifs.filter(organisation__isnull=True):
        justificatif.organisation = organisation
        justificatif._change_reason = f"Rattaché à {organisation}"
        justificatif.save()


def _repondre(demande, *, vers, par, motif, organisation=None, motif_refus=""):
    demande.statut = vers
    demande.organisation = organisation
    demande.motif_refus = motif_refus
    demande.traitee_le = timezone.now()
    demande.traitee_par = par if par and par.pk else None
    workflow.enregistrer(demande, par=par, motif=motif)


def _voeux_non_retenus(demande, par, sauf=None):
    for voeu in demande.voeux.filter(statut=V.EN_ATTENTE).exclude(pk=getattr(sauf, "pk", None)):
        voeu.statut = V.NON_RETENU
        voeu._history_user = par
        voeu._change_reason = "Vœu non retenu"
        voeu.save()


@transaction.atomic
def accepter(*, demande, par, categorie, gratuit, organisation=None, prevenir=True):
    """Accept a one-off request: its organisation (chosen, found or created), its confirmed booking
    (`linne.services.creer_reservation`: a conflict or a broken rule refuses the whole, nothing is
    written), the documents attached to the organisation, the decision e-mailed once committed (unless
    not `prevenir`: the demo data)."""
    demande = _en_attente(demande, DemandeReservation.Nature.PONCTUELLE)
    organisation = _organisation(demande, organisation, par)
    reservation = services.creer_reservation(
        par=par,
        confirmer=True,
        salle=demande.salle,
        organisation=organisation,
        categorie=categorie,
        objet=demande.objet,
        type_activite=demande.type_activite,
        debut=demande.debut,
        fin=demande.fin,
        effectif_prevu=demande.effectif_prevu,
        public=demande.public,
        gratuit=gratuit,
        contact_nom=demande.contact_nom,
        contact_email=demande.contact_email,
        contact_telephone=demande.contact_telephone,
        demande=demande,
    )
    _repondre(demande, vers=D.TRAITEE, par=par, motif="Demande acceptée", organisation=organisation)
    _rattacher_justificatifs(demande, organisation)
    if prevenir:
        _apres_commit("envoyer_decision", demande.pk)
    return reservation


@transaction.atomic
def attribuer(*, voeu, par, categorie, gratuit, organisation=None, today=None, prevenir=True):
    """Allocate a wish of a seasonal request: a weekly series on its weekday from 1 September (tomorrow,
    when the season is under way) to 30 June, the dates that cannot be booked skipped and recorded with
    their reason (`linne.services.creer_serie`); the wish allocated, the request's other wishes not
    retained, the request answered, its documents attached to the organisation, the decision e-mailed."""
    today = today or timezone.localdate()
    demande = _en_attente(voeu.demande, DemandeReservation.Nature.SAISONNIERE)
    voeu = Voeu.objects.select_for_update().select_related("salle").get(pk=voeu.pk, demande=demande)
    if voeu.statut != V.EN_ATTENTE:
        raise ValidationError("Ce vœu n'est plus en attente.")
    du, au = periode_attribution(demande.saison, today)
    if du > au:
        raise ValidationError(f"La saison {libelle_saison(demande.saison)} est terminée.")
    organisation = _organisation(demande, organisation, par)
    serie = services.creer_serie(
        par=par,
        ecarter_impossibles=True,
        salle=voeu.salle,
        organisation=organisation,
        categorie=categorie,
        objet=demande.objet,
        type_activite=demande.type_activite,
        effectif_prevu=demande.effectif_prevu,
        public=demande.public,
        gratuit=gratuit,
        jours=str(voeu.jour_semaine),
        intervalle_semaines=1,
        date_debut=du,
        date_fin=au,
        heure_debut=voeu.heure_debut,
        heure_fin=voeu.heure_fin,
        contact_nom=demande.contact_nom,
        contact_email=demande.contact_email,
        contact_telephone=demande.contact_telephone,
    )
    voeu.statut = V.ATTRIBUE
    voeu.serie = serie
    voeu._history_user = par
    voeu._change_reason = "Vœu attribué"
    voeu.save()
    _voeux_non_retenus(demande, par, sauf=voeu)
    _repondre(demande, vers=D.TRAITEE, par=par, motif=f"Vœu {voeu.rang} attribué", organisation=organisation)
    _rattacher_justificatifs(demande, organisation)
    if prevenir:
        _apres_commit("envoyer_decision", demande.pk)
    return serie


@transaction.atomic
def refuser(*, demande, par, motif, prevenir=True):
    """Refuse a request, with its reason (e-mailed to the contact once committed); its wishes are not
    retained."""
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Indiquez le motif du refus : il est envoyé à l'association.")
    demande = _en_attente(demande)
    _voeux_non_retenus(demande, par)
    _repondre(demande, vers=D.REFUSEE, par=par, motif="Demande refusée", motif_refus=motif)
    if prevenir:
        _apres_commit("envoyer_decision", demande.pk)
    return demande


def libelle_saison(saison):
    return f"{saison}-{saison + 1}"


# --- The allocation's table: the wishes of a season and their conflicts ----------------------------


@dataclasses.dataclass
class LigneVoeu:
    """A pending wish in the allocation's table, with what it conflicts with."""

    voeu: Voeu
    conflits: list = dataclasses.field(default_factory=list)  # the other wishes it overlaps
    dates: int = 0  # the dates of the season it would book
    dates_en_conflit: int = 0  # those taken by a confirmed booking
    dates_impossibles: int = 0  # those skipped for another reason (closure, opening hours…)


@dataclasses.dataclass
class Creneau:
    """The wishes of one room on one weekday."""

    salle: object
    jour_semaine: int
    lignes: list

    @property
    def jour(self):
        return dict(JOURS_SEMAINE)[self.jour_semaine]

    @property
    def en_conflit(self):
        return any(ligne.conflits for ligne in self.lignes)


def _se_chevauchent(a, b):
    """Two weekly slots of one room and weekday overlap, the room's set-up and clean-up included."""
    salle = a.salle
    debut_a = datetime.datetime.combine(LUNDI_DE_REFERENCE, a.heure_debut) - salle.battement_avant
    fin_a = datetime.datetime.combine(LUNDI_DE_REFERENCE, a.heure_fin) + salle.battement_apres
    debut_b = datetime.datetime.combine(LUNDI_DE_REFERENCE, b.heure_debut) - salle.battement_avant
    fin_b = datetime.datetime.combine(LUNDI_DE_REFERENCE, b.heure_fin) + salle.battement_apres
    return debut_a < fin_b and debut_b < fin_a


def voeux_en_attente(saison):
    return (
        Voeu.objects.filter(statut=V.EN_ATTENTE, demande__statut=D.RECUE, demande__saison=saison)
        .select_related("salle", "demande")
        .order_by("salle__nom", "jour_semaine", "heure_debut", "demande__recue_le", "rang", "pk")
    )


def tableau_attribution(saison, today):
    """The pending wishes of the season's requests by room and weekday, each with the other wishes it
    overlaps and the dates of the season a confirmed booking already takes. A fixed number of queries:
    the rooms' opening hours, closures and confirmed bookings of the season are read once."""
    voeux = list(voeux_en_attente(saison))
    du, au = periode_attribution(saison, today)
    salles = {v.salle_id: v.salle for v in voeux}
    horaires = defaultdict(dict)
    fermetures = defaultdict(list)
    par_jour = defaultdict(list)
    generales = []
    if salles and du <= au:
        for horaire in HoraireOuverture.objects.filter(salle__in=salles):
            horaires[horaire.salle_id][horaire.jour_semaine] = horaire
        for fermeture in Fermeture.objects.filter(debut__lte=au, fin__gte=du).select_related("salle"):
            (generales if fermeture.salle_id is None else fermetures[fermeture.salle_id]).append(fermeture)
        debut = _moment(du, datetime.time.min) - datetime.timedelta(days=1)
        fin = _moment(au, datetime.time.max) + datetime.timedelta(days=1)
        confirmees = Reservation.objects.confirmees().filter(
            salle__in=salles, debut_bloque__lt=fin, fin_bloque__gt=debut
        )
        for reservation in confirmees.only("pk", "salle_id", "debut", "fin", "debut_bloque", "fin_bloque"):
            for jour in {
                timezone.localtime(reservation.debut_bloque).date(),
                timezone.localtime(reservation.fin_bloque).date(),
            }:
                par_jour[reservation.salle_id, jour].append(reservation)
    lignes = {v.pk: LigneVoeu(v) for v in voeux}
    groupes = defaultdict(list)
    for voeu in voeux:
        groupes[voeu.salle_id, voeu.jour_semaine].append(voeu)
    for groupe in groupes.values():
        for i, a in enumerate(groupe):
            for b in groupe[i + 1 :]:
                if a.demande_id != b.demande_id and _se_chevauchent(a, b):
                    lignes[a.pk].conflits.append(b)
                    lignes[b.pk].conflits.append(a)
    if du <= au:
        for voeu in voeux:
            salle = voeu.salle
            base = services.Contexte(
                salle=salle,
                horaires=horaires[salle.pk],
                fermetures=fermetures[salle.pk] + generales,
                confirmees=[],
            )
            _compter_dates(lignes[voeu.pk], base, par_jour, du, au)
    return [
        Creneau(salles[salle_id], jour, [lignes[v.pk] for v in groupe]) for (salle_id, jour), groupe in groupes.items()
    ]


def _compter_dates(ligne, base, par_jour, du, au):
    """The wish's dates of the season: how many, how many break a rule of the room (a closure, its opening
    hours), how many a confirmed booking already takes (buffers included)."""
    voeu, salle = ligne.voeu, base.salle
    dates = services.dates_de_la_regle(jours=[voeu.jour_semaine], intervalle_semaines=1, date_debut=du, date_fin=au)
    ligne.dates = len(dates)
    for date in dates:
        debut, fin = _moment(date, voeu.heure_debut), _moment(date, voeu.heure_fin)
        if base.raisons(debut, fin, effectif=voeu.demande.effectif_prevu, conflits=False):
            ligne.dates_impossibles += 1
            continue
        debut_bloque, fin_bloque = debut - salle.battement_avant, fin + salle.battement_apres
        if any(
            autre.debut_bloque < fin_bloque and autre.fin_bloque > debut_bloque
            for autre in par_jour.get((salle.pk, date), [])
        ):
            ligne.dates_en_conflit += 1


# --- E-mails ----------------------------------------------------------------------------------------


def _envoyer(sujet, gabarit, contexte, destinataire):
    contexte = {**contexte, "service": "Espace Linné — Ville de Roubaix"}
    message = EmailMultiAlternatives(
        sujet,
        render_to_string(f"linne/emails/{gabarit}.txt", contexte),
        settings.DEFAULT_FROM_EMAIL,
        [destinataire],
        reply_to=[settings.SERVICE_EMAIL],
    )
    message.attach_alternative(render_to_string(f"linne/emails/{gabarit}.html", contexte), "text/html")
    message.send()


def _contexte_demande(demande):
    return {
        "demande": demande,
        "reference": reference(demande),
        "voeux": list(demande.voeux.select_related("salle")),
        "saison": libelle_saison(demande.saison) if demande.saison else "",
    }


def envoyer_accuse_reception(*, demande_id):
    """The acknowledgement of a request, to its contact: what was asked, its reference, when the answer
    comes. How many e-mails (0: the request is gone)."""
    demande = DemandeReservation.objects.select_related("salle").filter(pk=demande_id).first()
    if demande is None:
        return 0
    contexte = _contexte_demande(demande) | {"delai": DEMANDE_SALLE_REPONSE_JOURS}
    sujet = f"Votre demande de salle à l'Espace Linné (référence {reference(demande)})"
    _envoyer(sujet, "accuse_reception", contexte, demande.contact_email)
    return 1


def envoyer_decision(*, demande_id):
    """The answer to a request, to its contact: the booking, or the series with its dates and the dates
    skipped and why, or the refusal and its reason. How many e-mails (0: not answered, or gone)."""
    demande = DemandeReservation.objects.select_related("salle").filter(pk=demande_id).first()
    if demande is None or demande.statut == D.RECUE:
        return 0
    contexte = _contexte_demande(demande)
    if demande.statut == D.REFUSEE:
        gabarit = "refus"
    elif demande.nature == DemandeReservation.Nature.PONCTUELLE:
        gabarit = "acceptation"
        contexte["reservation"] = demande.reservations.select_related("salle").order_by("pk").last()
    else:
        gabarit = "attribution"
        voeu = demande.voeux.filter(statut=V.ATTRIBUE, serie__isnull=False).select_related("serie__salle").first()
        serie = voeu.serie if voeu else None
        contexte |= {
            "voeu": voeu,
            "serie": serie,
            "occurrences": list(serie.reservations.order_by("debut")) if serie else [],
            "ignorees": list(serie.dates_ignorees.all()) if serie else [],
        }
    sujet = f"Réponse à votre demande de salle à l'Espace Linné (référence {reference(demande)})"
    _envoyer(sujet, gabarit, contexte, demande.contact_email)
    return 1


def rappels_a_envoyer(today):
    """The confirmed bookings whose reminder is due on `today`: those starting in two days (or tomorrow,
    when yesterday's run was missed), not reminded yet."""
    debut = _moment(today + datetime.timedelta(days=1), datetime.time.min)
    fin = _moment(today + datetime.timedelta(days=RAPPEL_RESERVATION_JOURS + 1), datetime.time.min)
    a_rappeler = Reservation.objects.confirmees().filter(debut__gte=debut, debut__lt=fin, rappel_envoye_le__isnull=True)
    return list(a_rappeler.order_by("debut", "pk").values_list("pk", flat=True))


def envoyer_rappel(*, reservation_id):
    """The reminder of one confirmed booking, to its contact, once: the row is claimed by an UPDATE of a
    booking not reminded yet, so that two workers never both send it; a failing mail server gives the
    claim back (for the next run) and raises. How many e-mails."""
    pris = (
        Reservation.objects.confirmees()
        .filter(pk=reservation_id, rappel_envoye_le__isnull=True)
        .update(rappel_envoye_le=timezone.now())
    )
    if not pris:
        return 0
    reservation = Reservation.objects.select_related("salle", "organisation").get(pk=reservation_id)
    try:
        _envoyer(
            f"Rappel : votre réservation à l'Espace Linné le {timezone.localtime(reservation.debut):%d/%m/%Y}",
            "rappel",
            {"reservation": reservation},
            reservation.contact_email,
        )
    except Exception:
        Reservation.objects.filter(pk=reservation_id).update(rappel_envoye_le=None)
        raise
    return 1


def envoyer_rappels(today):
    """Every reminder due on `today` (the daily job): how many were sent, and how many failed (they stay
    due for the next run)."""
    envoyes = echecs = 0
    for pk in rappels_a_envoyer(today):
        try:
            envoyes += envoyer_rappel(reservation_id=pk)
        except TRANSITOIRES:
            logger.exception("Rappel de la réservation %s non envoyé", pk)
            echecs += 1
    return {"envoyes": envoyes, "echecs": echecs}
