"""The meetings the service convenes (copils, Cellule de veille, team meetings): their workflow, their
convocation e-mailed with an ICS invitation, their actions followed until done, and what the other pages
read of them (the AVS-8 count of a year's copils, the actions' deadlines, the calendar feeds' events).

The views and the other modules call these keyword-only services; the Celery tasks (pilotage.tasks) call
the two senders with ids. A meeting's status and an action's status change only here, through their
workflow tables (roubaix_cs.workflow).
"""

import datetime
from dataclasses import dataclass
from email.mime.text import MIMEText
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role, User
from comptes.permissions import EQUIPE, can_see_reunions, qui
from roubaix_cs import ics, workflow
from roubaix_cs.deadlines import Deadline
from roubaix_cs.liens import chemins
from roubaix_cs.locking import enregistrer_versionne
from roubaix_cs.seuils import ACTION_REUNION_ALERTE_JOURS, COPIL_POLITIQUE_MIN, COPIL_STRAT_MIN

from .models import Action, ParticipantReunion, Reunion

S = Reunion.Statut
T = Reunion.Type
A = Action.Statut


# --- The meeting's workflow -----------------------------------------------------------------------


def _deja_passee(reunion, jour):
    if reunion.date > jour:
        return [f"La réunion n'a pas encore eu lieu : elle est prévue le {reunion.date:%d/%m/%Y}."]
    return []


TRANSITIONS = [
    workflow.Transition(
        (S.PREVUE,), S.TENUE, "Marquer la réunion comme tenue", EQUIPE, verifier=_deja_passee, principale=True
    ),
    workflow.Transition((S.PREVUE,), S.ANNULEE, "Annuler la réunion", EQUIPE, motif_requis=True),
]
CIRCUIT = workflow.Circuit(TRANSITIONS, S, qui=qui)


@transaction.atomic
def creer_reunion(*, type, date, heure_debut, heure_fin, par, titre="", lieu="", ordre_du_jour="", situations=()):
    """A meeting organised by `par` (a Cellule de veille examining the open files `situations`); raises
    ValidationError with the fields' French messages."""
    reunion = Reunion(
        type=type,
        titre=titre,
        date=date,
        heure_debut=heure_debut,
        heure_fin=heure_fin,
        lieu=lieu,
        ordre_du_jour=ordre_du_jour,
        organisateur=par,
    )
    reunion.full_clean()
    if situations and type != T.CELLULE_VEILLE:
        raise ValidationError({"situations": MESSAGE_SITUATIONS})
    reunion._history_user = par
    reunion.save()
    reunion.situations.set(situations)
    return reunion


MESSAGE_SITUATIONS = (
    "Seule une réunion de la cellule de veille examine des dossiers : choisissez ce type, ou aucun dossier."
)


@transaction.atomic
def changer_statut(*, reunion, vers, par, motif="", jour=None):
    """Mark the meeting held, or cancel it (a reason is required). Cancelling a meeting whose convocation
    was sent raises the invitation's SEQUENCE and e-mails its participants a METHOD:CANCEL message."""
    reunion = Reunion.objects.select_for_update().get(pk=reunion.pk)
    convoquee = reunion.convoquee_le is not None

    def preparer(objet, transition, **_):
        if transition.vers == S.ANNULEE and convoquee:
            objet.sequence_convocation += 1

    reunion = CIRCUIT.appliquer(reunion, vers, par=par, commentaire=motif, jour=jour, preparer=preparer)
    if reunion.statut == S.ANNULEE and convoquee:
        _envoyer_apres_commit(
            reunion, ics.CANCEL, [p for p in reunion.participants.select_related("user") if p.adresse]
        )
    return reunion


# --- Convocation: an e-mail with an ICS invitation to every participant with an address ------------

# What the invitation tells: a change of any of these since the last sending raises its SEQUENCE.
CHAMPS_CONVOCATION = ("type", "titre", "date", "heure_debut", "heure_fin", "lieu", "ordre_du_jour")


