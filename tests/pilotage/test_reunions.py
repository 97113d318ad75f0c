"""The meetings (issue 16, point 1): their list, the AVS-8 count of a year's copils, their page as each role
reads it, their creation and edition, participants and attendance, status, minutes (text, file, PDF)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from comptes.models import Role
from pilotage import reunions
from pilotage.models import Action, ParticipantReunion, Reunion

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
T, S = Reunion.Type, Reunion.Statut
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _reunion(organisation=None, **champs):
    """A meeting (a copil of 6 October 2026 by default), with a contact of `organisation` convened."""
    reunion = ReunionFactory(**champs)
    if organisation is not None:
        ParticipantReunionFactory(reunion=reunion, organisation=organisation)
    return reunion


def _copils(annee, strategiques, politiques=0, annulees=0):
    for i in range(strategiques):
        ReunionFactory(type=T.COPIL_STRATEGIQUE, date=datetime.date(annee, 1 + i, 10))
    for i in range(politiques):
        ReunionFactory(type=T.COPIL_POLITIQUE, date=datetime.date(annee, 11, 10 + i))
    for i in range(annulees):
        ReunionFactory(type=T.COPIL_STRATEGIQUE, date=datetime.date(annee, 6, 1 + i), statut=S.ANNULEE)


# --- AVS-8: a calendar year's copils --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("strategiques", "averti"),
    [(2, True), (3, False), (4, False)],  # just below, at, just above COPIL_STRAT_MIN
)
def test_avs_8_fewer_than_three_strategic_copils_in_a_year_is_warned(strategiques, averti):
    _copils(2026, strategiques, politiques=1)
    _copils(2025, 4, politiques=1)  # another year's do not count
    gouvernance = reunions.gouvernance(2026)
    assert gouvernance.strategiques == strategiques
    assert bool(gouvernance.avertissements) is averti
    if averti:
        assert gouvernance.avertissements == [
            "2026 : 2 copils stratégiques tenus ou prévus, quand il en faut au moins 3 dans l'année."
        ]


@pytest.mark.parametrize(("politiques", "averti"), [(0, True), (1, False), (2, False)])
def test_avs_8_a_year_without_a_political_copil_is_warned(politiques, averti):
    _copils(2026, 3, politiques=politiques)
    assert bool(reunions.gouvernance(2026).avertissements) is averti
    if averti:
        assert reunions.gouvernance(2026).avertissements == [
            "2026 : aucun copil politique tenu ou prévu, quand il en faut un par an."
        ]


def test_avs_8_cancelled_copils_do_not_count_and_held_or_planned_ones_do():
    _copils(2026, 2, politiques=1, annulees=3)
    ReunionFactory(type=T.COPIL_STRATEGIQUE, date=datetime.date(2026, 12, 1), statut=S.PREVUE)
    ReunionFactory(type=T.CELLULE_VEILLE, date=datetime.date(2026, 9, 1))  # not a copil
    gouvernance = reunions.gouvernance(2026)
    assert (gouvernance.strategiques, gouvernance.politiques) == (3, 1)
    assert gouvernance.avertissements == []
    ReunionFactory(type=T.COPIL_POLITIQUE, date=datetime.date(2026, 3, 1), statut=S.ANNULEE)
    assert reunions.gouvernance(2026).politiques == 1


def test_avs_8_the_list_warns_the_team_of_the_year_it_shows(client, agent):
    _copils(2026, 2)
    _copils(2025, 3, politiques=1)
    client.force_login(agent)
    page = client.get(reverse("pilotage:reunions")).content.decode()
    assert 'id="gouvernance"' in page
    assert "2026 : 2 copils stratégiques tenus ou prévus" in page
    assert "2026 : aucun copil politique tenu ou prévu" in page
    assert 'id="gouvernance"' not in client.get(reverse("pilotage:reunions"), {"annee": 2025}).content.decode()


def test_avs_8_the_responsable_s_home_page_says_how_many_copils_to_plan(client, responsable, agent):
    _copils(2026, 2)
    client.force_login(responsable)
    todos = {t.kind: t for t in client.get(reverse("accueil")).context["a_faire"]}
    assert todos["pilotage.copils_a_programmer"].count == 2  # one strategic and the political one
    assert todos["pilotage.copils_a_programmer"].url == reverse("pilotage:reunions") + "?annee=2026"
    _copils(2026, 1, politiques=1)
    todos = {t.kind for t in client.get(reverse("accueil")).context["a_faire"]}
    assert "pilotage.copils_a_programmer" not in todos  # nothing to plan: not listed
    client.force_login(agent)  # the responsable's to-do only
    _copils(2027, 0)
    assert "pilotage.copils_a_programmer" not in {t.kind for t in client.get(reverse("accueil")).context["a_faire"]}


def test_the_warning_is_the_team_s_not_a_partner_s(client, partenaire_caf, caf):
    _reunion(caf)
    client.force_login(partenaire_caf)
    response = client.get(reverse("pilotage:reunions"))
    assert response.context["gouvernance"] is None
    assert "Instances de gouvernance" not in response.content.decode()


# --- The list --------------------------------------------------------------------------------------------


def test_a_partner_lists_only_the_meetings_its_organisation_takes_part_in(client, partenaire_caf, caf):
    siennes = [_reunion(caf, titre="Copil avec la CAF"), _reunion(caf, type=T.CELLULE_VEILLE, titre="Veille")]
    ParticipantReunionFactory(reunion=siennes[0], organisation=caf)  # two of its contacts: listed once
    _reunion(OrganisationFactory(), titre="Sans la CAF")
    _reunion(titre="Sans personne")
    client.force_login(partenaire_caf)
    response = client.get(reverse("pilotage:reunions"))
    assert {r.pk for r in response.context["page"]} == {r.pk for r in siennes}
    lignes = {r.pk: r for r in response.context["page"]}
    assert lignes[siennes[0].pk].n_participants == 2  # its scope does not change the counts
    assert "organisation" not in response.context["filtre"].form.fields


def test_the_list_filters_by_type_year_status_and_organisation(client, agent, caf):
    copil = _reunion(caf, date=datetime.date(2026, 3, 1))
    veille = _reunion(type=T.CELLULE_VEILLE, date=datetime.date(2026, 5, 1))
    ancienne = _reunion(date=datetime.date(2025, 3, 1), statut=S.TENUE)
    annulee = _reunion(date=datetime.date(2026, 9, 1), statut=S.ANNULEE)
    client.force_login(agent)

    def trouvees(**filtres):
        return [r.pk for r in client.get(reverse("pilotage:reunions"), filtres).context["page"]]

    assert trouvees() == [annulee.pk, veille.pk, copil.pk, ancienne.pk]  # the latest first
    assert set(trouvees(type=T.CELLULE_VEILLE)) == {veille.pk}
    assert set(trouvees(annee=2025)) == {ancienne.pk}
    assert set(trouvees(statut=S.ANNULEE)) == {annulee.pk}
    assert set(trouvees(organisation=caf.pk)) == {copil.pk}
    assert trouvees(tri="date") == [ancienne.pk, copil.pk, veille.pk, annulee.pk]


def test_the_list_exports_what_it_shows_in_csv_and_xlsx(client, agent, caf):
    reunion = _reunion(caf, titre="Copil n° 3", statut=S.TENUE)
    ParticipantReunionFactory(reunion=reunion, organisation=caf, presence=ParticipantReunion.Presence.PRESENT)
    ActionFactory(reunion=reunion)
    ActionFactory(reunion=reunion, statut=Action.Statut.FAITE, date_cloture=JOUR)
    _reunion(type=T.EQUIPE)
    client.force_login(agent)
    csv = client.get(reverse("pilotage:reunions_export", args=["csv"]), {"type": T.COPIL_STRATEGIQUE})
    lignes = csv.content.decode("utf-8-sig").splitlines()
    assert lignes[0].startswith("Date;Début;Fin;Type;Intitulé;Lieu;Statut;Organisée par;Participants;Présents")
    assert len(lignes) == 2
    assert lignes[1].startswith("06/10/2026;14:00;16:00;Copil stratégique;Copil n° 3;")
    assert ";2;1;1;" in lignes[1]  # two participants, one present, one open action
    xlsx = client.get(reverse("pilotage:reunions_export", args=["xlsx"]))
    feuille = load_workbook(io.BytesIO(xlsx.content)).active
    assert feuille.max_row == 3


# --- The meeting's page -----------------------------------------------------------------------------------


def _complete(caf):
    reunion = _reunion(
        caf,
        titre="Copil n° 2",
        compte_rendu="Compte rendu lisible des partenaires",
        decisions="Décision lisible des partenaires",
        notes_internes="Note interne jamais lue d'un partenaire",
    )
    ParticipantReunionFactory(reunion=reunion, organisation=caf, nom="Julie Contact", email="julie@caf.example")
    ActionFactory(reunion=reunion, libelle="Action lisible", commentaire="Commentaire interne de suivi")
    return reunion


def test_the_team_reads_everything_of_a_meeting(client, agent, caf):
    reunion = _complete(caf)
    client.force_login(agent)
    page = client.get(reunion.get_absolute_url()).content.decode()
    for texte in (
        "Compte rendu lisible",
        "Décision lisible",
        "Note interne jamais lue",
        "Action lisible",
        "Commentaire interne de suivi",
        "julie@caf.example",
        "Envoyer la convocation",
        "Marquer la réunion comme tenue",
    ):
        assert texte in page, texte


def test_a_partner_reads_its_meeting_s_minutes_never_its_internal_notes(client, partenaire_caf, caf):
    reunion = _complete(caf)
    reunion.notes_internes = "Nouvelle note interne modifiée"
    reunion.save()
    client.force_login(partenaire_caf)
    page = client.get(reunion.get_absolute_url()).content.decode()
    for texte in ("Compte rendu lisible", "Décision lisible", "Action lisible", "Julie Contact"):
        assert texte in page, texte
    for texte in ("note interne", "Commentaire interne", "julie@caf.example", "Envoyer la convocation", "Modifier"):
        assert texte.lower() not in page.lower(), texte  # nor in its history


def test_a_partner_gets_404_for_a_meeting_its_organisation_does_not_take_part_in(client, partenaire_caf, caf):
    autre = _reunion(OrganisationFactory())
    client.force_login(partenaire_caf)
    assert client.get(autre.get_absolute_url()).status_code == 404
    assert client.get(reverse("pilotage:reunion_compte_rendu_pdf", args=[autre.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["elu", "regisseur"])
def test_elus_and_regisseurs_read_no_meeting(client, request, persona, caf):
    reunion = _reunion(caf)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reunion.get_absolute_url()).status_code == 403
    assert client.get(reverse("pilotage:reunions")).status_code == 403
    assert client.get(reverse("pilotage:actions")).status_code == 403


def test_a_partner_convened_in_person_reads_the_meeting(client, caf):
    partenaire = UserFactory(role=Role.PARTENAIRE, organisation=caf)
    reunion = ReunionFactory()
    ParticipantReunion.objects.create(reunion=reunion, user=partenaire, organisation=caf)
    client.force_login(partenaire)
    assert client.get(reunion.get_absolute_url()).status_code == 200


def test_the_examined_files_are_listed_for_a_cellule_de_veille(client, agent):
    situation = SituationVeilleFactory(centre=CentreFactory(nom="Centre social du Pile (test)"))
    reunion = ReunionFactory(type=T.CELLULE_VEILLE)
    reunion.situations.add(situation)
    client.force_login(agent)
    page = client.get(reunion.get_absolute_url()).content.decode()
    assert "Dossiers de la cellule de veille examinés" in page
    assert "Centre social du Pile (test)" in page


# --- Create and edit ---------------------------------------------------------------------------------------


def _donnees(**champs):
    return {
        "type": T.COPIL_STRATEGIQUE,
        "titre": "Copil n° 4",
        "date": "2026-12-08",
        "heure_debut": "14:00",
        "heure_fin": "16:30",
        "lieu": "Hôtel de ville",
        "ordre_du_jour": "1. Bilan",
        **champs,
    }


def test_the_team_creates_a_meeting_it_organises(client, agent):
    client.force_login(agent)
    response = client.post(reverse("pilotage:reunion_creer"), _donnees())
    reunion = Reunion.objects.get()
    assert response.status_code == 302 and response["Location"] == reunion.get_absolute_url()
    assert (reunion.organisateur, reunion.statut, reunion.heure_fin) == (agent, S.PREVUE, datetime.time(16, 30))
    assert reunion.history.get().history_user == agent


def test_a_meeting_ending_before_it_starts_is_refused_next_to_its_end(client, agent):
    client.force_login(agent)
    response = client.post(reverse("pilotage:reunion_creer"), _donnees(heure_fin="13:00"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"heure_fin": ["La réunion doit finir après son début."]}
    assert not Reunion.objects.exists()


def test_a_cellule_de_veille_meeting_opens_prefilled_with_the_file_it_examines(client, responsable):
    situation = SituationVeilleFactory()
    SituationVeilleFactory(statut="close", centre=CentreFactory())  # a closed file is not offered
    client.force_login(responsable)
    url = reunions.url_creation_veille(situation)
    assert url == reverse("pilotage:reunion_creer") + f"?type=cellule_veille&situation={situation.pk}"
    form = client.get(url).context["form"]
    assert form["type"].value() == T.CELLULE_VEILLE
    assert form["situations"].value() == [situation.pk]
    assert list(form.fields["situations"].queryset) == [situation]
    response = client.post(url, _donnees(type=T.CELLULE_VEILLE, situations=[situation.pk]))
    assert response.status_code == 302
    assert list(Reunion.objects.get().situations.all()) == [situation]
    assert client.get(reverse("pilotage:reunion_creer") + "?situation=99999").status_code == 404


def test_only_a_cellule_de_veille_examines_files(client, responsable):
    situation = SituationVeilleFactory()
    client.force_login(responsable)
    response = client.post(reverse("pilotage:reunion_creer"), _donnees(situations=[situation.pk]))
    assert response.status_code == 200
    assert response.context["form"].errors == {"situations": [reunions.MESSAGE_SITUATIONS]}


def test_the_second_of_two_edits_is_refused_not_saved_over_the_first(client, agent, responsable):
    reunion = ReunionFactory(lieu="Salle A")
    url = reverse("pilotage:reunion_modifier", args=[reunion.pk])
    client.force_login(agent)
    vue = client.get(url).context["form"]["version_vue"].value()
    client.force_login(responsable)
    assert client.post(url, _donnees(lieu="Salle B", version_vue=vue)).status_code == 302
    client.force_login(agent)
    response = client.post(url, _donnees(lieu="Salle C", version_vue=vue))
    assert response.status_code == 200
    assert "a été modifié par quelqu" in response.content.decode()
    reunion.refresh_from_db()
    assert reunion.lieu == "Salle B"


# --- Participants and attendance ------------------------------------------------------------------------


def test_a_partner_account_convened_gives_its_organisation_the_meeting(client, agent, partenaire_caf, caf):
    reunion = ReunionFactory()
    client.force_login(agent)
    url = reverse("pilotage:reunion_participant_ajouter", args=[reunion.pk])
    assert client.post(url, {"user": partenaire_caf.pk}).status_code == 302
    participant = reunion.participants.get()
    assert (participant.user, participant.organisation, participant.adresse) == (
        partenaire_caf,
        caf,
        partenaire_caf.email,
    )
    assert reunion in Reunion.objects.visibles_par(partenaire_caf)
    response = client.post(url, {"user": partenaire_caf.pk})
    assert response.context["form"].errors == {"user": ["Cette personne est déjà convoquée à cette réunion."]}


def test_a_contact_without_an_account_needs_its_organisation_name_and_address(client, agent, caf):
    reunion = ReunionFactory()
    client.force_login(agent)
    url = reverse("pilotage:reunion_participant_ajouter", args=[reunion.pk])
    response = client.post(url, {"nom": ""})
    assert set(response.context["form"].errors) == {"organisation", "nom", "email"}
    donnees = {"organisation": caf.pk, "nom": "Julie Martin", "email": "julie@caf.example"}
    assert client.post(url, donnees).status_code == 302
    response = client.post(url, {**donnees, "nom": "Autre", "email": "JULIE@caf.example"})
    assert response.context["form"].errors == {"email": ["Cette adresse est déjà convoquée à cette réunion."]}
    response = client.post(url, {**donnees, "user": UserFactory(role=Role.AGENT).pk, "email": "x@y.example"})
    assert set(response.context["form"].errors) == {"nom", "email"}
    assert reunion.participants.count() == 1


def test_the_attendance_of_every_participant_is_recorded_on_one_page(client, agent, caf):
    reunion = ReunionFactory(statut=S.TENUE)
    present, excuse = (ParticipantReunionFactory(reunion=reunion, organisation=caf) for _ in range(2))
    client.force_login(agent)
    url = reverse("pilotage:reunion_presences", args=[reunion.pk])
    assert client.post(url, {f"presence_{present.pk}": "present", f"presence_{excuse.pk}": "douze"}).status_code == 200
    response = client.post(url, {f"presence_{present.pk}": "present", f"presence_{excuse.pk}": "excuse"})
    assert response.status_code == 302
    assert dict(reunion.participants.values_list("pk", "presence")) == {present.pk: "present", excuse.pk: "excuse"}


def test_a_participant_is_removed_from_a_meeting_to_hold_not_from_a_held_one(client, agent, caf):
    participant = ParticipantReunionFactory(organisation=caf)
    present = ParticipantReunionFactory(organisation=caf, reunion=ReunionFactory(statut=S.TENUE))
    client.force_login(agent)
    for p in (participant, present):
        response = client.post(reverse("pilotage:reunion_participant_retirer", args=[p.pk]))
        assert response.status_code == 302
    assert list(ParticipantReunion.objects.all()) == [present]


# --- Status ------------------------------------------------------------------------------------------------


def test_a_meeting_is_marked_held_once_its_day_has_come(client, agent):
    a_venir = ReunionFactory(date=JOUR + datetime.timedelta(days=1))
    passee = ReunionFactory(date=JOUR)
    client.force_login(agent)
    client.post(reverse("pilotage:reunion_transition", args=[a_venir.pk]), {"vers": S.TENUE})
    client.post(reverse("pilotage:reunion_transition", args=[passee.pk]), {"vers": S.TENUE})
    a_venir.refresh_from_db()
    passee.refresh_from_db()
    assert (a_venir.statut, passee.statut) == (S.PREVUE, S.TENUE)


def test_a_meeting_is_cancelled_with_its_reason_kept_in_its_history(client, agent):
    reunion = ReunionFactory(date=JOUR + datetime.timedelta(days=10))
    client.force_login(agent)
    url = reverse("pilotage:reunion_transition", args=[reunion.pk])
    client.post(url, {"vers": S.ANNULEE})
    reunion.refresh_from_db()
    assert reunion.statut == S.PREVUE  # no reason, no cancellation
    client.post(url, {"vers": S.ANNULEE, "commentaire": "Quorum non atteint"})
    reunion.refresh_from_db()
    assert reunion.statut == S.ANNULEE
    assert reunion.history.first().history_change_reason == "Annuler la réunion — Quorum non atteint"
    client.post(url, {"vers": S.TENUE})
    reunion.refresh_from_db()
    assert reunion.statut == S.ANNULEE


# --- Minutes ----------------------------------------------------------------------------------------------


def test_the_minutes_file_is_checked_like_the_centres_documents_and_served_to_its_readers(
    client, agent, partenaire_caf, caf
):
    reunion = _reunion(caf)
    client.force_login(agent)
    url = reverse("pilotage:reunion_compte_rendu", args=[reunion.pk])
    vue = client.get(url).context["form"]["version_vue"].value()
    deguise = SimpleUploadedFile("compte-rendu.pdf", b"MZ\x90\x00 un executable", content_type="application/pdf")
    response = client.post(url, {"compte_rendu": "Texte", "version_vue": vue, "compte_rendu_fichier": deguise})
    assert "compte_rendu_fichier" in response.context["form"].errors
    fichier = SimpleUploadedFile("../../Compte rendu.PDF", PDF, content_type="application/pdf")
    response = client.post(url, {"compte_rendu": "Texte", "version_vue": vue, "compte_rendu_fichier": fichier})
    assert response.status_code == 302
    reunion.refresh_from_db()
    assert reunion.compte_rendu_fichier.name.startswith(f"reunions/2026/compte-rendu-{reunion.pk}-")
    assert reunion.compte_rendu_fichier.name.endswith(".pdf")
    client.force_login(partenaire_caf)
    telechargement = client.get(reverse("pilotage:reunion_compte_rendu_fichier", args=[reunion.pk]))
    assert telechargement.status_code == 200
    assert b"".join(telechargement.streaming_content) == PDF
    assert telechargement["Content-Type"] == "application/pdf"
    assert "attachment" in telechargement["Content-Disposition"]
    sans = _reunion(caf)
    assert client.get(reverse("pilotage:reunion_compte_rendu_fichier", args=[sans.pk])).status_code == 404


def test_the_minutes_pdf_never_shows_what_partners_may_not_read(client, partenaire_caf, agent, caf, monkeypatch):
    reunion = _complete(caf)
    rendus = []
    monkeypatch.setattr(
        "pilotage.views.reunions.render_pdf", lambda gabarit, contexte: rendus.append((gabarit, contexte)) or PDF
    )
    for user in (partenaire_caf, agent):
        client.force_login(user)
        response = client.get(reverse("pilotage:reunion_compte_rendu_pdf", args=[reunion.pk]))
        assert response.status_code == 200 and response.content == PDF
        assert response["Content-Type"] == "application/pdf"
    from django.template.loader import render_to_string

    html = render_to_string(rendus[0][0], rendus[0][1])
    assert "Compte rendu lisible" in html and "Décision lisible" in html and "Action lisible" in html
    assert "Julie Contact" in html
    for interne in ("Note interne", "Commentaire interne", "julie@caf.example"):
        assert interne not in html


def test_the_minutes_pdf_is_rendered_by_render_pdf(client, agent, caf):
    reunion = _complete(caf)
    client.force_login(agent)
    response = client.get(reverse("pilotage:reunion_compte_rendu_pdf", args=[reunion.pk]))
    assert response.content.startswith(b"%PDF-")
    assert 'filename="compte-rendu-copil-n-2-2026-10-06.pdf"' in response["Content-Disposition"]
