"""Deny by default, proven: every URL of the project × every role → its declared outcome.

A URL pattern missing from MATRIX fails `test_every_url_has_a_declared_rule`, so no page
ships without its rule. Columns: anonymous, responsable, agent, régisseur, élu,
partenaire (CAF), account without role. LOGIN = redirect to the login page.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from comptes.middleware import EXEMPT_NAMESPACES
from comptes.models import Role
from conventions.models import Avenant, Convention
from deliberations.models import Mandat
from linne.models import Justificatif
from pilotage.models import Reunion, SituationVeille

from .factories import (
    ActionFactory,
    ActionIncidentFactory,
    ActionSuiviFactory,
    AgrementFactory,
    AssembleeGeneraleFactory,
    CentreFactory,
    ContactFactory,
    ConventionFactory,
    CreneauFactory,
    CreneauTypeFactory,
    DeliberationFactory,
    DemandeFactory,
    DemandeReservationFactory,
    DirectionFactory,
    DispositifFactory,
    DocumentFactory,
    EngagementFactory,
    FermetureFactory,
    ImportIndicateursFactory,
    IncidentFactory,
    IndicateursAnnuelsFactory,
    LigneBudgetaireFactory,
    LocalFactory,
    OrganisationFactory,
    ParticipantReunionFactory,
    ReservationFactory,
    ReunionFactory,
    SalleFactory,
    SeanceFactory,
    SerieFactory,
    SituationVeilleFactory,
    TravauxFactory,
    TypeControleFactory,
    UserFactory,
    VersionAnnexeFactory,
    VersionEvaluationLinneFactory,
    VersionPdfFactory,
    VersionRapportAnnuelFactory,
    VersionRapportFactory,
    VisiteFactory,
    VoeuFactory,
)
from .partage import donnees_partagees

LOGIN = "login"
REDIRECT = "redirect"
PERSONAS = ["anonyme", "responsable", "agent", "regisseur", "elu", "partenaire", "sans_role"]

READ_ALL = (LOGIN, 200, 200, 200, 200, 200, 403)
READ_VISITES = (LOGIN, 200, 200, 403, 200, 403, 403)  # the team and the élus
READ_LOCAUX = (LOGIN, 200, 200, 200, 200, 403, 403)  # the service (régisseurs too) and the élus
READ_DOCUMENTS = (LOGIN, 200, 200, 403, 200, 200, 403)  # public documents for élus and partners
READ_CONVENTIONS = (LOGIN, 200, 200, 403, 200, 200, 403)  # partners: those their organisation is party to
POST_ONLY = (LOGIN, 405, 405, 403, 403, 403, 403)
READ_INDICATEURS = (LOGIN, 200, 200, 403, 200, 200, 403)  # partners: their centres'; never the régisseurs
READ_SUBVENTIONS = (LOGIN, 200, 200, 403, 200, 403, 403)
READ_DELIBERATIONS = (LOGIN, 200, 200, 403, 200, 403, 403)  # the team and the élus; instruction is internal
STAFF_ACTION = (LOGIN, REDIRECT, REDIRECT, 403, 403, 403, 403)  # a POST action: done or refused with a message
STAFF_ONLY = (LOGIN, 200, 200, 403, 403, 403, 403)
NO_WRITE = (LOGIN, 403, 403, 403, 403, 403, 403)
# An empty POST to a form re-displays it with its errors (200) for those allowed to write.
STAFF_WRITE = (LOGIN, 200, 200, 403, 403, 403, 403)
# The accounts: the responsable opens, edits and closes them; agents read them.
RESPONSABLE_FORM = (LOGIN, 200, 403, 403, 403, 403, 403)
READ_ALERTES = (LOGIN, 200, 200, 200, 403, 403, 403)  # the service's own alerts
# The Cellule de veille's files: the team, and the partners those their organisation's meetings examined;
# never the élus (they read the levels on their dashboard) nor the régisseurs.
READ_VEILLE = (LOGIN, 200, 200, 403, 403, 200, 403)
# An action on one's own account, by every role (a POST done, then back to the page).
OWN_ACTION = (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, 403)
# Meetings: the team; a partner those its organisation takes part in; never the élus nor the régisseurs.
READ_REUNIONS = (LOGIN, 200, 200, 403, 403, 200, 403)
REUNION_HORS_PERIMETRE = (LOGIN, 200, 200, 403, 403, 404, 403)


@dataclass
class Rule:
    get: tuple
    post: tuple
    kwargs: Callable = lambda world: {}
    # For scoped objects: kwargs of an object outside the CAF partner's scope, and the outcomes there.
    hors_perimetre: Callable | None = None
    get_hors_perimetre: tuple = field(default=())


def _centre(world):
    return {"pk": world.centre.pk}


def _centre_hors(world):
    return {"pk": world.centre_hors.pk}


def _pk(factory, **scope):
    return lambda world: {"pk": factory(**{k: getattr(world, v) for k, v in scope.items()}).pk}


def _fmt(world):
    return {"fmt": "csv"}


def _convention(statut=Convention.Statut.BROUILLON, hors=False):
    def build(world):
        centre = world.centre_hors if hors else world.centre
        parties = [] if hors else [world.caf]
        return ConventionFactory(centre=centre, statut=statut, parties=parties)

    return build


def _signee(world):
    return {"pk": _convention(Convention.Statut.SIGNEE)(world).pk}


def _projet(world):
    return {"pk": _convention()(world).pk}


def _avenant(world):
    return {
        "pk": Avenant.objects.create(
            convention=_convention(Convention.Statut.SIGNEE)(world),
            numero=1,
            date=datetime.date(2026, 1, 1),
            objet="Prolongation",
        ).pk
    }


def _reunion_de(world, hors=False, **champs):
    """A meeting with a participant of its own organisation (the CAF's, unless `hors`): in the CAF
    partner's scope, or out of it."""
    reunion = ReunionFactory(**champs)
    ParticipantReunionFactory(reunion=reunion, organisation=OrganisationFactory() if hors else world.caf)
    return reunion


def _reunion(world):
    return {"pk": _reunion_de(world).pk}


def _reunion_hors(world):
    return {"pk": _reunion_de(world, hors=True).pk}


def _reunion_avec_fichier(hors=False):
    def build(world):
        reunion = _reunion_de(world, hors=hors)
        reunion.compte_rendu_fichier.save("compte-rendu.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        return {"pk": reunion.pk}

    return build


def _action_de_reunion(world):
    return {"pk": ActionFactory(reunion=_reunion_de(world)).pk}


def _compte_elu(world, **champs):
    return {"pk": UserFactory(role=Role.ELU, **champs).pk}


def _dossier_veille(hors=False):
    """The open Cellule de veille file of the world's centre (in the CAF partner's scope: examined by a meeting
    of the cellule the CAF takes part in), or of the centre outside it; built once per case."""

    def build(world):
        centre = world.centre_hors if hors else world.centre
        situation = SituationVeille.objects.ouvertes().filter(centre=centre).first()
        if situation is None:
            situation = SituationVeilleFactory(centre=centre)
            reunion = ReunionFactory(type=Reunion.Type.CELLULE_VEILLE)
            reunion.situations.add(situation)
            if not hors:
                ParticipantReunionFactory(reunion=reunion, organisation=world.caf)
        return {"pk": situation.pk}

    return build


def _plan_veille(hors=False):
    return lambda world: {**_dossier_veille(hors)(world), "fmt": "csv"}


# linne — gestion: the service (régisseurs included) manages Espace Linné, the élus read it.
READ_LINNE = (LOGIN, 200, 200, 200, 200, 403, 403)
LINNE_FORM = (LOGIN, 200, 200, 200, 403, 403, 403)  # a form of the service; an empty POST shows its errors
LINNE_ACTION = (LOGIN, REDIRECT, REDIRECT, REDIRECT, 403, 403, 403)  # a POST action: done or refused
LINNE_POST_ONLY = (LOGIN, 405, 405, 405, 403, 403, 403)


def _salle_linne(world):
    return {"pk": SalleFactory().pk}


def _avec_salle_linne(world):
    SalleFactory()  # the forms offer an open room
    return {}


def _fermeture_linne(world):
    return {"pk": FermetureFactory(salle=SalleFactory()).pk}


# linne — the safety register: the service's (régisseurs included) only; élus and partners get 403.
READ_SECURITE_LINNE = (LOGIN, 200, 200, 200, 403, 403, 403)


def _type_controle(world):
    return {"pk": TypeControleFactory().pk}


def _incident(world):
    return {"pk": IncidentFactory().pk}


def _action_incident(world):
    return {"pk": ActionIncidentFactory().pk}


def _reservation_linne(world):
    return {"pk": ReservationFactory().pk}


def _reservation_demandee(world):
    return {"pk": ReservationFactory(statut="demandee").pk}


def _reservation_de_serie(world):
    """A booking of a series: its cancel and move forms offer the « portée »."""
    return {"pk": SerieFactory().reservations.order_by("debut").first().pk}


def _serie_linne(world):
    return {"pk": SerieFactory().pk}


def _reservation_terminee(world):
    """A confirmed booking that ended yesterday: its attendance can be recorded."""
    from django.utils import timezone

    from .factories import moment

    hier = timezone.localdate() - datetime.timedelta(days=1)
    return {"pk": ReservationFactory(debut=moment(hier, 10), fin=moment(hier, 12)).pk}


# linne — fréquentation: the service records the attendance (élus and partners 403); the service and the
# élus read the statistics (LECTEURS_STATISTIQUES_LINNE), partners never.
FREQUENTATION_LECTURE = (LOGIN, 200, 200, 200, 403, 403, 403)


# linne — planning: the régisseurs' rota is the service's (GESTION_LINNE), read and written; never the élus
# (they read the facility's statistics and evaluation only) nor the partners.
def _creneau_linne(world):
    return {"pk": CreneauFactory(regisseur=world.personas["regisseur"]).pk}


def _creneau_type_linne(world):
    return {"pk": CreneauTypeFactory(regisseur=world.personas["regisseur"]).pk}


def _deliberation_et_demande(world):
    deliberation = DeliberationFactory()
    deliberation.demandes.add(DemandeFactory(centre=world.centre, statut="deliberation"))
    return {"pk": deliberation.pk, "demande_pk": deliberation.demandes.get().pk}


# linne — demandes: the request form and its pages are public (anyone, logged in or not: an empty POST shows
# the form again with its errors); the service answers the requests, the élus read them, the partners never.
PUBLIC_FORMULAIRE = (200,) * 7
PUBLIC_LECTURE = (200,) * 7
PUBLIC_SANS_ECRITURE = (405,) * 7
DEMANDES_LECTURE = (LOGIN, 200, 200, 200, 200, 403, 403)
DEMANDES_GESTION = (LOGIN, 200, 200, 200, 403, 403, 403)


def _demande_salle(world):
    return {"pk": DemandeReservationFactory(salle=SalleFactory()).pk}


def _voeu(world):
    return {"pk": VoeuFactory().pk}


def _justificatif(world):
    justificatif = Justificatif(
        nature=Justificatif.Nature.ASSURANCE,
        demande=DemandeReservationFactory(salle=SalleFactory()),
        nom_fichier="attestation.pdf",
        valide_du=datetime.date(2026, 1, 1),
        valide_jusqu_au=datetime.date(2026, 12, 31),
    )
    justificatif.fichier.save("attestation.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return {"pk": justificatif.pk}


MATRIX = {
    "accueil": Rule(get=READ_ALL, post=NO_WRITE),
    "comptes:login": Rule(
        get=(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        post=(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    ),
    "comptes:logout": Rule(get=(405,) * 7, post=(REDIRECT,) * 7),
    # Changing one's own password is the one write read-only roles may make.
    "comptes:password_change": Rule(
        get=(LOGIN, 200, 200, 200, 200, 200, 403), post=(LOGIN, 200, 200, 200, 200, 200, 403)
    ),
    # Password reset by an e-mailed link: public, the same answer to anyone (a link no longer valid says so).
    "comptes:password_reset": Rule(get=(200,) * 7, post=(200,) * 7),
    "comptes:password_reset_done": Rule(get=(200,) * 7, post=(405,) * 7),
    "comptes:password_reset_confirm": Rule(
        get=(200,) * 7, post=(200,) * 7, kwargs=lambda w: {"uidb64": "MQ", "token": "perime"}
    ),
    "comptes:password_reset_complete": Rule(get=(200,) * 7, post=(405,) * 7),
    # The locked logins: the responsable lifts them (a superuser does in the admin).
    "comptes:blocages": Rule(get=(LOGIN, 200, 403, 403, 403, 403, 403), post=(LOGIN, 405, 403, 403, 403, 403, 403)),
    "comptes:debloquer": Rule(
        get=(LOGIN, 405, 403, 403, 403, 403, 403), post=(LOGIN, REDIRECT, 403, 403, 403, 403, 403)
    ),
    # Accounts managed by the service (a target account: an élu's, active or closed).
    "comptes:liste": Rule(get=STAFF_ONLY, post=NO_WRITE),
    # The organisations' search field: the team's forms, and the bookings' forms of Espace Linné (régisseurs).
    "comptes:organisation_autocompletion": Rule(get=(LOGIN, 200, 200, 200, 403, 403, 403), post=NO_WRITE),
    "comptes:export": Rule(get=STAFF_ONLY, post=NO_WRITE, kwargs=_fmt),
    "comptes:detail": Rule(get=STAFF_ONLY, post=NO_WRITE, kwargs=_compte_elu),
    "comptes:creer": Rule(get=RESPONSABLE_FORM, post=RESPONSABLE_FORM),
    "comptes:modifier": Rule(get=RESPONSABLE_FORM, post=RESPONSABLE_FORM, kwargs=_compte_elu),
    "comptes:inviter": Rule(
        get=(LOGIN, 405, 403, 403, 403, 403, 403),
        post=(LOGIN, REDIRECT, 403, 403, 403, 403, 403),
        kwargs=_compte_elu,
    ),
    "comptes:desactiver": Rule(get=RESPONSABLE_FORM, post=RESPONSABLE_FORM, kwargs=_compte_elu),
    "comptes:reactiver": Rule(
        get=RESPONSABLE_FORM,
        post=RESPONSABLE_FORM,
        kwargs=lambda w: _compte_elu(w, is_active=False),
    ),
    # The invitation link is public: a link no longer valid says so, to anyone.
    "comptes:invitation": Rule(get=(200,) * 7, post=(200,) * 7, kwargs=lambda w: {"uidb64": "MQ", "token": "perime"}),
    # One's personal calendar: everyone with a role creates, regenerates and revokes its secret address.
    "comptes:calendrier": Rule(get=(LOGIN, 200, 200, 200, 200, 200, 403), post=NO_WRITE),
    "comptes:calendrier_regenerer": Rule(get=(LOGIN, 405, 405, 405, 405, 405, 403), post=OWN_ACTION),
    "comptes:calendrier_revoquer": Rule(get=(LOGIN, 405, 405, 405, 405, 405, 403), post=OWN_ACTION),
    "centres:liste": Rule(get=READ_ALL, post=NO_WRITE),
    "centres:autocompletion": Rule(get=READ_ALL, post=NO_WRITE),
    "centres:export": Rule(get=READ_ALL, post=NO_WRITE, kwargs=lambda w: {"fmt": "csv"}),
    "centres:creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "centres:detail": Rule(
        get=READ_ALL,
        post=NO_WRITE,
        kwargs=_centre,
        hors_perimetre=_centre_hors,
        get_hors_perimetre=(LOGIN, 200, 200, 200, 200, 404, 403),
    ),
    "centres:modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_centre),
    "centres:agrement_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_centre),
    "centres:agrement_modifier": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": AgrementFactory(centre=w.centre).pk}
    ),
    "centres:contact_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_centre),
    "centres:contact_modifier": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": ContactFactory(centre=w.centre).pk}
    ),
    "centres:contact_supprimer": Rule(
        get=STAFF_ONLY,
        post=(LOGIN, REDIRECT, REDIRECT, 403, 403, 403, 403),
        kwargs=lambda w: {"pk": ContactFactory(centre=w.centre).pk},
    ),
    # Gouvernance : les directions successives
    "centres:direction_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_centre),
    "centres:direction_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(DirectionFactory, centre="centre")),
    "centres:direction_terminer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(DirectionFactory, centre="centre")),
    # Assemblées générales
    "centres:ag_liste": Rule(get=READ_ALL, post=NO_WRITE),
    "centres:ag_export": Rule(get=READ_ALL, post=NO_WRITE, kwargs=_fmt),
    "centres:ag_ics": Rule(get=READ_ALL, post=NO_WRITE),
    "centres:ag_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_centre),
    "centres:ag_modifier": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(AssembleeGeneraleFactory, centre="centre")
    ),
    # Indicateurs annuels et leur import
    "centres:indicateurs_liste": Rule(get=READ_INDICATEURS, post=NO_WRITE),
    "centres:indicateurs_export": Rule(get=READ_INDICATEURS, post=NO_WRITE, kwargs=_fmt),
    "centres:indicateurs_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_centre),
    "centres:indicateurs_modifier": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(IndicateursAnnuelsFactory, centre="centre")
    ),
    "centres:indicateurs_modele": Rule(get=STAFF_ONLY, post=NO_WRITE, kwargs=_fmt),
    "centres:indicateurs_importer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "centres:indicateurs_import": Rule(
        get=STAFF_ONLY, post=NO_WRITE, kwargs=_pk(ImportIndicateursFactory, centre="centre")
    ),
    "centres:indicateurs_import_confirmer": Rule(
        get=POST_ONLY, post=STAFF_ACTION, kwargs=_pk(ImportIndicateursFactory, centre="centre")
    ),
    "centres:indicateurs_import_statut": Rule(
        get=STAFF_ONLY, post=NO_WRITE, kwargs=_pk(ImportIndicateursFactory, centre="centre")
    ),
    # Visites et actions de suivi
    "centres:visite_liste": Rule(get=READ_VISITES, post=NO_WRITE),
    "centres:visite_export": Rule(get=READ_VISITES, post=NO_WRITE, kwargs=_fmt),
    "centres:visite_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_centre),
    "centres:visite_detail": Rule(get=READ_VISITES, post=NO_WRITE, kwargs=_pk(VisiteFactory, centre="centre")),
    "centres:visite_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(VisiteFactory, centre="centre")),
    "centres:visite_pdf": Rule(
        get=READ_VISITES,
        post=NO_WRITE,
        kwargs=lambda w: {"pk": VersionRapportFactory(visite__centre=w.centre).visite_id},
    ),
    "centres:visite_rapport_generer": Rule(
        get=POST_ONLY, post=STAFF_ACTION, kwargs=_pk(VisiteFactory, centre="centre")
    ),
    "centres:visite_rapport_statut": Rule(get=READ_VISITES, post=NO_WRITE, kwargs=_pk(VisiteFactory, centre="centre")),
    "centres:visite_rapport_telecharger": Rule(
        get=READ_VISITES, post=NO_WRITE, kwargs=_pk(VersionRapportFactory, visite__centre="centre")
    ),
    "centres:action_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(VisiteFactory, centre="centre")),
    "centres:action_modifier": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": ActionSuiviFactory(visite__centre=w.centre).pk}
    ),
    # Locaux et travaux
    "centres:local_liste": Rule(get=READ_LOCAUX, post=NO_WRITE),
    "centres:local_autocompletion": Rule(get=READ_LOCAUX, post=NO_WRITE),
    "centres:local_export": Rule(get=READ_LOCAUX, post=NO_WRITE, kwargs=_fmt),
    "centres:local_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "centres:local_detail": Rule(get=READ_LOCAUX, post=NO_WRITE, kwargs=_pk(LocalFactory, centre="centre")),
    "centres:local_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(LocalFactory, centre="centre")),
    "centres:travaux_liste": Rule(get=READ_LOCAUX, post=NO_WRITE),
    "centres:travaux_export": Rule(get=READ_LOCAUX, post=NO_WRITE, kwargs=_fmt),
    "centres:travaux_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(LocalFactory, centre="centre")),
    "centres:travaux_modifier": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": TravauxFactory(local__centre=w.centre).pk}
    ),
    # Coffre-fort de documents
    "centres:document_liste": Rule(get=READ_DOCUMENTS, post=NO_WRITE),
    "centres:document_export": Rule(get=READ_DOCUMENTS, post=NO_WRITE, kwargs=_fmt),
    "centres:document_deposer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_centre),
    "centres:document_telecharger": Rule(
        get=READ_DOCUMENTS,
        post=NO_WRITE,
        kwargs=_pk(DocumentFactory, centre="centre"),
        hors_perimetre=_pk(DocumentFactory, centre="centre_hors"),
        get_hors_perimetre=(LOGIN, 200, 200, 403, 200, 404, 403),
    ),
    "centres:document_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(DocumentFactory, centre="centre")),
    # Conventions
    "conventions:liste": Rule(get=READ_CONVENTIONS, post=NO_WRITE),
    "conventions:export": Rule(get=READ_CONVENTIONS, post=NO_WRITE, kwargs=_fmt),
    "conventions:creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "conventions:detail": Rule(
        get=READ_CONVENTIONS,
        post=NO_WRITE,
        kwargs=_signee,
        hors_perimetre=lambda w: {"pk": _convention(Convention.Statut.SIGNEE, hors=True)(w).pk},
        get_hors_perimetre=(LOGIN, 200, 200, 403, 200, 404, 403),
    ),
    "conventions:modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_projet),
    "conventions:transition": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_projet),
    "conventions:renouveler": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_signee),
    "conventions:partie_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_projet),
    "conventions:partie_modifier": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": _convention()(w).parties.get().pk}
    ),
    "conventions:engagement_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_projet),
    "conventions:engagement_modifier": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": EngagementFactory(convention=_convention()(w)).pk}
    ),
    "conventions:objectif_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_projet),
    "conventions:objectif_modifier": Rule(
        get=STAFF_ONLY,
        post=STAFF_WRITE,
        kwargs=lambda w: {"pk": _convention()(w).objectifs.create(intitule="Accueil", indicateur="Familles").pk},
    ),
    "conventions:valeur_saisir": Rule(
        get=STAFF_ONLY,
        post=STAFF_WRITE,
        kwargs=lambda w: {"pk": _convention()(w).objectifs.create(intitule="Accueil", indicateur="Familles").pk},
    ),
    "conventions:evaluation_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_signee),
    "conventions:avenant_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_signee),
    "conventions:avenant_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_avenant),
    "conventions:avenant_montant_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_avenant),
    "conventions:avenant_signer": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_avenant),
    "conventions:version_deposer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_signee),
    # Subventions
    "subventions:liste": Rule(get=READ_SUBVENTIONS, post=NO_WRITE),
    "subventions:export": Rule(get=READ_SUBVENTIONS, post=NO_WRITE, kwargs=_fmt),
    "subventions:creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "subventions:detail": Rule(get=READ_SUBVENTIONS, post=NO_WRITE, kwargs=_pk(DemandeFactory, centre="centre")),
    "subventions:modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(DemandeFactory, centre="centre")),
    "subventions:instruction": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(DemandeFactory, centre="centre")),
    "subventions:transition": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_pk(DemandeFactory, centre="centre")),
    "subventions:reconduire": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_pk(DemandeFactory, centre="centre")),
    "subventions:versement_creer": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": DemandeFactory(centre=w.centre, votee=True).pk}
    ),
    "subventions:crf": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": DemandeFactory(centre=w.centre, votee=True).pk}
    ),
    "subventions:crf_ligne_creer": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": DemandeFactory(centre=w.centre, votee=True).pk}
    ),
    "subventions:scdl": Rule(
        get=(LOGIN, 200, 200, 403, 403, 403, 403), post=NO_WRITE, kwargs=lambda w: {"annee": 2026}
    ),
    # The open-data page of the team; an empty POST redisplays the publication form with its errors.
    "subventions:donnees_ouvertes": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    # The budget annex of the year's aid (L2313-1): the team and the élus, as the grants.
    "subventions:annexe": Rule(get=READ_SUBVENTIONS, post=NO_WRITE),
    "subventions:annexe_xlsx": Rule(get=READ_SUBVENTIONS, post=NO_WRITE, kwargs=lambda w: {"annee": 2026}),
    # Its PDF, rendered in the background: the team asks for it, the élus read its versions.
    "subventions:annexe_pdf_generer": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=lambda w: {"annee": 2026}),
    "subventions:annexe_pdf_statut": Rule(get=READ_SUBVENTIONS, post=NO_WRITE, kwargs=lambda w: {"annee": 2026}),
    "subventions:annexe_pdf_telecharger": Rule(get=READ_SUBVENTIONS, post=NO_WRITE, kwargs=_pk(VersionAnnexeFactory)),
    "subventions:budget": Rule(get=READ_SUBVENTIONS, post=NO_WRITE, kwargs=lambda w: {"annee": 2026}),
    "subventions:ligne_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "subventions:ligne_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(LigneBudgetaireFactory)),
    "subventions:dispositifs": Rule(get=READ_SUBVENTIONS, post=NO_WRITE),
    "subventions:dispositif_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "subventions:dispositif_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(DispositifFactory)),
    # Délibérations
    "deliberations:seance_liste": Rule(get=READ_DELIBERATIONS, post=NO_WRITE),
    "deliberations:seance_export": Rule(get=READ_DELIBERATIONS, post=NO_WRITE, kwargs=_fmt),
    "deliberations:seance_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "deliberations:seance_detail": Rule(get=READ_DELIBERATIONS, post=NO_WRITE, kwargs=_pk(SeanceFactory)),
    "deliberations:seance_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(SeanceFactory)),
    # Élus declare their own mandates: their one write besides their account.
    "deliberations:mandat_liste": Rule(get=READ_DELIBERATIONS, post=(LOGIN, 200, 200, 403, 200, 403, 403)),
    "deliberations:mandat_supprimer": Rule(
        get=(LOGIN, 405, 405, 403, 405, 403, 403),
        post=(LOGIN, REDIRECT, REDIRECT, 403, 404, 403, 403),  # an élu deletes only their own mandates
        kwargs=lambda w: {"pk": Mandat.objects.create(elu=UserFactory(role=Role.ELU), organisation=w.caf).pk},
    ),
    "deliberations:liste": Rule(get=READ_DELIBERATIONS, post=NO_WRITE),
    "deliberations:export": Rule(get=READ_DELIBERATIONS, post=NO_WRITE, kwargs=_fmt),
    "deliberations:creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "deliberations:detail": Rule(get=READ_DELIBERATIONS, post=NO_WRITE, kwargs=_pk(DeliberationFactory)),
    "deliberations:inscrire": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": DemandeFactory(centre=w.centre, statut="validee").pk}
    ),
    "deliberations:oter": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_deliberation_et_demande),
    "deliberations:apercu": Rule(get=READ_DELIBERATIONS, post=NO_WRITE, kwargs=_pk(DeliberationFactory)),
    "deliberations:modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_pk(DeliberationFactory)),
    "deliberations:prete": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_pk(DeliberationFactory)),
    "deliberations:pdf_generer": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_pk(DeliberationFactory)),
    "deliberations:pdf_statut": Rule(get=READ_DELIBERATIONS, post=NO_WRITE, kwargs=_pk(DeliberationFactory)),
    "deliberations:pdf_telecharger": Rule(get=READ_DELIBERATIONS, post=NO_WRITE, kwargs=_pk(VersionPdfFactory)),
    "deliberations:voter": Rule(
        get=STAFF_ONLY,
        post=STAFF_WRITE,
        kwargs=lambda w: {"pk": VersionPdfFactory(deliberation__statut="prete").deliberation_id},
    ),
    "deliberations:executoire": Rule(
        get=STAFF_ONLY, post=STAFF_WRITE, kwargs=lambda w: {"pk": DeliberationFactory(statut="votee").pk}
    ),
    # Personal data: the privacy notice is open to all, signed in or not, and takes no write; a person's
    # data on request is gathered by the responsable alone.
    # The élus' dashboard and its XLSX file: the team and the élus; never the partners (the grants'
    # analysis) nor the régisseurs.
    "pilotage:tableau_de_bord": Rule(get=READ_SUBVENTIONS, post=NO_WRITE),
    "pilotage:tableau_de_bord_export": Rule(get=READ_SUBVENTIONS, post=NO_WRITE, kwargs=lambda w: {"fmt": "xlsx"}),
    # All the deadlines, of which the home page shows the first: the team's.
    "pilotage:echeances": Rule(get=STAFF_ONLY, post=NO_WRITE),
    # One's own alerts: the service reads them and marks them read (an action: done, then back to the list).
    "pilotage:alertes": Rule(get=READ_ALERTES, post=(LOGIN, REDIRECT, REDIRECT, REDIRECT, 403, 403, 403)),
    "pilotage:alertes_export": Rule(get=READ_ALERTES, post=NO_WRITE, kwargs=_fmt),
    # One's own e-mail preferences: the service per kind of alert, an élu their weekly summary (one box).
    "pilotage:preferences": Rule(
        get=(LOGIN, 200, 200, 200, 200, 403, 403), post=(LOGIN, 200, 200, 200, REDIRECT, 403, 403)
    ),
    "pilotage:echeances_export": Rule(get=STAFF_ONLY, post=NO_WRITE, kwargs=_fmt),
    "pilotage:donnees_personnelles": Rule(get=(200,) * 7, post=(405,) * 7),
    # The personal calendar feed is read by its secret address only, never by a login: an unknown one is 404.
    "pilotage:calendrier_ics": Rule(get=(404,) * 7, post=(405,) * 7, kwargs=lambda w: {"jeton": "inconnu"}),
    "pilotage:donnees_personnelles_export": Rule(get=(LOGIN, 200, 403, 403, 403, 403, 403), post=NO_WRITE),
    # The yearly report to the copil politique: the team generates it (queued), the élus read and download it.
    "pilotage:rapport": Rule(get=READ_SUBVENTIONS, post=NO_WRITE),
    "pilotage:rapport_generer": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=lambda w: {"annee": 2026}),
    "pilotage:rapport_statut": Rule(get=READ_SUBVENTIONS, post=NO_WRITE, kwargs=lambda w: {"annee": 2026}),
    "pilotage:rapport_telecharger": Rule(get=READ_SUBVENTIONS, post=NO_WRITE, kwargs=_pk(VersionRapportAnnuelFactory)),
    # Comparing the centres' indicators: their readers (a partner, the centres in its scope; a centre outside
    # it, asked in the query, is refused as a choice: tests/pilotage/test_comparaisons.py).
    "pilotage:comparaisons": Rule(get=READ_INDICATEURS, post=NO_WRITE),
    "pilotage:comparaisons_export": Rule(
        get=READ_INDICATEURS, post=NO_WRITE, kwargs=lambda w: {"tableau": "annees", "fmt": "csv"}
    ),
    # Meetings (copils, Cellule de veille), their minutes and actions: the team convenes and edits them; a
    # partner reads those its organisation takes part in (404 for the others); élus and régisseurs never.
    "pilotage:reunions": Rule(get=READ_REUNIONS, post=NO_WRITE),
    "pilotage:reunions_export": Rule(get=READ_REUNIONS, post=NO_WRITE, kwargs=_fmt),
    "pilotage:reunion_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "pilotage:reunion_detail": Rule(
        get=READ_REUNIONS,
        post=NO_WRITE,
        kwargs=_reunion,
        hors_perimetre=_reunion_hors,
        get_hors_perimetre=REUNION_HORS_PERIMETRE,
    ),
    "pilotage:reunion_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_reunion),
    "pilotage:reunion_transition": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_reunion),
    "pilotage:reunion_convoquer": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_reunion),
    "pilotage:reunion_compte_rendu": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_reunion),
    "pilotage:reunion_compte_rendu_fichier": Rule(
        get=READ_REUNIONS,
        post=NO_WRITE,
        kwargs=_reunion_avec_fichier(),
        hors_perimetre=_reunion_avec_fichier(hors=True),
        get_hors_perimetre=REUNION_HORS_PERIMETRE,
    ),
    "pilotage:reunion_compte_rendu_pdf": Rule(
        get=READ_REUNIONS,
        post=NO_WRITE,
        kwargs=_reunion,
        hors_perimetre=_reunion_hors,
        get_hors_perimetre=REUNION_HORS_PERIMETRE,
    ),
    "pilotage:reunion_participant_ajouter": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_reunion),
    "pilotage:reunion_presences": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_reunion),
    "pilotage:reunion_participant_retirer": Rule(
        get=POST_ONLY, post=STAFF_ACTION, kwargs=lambda w: {"pk": ParticipantReunionFactory(organisation=w.caf).pk}
    ),
    "pilotage:reunion_action_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_reunion),
    "pilotage:actions": Rule(get=READ_REUNIONS, post=NO_WRITE),
    "pilotage:actions_export": Rule(get=READ_REUNIONS, post=NO_WRITE, kwargs=_fmt),
    "pilotage:action_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_action_de_reunion),
    "pilotage:action_statut": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_action_de_reunion),
    # The cross-funder table of a centre: as its tab, the team, the élus and the partners in their scope.
    "pilotage:financeurs_export": Rule(
        get=READ_INDICATEURS,
        post=NO_WRITE,
        kwargs=lambda w: {"pk": w.centre.pk, "fmt": "csv"},
        hors_perimetre=lambda w: {"pk": w.centre_hors.pk, "fmt": "csv"},
        get_hors_perimetre=(LOGIN, 200, 200, 403, 200, 404, 403),
    ),
    # The Cellule de veille: the team's overview of the centres; the files, read by the partners in their scope.
    "pilotage:veille": Rule(get=STAFF_ONLY, post=NO_WRITE),
    "pilotage:veille_export": Rule(get=STAFF_ONLY, post=NO_WRITE, kwargs=_fmt),
    "pilotage:veille_dossiers": Rule(get=READ_VEILLE, post=NO_WRITE),
    "pilotage:veille_dossiers_export": Rule(get=READ_VEILLE, post=NO_WRITE, kwargs=_fmt),
    "pilotage:veille_signaler": Rule(get=STAFF_ONLY, post=STAFF_WRITE),
    "pilotage:veille_detail": Rule(
        get=READ_VEILLE,
        post=NO_WRITE,
        kwargs=_dossier_veille(),
        hors_perimetre=_dossier_veille(hors=True),
        get_hors_perimetre=(LOGIN, 200, 200, 403, 403, 404, 403),
    ),
    "pilotage:veille_plan_export": Rule(
        get=READ_VEILLE,
        post=NO_WRITE,
        kwargs=_plan_veille(),
        hors_perimetre=_plan_veille(hors=True),
        get_hors_perimetre=(LOGIN, 200, 200, 403, 403, 404, 403),
    ),
    "pilotage:veille_modifier": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_dossier_veille()),
    "pilotage:veille_transition": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_dossier_veille()),
    # The official level is the responsable's to record (CV-1), as the cellule decided it.
    "pilotage:veille_decider": Rule(get=RESPONSABLE_FORM, post=RESPONSABLE_FORM, kwargs=_dossier_veille()),
    "pilotage:veille_instantanes": Rule(get=POST_ONLY, post=STAFF_ACTION, kwargs=_dossier_veille()),
    "pilotage:veille_plan": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_dossier_veille()),
    "pilotage:veille_action_creer": Rule(get=STAFF_ONLY, post=STAFF_WRITE, kwargs=_dossier_veille()),
    # linne — demandes
    "linne:demande": Rule(get=PUBLIC_LECTURE, post=PUBLIC_FORMULAIRE),
    "linne:demande_envoyee": Rule(get=PUBLIC_LECTURE, post=PUBLIC_SANS_ECRITURE),
    "linne:reglement": Rule(get=PUBLIC_LECTURE, post=PUBLIC_SANS_ECRITURE),
    "linne:demandes": Rule(get=DEMANDES_LECTURE, post=NO_WRITE),
    "linne:demandes_export": Rule(get=DEMANDES_LECTURE, post=NO_WRITE, kwargs=_fmt),
    "linne:demande_detail": Rule(get=DEMANDES_LECTURE, post=NO_WRITE, kwargs=_demande_salle),
    "linne:demande_accepter": Rule(get=DEMANDES_GESTION, post=DEMANDES_GESTION, kwargs=_demande_salle),
    "linne:demande_refuser": Rule(get=DEMANDES_GESTION, post=DEMANDES_GESTION, kwargs=_demande_salle),
    "linne:attribution": Rule(get=DEMANDES_LECTURE, post=NO_WRITE),
    "linne:voeu_attribuer": Rule(get=DEMANDES_GESTION, post=DEMANDES_GESTION, kwargs=_voeu),
    "linne:justificatif_telecharger": Rule(get=DEMANDES_GESTION, post=NO_WRITE, kwargs=_justificatif),
    # linne — gestion: rooms (their hours and prices), closures, bookings and series. The service writes
    # (the régisseurs too); the élus read the lists and pages; partners and role-less accounts get 403.
    "linne:salle_liste": Rule(get=READ_LINNE, post=NO_WRITE),
    "linne:salle_export": Rule(get=READ_LINNE, post=NO_WRITE, kwargs=_fmt),
    "linne:salle_creer": Rule(get=LINNE_FORM, post=LINNE_FORM),
    "linne:salle_detail": Rule(get=READ_LINNE, post=NO_WRITE, kwargs=_salle_linne),
    "linne:salle_modifier": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_salle_linne),
    "linne:salle_horaires": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_salle_linne),
    "linne:salle_tarifs": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_salle_linne),
    "linne:fermeture_liste": Rule(get=READ_LINNE, post=NO_WRITE),
    "linne:fermeture_export": Rule(get=READ_LINNE, post=NO_WRITE, kwargs=_fmt),
    "linne:fermeture_creer": Rule(get=LINNE_FORM, post=LINNE_FORM),
    "linne:fermeture_modifier": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_fermeture_linne),
    "linne:fermeture_supprimer": Rule(get=LINNE_FORM, post=LINNE_ACTION, kwargs=_fermeture_linne),
    "linne:reservation_liste": Rule(get=READ_LINNE, post=NO_WRITE),
    "linne:reservation_export": Rule(get=READ_LINNE, post=NO_WRITE, kwargs=_fmt),
    "linne:reservation_creer": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_avec_salle_linne),
    "linne:reservation_detail": Rule(get=READ_LINNE, post=NO_WRITE, kwargs=_reservation_linne),
    "linne:reservation_modifier": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_reservation_linne),
    "linne:reservation_transition": Rule(get=LINNE_POST_ONLY, post=LINNE_ACTION, kwargs=_reservation_demandee),
    "linne:reservation_annuler": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_reservation_de_serie),
    "linne:reservation_deplacer": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_reservation_de_serie),
    "linne:serie_creer": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_avec_salle_linne),
    "linne:serie_detail": Rule(get=READ_LINNE, post=NO_WRITE, kwargs=_serie_linne),
    "linne:serie_annuler": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_serie_linne),
    "linne:serie_deplacer": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_serie_linne),
    # linne — the safety register (checks, commission visits, incidents): the service reads and writes it,
    # the régisseurs included; the élus (who read Linné's statistics and evaluation) and partners get 403.
    "linne:registre": Rule(get=READ_SECURITE_LINNE, post=NO_WRITE),
    "linne:registre_pdf": Rule(get=READ_SECURITE_LINNE, post=NO_WRITE),
    "linne:type_controle_creer": Rule(get=LINNE_FORM, post=LINNE_FORM),
    "linne:type_controle_modifier": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_type_controle),
    "linne:controle_liste": Rule(get=READ_SECURITE_LINNE, post=NO_WRITE),
    "linne:controle_export": Rule(get=READ_SECURITE_LINNE, post=NO_WRITE, kwargs=_fmt),
    "linne:controle_creer": Rule(get=LINNE_FORM, post=LINNE_FORM),
    "linne:visite_commission_liste": Rule(get=READ_SECURITE_LINNE, post=NO_WRITE),
    "linne:visite_commission_export": Rule(get=READ_SECURITE_LINNE, post=NO_WRITE, kwargs=_fmt),
    "linne:visite_commission_creer": Rule(get=LINNE_FORM, post=LINNE_FORM),
    "linne:incident_liste": Rule(get=READ_SECURITE_LINNE, post=NO_WRITE),
    "linne:incident_export": Rule(get=READ_SECURITE_LINNE, post=NO_WRITE, kwargs=_fmt),
    "linne:incident_creer": Rule(get=LINNE_FORM, post=LINNE_FORM),
    "linne:incident_detail": Rule(get=READ_SECURITE_LINNE, post=NO_WRITE, kwargs=_incident),
    "linne:incident_modifier": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_incident),
    "linne:incident_clore": Rule(get=LINNE_POST_ONLY, post=LINNE_ACTION, kwargs=_incident),
    "linne:action_incident_creer": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_incident),
    "linne:action_incident_faite": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_action_incident),
    # linne — calendriers
    # A room's week, the day of every room and its printable sheet: the service and the élus read them (the
    # élus without the contacts nor the notes); partners never. The room's feed is read at its secret
    # address only, like the personal feed (an unknown one is 404); the public agenda and its feed are
    # open to all, and take no write.
    "linne:semaine": Rule(get=(LOGIN, 200, 200, 200, 200, 403, 403), post=NO_WRITE),
    "linne:jour": Rule(get=(LOGIN, 200, 200, 200, 200, 403, 403), post=NO_WRITE),
    "linne:feuille_du_jour": Rule(get=(LOGIN, 200, 200, 200, 200, 403, 403), post=NO_WRITE),
    "linne:salle_ics": Rule(get=(404,) * 7, post=(405,) * 7, kwargs=lambda w: {"jeton": uuid.uuid4()}),
    "linne:agenda": Rule(get=(200,) * 7, post=(405,) * 7),
    "linne:agenda_ics": Rule(get=(200,) * 7, post=(405,) * 7),
    # linne — the yearly evaluation: the service and the élus read it and download its versions; the
    # responsable alone writes its texts; the service (régisseurs included) generates its PDF.
    "linne:evaluation": Rule(get=READ_LINNE, post=NO_WRITE),
    "linne:evaluation_textes": Rule(get=RESPONSABLE_FORM, post=RESPONSABLE_FORM, kwargs=lambda w: {"annee": 2026}),
    "linne:evaluation_generer": Rule(get=LINNE_POST_ONLY, post=LINNE_ACTION, kwargs=lambda w: {"annee": 2026}),
    "linne:evaluation_statut": Rule(get=READ_LINNE, post=NO_WRITE, kwargs=lambda w: {"annee": 2026}),
    "linne:evaluation_telecharger": Rule(get=READ_LINNE, post=NO_WRITE, kwargs=_pk(VersionEvaluationLinneFactory)),
    # linne — fréquentation et statistiques
    "linne:frequentation": Rule(get=FREQUENTATION_LECTURE, post=NO_WRITE),
    "linne:frequentation_saisir": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_reservation_terminee),
    "linne:statistiques": Rule(get=READ_LINNE, post=NO_WRITE),
    "linne:statistiques_export": Rule(get=READ_LINNE, post=NO_WRITE),
    # linne — planning: the rota's week, a shift's forms, the template week and its forms, the copy.
    "linne:planning": Rule(get=LINNE_FORM, post=NO_WRITE),
    "linne:creneau_creer": Rule(get=LINNE_FORM, post=LINNE_FORM),
    "linne:creneau_modifier": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_creneau_linne),
    "linne:creneau_supprimer": Rule(get=LINNE_FORM, post=LINNE_ACTION, kwargs=_creneau_linne),
    "linne:semaine_type": Rule(get=LINNE_FORM, post=NO_WRITE),
    "linne:creneau_type_creer": Rule(get=LINNE_FORM, post=LINNE_FORM),
    "linne:creneau_type_modifier": Rule(get=LINNE_FORM, post=LINNE_FORM, kwargs=_creneau_type_linne),
    "linne:creneau_type_supprimer": Rule(get=LINNE_FORM, post=LINNE_ACTION, kwargs=_creneau_type_linne),
    "linne:planning_copier": Rule(get=LINNE_FORM, post=LINNE_FORM),
}


