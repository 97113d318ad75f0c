"""Personal data (RGPD): the privacy page, the retention purge, a person's data on request."""

import datetime
import io
import json
import zoneinfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from centres.models import Centre, Contact
from comptes import flux_calendrier as calendrier
from comptes import services
from comptes.models import JetonCalendrier, Role, SequenceCalendrier, User
from deliberations.models import Mandat
from pilotage import tasks
from pilotage.models import ParticipantReunion
from roubaix_cs import ics, retention

from .factories import (
    CentreFactory,
    ContactFactory,
    OrganisationFactory,
    ParticipantReunionFactory,
    ReunionFactory,
    UserFactory,
)
from .outils import contenu

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
FERMETURE = datetime.date(2023, 3, 15)


def _a(jour, heure=10):
    return datetime.datetime.combine(jour, datetime.time(heure), tzinfo=PARIS)


def _an(jour, ans):
    return jour.replace(year=jour.year + ans)


def _centre_ferme_le(jour, **contact):
    """A centre with a contact, closed on `jour` (its history says so)."""
    with time_machine.travel(_a(jour - datetime.timedelta(days=400)), tick=False):
        centre = CentreFactory()
        ContactFactory(centre=centre, prenom="Fatima", nom="Belkacem", email="f.belkacem@exemple.fr", **contact)
    with time_machine.travel(_a(jour), tick=False):
        centre.statut = Centre.Statut.FERME
        centre.save()
    return centre


# --- The privacy page -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonyme", "responsable", "agent", "regisseur", "elu", "partenaire_caf"])
def test_privacy_page_is_open_to_every_role_and_anonymous(client, request, persona):
    if persona != "anonyme":
        client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("pilotage:donnees_personnelles"))
    assert response.status_code == 200
    page = contenu(response)
    for attendu in ("Ce qui est conservé", "Pourquoi", "Combien de temps", "Qui les reçoit", "Vos droits", "CNIL"):
        assert attendu in page
    assert settings.DPO_CONTACT.split(",")[0] in page
    # Only the responsable is offered the export of a person's data.
    assert (reverse("pilotage:donnees_personnelles_export") in page) == (persona == "responsable")


def test_privacy_page_shows_the_retention_settings_current_values(client, settings):
    settings.RETENTION_CONTACTS_CENTRE_FERME_ANS = 7
    settings.RETENTION_COMPTES_DESACTIVES_ANS = 4
    settings.RETENTION_CONGES_ANS = 6
    settings.RETENTION_DEMANDES_PUBLIC_MOIS = 18
    settings.DPO_CONTACT = "Madame la déléguée, 1 rue de l'Exemple"
    settings.DPO_EMAIL = "dpo@exemple.fr"
    page = contenu(client.get(reverse("pilotage:donnees_personnelles")))
    for attendu in (
        "puis 7 an(s) après sa fermeture",
        "puis 4 an(s) après sa désactivation",
        "effacée quand il est anonymisé (4 an(s) après)",
        "6 an(s)",
        "18 mois",
    ):
        assert attendu in page
    assert "Madame la déléguée, 1 rue de l&#x27;Exemple" in page
    assert 'href="mailto:dpo@exemple.fr"' in page


def test_privacy_page_is_linked_from_every_page_footer(client):
    page = contenu(client.get(reverse("comptes:login")))
    assert f'href="{reverse("pilotage:donnees_personnelles")}"' in page


def test_privacy_page_refuses_writes(client, elu):
    client.force_login(elu)
    assert client.post(reverse("pilotage:donnees_personnelles")).status_code == 405


# --- The purge of the contacts of closed centres -------------------------------------------------------


