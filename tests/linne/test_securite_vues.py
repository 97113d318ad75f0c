"""The safety register's pages (linne.views_securite), date pinned: the register's home, the printable
register, the lists and their exports, an incident's page and the forms; the service (régisseurs included)
reads and writes, the élus and the partners get 403."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from linne.models import ActionIncident, Controle, Incident, TypeControle, VisiteCommission
from linne.types_controle import creer_types

from ..factories import (
    ActionIncidentFactory,
    ControleFactory,
    IncidentFactory,
    LocalFactory,
    SalleFactory,
    TypeControleFactory,
    VisiteCommissionFactory,
    moment,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 12, 1, 9, 0))]
AUJOURD_HUI = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def types_usuels():
    """The usual checks of migration 0004, which a transactional test's flush may have emptied."""
    creer_types(TypeControle)


@pytest.fixture
def registre_rempli():
    """Two followed checks (one overdue, one with observations), a commission visit, an incident with its
    actions, two rooms."""
    TypeControle.objects.update(actif=False)
    eclairage = TypeControleFactory(nom="Éclairage de sécurité du test", reference="article EC 15")
    extincteurs = TypeControleFactory(nom="Extincteurs du test", reference="article MS 38")
    ControleFactory(type_controle=eclairage, date=datetime.date(2025, 10, 1))
    ControleFactory(
        type_controle=extincteurs,
        date=datetime.date(2026, 5, 4),
        resultat=Controle.Resultat.OBSERVATIONS,
        observations="Un extincteur à recharger dans l'atelier.",
    )
    VisiteCommissionFactory(
        date=datetime.date(2025, 1, 10), prescriptions="Afficher le plan d'évacuation.", prochaine_visite=None
    )
    VisiteCommissionFactory(date=datetime.date(2025, 1, 9), prochaine_visite=datetime.date(2026, 1, 20))
    grande = SalleFactory(nom="Grande salle", capacite=200)
    SalleFactory(nom="Atelier", capacite=20)
    incident = IncidentFactory(salle=grande, description="Chute dans l'escalier pendant le concert.")
    ActionIncidentFactory(incident=incident, libelle="Poser des nez de marche", faite_le=datetime.date(2026, 11, 20))
    ActionIncidentFactory(incident=incident, libelle="Renforcer l'éclairage de l'escalier")
    return incident


@pytest.fixture
def rendus(monkeypatch):
    """The register's HTML as `render_pdf` is given it (its whole text)."""
    pages = []

    def rendre(gabarit, contexte):
        pages.append(render_to_string(gabarit, contexte))
        return b"%PDF-1.7"

    monkeypatch.setattr("linne.views_securite.render_pdf", rendre)
    return pages


def test_the_register_shows_each_check_its_last_date_result_due_date_and_lateness(client, regisseur, registre_rempli):
    client.force_login(regisseur)
    response = client.get(reverse("linne:registre"))
    assert response.status_code == 200
    page = response.content.decode()
    etats = {e.type_controle.nom: e for e in response.context["etats"]}
    assert etats["Éclairage de sécurité du test"].en_retard
    assert etats["Extincteurs du test"].echeance == datetime.date(2027, 5, 4)
    assert "En retard</span> depuis le 01/10/2026" in page
    assert "Conforme avec observations" in page and "Un extincteur à recharger dans l&#x27;atelier." in page
    # The last commission visit, its opinion and next visit (the visit before it does not show).
    assert "Avis favorable" in page and "Afficher le plan d&#x27;évacuation." in page and "non fixée" in page
    assert registre_rempli.get_absolute_url() in page and "1 action à faire" in page
    assert "Grande salle" in page and "200 personnes" in page
    assert "Registre de sécurité" in page  # the Linné tab


def test_the_linne_tabs_lead_the_service_to_the_register_not_the_elus(client, regisseur, elu):
    client.force_login(regisseur)
    assert reverse("linne:registre") in client.get(reverse("linne:reservation_liste")).content.decode()
    client.force_login(elu)
    assert reverse("linne:registre") not in client.get(reverse("linne:reservation_liste")).content.decode()


@pytest.mark.parametrize(
    "nom",
    ["linne:registre", "linne:registre_pdf", "linne:controle_liste", "linne:incident_liste", "linne:controle_creer"],
)
def test_elus_and_partners_get_403_on_the_register(client, elu, partenaire_caf, nom):
    for lecteur in (elu, partenaire_caf):
        client.force_login(lecteur)
        assert client.get(reverse(nom)).status_code == 403


def test_elus_get_403_on_an_incident(client, elu):
    client.force_login(elu)
    assert client.get(reverse("linne:incident_detail", args=[IncidentFactory().pk])).status_code == 403


