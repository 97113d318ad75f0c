"""The actions decided by the meetings (issue 16, point 1): owned by a person of the service or a partner
organisation (whose contacts are e-mailed it), followed until done through their workflow, listed and
exported, with their deadlines in the alerts; and the meetings in the personal calendar feeds."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from comptes import flux_calendrier
from comptes.models import Role, User
from pilotage import alertes, reunions
from pilotage.models import Action, Alerte, ParticipantReunion, Reunion
from roubaix_cs import deadlines

from ..factories import (
    ActionFactory,
    CentreFactory,
    OrganisationFactory,
    ParticipantReunionFactory,
    ReunionFactory,
    SituationVeilleFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 11, 2, 10, 0))]
JOUR = datetime.date(2026, 11, 2)
A = Action.Statut
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _jour(n):
    return JOUR + datetime.timedelta(days=n)


# --- Create, edit, and the owner organisation's contacts ----------------------------------------------


@pytest.fixture
def reunion_caf(caf):
    """A copil held on 6 October with a CAF contact, a CAF partner account, and another organisation's contact."""
    reunion = ReunionFactory(statut=Reunion.Statut.TENUE)
    ParticipantReunionFactory(reunion=reunion, organisation=caf, nom="Marc Contact", email="marc@caf.example")
    ParticipantReunionFactory(reunion=reunion, organisation=OrganisationFactory(), email="autre@ailleurs.example")
    UserFactory(role=Role.PARTENAIRE, organisation=caf, email="julie@caf.example")
    UserFactory(role=Role.PARTENAIRE, organisation=caf, email="MARC@caf.example")  # the same address: once
    UserFactory(role=Role.PARTENAIRE, organisation=caf, email="parti@caf.example", is_active=False)
    return reunion


def test_an_action_given_to_a_partner_organisation_is_e_mailed_to_its_contacts(
    client, agent, caf, reunion_caf, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    url = reverse("pilotage:reunion_action_creer", args=[reunion_caf.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "libelle": "Transmettre le calendrier des versements",
                "porteur_organisation": caf.pk,
                "echeance": "2026-12-15",
            },
        )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.reunion, action.porteur, action.statut) == (reunion_caf, caf, A.A_FAIRE)
    assert sorted(m.to[0].lower() for m in mailoutbox) == ["julie@caf.example", "marc@caf.example"]
    assert mailoutbox[0].subject == "Action confiée à CAF du Nord : Transmettre le calendrier des versements"
    assert "Échéance : 15/12/2026" in mailoutbox[0].body


def test_an_action_is_e_mailed_again_only_when_given_to_another_organisation(
    client, agent, caf, reunion_caf, mailoutbox, django_capture_on_commit_callbacks
):
    action = ActionFactory(reunion=reunion_caf, porteur_user=agent)
    client.force_login(agent)
    url = reverse("pilotage:action_modifier", args=[action.pk])

    def modifier(**champs):
        form = client.get(url).context["form"]
        donnees = {"libelle": action.libelle, "echeance": "2026-12-01", "version_vue": form["version_vue"].value()}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, donnees | champs)

    assert modifier(porteur_user=agent.pk).status_code == 302
    assert mailoutbox == []  # a person of the service: no e-mail
    assert modifier(porteur_organisation=caf.pk).status_code == 302
    assert len(mailoutbox) == 2
    assert modifier(porteur_organisation=caf.pk, libelle="Nouveau libellé").status_code == 302
    assert len(mailoutbox) == 2  # the same organisation: not again


@pytest.mark.parametrize("porteurs", ["aucun", "les_deux"])
def test_an_action_has_one_owner_a_person_or_an_organisation(client, agent, caf, reunion_caf, porteurs):
    client.force_login(agent)
    donnees = {"libelle": "Action", "echeance": "2026-12-15"}
    if porteurs == "les_deux":
        donnees |= {"porteur_user": agent.pk, "porteur_organisation": caf.pk}
    response = client.post(reverse("pilotage:reunion_action_creer", args=[reunion_caf.pk]), donnees)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "porteur_user": ["Indiquez qui porte l'action : une personne ou une organisation, pas les deux."]
    }
    assert not Action.objects.exists()


