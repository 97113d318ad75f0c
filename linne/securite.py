"""The safety register of Espace Linné, a building open to the public (établissement recevant du public):
the periodic checks and when each is next due, the visits of the safety commission, the incidents and
their follow-up actions.

The only writer of these records (TypeControle, Controle, VisiteCommission, Incident, ActionIncident):
each write in one transaction, with its author and reason in the history. An incident is edited and
closed under optimistic locking (`Incident.version`), and is closed only once every action is done.
The register's read models (`etat_des_controles`, `registre`, `registre_complet`) are built here too, in
a fixed number of queries whatever the number of checks, visits or incidents.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from centres.models import Local
from centres.services import noter_commission_securite
from roubaix_cs.history import changements_depuis
from roubaix_cs.locking import ConflitEdition

from .models import ActionIncident, Controle, Incident, Reservation, Salle, TypeControle, VisiteCommission

MESSAGE_ACTIONS_OUVERTES = "L'incident ne peut pas être clos : {n} action{s} de suivi {reste} à faire ({libelles})."
MESSAGE_DEJA_CLOS = "Cet incident est déjà clos."
MESSAGE_CLOS = "Cet incident est clos : on n'y ajoute plus d'action."
MESSAGE_ACTION_FAITE = "Cette action est déjà faite."


def prochaine_echeance(date, periodicite_mois):
    """The day a check done on `date` is next due: `periodicite_mois` months later (the same day of the
    month, the month's last day when it has no such day)."""
    return date + relativedelta(months=periodicite_mois)


@dataclass(frozen=True)
class EtatControle:
    """Where one kind of check stands on `today`: its last check (None: never done, so due now)."""

    type_controle: TypeControle
    dernier: Controle | None
    echeance: datetime.date
    today: datetime.date

    @property
    def jamais_fait(self):
        return self.dernier is None

    @property
    def en_retard(self):
        return self.echeance < self.today

    @property
    def a_faire(self):
        """Overdue, never done, or due today."""
        return self.echeance <= self.today

    @property
    def situation(self):
        """In words, for the register's pages."""
        if self.jamais_fait:
            return "jamais fait : à faire maintenant"
        if self.en_retard:
            return f"en retard depuis le {self.echeance:%d/%m/%Y}"
        if self.echeance == self.today:
            return "à faire aujourd'hui"
        return "à jour"


def etat_des_controles(today, *, types=None):
    """The state of each active kind of check on `today`, in the register's order: two queries (the kinds
    with the pk of their last check, then those checks), one when none was ever done."""
    if types is None:
        types = TypeControle.objects.filter(actif=True)
    derniers = Controle.objects.filter(type_controle=OuterRef("pk")).order_by("-date", "-pk").values("pk")[:1]
    types = list(types.annotate(_dernier=Subquery(derniers)).order_by("ordre", "nom"))
    controles = Controle.objects.select_related("type_controle").in_bulk([t._dernier for t in types if t._dernier])
    etats = []
    for type_controle in types:
        dernier = controles.get(type_controle._dernier)
        echeance = prochaine_echeance(dernier.date, type_controle.periodicite_mois) if dernier else today
        etats.append(EtatControle(type_controle, dernier, echeance, today))
    return etats


def derniere_visite():
    """The last visit of the safety commission, or None."""
    return VisiteCommission.objects.select_related("saisie_par").order_by("-date", "-pk").first()


def incidents_ouverts():
    return Incident.objects.filter(statut=Incident.Statut.OUVERT).select_related("salle").order_by("-survenu_le", "-pk")


def salles_et_capacites():
    """The rooms and the maximum number of people each admits (Salle.capacite, enforced on bookings by
    linne.services)."""
    return list(Salle.objects.order_by("nom").only("nom", "capacite", "surface_m2", "accessible_pmr", "active"))


def registre(today):
    """The register's home page: the checks' state, the last commission visit, the open incidents with
    their actions still to do counted, the rooms and their capacity."""
    ouverts = incidents_ouverts().prefetch_related(
        Prefetch("actions", queryset=ActionIncident.objects.filter(faite_le__isnull=True), to_attr="a_faire")
    )
    return {
        "etats": etat_des_controles(today),
        "derniere_visite": derniere_visite(),
        "incidents_ouverts": list(ouverts),
        "salles": salles_et_capacites(),
        "today": today,
    }


def identite_du_batiment():
    """The building's identity as the premises' file has it (centres.Local, the one of Espace Linné, which
    no centre occupies), or None when the service has not filled it in."""
    return Local.objects.filter(centre__isnull=True, nom__icontains="Linné").order_by("pk").first()


def registre_complet(today):
    """Everything the printed register shows: the building, its rooms and capacities, each kind of check
    with its state and every check done, every commission visit, every incident with its actions. A fixed
    number of queries."""
    etats = etat_des_controles(today, types=TypeControle.objects.all())
    historique = {}
    for controle in Controle.objects.select_related("type_controle").order_by("-date", "-pk"):
        historique.setdefault(controle.type_controle_id, []).append(controle)
    actions = ActionIncident.objects.select_related("responsable").order_by("echeance", "pk")
    incidents = Incident.objects.select_related("salle", "reservation__organisation").prefetch_related(
        Prefetch("actions", queryset=actions)
    )
    return {
        "batiment": identite_du_batiment(),
        "salles": salles_et_capacites(),
        "controles": [(etat, historique.get(etat.type_controle.pk, [])) for etat in etats],
        "visites": list(VisiteCommission.objects.order_by("-date", "-pk")),
        "incidents": list(incidents.order_by("-survenu_le", "-pk")),
        "today": today,
    }


# --- Writes ------------------------------------------------------------------------------------------


def _enregistrer(objet, *, par, motif):
    objet.full_clean()
    objet._history_user = par
    objet._change_reason = motif
    objet.save()
    return objet


@transaction.atomic
def enregistrer_type_controle(type_controle, *, par):
    """Add a kind of check, or change one (its periodicity, its reference, whether it is followed)."""
    motif = "Contrôle modifié" if type_controle.pk else "Contrôle ajouté au registre"
    return _enregistrer(type_controle, par=par, motif=motif)


@transaction.atomic
def enregistrer_controle(*, type_controle, date, intervenant, resultat, observations="", par):
    """A check done: its next due date follows from its kind's periodicity (`prochaine_echeance`)."""
    controle = Controle(
        type_controle=type_controle,
        date=date,
        intervenant=intervenant,
        resultat=resultat,
        observations=observations,
        saisi_par=par,
    )
    return _enregistrer(controle, par=par, motif="Contrôle enregistré")


@transaction.atomic
@transaction.atomic
def enregistrer_visite(*, date, nature, avis, prescriptions="", prochaine_visite=None, par):
    """A visit of the safety commission and its opinion. The latest visit's dates go to the building's premises
    file when there is one (centres.services.noter_commission_securite), whose deadline then alerts on the next
    visit, once; without a premises file, the register's own deadline does (linne.deadlines)."""
    visite = VisiteCommission(
        date=date,
        nature=nature,
        avis=avis,
        prescriptions=prescriptions,
        prochaine_visite=prochaine_visite,
        saisie_par=par,
    )
    visite = _enregistrer(visite, par=par, motif="Visite de la commission enregistrée")
    batiment = identite_du_batiment()
    if batiment is not None and (batiment.commission_derniere is None or batiment.commission_derniere <= date):
        noter_commission_securite(
            batiment,
            derniere=date,
            prochaine=prochaine_visite,
            motif="Visite de la commission enregistrée au registre de sécurité de l'Espace Linné",
        )
    return visite


def reservation_pendant(salle, moment_):
    """The confirmed booking of `salle` under way at `moment_` (its set-up and clean-up included), or None."""
    if salle is None:
        return None
    return (
        Reservation.objects.confirmees()
        .filter(salle=salle, debut_bloque__lte=moment_, fin_bloque__gte=moment_)
        .order_by("debut", "pk")
        .first()
    )


@transaction.atomic
def declarer_incident(
    *, survenu_le, nature, description, salle=None, mesures_immediates="", secours_appeles=False, par
):
    """An incident, linked to the confirmed booking of its room under way at that moment."""
    incident = Incident(
        survenu_le=survenu_le,
        salle=salle,
        reservation=reservation_pendant(salle, survenu_le),
        nature=nature,
        description=description,
        mesures_immediates=mesures_immediates,
        secours_appeles=secours_appeles,
        declare_par=par,
    )
    return _enregistrer(incident, par=par, motif="Incident déclaré")


def _verrouiller(incident, version_vue):
    """Lock the incident's row; refuse (ConflitEdition) when it changed since version `version_vue`."""
    actuelle = Incident.objects.select_for_update().only("version").get(pk=incident.pk).version
    if version_vue is not None and actuelle != version_vue:
        raise ConflitEdition(changements_depuis(incident, version_vue), actuelle)
    return actuelle


@transaction.atomic
def modifier_incident(incident, *, version_vue, par):
    """Save the edited incident (its fields set by the edit form) under optimistic locking; its booking
    follows its room and moment again."""
    actuelle = _verrouiller(incident, version_vue)
    incident.reservation = reservation_pendant(incident.salle, incident.survenu_le)
    incident.version = actuelle + 1
    return _enregistrer(incident, par=par, motif="Incident modifié")


@transaction.atomic
def clore_incident(*, incident, par, version_vue=None, jour=None):
    """Close an incident: refused in French while one of its actions is not done, or when it is closed."""
    actuelle = _verrouiller(incident, version_vue)
    incident.refresh_from_db()
    if incident.statut == Incident.Statut.CLOS:
        raise ValidationError(MESSAGE_DEJA_CLOS)
    restantes = list(incident.actions.filter(faite_le__isnull=True).order_by("echeance", "pk"))
    if restantes:
        n = len(restantes)
        raise ValidationError(
            MESSAGE_ACTIONS_OUVERTES.format(
                n=n,
                s="s" if n > 1 else "",
                reste="restent" if n > 1 else "reste",
                libelles=", ".join(f"« {a.libelle} »" for a in restantes),
            )
        )
    incident.statut = Incident.Statut.CLOS
    incident.clos_le = jour or timezone.localdate()
    incident.version = actuelle + 1
    return _enregistrer(incident, par=par, motif="Incident clos")


@transaction.atomic
def ajouter_action(*, incident, libelle, echeance, responsable=None, par):
    """A follow-up action of an open incident (its row locked: a closing at the same moment waits)."""
    _verrouiller(incident, None)
    incident.refresh_from_db()
    if incident.statut == Incident.Statut.CLOS:
        raise ValidationError(MESSAGE_CLOS)
    action = ActionIncident(incident=incident, libelle=libelle, echeance=echeance, responsable=responsable)
    return _enregistrer(action, par=par, motif="Action de suivi ajoutée")


@transaction.atomic
def marquer_action_faite(*, action, faite_le, par):
    """An action done on `faite_le`."""
    action = ActionIncident.objects.select_for_update().get(pk=action.pk)
    if action.faite_le is not None:
        raise ValidationError(MESSAGE_ACTION_FAITE)
    action.faite_le = faite_le
    return _enregistrer(action, par=par, motif="Action de suivi faite")