def test_the_printable_register_has_every_section(client, regisseur, registre_rempli, rendus):
    LocalFactory(centre=None, nom="Espace Linné", autre_occupant="Espace Linné", erp_type="L", erp_categorie="3")
    client.force_login(regisseur)
    response = client.get(reverse("linne:registre_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "registre-securite-espace-linne-2026-12-01.pdf" in response["Content-Disposition"]
    html = rendus[0]
    assert "Registre de sécurité de l'Espace Linné" in html
    assert "type&nbsp;L" in html and "3<sup>e</sup>&nbsp;catégorie" in html
    assert html.index("Salles et effectif maximal admis") < html.index("Vérifications techniques périodiques")
    assert "Grande salle" in html and "200&nbsp;personnes" in html
    assert "Éclairage de sécurité du test" in html and "— en retard" in html and "article EC 15" in html
    assert "Prochaine échéance&nbsp;: <strong>04/05/2027</strong>" in html
    assert "Visites de la commission de sécurité" in html and "20/01/2026" in html
    assert "Incidents et suites données" in html and "Chute dans l&#x27;escalier pendant le concert." in html
    assert "Poser des nez de marche" in html and "20/11/2026" in html and "à faire" in html


def test_the_printable_register_is_a_pdf(client, regisseur, registre_rempli):
    client.force_login(regisseur)
    response = client.get(reverse("linne:registre_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_an_empty_printable_register_says_what_is_missing(client, regisseur, rendus):
    TypeControle.objects.all().delete()
    client.force_login(regisseur)
    client.get(reverse("linne:registre_pdf"))
    html = rendus[0]
    assert "à renseigner dans la fiche des locaux" in html
    assert "Aucun contrôle au registre." in html and "Aucune visite enregistrée." in html
    assert "Aucun incident enregistré." in html


# --- Lists and exports -------------------------------------------------------------------------------


def test_the_checks_list_filters_and_exports(client, regisseur, registre_rempli):
    client.force_login(regisseur)
    response = client.get(reverse("linne:controle_liste"), {"resultat": "observations"})
    assert [c.type_controle.nom for c in response.context["page"]] == ["Extincteurs du test"]
    export = client.get(reverse("linne:controle_export", args=["csv"]), {"resultat": "observations"})
    lignes = export.content.decode("utf-8-sig").splitlines()
    assert lignes[0].startswith("Date;Contrôle;Texte applicable;Intervenant;Résultat;Observations;Prochaine échéance")
    assert len(lignes) == 2 and "04/05/2026;Extincteurs du test" in lignes[1] and "04/05/2027" in lignes[1]
    xlsx = client.get(reverse("linne:controle_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_the_visits_list_and_export(client, regisseur, registre_rempli):
    client.force_login(regisseur)
    response = client.get(reverse("linne:visite_commission_liste"), {"du": "2025-01-10"})
    assert [v.date for v in response.context["page"]] == [datetime.date(2025, 1, 10)]
    export = client.get(reverse("linne:visite_commission_export", args=["csv"]))
    contenu = export.content.decode("utf-8-sig")
    assert "Date;Nature;Avis;Prescriptions;Prochaine visite" in contenu and "Avis favorable" in contenu
    assert client.get(reverse("linne:visite_commission_export", args=["xlsx"])).status_code == 200


def test_the_incidents_list_filters_and_export(client, regisseur, registre_rempli):
    IncidentFactory(salle=None, nature="degradation", statut="clos", clos_le=datetime.date(2026, 11, 20))
    client.force_login(regisseur)
    response = client.get(reverse("linne:incident_liste"), {"statut": "ouvert"})
    assert list(response.context["page"]) == [registre_rempli]
    contenu = client.get(reverse("linne:incident_export", args=["csv"])).content.decode("utf-8-sig")
    assert "Hors des salles;Dégradation" in contenu and "Grande salle;Accident de personne" in contenu
    assert client.get(reverse("linne:incident_export", args=["xlsx"])).status_code == 200


# --- An incident's page and the forms ----------------------------------------------------------------


def test_an_incidents_page_shows_its_actions_and_history(client, regisseur, registre_rempli):
    client.force_login(regisseur)
    response = client.get(registre_rempli.get_absolute_url())
    page = response.content.decode()
    assert "Poser des nez de marche" in page and "Faite le 20/11/2026" in page
    assert "Renforcer l&#x27;éclairage de l&#x27;escalier" in page and "Marquer comme faite" in page
    assert f'name="version" value="{registre_rempli.version}"' in page
    assert [e.objet for e in response.context["evenements"]].count("Incident") == 1


def test_declaring_an_incident_then_its_actions_then_closing_it(client, regisseur):
    salle = SalleFactory(nom="Grande salle")
    client.force_login(regisseur)
    response = client.post(
        reverse("linne:incident_creer"),
        {
            "date": "2026-11-28",
            "heure": "15:30",
            "salle": salle.pk,
            "nature": "accident",
            "description": "Chute dans l'escalier.",
            "mesures_immediates": "",
        },
    )
    incident = Incident.objects.get()
    assert response.url == incident.get_absolute_url()
    assert incident.survenu_le == moment(datetime.date(2026, 11, 28), 15, 30) and incident.declare_par == regisseur
    client.post(
        reverse("linne:action_incident_creer", args=[incident.pk]),
        {"libelle": "Baliser l'escalier", "echeance": "2026-12-10", "responsable": ""},
    )
    action = ActionIncident.objects.get()
    refus = client.post(reverse("linne:incident_clore", args=[incident.pk]), {"version": incident.version}, follow=True)
    assert "1 action de suivi reste à faire (« Baliser l&#x27;escalier »)" in refus.content.decode()
    client.post(reverse("linne:action_incident_faite", args=[action.pk]), {"faite_le": "2026-11-30"})
    client.post(reverse("linne:incident_clore", args=[incident.pk]), {"version": incident.version})
    incident.refresh_from_db()
    assert incident.statut == "clos" and incident.clos_le == AUJOURD_HUI


def test_an_incident_in_the_future_is_refused(client, regisseur):
    client.force_login(regisseur)
    response = client.post(
        reverse("linne:incident_creer"),
        {"date": "2026-12-05", "heure": "10:00", "nature": "accident", "description": "Pas encore arrivé."},
    )
    assert "cette date est à venir" in response.content.decode() and not Incident.objects.exists()


def test_editing_an_incident_changed_meanwhile_shows_the_conflict(client, regisseur):
    incident = IncidentFactory()
    client.force_login(regisseur)
    Incident.objects.filter(pk=incident.pk).update(version=incident.version + 1)
    response = client.post(
        reverse("linne:incident_modifier", args=[incident.pk]),
        {
            "date": "2026-11-14",
            "heure": "15:30",
            "nature": "accident",
            "description": "Autre récit.",
            "version_vue": incident.version,
        },
    )
    assert response.status_code == 200 and "modifié par quelqu&#x27;un d&#x27;autre" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).description != "Autre récit."


def test_recording_a_check_from_the_register_prefills_its_kind(client, regisseur):
    extincteurs = TypeControle.objects.get(nom="Extincteurs")
    client.force_login(regisseur)
    url = reverse("linne:controle_creer")
    page = client.get(url, {"type_controle": extincteurs.pk})
    assert page.context["form"].initial["type_controle"] == extincteurs
    response = client.post(
        url,
        {
            "type_controle": extincteurs.pk,
            "date": "2026-11-30",
            "intervenant": "Société Sécurité Nord",
            "resultat": "non_conforme",
            "observations": "",
        },
    )
    assert "Notez les observations" in response.content.decode() and not Controle.objects.exists()
    client.post(
        url,
        {
            "type_controle": extincteurs.pk,
            "date": "2026-11-30",
            "intervenant": "Société Sécurité Nord",
            "resultat": "conforme",
        },
    )
    controle = Controle.objects.get()
    assert controle.saisi_par == regisseur and controle.history.get().history_user == regisseur


def test_a_check_done_tomorrow_is_refused(client, regisseur):
    client.force_login(regisseur)
    response = client.post(
        reverse("linne:controle_creer"),
        {
            "type_controle": TypeControle.objects.first().pk,
            "date": "2026-12-02",
            "intervenant": "Société",
            "resultat": "conforme",
        },
    )
    assert "pas encore passée" in response.content.decode() and not Controle.objects.exists()


def test_changing_a_checks_periodicity_and_adding_one(client, regisseur):
    extincteurs = TypeControle.objects.get(nom="Extincteurs")
    client.force_login(regisseur)
    client.post(
        reverse("linne:type_controle_modifier", args=[extincteurs.pk]),
        {
            "nom": "Extincteurs",
            "periodicite_mois": "6",
            "reference": extincteurs.reference,
            "actif": "on",
            "ordre": "2",
        },
    )
    extincteurs.refresh_from_db()
    assert extincteurs.periodicite_mois == 6 and extincteurs.history.first().history_user == regisseur
    client.post(reverse("linne:type_controle_creer"), {"nom": "Ascenseur", "periodicite_mois": "12", "ordre": "9"})
    assert TypeControle.objects.filter(nom="Ascenseur", actif=False).exists()  # unticked box: not followed


def test_recording_a_commission_visit(client, regisseur):
    client.force_login(regisseur)
    client.post(
        reverse("linne:visite_commission_creer"),
        {
            "date": "2026-11-05",
            "nature": "periodique",
            "avis": "defavorable",
            "prescriptions": "Remplacer les blocs de secours.",
            "prochaine_visite": "2026-11-01",
        },
    )
    assert not VisiteCommission.objects.exists()  # the next visit comes after this one
    client.post(
        reverse("linne:visite_commission_creer"),
        {"date": "2026-11-05", "nature": "periodique", "avis": "favorable", "prochaine_visite": "2029-11-05"},
    )
    assert VisiteCommission.objects.get().saisie_par == regisseur