def test_a_cellule_de_veille_action_names_its_file_and_measure(client, responsable, caf):
    situation = SituationVeilleFactory()
    reunion = ReunionFactory(type=Reunion.Type.CELLULE_VEILLE)
    reunion.situations.add(situation)
    client.force_login(responsable)
    url = reverse("pilotage:reunion_action_creer", args=[reunion.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["situation"].queryset) == [situation]
    assert (
        "situation"
        not in client.get(reverse("pilotage:reunion_action_creer", args=[ReunionFactory().pk])).context["form"].fields
    )
    donnees = {
        "libelle": "Mission d'appui du DLA",
        "situation": situation.pk,
        "mesure": Action.Mesure.DLA,
        "porteur_organisation": caf.pk,
        "echeance": "2027-01-15",
    }
    assert client.post(url, donnees).status_code == 302
    assert (Action.objects.get().situation, Action.objects.get().mesure) == (situation, Action.Mesure.DLA)


def test_the_service_creates_a_cellule_de_veille_action(
    caf, responsable, mailoutbox, django_capture_on_commit_callbacks
):
    """The call the Cellule de veille's pages make: an action of a file's plan, with the same rules."""
    situation = SituationVeilleFactory()
    reunion = ReunionFactory(type=Reunion.Type.CELLULE_VEILLE)
    ParticipantReunionFactory(reunion=reunion, organisation=caf, email="marc@caf.example")
    with django_capture_on_commit_callbacks(execute=True):
        action = reunions.creer_action(
            reunion=reunion,
            situation=situation,
            libelle="Avance sur la subvention",
            mesure=Action.Mesure.CALENDRIER_VERSEMENTS,
            echeance=_jour(30),
            porteur_organisation=caf,
            par=responsable,
        )
    assert action.history.get().history_user == responsable
    assert [m.to for m in mailoutbox] == [["marc@caf.example"]]
    with pytest.raises(ValidationError):
        reunions.creer_action(reunion=reunion, libelle="Sans porteur", echeance=_jour(30), par=responsable)


# --- Status -------------------------------------------------------------------------------------------------


def test_an_action_is_closed_on_a_date_reopened_and_abandoned_with_a_reason(client, agent):
    action = ActionFactory(reunion=ReunionFactory(date=datetime.date(2026, 10, 6)))
    client.force_login(agent)
    url = reverse("pilotage:action_statut", args=[action.pk])

    def poster(**donnees):
        response = client.post(url, donnees)
        action.refresh_from_db()
        return response

    assert poster(vers=A.FAITE, date_cloture="2026-11-03").context["form"].errors == {
        "date_cloture": ["Une action ne se clôt pas à une date à venir."]
    }
    assert poster(vers=A.FAITE, date_cloture="2026-10-01").context["form"].errors == {
        "date_cloture": ["Une action ne se clôt pas avant la réunion qui l'a décidée."]
    }
    assert poster(vers=A.FAITE).status_code == 302  # today, by default
    assert (action.statut, action.date_cloture) == (A.FAITE, JOUR)
    assert poster(vers=A.ABANDONNEE).status_code == 200  # not from « faite »: only « Rouvrir »
    assert poster(vers=A.EN_COURS).status_code == 302
    assert (action.statut, action.date_cloture) == (A.EN_COURS, None)
    assert poster(vers=A.ABANDONNEE).context["form"].errors == {"motif": ["Indiquez le motif."]}
    assert poster(vers=A.ABANDONNEE, motif="Sans objet", date_cloture="2026-10-20").status_code == 302
    assert (action.statut, action.date_cloture) == (A.ABANDONNEE, datetime.date(2026, 10, 20))
    assert action.history.first().history_change_reason == "Abandonner — Sans objet"


def test_the_meeting_page_offers_each_action_its_next_steps(client, agent):
    action = ActionFactory()
    client.force_login(agent)
    page = client.get(action.reunion.get_absolute_url())
    etapes = {a.pk: [t.vers for t in a.transitions] for a in page.context["actions"]}
    assert etapes == {action.pk: [A.EN_COURS, A.FAITE, A.ABANDONNEE]}
    assert f"{reverse('pilotage:action_statut', args=[action.pk])}?vers=abandonnee" in page.content.decode()


# --- Deadlines and alerts --------------------------------------------------------------------------------


def _responsables():
    """Every responsable gets the alerts (the factories' meetings are organised by one each)."""
    return set(User.objects.filter(role=Role.RESPONSABLE).values_list("pk", flat=True))


def test_open_actions_are_deadlines_then_overdue_ones_a_new_threshold():
    a_venir = ActionFactory(echeance=_jour(20))
    du_jour = ActionFactory(echeance=JOUR)
    en_retard = ActionFactory(echeance=_jour(-1))
    ActionFactory(echeance=_jour(-5), statut=A.FAITE, date_cloture=JOUR)  # closed: no deadline
    trouvees = {d.object_key: d for d in deadlines.collect(JOUR) if d.kind == "action_reunion"}
    assert set(trouvees) == {f"pilotage.action:{a.pk}" for a in (a_venir, du_jour, en_retard)}
    assert trouvees[f"pilotage.action:{a_venir.pk}"].threshold == "J-7"
    assert trouvees[f"pilotage.action:{du_jour.pk}"].threshold == "J-7"  # due today: not overdue yet
    retard = trouvees[f"pilotage.action:{en_retard.pk}"]
    assert (retard.threshold, retard.due) == ("retard", _jour(-1))
    assert retard.label.endswith("(Copil stratégique du 06/10/2026) : échéance dépassée")
    assert retard.url == en_retard.reunion.get_absolute_url() + "#actions"
    assert deadlines.types()["action_reunion"] == "Action décidée en réunion"


@pytest.mark.parametrize(("jours", "alerte"), [(8, False), (7, True), (6, True)])
def test_an_action_alerts_seven_days_before_it_is_due(jours, alerte, responsable):
    action = ActionFactory(echeance=_jour(jours))
    alertes.synchroniser(JOUR)
    trouvees = Alerte.objects.filter(object_key=f"pilotage.action:{action.pk}")
    assert trouvees.exists() is alerte
    if alerte:
        assert set(trouvees.values_list("user", flat=True)) == {action.porteur_user_id, *_responsables()}


def test_an_overdue_action_alerts_its_owner_or_its_meeting_s_organiser(responsable, agent, caf):
    porteur = ActionFactory(echeance=_jour(-3), porteur_user=agent)
    organisation = ActionFactory(
        echeance=_jour(-3), porteur_user=None, porteur_organisation=caf, reunion=ReunionFactory(organisateur=agent)
    )
    situation = SituationVeilleFactory(centre=CentreFactory())
    veille = ActionFactory(echeance=_jour(-3), situation=situation)
    alertes.synchroniser(JOUR)
    for action in (porteur, organisation):
        assert set(
            Alerte.objects.filter(object_key=f"pilotage.action:{action.pk}", threshold="retard").values_list(
                "user", flat=True
            )
        ) == {agent.pk, *_responsables()}
    assert Alerte.objects.get(object_key=f"pilotage.action:{veille.pk}", user=responsable).centre == situation.centre


def test_cv_2_an_overdue_action_of_a_file_s_action_plan_raises_an_alert_with_its_centre(responsable):
    centre = CentreFactory(nom_court="CS Pile")
    situation = SituationVeilleFactory(centre=centre)
    reunion = ReunionFactory(type=Reunion.Type.CELLULE_VEILLE, date=datetime.date(2026, 9, 1))
    reunion.situations.add(situation)
    a_temps = ActionFactory(reunion=reunion, situation=situation, mesure=Action.Mesure.DLA, echeance=JOUR)
    retard = ActionFactory(reunion=reunion, situation=situation, mesure=Action.Mesure.DLA, echeance=_jour(-1))
    alertes.synchroniser(JOUR)
    alerte = Alerte.objects.get(object_key=f"pilotage.action:{retard.pk}", user=responsable)
    assert (alerte.threshold, alerte.centre, alerte.due) == ("retard", centre, _jour(-1))
    assert alerte.label.startswith("CS Pile — ")
    assert alerte.label.endswith("(Cellule de veille du 01/09/2026) : échéance dépassée")
    assert Alerte.objects.get(object_key=f"pilotage.action:{a_temps.pk}", user=responsable).threshold == "J-7"


def test_closing_an_action_closes_its_alert(client, agent, responsable):
    action = ActionFactory(echeance=_jour(-3), porteur_user=agent)
    alertes.synchroniser(JOUR)
    reunions.changer_statut_action(action=action, vers=A.FAITE, par=agent)
    alertes.synchroniser(JOUR)
    assert not Alerte.objects.ouvertes().filter(object_key=f"pilotage.action:{action.pk}").exists()


# --- The list of the actions -----------------------------------------------------------------------------


def test_the_actions_list_filters_by_status_owner_overdue_and_kind_of_meeting(client, agent, caf):
    retard = ActionFactory(echeance=_jour(-2), porteur_user=agent)
    caf_action = ActionFactory(echeance=_jour(10), porteur_user=None, porteur_organisation=caf)
    faite = ActionFactory(echeance=_jour(-20), statut=A.FAITE, date_cloture=_jour(-21))
    veille = ActionFactory(echeance=_jour(30), reunion=ReunionFactory(type=Reunion.Type.CELLULE_VEILLE))
    client.force_login(agent)

    def trouvees(**filtres):
        return [a.pk for a in client.get(reverse("pilotage:actions"), filtres).context["page"]]

    assert trouvees() == [faite.pk, retard.pk, caf_action.pk, veille.pk]  # the soonest due first
    assert set(trouvees(statut="ouvertes")) == {retard.pk, caf_action.pk, veille.pk}
    assert trouvees(en_retard="oui") == [retard.pk]
    assert set(trouvees(en_retard="non")) == {caf_action.pk, faite.pk, veille.pk}
    assert trouvees(porteur_user=agent.pk) == [retard.pk]
    assert trouvees(porteur_organisation=caf.pk) == [caf_action.pk]
    assert trouvees(type=Reunion.Type.CELLULE_VEILLE) == [veille.pk]
    assert trouvees(tri="-echeance")[0] == veille.pk
    csv = client.get(reverse("pilotage:actions_export", args=["csv"]), {"en_retard": "oui"})
    lignes = csv.content.decode("utf-8-sig").splitlines()
    assert lignes[0] == "Échéance;Action;Portée par;Statut;En retard;Clôturée le;Réunion;Centre;Commentaire"
    assert len(lignes) == 2 and ";oui;" in lignes[1]


def test_a_partner_lists_the_actions_of_its_meetings_without_their_comments(client, partenaire_caf, caf):
    sienne = ActionFactory(commentaire="Commentaire interne")
    ParticipantReunionFactory(reunion=sienne.reunion, organisation=caf)
    ActionFactory()  # a meeting without the CAF
    client.force_login(partenaire_caf)
    response = client.get(reverse("pilotage:actions"))
    assert [a.pk for a in response.context["page"]] == [sienne.pk]
    assert "porteur_user" not in response.context["filtre"].form.fields
    csv = client.get(reverse("pilotage:actions_export", args=["csv"])).content.decode("utf-8-sig")
    assert "Commentaire" not in csv and len(csv.splitlines()) == 2


# --- The personal calendar feeds --------------------------------------------------------------------------


def _flux(client, user):
    client.logout()
    jeton = flux_calendrier.regenerer(user=user)
    response = client.get(reverse("pilotage:calendrier_ics", kwargs={"jeton": jeton.jeton}))
    assert response.status_code == 200
    return {
        str(e["UID"]): e
        for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        if str(e["UID"]).startswith("reunion")
    }


def test_the_team_s_feed_has_every_meeting_to_come_not_cancelled_timed_in_paris(client, agent):
    a_venir = ReunionFactory(date=_jour(10), heure_debut=datetime.time(9, 30), heure_fin=datetime.time(11, 0))
    ReunionFactory(date=_jour(12), statut=Reunion.Statut.ANNULEE)
    ReunionFactory(date=_jour(-1), statut=Reunion.Statut.TENUE)
    evenements = _flux(client, agent)
    assert list(evenements) == [f"reunion-agenda-{a_venir.pk}@centres-sociaux.roubaix"]
    (evenement,) = evenements.values()
    assert evenement.decoded("DTSTART") == datetime.datetime(2026, 11, 12, 9, 30, tzinfo=PARIS)
    assert evenement.decoded("DTEND") == datetime.datetime(2026, 11, 12, 11, 0, tzinfo=PARIS)
    assert str(evenement["SUMMARY"]) == "Copil stratégique"
    assert str(evenement["URL"]).endswith(a_venir.get_absolute_url())


def test_a_partner_s_feed_has_the_meetings_it_is_convened_to_in_person(client, caf):
    partenaire = UserFactory(role=Role.PARTENAIRE, organisation=caf)
    sienne = ReunionFactory(date=_jour(10))
    ParticipantReunion.objects.create(reunion=sienne, user=partenaire, organisation=caf)
    de_son_organisation = ReunionFactory(date=_jour(11))
    ParticipantReunionFactory(reunion=de_son_organisation, organisation=caf)
    assert list(_flux(client, partenaire)) == [f"reunion-agenda-{sienne.pk}@centres-sociaux.roubaix"]
    assert _flux(client, UserFactory(role=Role.ELU)) == {}