def modifiee_depuis_convocation(reunion) -> bool:
    """Has what the invitation tells changed since it was last sent? Read from the meeting's history: the
    record the sending wrote (the first carrying its date) against the meeting as it is (one query)."""
    if reunion.convoquee_le is None:
        return False
    envoi = reunion.history.filter(convoquee_le=reunion.convoquee_le).order_by("history_date", "history_id").first()
    return envoi is None or any(getattr(envoi, champ) != getattr(reunion, champ) for champ in CHAMPS_CONVOCATION)


@dataclass(frozen=True)
class EtatConvocation:
    """What the meeting's page says of its convocation."""

    envoyee_le: datetime.datetime | None
    revision: int  # the invitation's SEQUENCE
    modifiee: bool  # changed since it was sent: to send again
    ajoutes: int  # participants added since it was sent
    sans_adresse: int  # participants who cannot be e-mailed
    destinataires: int
    annulee: bool  # the meeting was cancelled after the convocation: the cancellation was sent

    @property
    def a_renvoyer(self):
        return bool(self.envoyee_le) and not self.annulee and (self.modifiee or self.ajoutes > 0)


def etat_convocation(reunion, participants) -> EtatConvocation:
    """`participants`: the meeting's, already read (with their users). Two queries at most, none once the
    meeting is held or cancelled (what changed since no longer needs sending)."""
    a_venir = reunion.statut == S.PREVUE
    ajoutes = 0
    if a_venir and reunion.convoquee_le is not None:
        ajoutes = (
            ParticipantReunion.history.filter(
                reunion_id=reunion.pk, history_type="+", history_date__gt=reunion.convoquee_le
            )
            .filter(id__in=[p.pk for p in participants])
            .values("id")
            .distinct()
            .count()
        )
    avec_adresse = sum(1 for p in participants if p.adresse)
    return EtatConvocation(
        envoyee_le=reunion.convoquee_le,
        revision=reunion.sequence_convocation,
        modifiee=a_venir and modifiee_depuis_convocation(reunion),
        ajoutes=ajoutes,
        sans_adresse=len(participants) - avec_adresse,
        destinataires=avec_adresse,
        annulee=reunion.statut == S.ANNULEE and reunion.convoquee_le is not None,
    )


@transaction.atomic
def convoquer(*, reunion, par) -> int:
    """Send the convocation to every participant with an address (after commit, one task each): the first
    sending, or an update when the meeting changed since (same UID, SEQUENCE raised). How many e-mails."""
    reunion = Reunion.objects.select_for_update().get(pk=reunion.pk)
    if reunion.statut != S.PREVUE:
        raise ValidationError("Seule une réunion prévue se convoque : celle-ci est tenue ou annulée.")
    destinataires = [p for p in reunion.participants.select_related("user") if p.adresse]
    if not destinataires:
        raise ValidationError(
            "Aucun participant n'a d'adresse e-mail : ajoutez les participants avant d'envoyer la convocation."
        )
    mise_a_jour = reunion.convoquee_le is not None and modifiee_depuis_convocation(reunion)
    if mise_a_jour:
        reunion.sequence_convocation += 1
    reunion.convoquee_le = timezone.now()
    motif = "Convocation modifiée envoyée" if mise_a_jour else "Convocation envoyée"
    workflow.enregistrer(reunion, par=par, motif=f"{motif} ({len(destinataires)} destinataire(s))")
    _envoyer_apres_commit(reunion, ics.REQUEST, destinataires)
    return len(destinataires)


def _envoyer_apres_commit(reunion, methode, participants):
    from .tasks import envoyer_convocation  # the task module imports this one

    for participant in participants:
        # One task per person: a mail server failing for one address is retried for that one only.
        transaction.on_commit(
            partial(envoyer_convocation.delay, reunion.pk, participant.pk, reunion.sequence_convocation, methode),
            robust=True,
        )


def absolue(chemin):
    """A page's address in an e-mail (a job has no request to build it from)."""
    return f"{settings.SITE_URL}{chemin}"


def nom_de(participant):
    if participant.user_id:
        return participant.user.get_full_name() or participant.user.username
    return participant.nom or (str(participant.organisation) if participant.organisation_id else "")


