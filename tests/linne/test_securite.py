"""The safety register of Espace Linné (linne.securite), with the date pinned: a check's next due date
from its periodicity, overdue and never-done checks, the deadlines and their thresholds, an incident
closed only once its actions are done, and the room's capacity enforced on bookings (ERP)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from comptes.models import Role
from linne import deadlines, securite, services
from linne.models import ActionIncident, Categorie, Controle, Incident, TypeActivite, TypeControle
from roubaix_cs.locking import ConflitEdition
from roubaix_cs.seuils import COMMISSION_SECURITE_ALERTE_JOURS, CONTROLE_SECURITE_ALERTE_JOURS

from ..factories import (
    ActionIncidentFactory,
    ControleFactory,
    IncidentFactory,
    OrganisationFactory,
    ReservationFactory,
    SalleFactory,
    TypeControleFactory,
    UserFactory,
    VisiteCommissionFactory,
    moment,
)

AUJOURD_HUI = datetime.date(2026, 12, 1)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 12, 1, 9, 0))]


@pytest.fixture
def regisseur():
    return UserFactory(role=Role.REGISSEUR)


@pytest.fixture
def seul_type():
    """One followed kind of check: the migration's are no longer followed."""
    TypeControle.objects.update(actif=False)
    return TypeControleFactory(nom="Extincteurs du test", periodicite_mois=12)


# --- Checks and their due dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "mois", "echeance"),
    [
        (datetime.date(2026, 3, 10), 12, datetime.date(2027, 3, 10)),
        (datetime.date(2026, 3, 10), 6, datetime.date(2026, 9, 10)),
        (datetime.date(2025, 8, 31), 6, datetime.date(2026, 2, 28)),  # no 31 February: its month's last day
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
    ],
)
def test_the_next_due_date_is_the_check_date_plus_its_periodicity_in_months(date, mois, echeance):
    assert securite.prochaine_echeance(date, mois) == echeance


def test_recording_a_check_writes_its_author_and_history_and_moves_the_due_date(regisseur, seul_type):
    (avant,) = securite.etat_des_controles(AUJOURD_HUI)
    assert avant.jamais_fait and avant.echeance == AUJOURD_HUI and avant.a_faire and not avant.en_retard
    assert avant.situation == "jamais fait : à faire maintenant"
    controle = securite.enregistrer_controle(
        type_controle=seul_type,
        date=datetime.date(2026, 11, 20),
        intervenant="Société Sécurité Nord",
        resultat=Controle.Resultat.CONFORME,
        par=regisseur,
    )
    assert controle.saisi_par == regisseur
    assert controle.history.get().history_user == regisseur
    (apres,) = securite.etat_des_controles(AUJOURD_HUI)
    assert apres.dernier == controle and apres.echeance == datetime.date(2027, 11, 20)
    assert not apres.a_faire and apres.situation == "à jour"


@pytest.mark.parametrize(
    ("derniere", "en_retard", "situation"),
    [
        (datetime.date(2025, 11, 30), True, "en retard depuis le 30/11/2026"),  # due yesterday
        (datetime.date(2025, 12, 1), False, "à faire aujourd'hui"),  # due today: not late yet
        (datetime.date(2025, 12, 2), False, "à jour"),  # due tomorrow
    ],
)
def test_a_check_is_overdue_the_day_after_its_due_date(seul_type, derniere, en_retard, situation):
    ControleFactory(type_controle=seul_type, date=derniere - datetime.timedelta(days=365))
    ControleFactory(type_controle=seul_type, date=derniere)
    (etat,) = securite.etat_des_controles(AUJOURD_HUI)
    assert etat.dernier.date == derniere  # the last one counts, not the earlier
    assert etat.en_retard is en_retard and etat.situation == situation


def test_a_check_with_reservations_needs_its_observations(regisseur, seul_type):
    with pytest.raises(ValidationError) as erreur:
        securite.enregistrer_controle(
            type_controle=seul_type,
            date=AUJOURD_HUI,
            intervenant="Société Sécurité Nord",
            resultat=Controle.Resultat.NON_CONFORME,
            par=regisseur,
        )
    assert "Notez les observations ou les non-conformités relevées." in erreur.value.messages
    assert not Controle.objects.exists()


