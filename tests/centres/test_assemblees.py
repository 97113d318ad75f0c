import csv
import datetime
import html
import io
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from centres.models import AssembleeGenerale, Centre, Document, exercices_sans_ag

from ..factories import AssembleeGeneraleFactory, CentreFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 15)


def _texte(response):
    """The page as a user reads it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()).replace(" :", ":")


def _ag(centre, exercice, date, **champs):
    return AssembleeGeneraleFactory(centre=centre, exercice=exercice, date=date, **champs)


# The AG approving year N's accounts is due by 30 June N+1 (domain-rules §6).
@pytest.mark.parametrize(
    ("jour", "exercice_controle"),
    [
        (datetime.date(2026, 6, 30), 2024),  # until 30 June 2026, the 2025 AG may still be held
        (datetime.date(2026, 7, 1), 2025),
        (datetime.date(2026, 12, 31), 2025),
        (datetime.date(2027, 1, 1), 2025),
        (datetime.date(2027, 7, 1), 2026),
    ],
)
def test_ag_the_year_checked_switches_on_1_july(jour, exercice_controle):
    centre = CentreFactory()
    with time_machine.travel(jour):
        assert exercices_sans_ag(Centre.objects.all(), jour) == {centre.pk: exercice_controle}


@time_machine.travel(datetime.date(2026, 7, 1))
def test_ag_a_centre_is_flagged_unless_its_ordinary_ag_was_held_by_30_june():
    a_temps = CentreFactory()
    _ag(a_temps, 2025, datetime.date(2026, 6, 30))
    en_retard = CentreFactory()
    _ag(en_retard, 2025, datetime.date(2026, 7, 10))  # planned, but after the deadline
    extraordinaire = CentreFactory()
    _ag(extraordinaire, 2025, datetime.date(2026, 5, 1), nature=AssembleeGenerale.Nature.EXTRAORDINAIRE)
    ancienne = CentreFactory()
    _ag(ancienne, 2024, datetime.date(2025, 6, 1))  # last year's AG does not count for 2025
    CentreFactory(statut=Centre.Statut.FERME)
    CentreFactory(statut=Centre.Statut.PREFIGURATION)
    assert exercices_sans_ag(Centre.objects.all(), datetime.date(2026, 7, 1)) == {
        en_retard.pk: 2025,
        extraordinaire.pk: 2025,
        ancienne.pk: 2025,
    }


@time_machine.travel(TODAY)
def test_ag_the_calendar_lists_the_centres_without_ag_in_the_users_scope(client, partenaire_caf, caf):
    dans = CentreFactory(nom="Centre social du Pile", partenaires=[caf])
    CentreFactory(nom="Centre social hors périmètre")
    client.force_login(partenaire_caf)
    response = client.get(reverse("centres:ag_liste"))
    assert response.context["sans_ag"] == [(dans.nom, f"{dans.get_absolute_url()}?onglet=assemblees", 2025)]
    page = _texte(response)
    assert "Centre social du Pile: AG de l'exercice 2025 non tenue au 30/06/2026" in page
    assert "hors périmètre" not in page


@time_machine.travel(TODAY)
def test_ag_the_centre_page_warns_when_the_ag_is_missing(client, elu):
    sans = CentreFactory()
    avec = CentreFactory()
    _ag(avec, 2025, datetime.date(2026, 6, 20))
    client.force_login(elu)
    alertes = {
        "identite": "Assemblée générale de l'exercice 2025 non tenue au 30/06/2026.",
        "assemblees": "comptes de l'exercice 2025 n'a pas été tenue au 30/06/2026.",
    }
    for onglet, alerte in alertes.items():
        assert alerte in _texte(client.get(reverse("centres:detail", args=[sans.pk]), {"onglet": onglet}))
        assert "30/06/2026" not in _texte(client.get(reverse("centres:detail", args=[avec.pk]), {"onglet": onglet}))


@time_machine.travel(TODAY)
def test_ag_calendar_shows_upcoming_ags_by_default_grouped_by_month(client, agent):
    centre = CentreFactory(nom="Centre social de l'Alma")
    passee = _ag(centre, 2025, datetime.date(2026, 6, 12))
    novembre = _ag(centre, 2026, datetime.date(2026, 11, 20), nature=AssembleeGenerale.Nature.EXTRAORDINAIRE)
    octobre = _ag(CentreFactory(), 2025, datetime.date(2026, 10, 2))
    aujourd_hui = _ag(CentreFactory(), 2025, TODAY)
    client.force_login(agent)
    response = client.get(reverse("centres:ag_liste"))
    assert list(response.context["page"]) == [aujourd_hui, octobre, novembre]
    page = html.unescape(response.content.decode())
    assert page.index("Septembre 2026") < page.index("Octobre 2026") < page.index("Novembre 2026")
    assert "Juin 2026" not in page

    def ags(**params):
        return list(client.get(reverse("centres:ag_liste"), params).context["page"])

    assert ags(periode="passees") == [passee]
    assert ags(periode="toutes") == [novembre, octobre, aujourd_hui, passee]
    assert ags(periode="toutes", centre=centre.pk) == [novembre, passee]
    assert ags(periode="toutes", exercice=2026) == [novembre]
    assert ags(periode="toutes", nature="extraordinaire") == [novembre]


@time_machine.travel(TODAY)
def test_ag_calendar_filters_on_approved_accounts(client, agent):
    oui = _ag(CentreFactory(), 2025, datetime.date(2026, 6, 1), comptes_approuves=True)
    non = _ag(CentreFactory(), 2025, datetime.date(2026, 6, 2), comptes_approuves=False)
    inconnu = _ag(CentreFactory(), 2025, datetime.date(2026, 10, 2), comptes_approuves=None)
    client.force_login(agent)

    def ags(valeur):
        params = {"periode": "toutes", "comptes_approuves": valeur}
        return list(client.get(reverse("centres:ag_liste"), params).context["page"])

    assert (ags("oui"), ags("non"), ags("inconnu")) == ([oui], [non], [inconnu])


@time_machine.travel(TODAY)
def test_ag_partners_see_only_the_ags_of_their_centres(client, partenaire_caf, centre_caf, centre_hors_caf):
    dans = _ag(centre_caf, 2025, datetime.date(2026, 10, 2))
    _ag(centre_hors_caf, 2025, datetime.date(2026, 10, 3))
    client.force_login(partenaire_caf)
    response = client.get(reverse("centres:ag_liste"))
    assert list(response.context["page"]) == [dans]
    centres_proposes = list(response.context["filtre"].form.fields["centre"].queryset)
    assert centres_proposes == [centre_caf]


@time_machine.travel(TODAY)
def test_ag_export_follows_the_filters(client, agent):
    centre = CentreFactory(nom="Centre social Linné, Moulin")
    ag = _ag(centre, 2025, datetime.date(2026, 10, 2), lieu="Grande salle")
    ag.participants_service.set([UserFactory(first_name="Aïcha", last_name="Benali")])
    _ag(centre, 2024, datetime.date(2025, 6, 2))  # past: not in the default period
    _ag(CentreFactory(), 2025, datetime.date(2026, 10, 5))
    client.force_login(agent)
    response = client.get(reverse("centres:ag_export", kwargs={"fmt": "csv"}), {"centre": centre.pk})
    lignes = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes == [
        {
            "Date": "02/10/2026",
            "Centre": "Centre social Linné, Moulin",
            "Nature": "Ordinaire",
            "Exercice approuvé": "2025",
            "Lieu": "Grande salle",
            "Présents pour le service": "Aïcha Benali",
            "Comptes approuvés": "Oui",
            "Date limite (30 juin N+1)": "30/06/2026",
            "Tenue après la date limite": "Oui",
        }
    ]
    xlsx = client.get(reverse("centres:ag_export", kwargs={"fmt": "xlsx"}), {"periode": "toutes"})
    assert xlsx.content[:2] == b"PK"


def _ics(client):
    response = client.get(reverse("centres:ag_ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content.decode("utf-8")


@time_machine.travel(datetime.datetime(2026, 9, 15, 8, 30, tzinfo=datetime.UTC))
def test_ag_the_ics_feed_has_one_all_day_event_per_upcoming_ag(client, agent):
    centre = CentreFactory(nom="Centre social de l'Alma")
    ag = _ag(centre, 2025, datetime.date(2026, 10, 2), lieu="Salle A, 2 rue de l'Alma; RDC")
    _ag(centre, 2024, datetime.date(2025, 6, 12))  # past
    client.force_login(agent)
    contenu = _ics(client)
    assert contenu.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert contenu.endswith("END:VCALENDAR\r\n")
    assert "\n" not in contenu.replace("\r\n", "")  # CRLF only
    assert all(len(ligne.encode()) <= 75 for ligne in contenu.split("\r\n"))
    deplie = contenu.replace("\r\n ", "")
    assert deplie.count("BEGIN:VEVENT") == 1
    evenement = deplie.split("BEGIN:VEVENT\r\n")[1].split("END:VEVENT")[0].split("\r\n")
    assert f"UID:ag-{ag.pk}@centres-sociaux.roubaix" in evenement
    assert "DTSTAMP:20260915T083000Z" in evenement
    assert "DTSTART;VALUE=DATE:20261002" in evenement
    assert "DTEND;VALUE=DATE:20261003" in evenement
    assert "SUMMARY:AG — Centre social de l'Alma" in evenement
    assert "LOCATION:Salle A\\, 2 rue de l'Alma\\; RDC" in evenement
    assert "DESCRIPTION:Assemblée générale ordinaire\\, exercice 2025." in evenement
    # The UID stays the same after an edit; the sequence tells the calendar to update the event.
    premier_uid = [ligne for ligne in evenement if ligne.startswith("UID:")]
    assert "SEQUENCE:0" in evenement
    ag.lieu = "Salle B"
    ag.save()
    deplie = _ics(client).replace("\r\n ", "")
    assert premier_uid[0] in deplie
    assert "SEQUENCE:1" in deplie


@time_machine.travel(TODAY)
def test_ag_the_ics_feed_of_a_partner_has_only_the_ags_of_its_centres(
    client, partenaire_caf, centre_caf, centre_hors_caf
):
    dans = _ag(centre_caf, 2025, datetime.date(2026, 10, 2))
    hors = _ag(centre_hors_caf, 2025, datetime.date(2026, 10, 3))
    client.force_login(partenaire_caf)
    contenu = _ics(client)
    assert f"UID:ag-{dans.pk}@" in contenu
    assert f"UID:ag-{hors.pk}@" not in contenu
    assert centre_hors_caf.nom not in contenu


@time_machine.travel(TODAY)
def test_ag_long_ics_lines_are_folded_between_characters(client, agent):
    _ag(CentreFactory(nom="Centre " + "é" * 100), 2025, datetime.date(2026, 10, 2))
    client.force_login(agent)
    contenu = _ics(client)
    assert all(len(ligne.encode()) <= 75 for ligne in contenu.split("\r\n"))  # decodes: no character cut
    assert "SUMMARY:AG — Centre " + "é" * 100 in contenu.replace("\r\n ", "")


def _ag_data(**changes):
    return {"nature": "ordinaire", "exercice": 2025, "date": "2026-06-12", "lieu": "Salle du centre", **changes}


def test_ag_is_added_from_the_centre_page_with_the_service_attendees(client, agent, responsable):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(
        reverse("centres:ag_creer", args=[centre.pk]),
        _ag_data(participants_service=[agent.pk, responsable.pk], comptes_approuves="true"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("centres:detail", args=[centre.pk]) + "?onglet=assemblees"
    ag = centre.assemblees.get()
    assert set(ag.participants_service.all()) == {agent, responsable}
    assert ag.comptes_approuves is True


def test_ag_a_second_ordinary_ag_for_the_same_year_is_refused_next_to_the_field(client, agent):
    ag = _ag(CentreFactory(), 2025, datetime.date(2026, 6, 12))
    client.force_login(agent)
    response = client.post(reverse("centres:ag_creer", args=[ag.centre.pk]), _ag_data(date="2026-06-20"))
    assert response.status_code == 200
    assert response.context["form"].errors["exercice"] == [
        "Ce centre a déjà une assemblée générale ordinaire pour l'exercice 2025 (celle du 12/06/2026). "
        "Choisissez un autre exercice, ou la nature « Extraordinaire »."
    ]
    assert AssembleeGenerale.objects.count() == 1
    # An extraordinary AG the same year, the same exercice in another centre, and editing the AG itself are fine.
    assert (
        client.post(reverse("centres:ag_creer", args=[ag.centre.pk]), _ag_data(nature="extraordinaire")).status_code
        == 302
    )
    assert client.post(reverse("centres:ag_creer", args=[CentreFactory().pk]), _ag_data()).status_code == 302
    url = reverse("centres:ag_modifier", args=[ag.pk])
    assert client.post(url, _ag_data(lieu="Mairie", version_vue=ag.version)).status_code == 302


def test_ag_attendees_changes_are_in_the_centre_history(client, agent):
    aicha = UserFactory(first_name="Aïcha", last_name="Benali")
    karim = UserFactory(first_name="Karim", last_name="Haddad")
    ag = _ag(CentreFactory(), 2025, datetime.date(2026, 6, 12))
    ag.participants_service.set([aicha])
    client.force_login(agent)
    data = _ag_data(participants_service=[aicha.pk, karim.pk], version_vue=ag.version)
    assert client.post(reverse("centres:ag_modifier", args=[ag.pk]), data).status_code == 302
    assert set(ag.participants_service.all()) == {aicha, karim}
    response = client.get(reverse("centres:detail", args=[ag.centre.pk]), {"onglet": "historique"})
    changements = [
        (c.champ, c.avant, c.apres)
        for e in response.context["evenements"]
        if e.objet == "AG du 12/06/2026"
        for c in e.changements
    ]
    assert ("présents pour le service", "Aïcha Benali", "Aïcha Benali, Karim Haddad") in changements
    assert "Présents pour le service" in html.unescape(response.content.decode())


def test_ag_the_second_of_two_concurrent_edits_is_refused(agent, responsable):
    ag = _ag(CentreFactory(), 2025, datetime.date(2026, 6, 12))
    url = reverse("centres:ag_modifier", args=[ag.pk])
    premier, second = Client(), Client()
    premier.force_login(responsable)
    second.force_login(agent)
    assert premier.post(url, _ag_data(lieu="Mairie", version_vue=1)).status_code == 302
    response = second.post(url, _ag_data(lieu="Centre", version_vue=1))
    assert response.status_code == 200
    assert response.context["form"].conflit is not None
    ag.refresh_from_db()
    assert ag.lieu == "Mairie"


@time_machine.travel(TODAY)
def test_ag_the_centre_tab_lists_ags_documents_and_late_ones(client, agent):
    centre = CentreFactory()
    en_retard = _ag(centre, 2024, datetime.date(2025, 9, 10), comptes_approuves=None)
    a_temps = _ag(centre, 2025, datetime.date(2026, 6, 12), comptes_approuves=False)
    a_temps.participants_service.set([agent])
    pv = DocumentFactory(centre=centre, assemblee=a_temps, type=Document.Type.PV_AG, titre="PV de l'AG 2026")
    client.force_login(agent)
    response = client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": "assemblees"})
    page = html.unescape(response.content.decode())
    assert "En retard (limite du 30/06/2025)" in page
    assert page.count("En retard") == 1
    assert "PV de l'AG 2026" in page and reverse("centres:document_telecharger", args=[pv.pk]) in page
    assert str(agent) in page
    assert reverse("centres:ag_modifier", args=[en_retard.pk]) in page
    assert reverse("centres:ag_creer", args=[centre.pk]) in page


def test_ag_the_centre_tab_shows_partners_only_public_documents_and_no_buttons(client, partenaire_caf, centre_caf):
    ag = _ag(centre_caf, 2025, datetime.date(2026, 6, 12))
    DocumentFactory(centre=centre_caf, assemblee=ag, type=Document.Type.PV_AG, titre="PV de l'AG")
    DocumentFactory(centre=centre_caf, assemblee=ag, rib=True, titre="RIB joint par erreur")
    client.force_login(partenaire_caf)
    page = html.unescape(
        client.get(reverse("centres:detail", args=[centre_caf.pk]), {"onglet": "assemblees"}).content.decode()
    )
    assert "PV de l'AG" in page
    assert "RIB joint par erreur" not in page
    assert reverse("centres:ag_modifier", args=[ag.pk]) not in page
    assert reverse("centres:ag_creer", args=[centre_caf.pk]) not in page


def test_ag_a_partner_cannot_reach_the_ags_of_a_centre_outside_its_scope(client, partenaire_caf, centre_hors_caf):
    client.force_login(partenaire_caf)
    response = client.get(reverse("centres:detail", args=[centre_hors_caf.pk]), {"onglet": "assemblees"})
    assert response.status_code == 404