def evenement_invitation(reunion) -> ics.EvenementIcs:
    """The meeting as the event of its invitations: its UID is the same at every sending."""
    return ics.EvenementIcs(
        uid=ics.uid("reunion", reunion.pk),
        debut=reunion.debut,
        fin=reunion.fin,
        resume=f"{reunion.get_type_display()} — {reunion.titre}" if reunion.titre else reunion.libelle,
        lieu=reunion.lieu,
        description=reunion.ordre_du_jour,
        url=absolue(reunion.get_absolute_url()),
        sequence=reunion.sequence_convocation,
    )


def contenu_invitation(reunion, participants, methode) -> bytes:
    """The ICS of the meeting's invitation (REQUEST) or cancellation (CANCEL), every participant with an
    address an ATTENDEE, the service the ORGANIZER."""
    return ics.invitation(
        evenement_invitation(reunion),
        methode=methode,
        organisateur=ics.Personne(settings.SERVICE_EMAIL, settings.SERVICE_NOM),
        participants=[ics.Personne(p.adresse, nom_de(p)) for p in participants if p.adresse],
    )


def _piece_ics(contenu, methode):
    """The invitation as the e-mail's text/calendar part, its method in the type (iMIP, RFC 6047)."""
    piece = MIMEText(contenu.decode(), "calendar", "utf-8")
    piece.set_param("method", methode)
    piece.add_header("Content-Disposition", "attachment", filename="invitation.ics")
    return piece


def envoyer_convocation(*, reunion_id, participant_id, sequence, methode) -> int:
    """E-mail one participant the meeting's invitation (or its cancellation) with its ICS; 1 when sent.

    Nothing is sent when a later sending replaced this one (the SEQUENCE moved on), when the participant
    was removed or has no address, or when the meeting's status no longer matches the message."""
    reunion = Reunion.objects.filter(pk=reunion_id, sequence_convocation=sequence).first()
    if reunion is None or reunion.statut != (S.ANNULEE if methode == ics.CANCEL else S.PREVUE):
        return 0
    participants = list(reunion.participants.select_related("user", "organisation"))
    destinataire = next((p for p in participants if p.pk == participant_id and p.adresse), None)
    if destinataire is None:
        return 0
    contexte = {
        "reunion": reunion,
        "destinataire": nom_de(destinataire),
        "annulation": methode == ics.CANCEL,
        "mise_a_jour": sequence > 0 and methode == ics.REQUEST,
        # The meeting's page, for whoever may read it (not a contact without an account, nor an élu).
        "lien": absolue(reunion.get_absolute_url())
        if destinataire.user_id and can_see_reunions(destinataire.user)
        else "",
        "service": settings.SERVICE_NOM,
    }
    if methode == ics.CANCEL:
        sujet = f"Annulation : {reunion}"
    elif contexte["mise_a_jour"]:
        sujet = f"Convocation modifiée : {reunion}"
    else:
        sujet = f"Convocation : {reunion}"
    message = EmailMultiAlternatives(
        sujet,
        render_to_string("pilotage/reunions/emails/convocation.txt", contexte),
        settings.DEFAULT_FROM_EMAIL,
        [destinataire.adresse],
        reply_to=[settings.SERVICE_EMAIL],
    )
    message.attach_alternative(render_to_string("pilotage/reunions/emails/convocation.html", contexte), "text/html")
    message.attach(_piece_ics(contenu_invitation(reunion, participants, methode), methode))
    message.send()
    return 1


# --- Participants -----------------------------------------------------------------------------------


def ajouter_participant(*, form, reunion):
    """Save a (valid) ParticipantForm: a person with an account takes their organisation, so that a
    partner reads the meetings it is convened to (ReunionQuerySet.visibles_par)."""
    participant = form.save(commit=False)
    participant.reunion = reunion
    if participant.user_id:
        participant.organisation_id = participant.user.organisation_id
    participant.save()
    return participant


def retirer_participant(*, participant):
    """Take a participant off a meeting still to hold (a held meeting keeps who attended it)."""
    if participant.reunion.statut != S.PREVUE:
        raise ValidationError(
            "La réunion n'est plus prévue : ses participants restent, enregistrez plutôt leur présence."
        )
    participant.delete()