@pytest.mark.parametrize(
    ("jour", "anonymise"),
    [
        (_an(FERMETURE, 2) - datetime.timedelta(days=1), False),  # just before the end of retention
        (_an(FERMETURE, 2), True),  # at it
        (_an(FERMETURE, 2) + datetime.timedelta(days=1), True),  # just after
    ],
)
def test_contacts_of_a_closed_centre_are_anonymised_after_the_retention_period(jour, anonymise):
    centre = _centre_ferme_le(FERMETURE, qualite=Contact.Qualite.PRESIDENT, telephone="03 20 00 00 00")
    actif = ContactFactory(centre=CentreFactory(), nom="Lefebvre")
    with time_machine.travel(_a(jour, 3), tick=False):
        resultats = retention.purger(jour)
    contact = centre.contacts.get()
    assert (contact.nom == "Belkacem") is not anonymise
    assert sum(p.nombre for p in resultats) == (1 if anonymise else 0)
    if anonymise:
        assert (contact.prenom, contact.email, contact.telephone) == ("", "", "")
        assert contact.qualite == Contact.Qualite.PRESIDENT  # the statistics stay: a president, one contact
        assert Contact.objects.filter(centre=centre).count() == 1
        # The history keeps nothing of what was purged: one row, the anonymisation itself.
        historique = list(Contact.history.filter(id=contact.pk))
        assert len(historique) == 1
        assert historique[0].history_change_reason == retention.MOTIF_ANONYMISATION
        assert not Contact.history.filter(nom="Belkacem").exists()
        assert not Contact.history.filter(email="f.belkacem@exemple.fr").exists()
    actif.refresh_from_db()
    assert actif.nom == "Lefebvre"  # an open centre's contacts stay


def test_the_closure_date_is_the_start_of_the_last_closed_stretch():
    """Closed, reopened, closed again: retention runs from the last closure."""
    centre = _centre_ferme_le(FERMETURE)
    with time_machine.travel(_a(FERMETURE + datetime.timedelta(days=30)), tick=False):
        centre.statut = Centre.Statut.ACTIF
        centre.save()
    reouverture = FERMETURE + datetime.timedelta(days=60)
    with time_machine.travel(_a(reouverture), tick=False):
        centre.statut = Centre.Statut.FERME
        centre.save()
    retention.purger(_an(FERMETURE, 2))
    assert centre.contacts.get().nom == "Belkacem"
    retention.purger(_an(reouverture, 2))
    assert centre.contacts.get().nom != "Belkacem"


@pytest.mark.parametrize(("decalage", "efface"), [(-1, False), (0, True), (1, True)])
def test_history_of_a_deleted_contact_is_erased_after_the_retention_period(decalage, efface):
    suppression = datetime.date(2024, 6, 1)
    with time_machine.travel(_a(suppression - datetime.timedelta(days=10)), tick=False):
        contact = ContactFactory(nom="Vanhoutte")
    with time_machine.travel(_a(suppression), tick=False):
        pk = contact.pk
        contact.delete()
    garde = ContactFactory(nom="Garde")
    with time_machine.travel(_a(suppression + datetime.timedelta(days=2)), tick=False):
        garde.delete()  # deleted two days later: not yet due
    jour = _an(suppression, settings.RETENTION_CONTACTS_SUPPRIMES_ANS) + datetime.timedelta(days=decalage)
    retention.purger(jour)
    assert Contact.history.filter(id=pk).exists() is not efface
    assert Contact.history.filter(nom="Garde").exists()


# --- The purge of deactivated accounts -----------------------------------------------------------------


@pytest.mark.parametrize(("decalage", "anonymise"), [(-1, False), (0, True), (1, True)])
def test_deactivated_accounts_are_anonymised_after_the_retention_period(decalage, anonymise):
    desactivation = datetime.date(2023, 9, 1)
    with time_machine.travel(_a(desactivation - datetime.timedelta(days=300)), tick=False):
        ancien = UserFactory(username="ldurand", first_name="Louise", last_name="Durand", email="l.durand@exemple.fr")
        centre = CentreFactory(referent=ancien)
        centre._history_user = ancien
        centre.nom_court = "CS Alma"
        centre.save()
    with time_machine.travel(_a(desactivation), tick=False):
        ancien.is_active = False
        ancien.save()
    actif = UserFactory(first_name="Paul", last_name="Actif")
    jour = _an(desactivation, settings.RETENTION_COMPTES_DESACTIVES_ANS) + datetime.timedelta(days=decalage)
    agents = User.objects.filter(role=Role.AGENT).count()
    retention.purger(jour)
    ancien.refresh_from_db()
    assert (ancien.last_name == "Durand") is not anonymise
    if anonymise:
        assert str(ancien) == "Compte supprimé"
        assert (ancien.email, ancien.is_active, ancien.has_usable_password()) == ("", False, False)
        assert "ldurand" not in ancien.username
        # Its own history keeps nothing of the person; what it did still points at it, as « Compte supprimé ».
        assert not User.history.filter(last_name="Durand").exists()
        assert not User.history.filter(username="ldurand").exists()
        assert User.history.filter(id=ancien.pk).count() == 1
        assert str(centre.history.filter(nom_court="CS Alma").get().history_user) == "Compte supprimé"
        centre.refresh_from_db()
        assert centre.referent == ancien
    assert User.objects.filter(role=Role.AGENT).count() == agents  # the statistics stay
    actif.refresh_from_db()
    assert actif.last_name == "Actif"


