import csv
import datetime
import html
import io

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from centres.models import ActionSuivi, Visite
from roubaix_cs.sources_legales import CASF_DIRECTION as DIRECTION
from roubaix_cs.sources_legales import CASF_QUALIFICATION as QUALIFICATION
from roubaix_cs.sources_legales import CASF_TAUX_ENCADREMENT

from ..factories import ActionSuiviFactory, CentreFactory, DocumentFactory, VisiteFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 15)
INSUFFISANT = f"(taux d'encadrement, {CASF_TAUX_ENCADREMENT})."


def _acm(accueil=Visite.Accueil.EXTRASCOLAIRE, **champs):
    """An unsaved ACM visit with a qualified director present, and whatever the test sets."""
    valeurs = {
        "type": Visite.Type.ACM,
        "accueil": accueil,
        "directeur_present": True,
        "directeur_qualifie": True,
        "effectif_moins_6": 0,
        "effectif_6_plus": 0,
        "animateurs_qualifies": 0,
        "animateurs_stagiaires": 0,
        "animateurs_non_qualifies": 0,
    }
    return Visite(**{**valeurs, **champs})


# ACM-3: one animator per band of minors, rounded up in each age band.
@pytest.mark.parametrize(
    ("accueil", "moins_6", "plus_6", "requis"),
    [
        ("extrascolaire", 8, 12, 2),
        ("extrascolaire", 9, 12, 3),
        ("extrascolaire", 8, 13, 3),
        ("extrascolaire", 16, 24, 4),
        ("extrascolaire", 1, 1, 2),  # ceil per band: not ceil of the sum
        ("extrascolaire", 0, 0, 0),
        ("periscolaire", 10, 14, 2),
        ("periscolaire", 11, 15, 4),
        ("periscolaire", 20, 28, 4),
        ("periscolaire_pedt", 14, 18, 2),
        ("periscolaire_pedt", 15, 19, 4),
        ("periscolaire_pedt", 28, 36, 4),
        ("periscolaire_pedt", 0, 37, 3),
    ],
)
def test_acm_3_required_staff_per_type_of_accueil(accueil, moins_6, plus_6, requis):
    controle = _acm(accueil, effectif_moins_6=moins_6, effectif_6_plus=plus_6).controle_encadrement()
    assert controle.requis == requis


def test_acm_3_staffing_below_the_ratio_fails_with_the_numbers():
    # 20 under-6s and 10 over-6s in extrascolaire: 3 + 1 = 4 required; 1 animator + the director = 2.
    controle = _acm(effectif_moins_6=20, effectif_6_plus=10, animateurs_qualifies=1).controle_encadrement()
    assert (controle.requis, controle.present, controle.conforme) == (4, 2, False)
    assert controle.motifs == [f"Encadrement insuffisant : 2 présent(s) pour 4 requis {INSUFFISANT}"]


@pytest.mark.parametrize(
    ("plus_6", "present", "conforme"),
    [
        (48, 5, True),  # 48 minors need 4: the director counts, 4 animators + 1
        (50, 5, True),  # 50 minors need 5: the director still counts
        (51, 4, False),  # 51 minors need 5: the director no longer counts
    ],
)
def test_acm_3_the_director_counts_only_up_to_50_minors(plus_6, present, conforme):
    controle = _acm(effectif_6_plus=plus_6, animateurs_qualifies=4).controle_encadrement()
    assert (controle.present, controle.conforme) == (present, conforme)


@pytest.mark.parametrize(
    ("qualifies", "stagiaires", "non_qualifies", "motif"),
    [
        (2, 2, 0, None),  # 50 % qualified: enough
        (1, 3, 0, f"Moins de 50 % d'animateurs qualifiés (1 sur 4) ({QUALIFICATION})."),
        (2, 1, 1, None),  # team of 4: one unqualified person allowed
        (2, 0, 1, None),  # team of 3: one unqualified person allowed
        (2, 0, 2, f"Trop d'animateurs sans qualification : 2 pour 1 admis ({QUALIFICATION})."),
        (3, 1, 1, None),  # team of 5: 20 % is one person
        (3, 0, 2, f"Trop d'animateurs sans qualification : 2 pour 1 admis ({QUALIFICATION})."),
        (5, 3, 2, None),  # team of 10: 20 % is two people
        (5, 2, 3, f"Trop d'animateurs sans qualification : 3 pour 2 admis ({QUALIFICATION})."),
        (
            1,
            0,
            1,
            f"Trop d'animateurs sans qualification : 1 pour 0 admis ({QUALIFICATION}).",
        ),  # team of 2: 20 % is nobody
    ],
)
def test_acm_4_qualification_of_the_team(qualifies, stagiaires, non_qualifies, motif):
    visite = _acm(
        animateurs_qualifies=qualifies, animateurs_stagiaires=stagiaires, animateurs_non_qualifies=non_qualifies
    )
    controle = visite.controle_encadrement()
    assert controle.motifs == ([motif] if motif else [])
    assert controle.conforme is (motif is None)