@transaction.atomic
def enregistrer_presences(*, reunion, presences):
    """`presences`: {participant id: presence}, for the meeting's participants; how many changed."""
    changes = 0
    # Locked in the order of their keys: the list's ordering joins the organisations, which PostgreSQL
    # refuses to lock on the nullable side of an outer join.
    for participant in reunion.participants.order_by("pk").select_for_update():
        presence = presences.get(participant.pk)
        if presence and presence != participant.presence:
            participant.presence = presence
            participant.save(update_fields=["presence"])
            changes += 1
    return changes


# --- Actions -----------------------------------------------------------------------------------------


def _cloture(action, jour):
    if action.date_cloture and action.date_cloture > jour:
        return ["Une action ne se clôt pas à une date à venir."]
    return []


TRANSITIONS_ACTION = [
    workflow.Transition((A.A_FAIRE,), A.EN_COURS, "Commencer", EQUIPE),
    workflow.Transition((A.A_FAIRE, A.EN_COURS), A.FAITE, "Marquer comme faite", EQUIPE, principale=True),
    workflow.Transition((A.A_FAIRE, A.EN_COURS), A.ABANDONNEE, "Abandonner", EQUIPE, motif_requis=True),
    workflow.Transition((A.FAITE, A.ABANDONNEE), A.EN_COURS, "Rouvrir", EQUIPE, principale=True),
]
CIRCUIT_ACTION = workflow.Circuit(TRANSITIONS_ACTION, A, qui=qui)


def _notifier_apres_commit(action, avant=None):
    """The actions a partner organisation owns are e-mailed to its contacts, when it is given one."""
    if action.porteur_organisation_id and action.porteur_organisation_id != avant:
        from .tasks import envoyer_action_partenaire

        transaction.on_commit(
            partial(envoyer_action_partenaire.delay, action.pk, action.porteur_organisation_id), robust=True
        )


@transaction.atomic
def creer_action(
    *,
    reunion,
    libelle,
    echeance,
    par,
    porteur_user=None,
    porteur_organisation=None,
    situation=None,
    mesure="",
    commentaire="",
):
    """An action decided by `reunion` (for a Cellule de veille, a measure of the file `situation`'s action
    plan), owned by a user of the team or by an organisation, whose contacts it is e-mailed to. Raises
    ValidationError with the fields' French messages."""
    action = Action(
        reunion=reunion,
        libelle=libelle,
        echeance=echeance,
        porteur_user=porteur_user,
        porteur_organisation=porteur_organisation,
        situation=situation,
        mesure=mesure,
        commentaire=commentaire,
    )
    action.full_clean()
    action._history_user = par
    action.save()
    _notifier_apres_commit(action)
    return action


@transaction.atomic
def enregistrer_action(*, form):
    """Save a (valid) ActionForm, an edit under optimistic locking (ConflitEdition); a new owner
    organisation is e-mailed the action."""
    avant = None
    if form.instance.pk:
        avant = Action.objects.filter(pk=form.instance.pk).values_list("porteur_organisation_id", flat=True).first()
    action = enregistrer_versionne(form)
    _notifier_apres_commit(action, avant)
    return action


@transaction.atomic
def changer_statut_action(*, action, vers, par, date_cloture=None, motif="", jour=None):
    """Start, close (done or abandoned, on `date_cloture`, today by default) or reopen an action."""
    jour = jour or timezone.localdate()
    action = Action.objects.select_for_update().get(pk=action.pk)

    def preparer(objet, transition, **_):
        objet.date_cloture = (date_cloture or jour) if transition.vers in (A.FAITE, A.ABANDONNEE) else None

    if vers in (A.FAITE, A.ABANDONNEE) and date_cloture and date_cloture > jour:
        raise ValidationError("Une action ne se clôt pas à une date à venir.")
    return CIRCUIT_ACTION.appliquer(action, vers, par=par, commentaire=motif, jour=jour, preparer=preparer)