@pytest.mark.parametrize(("decalage", "supprimee"), [(-1, False), (0, True), (1, True)])
def test_the_calendar_address_of_a_deactivated_account_goes_with_its_anonymisation(decalage, supprimee):
    desactivation = datetime.date(2023, 9, 1)
    with time_machine.travel(_a(desactivation - datetime.timedelta(days=300)), tick=False):
        ancien = UserFactory(role=Role.AGENT)
        calendrier.regenerer(user=ancien)
    with time_machine.travel(_a(desactivation), tick=False):
        services.desactiver_compte(compte=ancien, par=UserFactory(role=Role.RESPONSABLE), motif="Départ")
    actif = UserFactory(role=Role.AGENT)
    calendrier.regenerer(user=actif)
    # The SEQUENCE of an event is no account's: shared by every feed showing it, it stays.
    SequenceCalendrier.objects.create(uid=ics.uid("ag", 1), empreinte="x", sequence=3)
    jour = _an(desactivation, settings.RETENTION_COMPTES_DESACTIVES_ANS) + datetime.timedelta(days=decalage)

    resultats = {p.libelle: p.nombre for p in retention.purger(jour)}
    assert JetonCalendrier.objects.filter(user=ancien).exists() is not supprimee
    assert resultats["Adresses de calendrier personnel des comptes anonymisés, supprimées"] == int(supprimee)
    assert JetonCalendrier.objects.filter(user=actif, revoque_le__isnull=True).exists()
    assert SequenceCalendrier.objects.get().sequence == 3

    second = {p.libelle: p.nombre for p in retention.purger(jour)}  # a second run removes nothing more
    assert second["Adresses de calendrier personnel des comptes anonymisés, supprimées"] == 0
    assert JetonCalendrier.objects.filter(user=actif).exists() and SequenceCalendrier.objects.exists()


def test_an_account_without_history_counts_from_its_last_login():
    ancien = UserFactory(is_active=False)
    ancien.history.all().delete()
    User.objects.filter(pk=ancien.pk).update(last_login=_a(datetime.date(2020, 1, 1)))
    retention.purger(datetime.date(2021, 12, 31))
    assert User.objects.get(pk=ancien.pk).last_name == ancien.last_name
    retention.purger(datetime.date(2022, 1, 1))
    assert str(User.objects.get(pk=ancien.pk)) == "Compte supprimé"


@pytest.mark.parametrize(("decalage", "supprimee"), [(-1, False), (0, True), (1, True)])
def test_login_attempts_are_deleted_after_the_retention_period(decalage, supprimee):
    if not apps.is_installed("axes"):
        pytest.skip("django-axes n'est pas installé")
    AccessAttempt = apps.get_model("axes", "AccessAttempt")  # noqa: N806 (a model class)
    tentative = datetime.date(2025, 5, 10)
    with time_machine.travel(_a(tentative), tick=False):
        AccessAttempt.objects.create(
            username="responsable", ip_address="192.0.2.1", user_agent="Firefox", failures_since_start=2
        )
    jour = tentative + datetime.timedelta(days=settings.RETENTION_TENTATIVES_CONNEXION_JOURS + decalage)
    retention.purger(jour)
    assert AccessAttempt.objects.exists() is not supprimee


# --- The job: command, dry run, Celery beat -----------------------------------------------------------


def test_dry_run_prints_what_it_would_purge_and_changes_nothing():
    centre = _centre_ferme_le(FERMETURE)
    avant = Contact.history.count()
    sortie = io.StringIO()
    with time_machine.travel(_a(_an(FERMETURE, 3)), tick=False):
        call_command("purger_donnees_personnelles", "--simuler", stdout=sortie)
    texte = sortie.getvalue()
    assert "Fatima Belkacem" in texte
    assert "1 enregistrement(s) serait purgé (simulation : rien n'a été modifié)." in texte
    assert centre.contacts.get().nom == "Belkacem"
    assert Contact.history.count() == avant