@pytest.mark.parametrize(
    ("present", "qualifie", "motif"),
    [
        (False, False, f"Directeur absent ({DIRECTION})."),
        (False, True, f"Directeur absent ({DIRECTION})."),
        (True, False, f"Directeur sans qualification de direction (BAFD ou équivalent) ({DIRECTION})."),
    ],
)
def test_acm_4_the_director_must_be_present_and_qualified(present, qualifie, motif):
    visite = _acm(effectif_6_plus=12, animateurs_qualifies=1, directeur_present=present, directeur_qualifie=qualifie)
    controle = visite.controle_encadrement()
    assert motif in controle.motifs
    assert not controle.conforme


@pytest.mark.parametrize("type_", [Visite.Type.LALP, Visite.Type.AUTRE])
def test_acm_3_lalp_and_other_visits_have_no_staffing_check(type_):
    assert _acm(type=type_, effectif_moins_6=30, directeur_present=False).controle_encadrement() is None


def _form_data(centre=None, visite=None, **changes):
    data = {
        "type": "acm",
        "date": "2026-07-15",
        "recepisse": "0590123ACM000123",
        "accueil": "extrascolaire",
        "effectif_moins_6": 16,
        "effectif_6_plus": 24,
        "animateurs_qualifies": 3,
        "animateurs_stagiaires": 1,
        "animateurs_non_qualifies": 0,
        "directeur_present": "on",
        "directeur_qualifie": "on",
        "observations": "",
        **dict.fromkeys(Visite.CHECKLIST, "unknown"),
    }
    if visite is not None:
        data["version_vue"] = visite.version
    data.update(changes)
    return data