def walk(resolver=None, namespace=""):
    """Every URL pattern of the project as (full name, pattern), outside the exempt namespaces."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXEMPT_NAMESPACES:
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), entry


def test_every_url_has_a_declared_rule():
    names = [name for name, _ in walk()]
    assert None not in names, "Every URL pattern needs a name to be covered by the matrix."
    missing = sorted(set(names) - set(MATRIX))
    assert not missing, f"URLs without a declared rule in MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(names))
    assert not stale, f"MATRIX rules for URLs that no longer exist: {stale}"


def test_every_view_declares_its_access_rule():
    undeclared = [name for name, pattern in walk() if getattr(pattern.callback, "access_rule", None) is None]
    assert undeclared == []


@dataclass
class World:
    centre: object
    centre_hors: object
    caf: object
    personas: dict


@donnees_partagees
def world():
    """Built once: the objects of each case are created by the case, in its own rolled-back savepoint."""
    caf = OrganisationFactory(caf=True)
    personas = {
        "anonyme": None,
        "responsable": UserFactory(role=Role.RESPONSABLE),
        "agent": UserFactory(role=Role.AGENT),
        "regisseur": UserFactory(role=Role.REGISSEUR),
        "elu": UserFactory(role=Role.ELU),
        "partenaire": UserFactory(role=Role.PARTENAIRE, organisation=caf),
        "sans_role": UserFactory(role=""),
    }
    return World(centre=CentreFactory(partenaires=[caf]), centre_hors=CentreFactory(), caf=caf, personas=personas)


@pytest.fixture(autouse=True)
def _ville_siret(settings):
    settings.VILLE_SIRET = "21590512800017"  # the open-data export needs the city's SIRET (a setting)


def _outcome(response):
    if response.status_code == 302:
        login = reverse("comptes:login")
        return LOGIN if response["Location"].startswith(login + "?next=") else REDIRECT
    return response.status_code


def _check(client, name, kwargs_builder, world, method, expected):
    seen = {}
    for persona, want in zip(PERSONAS, expected, strict=True):
        client.logout()
        if world.personas[persona] is not None:
            client.force_login(world.personas[persona])
        url = reverse(name, kwargs=kwargs_builder(world))
        response = client.get(url) if method == "GET" else client.post(url, {})
        seen[persona] = (_outcome(response), want)
        if response.streaming:  # read a download to its end, so that its file is closed
            b"".join(response.streaming_content)
    wrong = {persona: got for persona, got in seen.items() if got[0] != got[1]}
    assert not wrong, f"{method} {name}: (obtenu, attendu) {wrong}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get(client, world, name):
    rule = MATRIX[name]
    _check(client, name, rule.kwargs, world, "GET", rule.get)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_post(client, world, name):
    rule = MATRIX[name]
    _check(client, name, rule.kwargs, world, "POST", rule.post)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.hors_perimetre))
def test_out_of_partner_scope_is_404(client, world, name):
    rule = MATRIX[name]
    _check(client, name, rule.hors_perimetre, world, "GET", rule.get_hors_perimetre)


@pytest.mark.django_db
def test_read_only_roles_get_403_on_every_business_write(client, world):
    """PUT, PATCH and DELETE too, on every URL except the user's own account pages."""
    own_account = {
        "comptes:login",
        "comptes:logout",
        "comptes:password_change",
        "comptes:invitation",  # the link e-mailed to choose one's password
        "comptes:password_reset",  # a forgotten password: public pages, an e-mailed link
        "comptes:password_reset_done",
        "comptes:password_reset_confirm",
        "comptes:password_reset_complete",
        "deliberations:mandat_liste",  # an élu declares the boards they sit on
        "deliberations:mandat_supprimer",
        "pilotage:donnees_personnelles",  # a public page: 405 to any write, whoever sends it
        "comptes:calendrier_regenerer",  # one's own calendar address
        "comptes:calendrier_revoquer",
        "pilotage:calendrier_ics",  # read by its secret address: 405 to any write
        "pilotage:preferences",  # an élu chooses their own weekly summary
        "linne:demande",  # Espace Linné's public pages: the request form is for anyone, logged in or not
        "linne:demande_envoyee",
        "linne:reglement",
        "linne:salle_ics",  # read by its secret address: 405 to any write
        "linne:agenda",  # public pages: 405 to any write, whoever sends it
        "linne:agenda_ics",
    }
    for persona in ("elu", "partenaire"):
        client.force_login(world.personas[persona])
        for name, rule in MATRIX.items():
            if name in own_account:
                continue
            url = reverse(name, kwargs=rule.kwargs(world))
            for method in ("post", "put", "patch", "delete"):
                assert getattr(client, method)(url).status_code == 403, (persona, method, name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.post in (STAFF_WRITE, LINNE_FORM)))
def test_wrong_method_is_405(client, world, name):
    client.force_login(world.personas["responsable"])
    assert client.delete(reverse(name, kwargs=MATRIX[name].kwargs(world))).status_code == 405