def contacts_de(organisation_id, reunion_id) -> list[ics.Personne]:
    """Who is told of an action an organisation owns: its active partner accounts, and its contacts
    convened to the meeting that decided it; each address once."""
    comptes = User.objects.filter(role=Role.PARTENAIRE, organisation_id=organisation_id, is_active=True).exclude(
        email=""
    )
    contacts = ParticipantReunion.objects.filter(
        reunion_id=reunion_id, organisation_id=organisation_id, user__isnull=True
    ).exclude(email="")
    trouves = {}
    for user in comptes.order_by("pk"):
        trouves.setdefault(user.email.lower(), ics.Personne(user.email, user.get_full_name() or user.username))
    for contact in contacts.order_by("pk"):
        trouves.setdefault(contact.email.lower(), ics.Personne(contact.email, contact.nom))
    return list(trouves.values())


def envoyer_action_partenaire(*, action_id, organisation_id) -> int:
    """E-mail an open action to the contacts of the organisation that owns it; how many e-mails. Nothing
    when it was given to someone else or closed in the meantime."""
    action = (
        Action.objects.ouvertes()
        .filter(pk=action_id, porteur_organisation_id=organisation_id)
        .select_related("reunion", "porteur_organisation")
        .first()
    )
    if action is None:
        return 0
    envoyes = 0
    for personne in contacts_de(organisation_id, action.reunion_id):
        contexte = {
            "action": action,
            "reunion": action.reunion,
            "destinataire": personne.nom,
            "lien": absolue(action.reunion.get_absolute_url()),
            "service": settings.SERVICE_NOM,
        }
        message = EmailMultiAlternatives(
            f"Action confiée à {action.porteur_organisation} : {action.libelle}",
            render_to_string("pilotage/reunions/emails/action.txt", contexte),
            settings.DEFAULT_FROM_EMAIL,
            [personne.email],
            reply_to=[settings.SERVICE_EMAIL],
        )
        message.attach_alternative(render_to_string("pilotage/reunions/emails/action.html", contexte), "text/html")
        message.send()
        envoyes += 1
    return envoyes


# --- AVS-8: the copils of a calendar year -------------------------------------------------------------


@dataclass(frozen=True)
class Gouvernance:
    """The steering committees held or planned in a calendar year (the cancelled ones do not count)."""

    annee: int
    strategiques: int
    politiques: int

    @property
    def avertissements(self) -> list[str]:
        """AVS-8: fewer than COPIL_STRAT_MIN strategic copils, or no political one, is warned about."""
        messages = []
        n = self.strategiques
        if n < COPIL_STRAT_MIN:
            if n == 0:
                tenus = "aucun copil stratégique tenu ou prévu"
            elif n == 1:
                tenus = "un seul copil stratégique tenu ou prévu"
            else:
                tenus = f"{n} copils stratégiques tenus ou prévus"
            messages.append(f"{self.annee} : {tenus}, quand il en faut au moins {COPIL_STRAT_MIN} dans l'année.")
        if self.politiques < COPIL_POLITIQUE_MIN:
            messages.append(f"{self.annee} : aucun copil politique tenu ou prévu, quand il en faut un par an.")
        return messages

    @property
    def manquants(self) -> int:
        """How many copils are still to plan this year to reach the minimum."""
        return max(0, COPIL_STRAT_MIN - self.strategiques) + max(0, COPIL_POLITIQUE_MIN - self.politiques)


def gouvernance(annee) -> Gouvernance:
    """The copils of `annee` (one query)."""
    comptes = dict(
        Reunion.objects.filter(date__year=annee, type__in=[T.COPIL_STRATEGIQUE, T.COPIL_POLITIQUE])
        .exclude(statut=S.ANNULEE)
        .order_by()
        .values_list("type")
        .annotate(n=Count("pk"))
    )
    return Gouvernance(
        annee=annee,
        strategiques=comptes.get(T.COPIL_STRATEGIQUE, 0),
        politiques=comptes.get(T.COPIL_POLITIQUE, 0),
    )


# --- What the pages read --------------------------------------------------------------------------------