def test_the_command_purges_and_a_second_run_purges_nothing():
    centre = _centre_ferme_le(FERMETURE)
    sortie = io.StringIO()
    with time_machine.travel(_a(_an(FERMETURE, 3)), tick=False):
        call_command("purger_donnees_personnelles", stdout=sortie)
        assert "1 enregistrement(s) purgé." in sortie.getvalue()
        assert centre.contacts.get().nom != "Belkacem"
        sortie = io.StringIO()
        call_command("purger_donnees_personnelles", stdout=sortie)
    assert "0 enregistrement(s) purgé." in sortie.getvalue()
    assert Contact.history.filter(centre_id=centre.pk).count() == 1


def test_celery_beat_runs_the_purge_task_every_day():
    (entree,) = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == tasks.purger_donnees_personnelles.name
    ]
    assert entree["schedule"].hour == {3}  # a crontab: once a day, at night


def test_the_task_runs_the_purge():
    centre = _centre_ferme_le(FERMETURE)
    with time_machine.travel(_a(_an(FERMETURE, 2)), tick=False):
        resultat = tasks.purger_donnees_personnelles.delay().get()
    assert centre.contacts.get().nom != "Belkacem"
    assert 1 in resultat.values()


# --- A person's data, on request -------------------------------------------------------------------------


@pytest.fixture
def personne():
    """An élu with a mandate and a centre's contact of the same person, and someone else beside."""
    caf = OrganisationFactory(caf=True)
    elu = UserFactory(role=Role.ELU, first_name="Amina", last_name="Kaddouri", email="a.kaddouri@exemple.fr")
    Mandat.objects.create(elu=elu, organisation=caf)
    centre = CentreFactory(referent=UserFactory(first_name="Autre", last_name="Agent"))
    ContactFactory(centre=centre, prenom="Amina", nom="Kaddouri", email="a.kaddouri@exemple.fr")
    ContactFactory(centre=centre, prenom="Jean", nom="Autrui", email="j.autrui@exemple.fr")
    autre_elu = UserFactory(role=Role.ELU, first_name="Marc", last_name="Tiers", email="m.tiers@exemple.fr")
    Mandat.objects.create(elu=autre_elu, organisation=caf)
    return elu


def _export(client, q, fmt):
    return client.get(reverse("pilotage:donnees_personnelles_export"), {"q": q, "format": fmt})