def _messages(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_an_agent_records_a_compliant_visit_without_warning(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(reverse("centres:visite_creer", args=[centre.pk]), _form_data(visiteurs=[agent.pk]))
    visite = Visite.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("centres:visite_detail", args=[visite.pk])
    assert _messages(response) == [("success", "La visite a été enregistrée.")]
    assert (visite.centre, list(visite.visiteurs.all())) == (centre, [agent])


def test_acm_3_recording_an_understaffed_visit_warns_with_the_reasons(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    data = _form_data(effectif_moins_6=20, effectif_6_plus=10, animateurs_qualifies=1, animateurs_stagiaires=0)
    response = client.post(reverse("centres:visite_creer", args=[centre.pk]), data)
    assert response.status_code == 302
    assert (
        "warning",
        f"Encadrement non conforme : Encadrement insuffisant : 2 présent(s) pour 4 requis {INSUFFISANT}",
    ) in _messages(response)


def test_acm_4_updating_a_visit_to_an_absent_director_warns(client, agent):
    visite = VisiteFactory()
    client.force_login(agent)
    data = _form_data(visite=visite, directeur_present="", directeur_qualifie="")
    response = client.post(reverse("centres:visite_modifier", args=[visite.pk]), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("centres:visite_detail", args=[visite.pk])
    page = html.unescape(response.content.decode())
    assert (
        "Encadrement non conforme : Directeur absent (code de l'action sociale et des familles, art. R227-14)." in page
    )
    assert "La visite a été modifiée." in page


def test_the_second_of_two_concurrent_edits_of_a_visit_is_refused(agent, responsable):
    visite = VisiteFactory(observations="")
    url = reverse("centres:visite_modifier", args=[visite.pk])
    premier, second = Client(), Client()
    premier.force_login(responsable)
    second.force_login(agent)
    vu = second.get(url).context["form"]["version_vue"].value()
    assert premier.post(url, _form_data(visite=visite, observations="Registre à jour.")).status_code == 302
    response = second.post(url, _form_data(visite=visite, effectif_6_plus=30, version_vue=vu))
    assert response.status_code == 200
    assert "Vos modifications n'ont pas été enregistrées" in html.unescape(response.content.decode())
    changements = response.context["form"].conflit.changements["changements"]
    assert [(c.champ, c.apres) for c in changements] == [("observations", "Registre à jour.")]
    visite.refresh_from_db()
    assert (visite.effectif_6_plus, visite.observations, visite.version) == (24, "Registre à jour.", 2)


@time_machine.travel(TODAY)
def test_the_visit_page_shows_the_check_the_checklist_and_the_actions(client, agent):
    visite = VisiteFactory(sous_encadree=True, pai=False, assurance=True, observations="Pas de registre.")
    ActionSuiviFactory(visite=visite, libelle="Recruter un animateur", echeance=datetime.date(2026, 9, 1))
    ActionSuiviFactory(visite=visite, libelle="Afficher le 119", echeance=datetime.date(2026, 10, 1))
    ActionSuiviFactory(
        visite=visite,
        libelle="Mettre à jour les PAI",
        echeance=datetime.date(2026, 8, 1),
        statut=ActionSuivi.Statut.FAITE,
        date_cloture=datetime.date(2026, 7, 30),
    )
    DocumentFactory(centre=visite.centre, visite=visite, titre="Photo du registre")
    client.force_login(agent)
    response = client.get(reverse("centres:visite_detail", args=[visite.pk]))
    page = html.unescape(response.content.decode())
    assert "Non conforme" in page
    assert "Encadrement insuffisant : 3 présent(s) pour 4 requis (taux d'encadrement" in page
    assert "PAI connus et appliqués" in page and "Non vérifié" in page
    assert "Pas de registre." in page
    assert "Photo du registre" in page
    assert page.count("En retard") == 1  # the open overdue action only, not the one done late
    assert "Modifier la visite" in page and "Ajouter une action de suivi" in page
    assert reverse("centres:visite_rapport_generer", args=[visite.pk]) in page
    assert "Générer le rapport PDF" in page


def test_elus_read_visits_without_edit_buttons(client, elu):
    visite = VisiteFactory()
    ActionSuiviFactory(visite=visite)
    client.force_login(elu)
    response = client.get(reverse("centres:visite_detail", args=[visite.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rapport PDF de la visite" in page
    for bouton in (
        "Modifier la visite",
        "Ajouter une action de suivi",
        reverse("centres:action_creer", args=[visite.pk]),
        "Générer le rapport PDF",
    ):
        assert bouton not in page


def test_partners_are_refused_visit_pages(client, partenaire_caf, centre_caf):
    visite = VisiteFactory(centre=centre_caf)
    client.force_login(partenaire_caf)
    for url in (
        reverse("centres:visite_liste"),
        reverse("centres:visite_detail", args=[visite.pk]),
        reverse("centres:visite_pdf", args=[visite.pk]),
        reverse("centres:visite_export", kwargs={"fmt": "csv"}),
    ):
        assert client.get(url).status_code == 403, url
    page = client.get(reverse("centres:detail", args=[centre_caf.pk]), {"onglet": "visites"}).content.decode()
    assert "Visites ACM / LALP" not in page


def _action_data(**changes):
    return {
        "libelle": "Afficher le numéro 119",
        "porteur": "Direction",
        "echeance": "2026-10-01",
        "statut": "a_faire",
        **changes,
    }


def test_an_action_is_added_to_a_visit(client, agent):
    visite = VisiteFactory()
    client.force_login(agent)
    response = client.post(reverse("centres:action_creer", args=[visite.pk]), _action_data(responsable=agent.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("centres:visite_detail", args=[visite.pk])
    action = visite.actions.get()
    assert (action.libelle, action.responsable, action.ouverte) == ("Afficher le numéro 119", agent, True)


@time_machine.travel(TODAY)
@pytest.mark.parametrize("statut", [ActionSuivi.Statut.FAITE, ActionSuivi.Statut.ABANDONNEE])
def test_closing_an_action_without_a_date_closes_it_today(client, agent, statut):
    action = ActionSuiviFactory()
    client.force_login(agent)
    url = reverse("centres:action_modifier", args=[action.pk])
    response = client.post(url, _action_data(statut=statut, version_vue=action.version))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.statut, action.date_cloture, action.ouverte) == (statut, TODAY, False)


def test_closing_an_action_keeps_the_date_given(client, agent):
    action = ActionSuiviFactory()
    client.force_login(agent)
    data = _action_data(statut="faite", date_cloture="2026-08-20", version_vue=action.version)
    assert client.post(reverse("centres:action_modifier", args=[action.pk]), data).status_code == 302
    action.refresh_from_db()
    assert action.date_cloture == datetime.date(2026, 8, 20)


def test_an_open_action_with_a_closing_date_is_refused_next_to_the_field(client, agent):
    action = ActionSuiviFactory()
    client.force_login(agent)
    data = _action_data(statut="en_cours", date_cloture="2026-08-20", version_vue=action.version)
    response = client.post(reverse("centres:action_modifier", args=[action.pk]), data)
    assert response.status_code == 200
    assert "n'a pas de date de clôture" in response.context["form"].errors["date_cloture"][0]
    action.refresh_from_db()
    assert (action.statut, action.date_cloture) == (ActionSuivi.Statut.A_FAIRE, None)


@time_machine.travel(TODAY)
def test_the_centre_tab_lists_visits_with_their_check_and_open_actions(client, agent):
    visite = VisiteFactory(sous_encadree=True)
    ActionSuiviFactory(visite=visite, libelle="Recruter un animateur", echeance=datetime.date(2026, 9, 1))
    ActionSuiviFactory(visite=visite, libelle="Action close", statut="faite", date_cloture=datetime.date(2026, 8, 1))
    VisiteFactory(centre=visite.centre, type=Visite.Type.LALP, date=datetime.date(2026, 3, 1))
    client.force_login(agent)
    response = client.get(reverse("centres:detail", args=[visite.centre.pk]), {"onglet": "visites"})
    onglet = html.unescape(response.content.decode())
    assert "Non conforme" in onglet and "Sans objet" in onglet
    assert "Recruter un animateur — échéance 01/09/2026" in onglet and "En retard" in onglet
    assert "Action close" not in onglet
    assert reverse("centres:visite_creer", args=[visite.centre.pk]) in onglet


@time_machine.travel(TODAY)
def test_the_visit_list_filters_on_type_year_centre_and_actions(client, agent):
    conforme = VisiteFactory(date=datetime.date(2026, 7, 15))
    a_suivre = VisiteFactory(sous_encadree=True, date=datetime.date(2026, 7, 20))
    en_retard = VisiteFactory(sous_encadree=True, date=datetime.date(2025, 7, 20))
    lalp = VisiteFactory(type=Visite.Type.LALP, date=datetime.date(2025, 11, 3))
    ActionSuiviFactory(visite=a_suivre, echeance=datetime.date(2026, 10, 1))
    ActionSuiviFactory(visite=en_retard, echeance=datetime.date(2025, 9, 1))
    ActionSuiviFactory(visite=conforme, statut="faite", date_cloture=datetime.date(2026, 8, 1))
    client.force_login(agent)

    def visites(**params):
        return list(client.get(reverse("centres:visite_liste"), params).context["page"])

    assert visites() == [a_suivre, conforme, lalp, en_retard]
    assert visites(type="lalp") == [lalp]
    assert visites(annee=2025) == [lalp, en_retard]
    assert visites(centre=conforme.centre.pk) == [conforme]
    assert visites(actions="ouvertes") == [a_suivre, en_retard]
    assert visites(actions="en_retard") == [en_retard]
    assert visites(actions="aucune") == [conforme, lalp]
    assert visites(tri="centre") == sorted([a_suivre, conforme, lalp, en_retard], key=lambda v: v.centre.nom)
    rangee = html.unescape(client.get(reverse("centres:visite_liste"), {"actions": "en_retard"}).content.decode())
    assert "Non conforme" in rangee and "1 en retard" in rangee


@time_machine.travel(TODAY)
def test_the_visit_export_has_the_check_and_the_open_actions(client, agent):
    visite = VisiteFactory(sous_encadree=True, centre=CentreFactory(nom="Centre social Alma-Gare"))
    ActionSuiviFactory(visite=visite, echeance=datetime.date(2026, 9, 1))
    ActionSuiviFactory(visite=visite, echeance=datetime.date(2026, 12, 1))
    VisiteFactory(type=Visite.Type.LALP)
    client.force_login(agent)
    response = client.get(reverse("centres:visite_export", kwargs={"fmt": "csv"}), {"type": "acm"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lignes = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(lignes) == 1
    ligne = lignes[0]
    assert ligne["Centre"] == "Centre social Alma-Gare"
    assert ligne["Date"] == "15/07/2026"
    assert (ligne["Encadrement requis"], ligne["Encadrement présent"]) == ("4", "3")
    assert ligne["Encadrement conforme"] == "Non"
    assert f"Encadrement insuffisant : 3 présent(s) pour 4 requis {INSUFFISANT}" in ligne["Motifs"]
    assert (ligne["Actions ouvertes"], ligne["Actions en retard"]) == ("2", "1")


def test_the_visit_export_in_xlsx(client, agent):
    VisiteFactory()
    client.force_login(agent)
    response = client.get(reverse("centres:visite_export", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_the_navigation_shows_visits_to_the_team_and_the_elus_only(client, agent, elu, partenaire_caf):
    for user, voit in ((agent, True), (elu, True), (partenaire_caf, False)):
        client.force_login(user)
        page = client.get(reverse("accueil")).content.decode()
        assert (reverse("centres:visite_liste") in page) is voit, user
        assert reverse("centres:ag_liste") in page