def _compte(modele, **filtre):
    lignes = modele.objects.filter(reunion=OuterRef("pk"), **filtre).order_by().values("reunion")
    return Coalesce(Subquery(lignes.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def avec_comptes(reunions):
    """`reunions` with their participants, those present and their open actions counted (subqueries: a
    partner's scope, a join on the participants, does not change the counts)."""
    return reunions.annotate(
        n_participants=_compte(ParticipantReunion),
        n_presents=_compte(ParticipantReunion, presence=ParticipantReunion.Presence.PRESENT),
        n_actions_ouvertes=_compte(Action, statut__in=[A.A_FAIRE, A.EN_COURS]),
    )


def contexte_compte_rendu(reunion):
    """What the minutes' PDF shows, whoever reads it: never the internal notes, the participants'
    addresses nor the actions' comments (the template names none of them)."""
    return {
        "reunion": reunion,
        "participants": list(reunion.participants.select_related("user", "organisation")),
        "actions": list(reunion.actions.select_related("porteur_user", "porteur_organisation", "situation__centre")),
        "situations": list(reunion.situations.select_related("centre")),
        "edite_le": timezone.localdate(),
    }


TYPES_ECHEANCES = {"action_reunion": "Action décidée en réunion"}


def echeances_des_actions(today) -> list[Deadline]:
    """The open actions of the meetings: due within ACTION_REUNION_ALERTE_JOURS days (alerting from then),
    then overdue (a new alert once the due date is past; CV-2 for the Cellule de veille's action plans).
    One query."""
    lignes = Action.objects.ouvertes().values_list(
        "pk",
        "libelle",
        "echeance",
        "reunion_id",
        "reunion__type",
        "reunion__titre",
        "reunion__date",
        "situation__centre_id",
        "situation__centre__nom_court",
        "situation__centre__nom",
        named=True,
    )
    page = chemins("pilotage:reunion_detail", "#actions")  # Reunion.get_absolute_url
    types = dict(T.choices)
    echeances = []
    for ligne in lignes.order_by("echeance", "pk"):
        en_retard = ligne.echeance < today
        reunion = ligne.reunion__titre or types.get(ligne.reunion__type, "")
        centre = ligne.situation__centre__nom_court or ligne.situation__centre__nom
        label = f"{centre + ' — ' if centre else ''}{ligne.libelle} ({reunion} du {ligne.reunion__date:%d/%m/%Y})"
        echeances.append(
            Deadline(
                due=ligne.echeance,
                kind="action_reunion",
                label=label + (" : échéance dépassée" if en_retard else ""),
                url=page(ligne.reunion_id),
                threshold="retard" if en_retard else f"J-{ACTION_REUNION_ALERTE_JOURS}",
                object_key=f"pilotage.action:{ligne.pk}",
                centre_id=ligne.situation__centre_id,
            )
        )
    return echeances


def evenements_calendrier(user, today) -> list[ics.EvenementIcs]:
    """The meetings to come in `user`'s personal calendar feed: the team's, every meeting not cancelled
    (the service convenes them all); a partner's, those it is convened to in person. Timed events in
    Europe/Paris. One query."""
    reunions = Reunion.objects.exclude(statut=S.ANNULEE).filter(date__gte=today)
    if user.role == Role.PARTENAIRE:
        reunions = reunions.filter(participants__user=user).distinct()
    elif user.role not in EQUIPE:
        return []
    page = chemins("pilotage:reunion_detail")
    champs = ("pk", "type", "titre", "date", "heure_debut", "heure_fin", "lieu", "ordre_du_jour", "statut")
    return [
        ics.EvenementIcs(
            uid=ics.uid("reunion-agenda", reunion.pk),
            debut=reunion.debut,
            fin=reunion.fin,
            resume=reunion.libelle,
            lieu=reunion.lieu,
            description=reunion.ordre_du_jour,
            url=page(reunion.pk),
        )
        for reunion in reunions.only(*champs).order_by("date", "heure_debut", "pk")
    ]


def url_creation_veille(situation) -> str:
    """The address that opens a new Cellule de veille meeting examining `situation` (for the files' pages)."""
    return f"{reverse('pilotage:reunion_creer')}?type={T.CELLULE_VEILLE}&situation={situation.pk}"