def test_export_json_has_the_persons_records_and_nobody_elses(client, responsable, personne):
    client.force_login(responsable)
    response = _export(client, "a.kaddouri@exemple.fr", "json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    donnees = json.loads(response.content)
    texte = response.content.decode()
    assert [c["adresse électronique"] for c in donnees["Comptes"]] == ["a.kaddouri@exemple.fr"]
    assert [c["nom"] for c in donnees["Contacts des centres"]] == ["Kaddouri"]
    assert len(donnees["Mandats"]) == 1
    assert {r["objet"] for r in donnees["Dossiers qui nomment le compte"]} == {"mandat d'élu"}
    assert any("Kaddouri" in r["valeurs"] for r in donnees["Historique des données de la personne"])
    for autre in ("Autrui", "Tiers", "m.tiers@exemple.fr", "Autre Agent", "motdepasse", "pbkdf2", "md5$"):
        assert autre not in texte


def test_export_by_name_finds_the_account_and_the_contact(client, responsable, personne):
    client.force_login(responsable)
    page = contenu(client.get(reverse("pilotage:donnees_personnelles_export"), {"q": "Amina Kaddouri"}))
    assert "Compte : Amina Kaddouri" in page
    assert "Contact : Amina Kaddouri" in page
    assert "Autrui" not in page
    classeur = load_workbook(io.BytesIO(_export(client, "Kaddouri", "xlsx").content))
    assert classeur.sheetnames[:3] == ["Comptes", "Contacts des centres", "Mandats"]
    comptes = list(classeur["Comptes"].values)
    assert len(comptes) == 2 and "Kaddouri" in comptes[1]


def test_export_lists_the_changes_the_person_made(client, responsable, agent):
    centre = CentreFactory()
    centre._history_user = agent
    centre.nom_court = "Modifié"
    centre.save()
    client.force_login(responsable)
    donnees = json.loads(_export(client, agent.username, "json").content)
    faites = donnees["Modifications faites par la personne"]
    assert [(r["objet"], r["n°"], r["action"]) for r in faites] == [("centre social", centre.pk, "Modification")]


def test_export_without_a_match_offers_nothing(client, responsable, personne):
    client.force_login(responsable)
    response = _export(client, "personne@inconnue.fr", "json")
    assert response.status_code == 200
    assert "Aucun compte ni contact ne correspond" in contenu(response)


@pytest.mark.parametrize("persona", ["agent", "regisseur", "elu", "partenaire_caf", "outsider"])
def test_export_is_for_the_responsable_only(client, request, personne, persona):
    client.force_login(request.getfixturevalue(persona))
    assert _export(client, "a.kaddouri@exemple.fr", "json").status_code == 403


# --- The meetings' contacts without an account ----------------------------------------------------

REUNION_TENUE = datetime.date(2023, 5, 10)


@pytest.mark.parametrize(
    ("jour", "anonymise"),
    [
        (_an(REUNION_TENUE, 3) - datetime.timedelta(days=1), False),  # just before the end of retention
        (_an(REUNION_TENUE, 3), True),  # at it
        (_an(REUNION_TENUE, 3) + datetime.timedelta(days=1), True),  # just after
    ],
)
def test_meeting_contacts_without_account_are_anonymised_after_the_retention_period(jour, anonymise):
    caf = OrganisationFactory(caf=True)
    reunion = ReunionFactory(date=REUNION_TENUE)
    contact = ParticipantReunionFactory(
        reunion=reunion, organisation=caf, nom="Sophie Vermeulen", email="s.vermeulen@caf.example"
    )
    contact.presence = ParticipantReunion.Presence.PRESENT
    contact.save()
    compte = ParticipantReunionFactory(reunion=reunion, organisation=None, user=UserFactory(), nom="", email="")
    recent = ParticipantReunionFactory(reunion=ReunionFactory(date=jour), nom="Paul Récent")
    with time_machine.travel(_a(jour, 3), tick=False):
        resultats = retention.purger(jour)
    contact.refresh_from_db()
    assert (contact.nom == "Sophie Vermeulen") is not anonymise
    assert sum(p.nombre for p in resultats) == (1 if anonymise else 0)
    if anonymise:
        assert (contact.nom, contact.email) == ("(anonymisé)", "")
        # The minutes still say which organisation came.
        assert (contact.organisation, contact.presence) == (caf, ParticipantReunion.Presence.PRESENT)
        assert not ParticipantReunion.history.filter(email="s.vermeulen@caf.example").exists()
        assert [h.history_change_reason for h in ParticipantReunion.history.filter(id=contact.pk)] == [
            retention.MOTIF_ANONYMISATION
        ]
        with time_machine.travel(_a(jour, 4), tick=False):
            assert sum(p.nombre for p in retention.purger(jour)) == 0  # a second run purges nothing
    recent.refresh_from_db()
    compte.refresh_from_db()
    assert recent.nom == "Paul Récent"  # a recent meeting keeps its contacts
    assert compte.user_id is not None  # an account follows the accounts' own retention


def test_privacy_page_states_the_meeting_contacts_retention(client, settings):
    settings.RETENTION_CONTACTS_REUNIONS_ANS = 4
    page = contenu(client.get(reverse("pilotage:donnees_personnelles")))
    assert "convoqués aux réunions sans compte" in page
    assert "4 an(s) après la réunion" in page


def test_export_finds_a_meeting_contact_without_account(client, responsable):
    reunion = ReunionFactory(titre="Copil de printemps")
    ParticipantReunionFactory(reunion=reunion, nom="Sophie Vermeulen", email="s.vermeulen@caf.example")
    ParticipantReunionFactory(reunion=reunion, nom="Jean Autrui", email="j.autrui@caf.example")
    client.force_login(responsable)
    page = contenu(client.get(reverse("pilotage:donnees_personnelles_export"), {"q": "s.vermeulen@caf.example"}))
    assert "Convocation : Sophie Vermeulen" in page
    donnees = json.loads(_export(client, "Sophie Vermeulen", "json").content)
    assert [c["e-mail"] for c in donnees["Convocations aux réunions"]] == ["s.vermeulen@caf.example"]
    assert donnees["Convocations aux réunions"][0]["réunion"].startswith("Copil de printemps")
    assert "Autrui" not in json.dumps(donnees, ensure_ascii=False)