def test_the_migration_brings_the_usual_checks_with_their_article():
    types = {t.nom: t for t in TypeControle.objects.all()}
    assert "MS 38" in types["Extincteurs"].reference and types["Extincteurs"].periodicite_mois == 12
    assert "EC 15" in types["Éclairage de sécurité"].reference


def test_a_check_kind_no_longer_followed_has_no_state_nor_deadline(seul_type):
    seul_type.actif = False
    seul_type.save()
    assert securite.etat_des_controles(AUJOURD_HUI) == []
    assert not [d for d in deadlines.upcoming(AUJOURD_HUI) if d.kind == deadlines.KIND_CONTROLE]


# --- Deadlines ---------------------------------------------------------------------------------------


def _de_sorte(kind):
    return [d for d in deadlines.upcoming(AUJOURD_HUI) if d.kind == kind]


def test_each_followed_check_is_a_deadline_for_the_regisseurs_thirty_days_ahead(seul_type):
    ControleFactory(type_controle=seul_type, date=datetime.date(2025, 2, 10))
    dernier = ControleFactory(type_controle=seul_type, date=datetime.date(2026, 2, 10))
    jamais = TypeControleFactory(nom="Désenfumage du test", periodicite_mois=24)
    par_type = {d.url.rpartition("=")[2]: d for d in _de_sorte(deadlines.KIND_CONTROLE)}
    fait, a_faire = par_type[str(seul_type.pk)], par_type[str(jamais.pk)]
    assert fait.due == datetime.date(2027, 2, 10) and a_faire.due == AUJOURD_HUI
    assert fait.threshold == f"J-{CONTROLE_SECURITE_ALERTE_JOURS}" == "J-30"
    assert fait.roles == {Role.REGISSEUR}
    # One alert per kind and due date: the last check names both, the next check is another alert.
    assert fait.object_key == f"linne.controle:{dernier.pk}"
    assert a_faire.object_key == f"linne.typecontrole:{jamais.pk}"
    assert "Extincteurs du test" in fait.label and "dernier le 10/02/2026" in fait.label
    assert "jamais fait" in a_faire.label
    assert fait.url == f"/linne/securite/controles/nouveau/?type_controle={seul_type.pk}"
    assert deadlines.TYPES[deadlines.KIND_CONTROLE] == "Contrôle de sécurité à faire (Espace Linné)"


def test_no_check_alerts_before_the_first_one_is_recorded_here(seul_type):
    """A new installation: the service still keeps its paper register, nothing alerts."""
    assert securite.etat_des_controles(AUJOURD_HUI)[0].jamais_fait
    assert _de_sorte(deadlines.KIND_CONTROLE) == []


def test_the_commissions_next_visit_is_a_deadline_sixty_days_ahead():
    VisiteCommissionFactory(date=datetime.date(2021, 5, 3), prochaine_visite=datetime.date(2024, 5, 3))
    derniere = VisiteCommissionFactory(date=datetime.date(2024, 5, 14), prochaine_visite=datetime.date(2027, 1, 15))
    (visite,) = _de_sorte(deadlines.KIND_COMMISSION)
    assert visite.due == datetime.date(2027, 1, 15)
    assert visite.threshold == f"J-{COMMISSION_SECURITE_ALERTE_JOURS}"
    assert visite.object_key == f"linne.visitecommission:{derniere.pk}" and visite.roles == {Role.REGISSEUR}


def test_no_commission_deadline_without_a_next_visit():
    VisiteCommissionFactory(prochaine_visite=None)
    assert _de_sorte(deadlines.KIND_COMMISSION) == []


def test_an_action_not_done_is_a_deadline_for_its_responsable_or_else_the_regisseurs():
    agent = UserFactory(role=Role.AGENT)
    regisseur = UserFactory(role=Role.REGISSEUR)
    incident = IncidentFactory()
    confiee = ActionIncidentFactory(incident=incident, responsable=agent, echeance=datetime.date(2026, 12, 10))
    sans_nom = ActionIncidentFactory(incident=incident, echeance=datetime.date(2026, 12, 20))
    a_un_regisseur = ActionIncidentFactory(incident=incident, responsable=regisseur)
    ActionIncidentFactory(incident=incident, faite_le=datetime.date(2026, 11, 30))  # done: no deadline
    ActionIncidentFactory(incident=IncidentFactory(statut="clos", clos_le=datetime.date(2026, 11, 30)))
    par_action = {d.object_key: d for d in _de_sorte(deadlines.KIND_ACTION_INCIDENT)}
    assert set(par_action) == {f"linne.actionincident:{a.pk}" for a in (confiee, sans_nom, a_un_regisseur)}
    d = par_action[f"linne.actionincident:{confiee.pk}"]
    assert d.due == datetime.date(2026, 12, 10) and d.threshold == "echeance" and d.roles == frozenset()
    assert d.url == f"/linne/securite/incidents/{incident.pk}/#actions"
    assert par_action[f"linne.actionincident:{sans_nom.pk}"].roles == {Role.REGISSEUR}
    assert par_action[f"linne.actionincident:{a_un_regisseur.pk}"].roles == {Role.REGISSEUR}


def test_the_alerts_of_an_action_reach_its_responsable():
    from pilotage import alertes

    agent = UserFactory(role=Role.AGENT)
    responsable = UserFactory(role=Role.RESPONSABLE)
    action = ActionIncidentFactory(responsable=agent)
    echeances = _de_sorte(deadlines.KIND_ACTION_INCIDENT)
    assert alertes.destinataires(echeances)[f"linne.actionincident:{action.pk}"] == [agent.pk, responsable.pk]


# --- Incidents ---------------------------------------------------------------------------------------


def test_an_incident_is_linked_to_the_booking_under_way_in_its_room(regisseur):
    salle = SalleFactory()
    pendant = ReservationFactory(salle=salle, debut=moment(AUJOURD_HUI - datetime.timedelta(days=3), 14))
    incident = securite.declarer_incident(
        survenu_le=moment(AUJOURD_HUI - datetime.timedelta(days=3), 15, 30),
        salle=salle,
        nature=Incident.Nature.ACCIDENT,
        description="Chute dans l'escalier.",
        par=regisseur,
    )
    assert incident.reservation == pendant and incident.declare_par == regisseur
    assert incident.history.get().history_change_reason == "Incident déclaré"
    hors = securite.declarer_incident(
        survenu_le=moment(AUJOURD_HUI - datetime.timedelta(days=3), 19),
        salle=salle,
        nature=Incident.Nature.DEGRADATION,
        description="Vitre brisée.",
        par=regisseur,
    )
    assert hors.reservation is None


def test_closing_an_incident_is_refused_while_an_action_is_not_done(regisseur):
    incident = IncidentFactory()
    faite = securite.ajouter_action(
        incident=incident, libelle="Baliser l'escalier", echeance=AUJOURD_HUI, par=regisseur
    )
    reste = securite.ajouter_action(
        incident=incident, libelle="Poser une bande antidérapante", echeance=AUJOURD_HUI, par=regisseur
    )
    securite.marquer_action_faite(action=faite, faite_le=AUJOURD_HUI, par=regisseur)
    with pytest.raises(ValidationError) as erreur:
        securite.clore_incident(incident=incident, par=regisseur, version_vue=incident.version)
    assert erreur.value.messages == [
        "L'incident ne peut pas être clos : 1 action de suivi reste à faire (« Poser une bande antidérapante »)."
    ]
    incident.refresh_from_db()
    assert incident.statut == Incident.Statut.OUVERT and incident.clos_le is None
    securite.marquer_action_faite(action=reste, faite_le=AUJOURD_HUI, par=regisseur)
    securite.clore_incident(incident=incident, par=regisseur, version_vue=incident.version)
    incident.refresh_from_db()
    assert incident.statut == Incident.Statut.CLOS and incident.clos_le == AUJOURD_HUI
    assert incident.history.first().history_change_reason == "Incident clos"
    with pytest.raises(ValidationError, match="on n'y ajoute plus"):
        securite.ajouter_action(incident=incident, libelle="Autre", echeance=AUJOURD_HUI, par=regisseur)
    with pytest.raises(ValidationError, match="déjà clos"):
        securite.clore_incident(incident=incident, par=regisseur)


def test_closing_an_incident_changed_meanwhile_is_refused(regisseur):
    incident = IncidentFactory()
    vue = incident.version
    incident.description = "Précisée par un collègue."
    securite.modifier_incident(incident, version_vue=vue, par=regisseur)
    with pytest.raises(ConflitEdition):
        securite.clore_incident(incident=Incident.objects.get(pk=incident.pk), par=regisseur, version_vue=vue)
    assert Incident.objects.get(pk=incident.pk).statut == Incident.Statut.OUVERT


def test_an_action_is_done_once(regisseur):
    action = ActionIncidentFactory()
    securite.marquer_action_faite(action=action, faite_le=AUJOURD_HUI, par=regisseur)
    with pytest.raises(ValidationError, match="déjà faite"):
        securite.marquer_action_faite(action=action, faite_le=AUJOURD_HUI, par=regisseur)
    assert ActionIncident.objects.get(pk=action.pk).history.count() == 2


# --- The rooms' capacity (ERP) -----------------------------------------------------------------------


@pytest.mark.parametrize(("effectif", "refusee"), [(39, False), (40, False), (41, True)])
def test_erp_a_booking_above_its_rooms_capacity_is_refused(regisseur, effectif, refusee):
    salle = SalleFactory(nom="Salle des fêtes", capacite=40)
    lundi = datetime.date(2027, 1, 11)
    champs = {
        "salle": salle,
        "organisation": OrganisationFactory(association=True),
        "categorie": Categorie.ASSOCIATION,
        "objet": "Assemblée générale",
        "type_activite": TypeActivite.REUNION,
        "debut": moment(lundi, 10),
        "fin": moment(lundi, 12),
        "effectif_prevu": effectif,
        "contact_nom": "Mme Durand",
        "contact_email": "durand@asso.example",
    }
    if refusee:
        with pytest.raises(
            ValidationError, match="dépasse la capacité de la salle « Salle des fêtes » \\(40 personnes\\)"
        ):
            services.creer_reservation(par=regisseur, **champs)
    else:
        assert services.creer_reservation(par=regisseur, **champs).effectif_prevu == effectif


def test_the_register_shows_each_room_with_its_capacity():
    SalleFactory(nom="Grande salle", capacite=200)
    assert ("Grande salle", 200) in [(s.nom, s.capacite) for s in securite.registre(AUJOURD_HUI)["salles"]]


def test_the_register_s_alerts_are_stored_for_the_regisseurs_and_the_responsables():
    """The daily job reads every object key (pilotage.alertes): each kind of deadline stores its alerts."""
    from pilotage import alertes
    from pilotage.models import Alerte

    regisseur = UserFactory(role=Role.REGISSEUR)
    responsable = UserFactory(role=Role.RESPONSABLE)
    TypeControle.objects.update(actif=False)
    en_retard = TypeControleFactory(nom="Éclairage de sécurité du test")
    ControleFactory(type_controle=en_retard, date=datetime.date(2025, 10, 1))
    VisiteCommissionFactory(prochaine_visite=datetime.date(2027, 1, 15))
    ActionIncidentFactory(echeance=AUJOURD_HUI)
    alertes.synchroniser(AUJOURD_HUI)
    stockees = set(Alerte.objects.values_list("kind", "user_id"))
    for kind in (deadlines.KIND_CONTROLE, deadlines.KIND_COMMISSION, deadlines.KIND_ACTION_INCIDENT):
        assert {(kind, regisseur.pk), (kind, responsable.pk)} <= stockees


def test_a_visit_goes_to_the_buildings_premises_file_which_alerts_once():
    """Espace Linné's premises file (centres.Local, no centre) holds the commission's dates: the register's
    visit writes them there, and the next visit alerts once, from the premises file."""
    from centres.deadlines import upcoming as echeances_des_centres

    from ..factories import LocalFactory

    batiment = LocalFactory(
        centre=None, nom="Espace Linné", autre_occupant="Espace Linné (équipement municipal)", commission_prochaine=None
    )
    securite.enregistrer_visite(
        date=datetime.date(2024, 5, 14),
        nature="periodique",
        avis="favorable",
        prochaine_visite=datetime.date(2027, 1, 15),
        par=UserFactory(role=Role.REGISSEUR),
    )
    batiment.refresh_from_db()
    assert (batiment.commission_derniere, batiment.commission_prochaine) == (
        datetime.date(2024, 5, 14),
        datetime.date(2027, 1, 15),
    )
    assert _de_sorte(deadlines.KIND_COMMISSION) == []
    assert [e.due for e in echeances_des_centres(AUJOURD_HUI) if e.kind == "commission_securite"] == [
        datetime.date(2027, 1, 15)
    ]
