"""The Cellule de veille's files (pilotage.veille, domain-rules §6): the overview of the centres, the files'
list and page, the workflow, the official level decided by the cellule (CV-1), the deadline of a file in
alerte (CV-2), what partners and élus read (CV-3), the snapshots and the cash plan (CV-4)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from centres.models import Centre
from comptes.models import Role, User
from pilotage import alertes, resumes, veille
from pilotage.chiffres import chiffres_de_l_annee
from pilotage.models import (
    Alerte,
    DecisionNiveau,
    InstantaneFinancier,
    LectureSituation,
    Niveau,
    ResumeElu,
    Reunion,
    SituationVeille,
)
from pilotage.rapport import contexte_pdf
from pilotage.signaux import evaluer

from ..factories import (
    ActionFactory,
    CentreFactory,
    IndicateursAnnuelsFactory,
    OrganisationFactory,
    ParticipantReunionFactory,
    ReunionFactory,
    SituationVeilleFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 12, 1, 10, 0))]

JOUR = datetime.date(2026, 12, 1)
D = Decimal
S = SituationVeille.Statut
# A year in difficulty: cash and own funds below zero, a deficit, social debts overdue (red signals).
EN_DIFFICULTE = {
    "tresorerie": D("-20000"),
    "fonds_propres": D("-5000"),
    "ressources_stables": D("-5000"),
    "produits_total": D("700000"),
    "produits_autres": D("50000"),
    "dettes_sociales_echues": D("30000"),
}


def _centre_en_difficulte(**kwargs):
    centre = CentreFactory(**kwargs)
    IndicateursAnnuelsFactory(centre=centre, annee=2024)
    IndicateursAnnuelsFactory(centre=centre, annee=2025, **EN_DIFFICULTE)
    return centre


def _cellule(situation, *, date=datetime.date(2026, 11, 20), organisations=(), **kwargs):
    """A Cellule de veille meeting that examined `situation`, its partners convened."""
    reunion = ReunionFactory(type=Reunion.Type.CELLULE_VEILLE, date=date, **kwargs)
    reunion.situations.add(situation)
    for organisation in organisations:
        ParticipantReunionFactory(reunion=reunion, organisation=organisation)
    return reunion


def _decider(situation, reunion, responsable, niveau=Niveau.ALERTE, motifs="Trésorerie négative."):
    return veille.decider_niveau(
        situation=situation, niveau=niveau, reunion=reunion, motifs=motifs, par=responsable, jour=JOUR
    )


@pytest.fixture
def dossier(responsable):
    """A file on a centre in difficulty (its computed level is at least « alerte »), no level decided."""
    return veille.signaler(
        centre=_centre_en_difficulte(), signalee_le=datetime.date(2026, 10, 1), motif="Trésorerie", par=responsable
    )


# --- The overview of the centres ------------------------------------------------------------------


def test_the_overview_lists_every_open_centre_with_its_computed_level_and_its_file(client, agent, responsable):
    sain = CentreFactory(nom="Centre social sain")
    IndicateursAnnuelsFactory(centre=sain, annee=2025)
    difficile = _centre_en_difficulte(nom="Centre social en difficulté")
    avec_dossier = _centre_en_difficulte(nom="Centre social suivi")
    situation = veille.signaler(centre=avec_dossier, signalee_le=JOUR, motif="Trésorerie", par=responsable)
    CentreFactory(nom="Centre social fermé", statut=Centre.Statut.FERME)
    client.force_login(agent)
    response = client.get(reverse("pilotage:veille"))
    lignes = {ligne.centre.nom: ligne for ligne in response.context["page"]}
    assert set(lignes) == {"Centre social sain", "Centre social en difficulté", "Centre social suivi"}
    assert lignes["Centre social en difficulté"].niveau_calcule in (Niveau.ALERTE, Niveau.CRITIQUE)
    assert lignes["Centre social en difficulté"].situation is None
    assert lignes["Centre social suivi"].situation == situation
    page = response.content.decode()
    assert f"{reverse('pilotage:veille_signaler')}?centre={difficile.pk}" in page  # « Ouvrir un dossier »
    assert "Dettes sociales et fiscales échues" in page  # a red signal, named
    assert situation.get_absolute_url() in page
    # The most serious first; the healthy centre last.
    assert list(lignes)[-1] == "Centre social sain"


def test_the_overview_filters_on_the_computed_level_the_file_and_the_referent(client, agent, responsable):
    sain = CentreFactory(nom="Centre social sain", referent=agent)
    IndicateursAnnuelsFactory(centre=sain, annee=2025)
    _centre_en_difficulte(nom="Centre social en difficulté")
    client.force_login(agent)

    def noms(**params):
        return {ligne.centre.nom for ligne in client.get(reverse("pilotage:veille"), params).context["page"]}

    assert noms(statut=veille.SANS_DOSSIER) == {"Centre social sain", "Centre social en difficulté"}
    assert noms(statut=S.SUIVIE) == set()
    assert noms(referent=agent.pk) == {"Centre social sain"}
    assert "Centre social en difficulté" not in noms(niveau=Niveau.VIGILANCE)
    assert noms(niveau="inconnu")  # an invalid choice is left out, and said
    response = client.get(reverse("pilotage:veille_export", kwargs={"fmt": "csv"}), {"referent": agent.pk})
    texte = response.content.decode()
    assert "Centre social sain" in texte and "Centre social en difficulté" not in texte


def test_the_team_has_the_cellule_de_veille_in_its_menu_and_the_partners_their_files(client, agent, partenaire_caf):
    client.force_login(agent)
    assert reverse("pilotage:veille") in client.get(reverse("accueil")).content.decode()
    client.force_login(partenaire_caf)
    page = client.get(reverse("accueil")).content.decode()
    assert reverse("pilotage:veille_dossiers") in page and f'href="{reverse("pilotage:veille")}"' not in page


def test_a_file_is_opened_from_the_overview_with_the_snapshots_of_its_three_years(client, agent):
    centre = _centre_en_difficulte(referent=agent)
    IndicateursAnnuelsFactory(centre=centre, annee=2023)
    IndicateursAnnuelsFactory(centre=centre, annee=2022)
    client.force_login(agent)
    url = f"{reverse('pilotage:veille_signaler')}?centre={centre.pk}"
    assert client.get(url).context["form"].initial["centre"] == centre
    response = client.post(url, {"centre": centre.pk, "signalee_le": "2026-11-30", "motif": "Alerte de la CAF"})
    situation = SituationVeille.objects.get(centre=centre)
    assert response.status_code == 302 and response["Location"] == situation.get_absolute_url()
    assert (situation.statut, situation.niveau, situation.referent) == (S.SIGNALEE, "", agent)
    assert list(situation.instantanes.values_list("annee", flat=True)) == [2023, 2024, 2025]
    # A second file while one is open: the form says so next to the centre; the link leads to the open one.
    assert client.get(url)["Location"] == situation.get_absolute_url()
    sans_lien = reverse("pilotage:veille_signaler")
    response = client.post(sans_lien, {"centre": centre.pk, "signalee_le": "2026-11-30", "motif": "Encore"})
    assert response.context["form"].errors["centre"] == ["Ce centre a déjà un dossier ouvert à la cellule de veille."]


def test_the_centre_page_has_a_cellule_de_veille_tab_for_the_team(client, agent, elu, dossier):
    client.force_login(agent)
    url = reverse("centres:detail", args=[dossier.centre_id])
    page = client.get(url, {"onglet": "veille"}).content.decode()
    assert dossier.get_absolute_url() in page and "Ouvrir un dossier" not in page
    client.force_login(elu)
    assert 'onglet=veille"' not in client.get(url).content.decode()


# --- The workflow ---------------------------------------------------------------------------------


def test_the_workflow_goes_from_signalled_to_closed_each_step_dated_with_its_decider_and_reason(
    client, agent, responsable, dossier
):
    client.force_login(agent)
    url = reverse("pilotage:veille_transition", args=[dossier.pk])
    client.post(url, {"vers": S.EN_ANALYSE})
    dossier.refresh_from_db()
    assert dossier.statut == S.EN_ANALYSE
    # Followed only once the cellule decided the level.
    with pytest.raises(ValidationError, match="niveau officiel"):
        veille.changer_statut(situation=dossier, vers=S.SUIVIE, par=agent)
    _decider(dossier, _cellule(dossier), responsable)
    client.post(url, {"vers": S.SUIVIE, "commentaire": "Plan d'actions adopté"})
    dossier.refresh_from_db()
    assert dossier.statut == S.SUIVIE
    # Closing: the responsable only, with the reason.
    with pytest.raises(ValidationError, match="réservé à la responsable de service"):
        veille.changer_statut(situation=dossier, vers=S.CLOSE, par=agent, commentaire="Redressé")
    with pytest.raises(ValidationError, match="Indiquez le motif"):
        veille.changer_statut(situation=dossier, vers=S.CLOSE, par=responsable)
    veille.changer_statut(situation=dossier, vers=S.CLOSE, par=responsable, commentaire="Comptes 2026 à l'équilibre")
    pas = veille.parcours(dossier)
    assert [(p.depuis, p.vers) for p in pas] == [
        ("", "Signalée"),
        ("Signalée", "En analyse"),
        ("En analyse", "Suivie"),
        ("Suivie", "Close"),
    ]
    assert pas[2].auteur == agent and pas[2].motif == "Passer en suivi — Plan d'actions adopté"
    assert pas[3].auteur == responsable and "Comptes 2026 à l'équilibre" in pas[3].motif
    client.force_login(responsable)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Comptes 2026 à l&#x27;équilibre" in page
    # A closed file no longer changes.
    response = client.get(reverse("pilotage:veille_modifier", args=[dossier.pk]))
    assert response.status_code == 302


def test_the_page_offers_the_next_step_and_says_closing_is_the_responsable_s(client, agent, dossier):
    client.force_login(agent)
    etapes = client.get(dossier.get_absolute_url()).context["dossier"].etapes
    assert etapes.principale.vers == S.EN_ANALYSE and etapes.principale.possible
    assert [e.vers for e in etapes.reservees] == [S.CLOSE]


def test_the_file_is_edited_under_optimistic_locking(client, agent, responsable, dossier):
    url = reverse("pilotage:veille_modifier", args=[dossier.pk])
    client.force_login(agent)
    form = client.get(url).context["form"]
    donnees = {"motif": "Trésorerie", "analyse": "FR négatif", "version_vue": form["version_vue"].value()}
    dossier.analyse = "Modifiée entre-temps"
    veille.enregistrer(dossier, par=responsable, motif="")
    response = client.post(url, donnees)
    assert response.status_code == 200 and response.context["form"].conflit
    dossier.refresh_from_db()
    assert dossier.analyse == "Modifiée entre-temps"


# --- CV-1: the official level is a human decision --------------------------------------------------


def test_cv_1_computing_the_signals_never_sets_the_official_level(client, agent, dossier):
    assert evaluer(dossier.centre, JOUR).niveau_propose in (Niveau.ALERTE, Niveau.CRITIQUE)
    client.force_login(agent)
    for url in (reverse("pilotage:veille"), reverse("pilotage:veille_dossiers"), dossier.get_absolute_url()):
        assert client.get(url).status_code == 200
    veille.prendre_instantanes(dossier, agent)
    alertes.synchroniser(JOUR)
    dossier.refresh_from_db()
    assert dossier.niveau == "" and not DecisionNiveau.objects.exists()
    page = client.get(dossier.get_absolute_url()).content.decode()
    officiel = page.split('id="niveau-officiel"', 1)[1].split("</p>", 1)[0]
    calcule = page.split('id="niveau-calcule"', 1)[1].split("</p>", 1)[0]
    assert "Pas encore décidé" in officiel
    assert "Critique" in calcule or "Alerte" in calcule
    assert "Niveau calculé (proposition)" in page


def test_cv_1_a_decision_needs_a_cellule_de_veille_meeting_that_examined_the_file(responsable, dossier):
    copil = ReunionFactory(type=Reunion.Type.COPIL_STRATEGIQUE, date=datetime.date(2026, 11, 20))
    copil.situations.add(dossier)
    autre_dossier = SituationVeilleFactory()
    cas = {
        "sans réunion": None,
        "un copil": copil,
        "une cellule sur un autre dossier": _cellule(autre_dossier),
        "une cellule annulée": _cellule(dossier, statut=Reunion.Statut.ANNULEE),
        "une cellule à venir": _cellule(dossier, date=datetime.date(2026, 12, 2)),
    }
    for nom, reunion in cas.items():
        with pytest.raises(ValidationError):
            _decider(dossier, reunion, responsable)
        dossier.refresh_from_db()
        assert dossier.niveau == "", nom
    assert not DecisionNiveau.objects.exists()
    reunion = _cellule(dossier, date=JOUR)  # held today: it may decide
    decision = _decider(dossier, reunion, responsable, niveau=Niveau.VIGILANCE, motifs="  Attendre le DLA.  ")
    dossier.refresh_from_db()
    assert dossier.niveau == Niveau.VIGILANCE
    assert (decision.niveau, decision.date, decision.reunion, decision.decide_par) == (
        Niveau.VIGILANCE,
        JOUR,
        reunion,
        responsable,
    )
    assert decision.motifs == "Attendre le DLA."
    # The computed level of that moment is kept beside the decision: the cellule may decide otherwise.
    assert decision.niveau_propose == evaluer(dossier.centre, JOUR).niveau_propose != Niveau.VIGILANCE
    assert dossier.history.first().history_change_reason.startswith("Niveau officiel décidé : Vigilance")


def test_cv_1_only_the_responsable_decides_with_motives_on_an_open_file(client, agent, responsable, dossier):
    reunion = _cellule(dossier)
    with pytest.raises(ValidationError, match="responsable de service"):
        _decider(dossier, reunion, agent)
    with pytest.raises(ValidationError, match="motifs"):
        _decider(dossier, reunion, responsable, motifs="   ")
    client.force_login(agent)
    url = reverse("pilotage:veille_decider", args=[dossier.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"niveau": "alerte", "reunion": reunion.pk, "motifs": "x"}).status_code == 403
    client.force_login(responsable)
    response = client.get(url)
    assert list(response.context["form"].fields["reunion"].queryset) == [reunion]
    assert response.context["form"].initial["niveau"] == evaluer(dossier.centre, JOUR).niveau_propose
    response = client.post(url, {"niveau": "critique", "reunion": reunion.pk, "motifs": "Deux déficits"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.niveau == Niveau.CRITIQUE
    page = client.get(dossier.get_absolute_url()).content.decode()
    decisions = page.split('id="decisions"', 1)[1].split("</table>", 1)[0]
    assert "Deux déficits" in decisions and "01/12/2026" not in decisions and "20/11/2026" in decisions
    veille.changer_statut(situation=dossier, vers=S.CLOSE, par=responsable, commentaire="Fusion")
    with pytest.raises(ValidationError, match="clos"):
        _decider(dossier, reunion, responsable)


# --- CV-2: a file in alerte meets at least every 45 days ------------------------------------------


def _echeances_veille(jour):
    return [d for d in alertes.a_alerter(jour) if d.kind == "veille_reunion"]


@pytest.mark.parametrize(("jours", "alerte"), [(44, False), (45, True), (46, True)])
def test_cv_2_a_file_in_alerte_without_a_meeting_for_45_days_alerts(responsable, dossier, jours, alerte):
    reunion = _cellule(dossier, date=datetime.date(2026, 10, 1))
    _decider(dossier, reunion, responsable)
    jour = reunion.date + datetime.timedelta(days=jours)
    trouvees = _echeances_veille(jour)
    assert bool(trouvees) is alerte
    echeance = next(d for d in veille.echeances(jour))
    assert echeance.due == datetime.date(2026, 11, 15)  # 45 days after the meeting
    assert echeance.object_key == f"pilotage.situationveille:{dossier.pk}"
    assert "01/10/2026" in echeance.label and "CV-2" not in echeance.label


def test_cv_2_the_frequency_is_a_setting_and_only_files_in_alerte_or_critique_count(settings, responsable, dossier):
    reunion = _cellule(dossier, date=datetime.date(2026, 10, 1))
    _decider(dossier, reunion, responsable, niveau=Niveau.VIGILANCE)
    assert veille.echeances(JOUR) == []
    _decider(dossier, reunion, responsable, niveau=Niveau.CRITIQUE)
    assert veille.echeances(JOUR)[0].due == datetime.date(2026, 11, 15)
    settings.VEILLE_FREQUENCE_ALERTE_JOURS = 30
    assert veille.echeances(JOUR)[0].due == datetime.date(2026, 10, 31)


def test_cv_2_a_meeting_held_resets_the_clock_a_cancelled_or_future_one_does_not(responsable, agent, dossier):
    dossier.referent = agent
    dossier.save()
    _decider(dossier, _cellule(dossier, date=datetime.date(2026, 10, 1)), responsable)
    alertes.synchroniser(JOUR)
    destinataires = alertes_de(dossier)
    assert destinataires[0] == agent.pk and responsable.pk in destinataires  # the referent, every responsable
    assert set(destinataires[1:]) == set(User.objects.filter(role=Role.RESPONSABLE).values_list("pk", flat=True))
    _cellule(dossier, date=datetime.date(2026, 11, 25), statut=Reunion.Statut.ANNULEE)
    _cellule(dossier, date=datetime.date(2026, 12, 10))  # planned: counts once held
    assert veille.echeances(JOUR)[0].due == datetime.date(2026, 11, 15)
    ReunionFactory(type=Reunion.Type.COPIL_STRATEGIQUE, date=datetime.date(2026, 11, 28)).situations.add(dossier)
    assert veille.echeances(JOUR)[0].due == datetime.date(2027, 1, 12)  # any meeting that examined the file
    alertes.synchroniser(JOUR)
    assert alertes_de(dossier) == []  # the deadline is no longer reached: its alerts are closed


def alertes_de(situation):
    """The people the file's open CV-2 alerts go to, by id (the referent first, then the responsables)."""
    ouvertes = Alerte.objects.ouvertes().filter(
        kind="veille_reunion", object_key=f"pilotage.situationveille:{situation.pk}"
    )
    return sorted(ouvertes.values_list("user_id", flat=True), key=lambda pk: pk != situation.referent_id)


def test_cv_2_a_closed_file_has_no_deadline(responsable, dossier):
    _decider(dossier, _cellule(dossier, date=datetime.date(2026, 10, 1)), responsable)
    veille.changer_statut(situation=dossier, vers=S.CLOSE, par=responsable, commentaire="Redressé")
    assert veille.echeances(JOUR) == []


def test_overdue_actions_of_the_plan_are_shown_on_the_file(client, agent, dossier):
    reunion = _cellule(dossier)
    ActionFactory(reunion=reunion, situation=dossier, libelle="DLA", echeance=datetime.date(2026, 11, 30))
    ActionFactory(reunion=reunion, situation=dossier, libelle="Fédération", echeance=JOUR)
    client.force_login(agent)
    response = client.get(dossier.get_absolute_url())
    assert [a.libelle for a in response.context["dossier"].actions_en_retard] == ["DLA"]
    assert "1 action du plan" in response.content.decode()


def test_an_action_of_the_plan_is_decided_by_a_cellule_meeting_that_examined_the_file(client, agent, caf, dossier):
    client.force_login(agent)
    url = reverse("pilotage:veille_action_creer", args=[dossier.pk])
    assert "Aucune réunion de la cellule de veille" in client.get(url).content.decode()
    autre = _cellule(SituationVeilleFactory())
    response = client.post(
        url,
        {"reunion": autre.pk, "libelle": "DLA", "porteur_organisation": caf.pk, "echeance": "2027-01-15"},
    )
    assert "reunion" in response.context["form"].errors
    reunion = _cellule(dossier)
    donnees = {"reunion": reunion.pk, "libelle": "DLA", "mesure": "dla", "echeance": "2027-01-15"}
    response = client.post(url, {**donnees, "porteur_organisation": caf.pk, "porteur_user": agent.pk})
    assert response.context["form"].errors["porteur_user"] == [
        "Indiquez qui porte l'action : une personne ou une organisation, pas les deux."
    ]
    response = client.post(url, {**donnees, "porteur_organisation": caf.pk})
    assert response.status_code == 302
    action = dossier.actions.get()
    assert (action.reunion, action.porteur, action.get_mesure_display()) == (
        reunion,
        caf,
        "Dispositif local d'accompagnement (DLA)",
    )


# --- CV-3: partners read their files, élus the levels only ------------------------------------------


@pytest.fixture
def dossier_caf(responsable, caf, dossier):
    """`dossier`, examined by a meeting the CAF takes part in, its internal notes written."""
    dossier.notes_internes = "Note interne de la cellule 4821"
    veille.enregistrer(dossier, par=responsable, motif="")
    _decider(dossier, _cellule(dossier, organisations=[caf], compte_rendu="Compte rendu 7730"), responsable)
    return dossier


def test_cv_3_a_partner_reads_its_files_never_the_internal_notes_and_each_read_is_kept(
    client, partenaire_caf, agent, dossier_caf
):
    client.force_login(partenaire_caf)
    response = client.get(dossier_caf.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "4821" not in page and "Notes internes" not in page
    assert "Modifier" not in page and reverse("pilotage:veille_transition", args=[dossier_caf.pk]) not in page
    assert "Lectures par les partenaires" not in page
    client.get(reverse("pilotage:veille_plan_export", kwargs={"pk": dossier_caf.pk, "fmt": "csv"}))
    lectures = list(LectureSituation.objects.order_by("lu_le", "pk").values_list("user", "page"))
    assert lectures == [(partenaire_caf.pk, "page du dossier"), (partenaire_caf.pk, "plan de trésorerie, export CSV")]
    # The team reads them in the file's history, and in its list of reads.
    client.force_login(agent)
    page = client.get(dossier_caf.get_absolute_url()).content.decode()
    historique = page.split('<ol class="list-group historique">', 1)[1].split("</ol>", 1)[0]
    assert historique.count("Lecture") == 2 and str(partenaire_caf) in historique
    assert "4821" in page
    assert LectureSituation.objects.count() == 2  # the team's reads are not kept


def test_cv_3_a_partner_lists_only_its_files_and_gets_404_outside_them(
    client, partenaire_caf, partenaire_departement, responsable, dossier_caf
):
    autre = veille.signaler(centre=CentreFactory(), signalee_le=JOUR, motif="Autre", par=responsable)
    client.force_login(partenaire_caf)
    response = client.get(reverse("pilotage:veille_dossiers"))
    assert list(response.context["page"]) == [dossier_caf]
    assert "referent" not in response.context["filtre"].form.fields
    assert client.get(autre.get_absolute_url()).status_code == 404
    assert client.get(reverse("pilotage:veille_plan_export", kwargs={"pk": autre.pk, "fmt": "csv"})).status_code == 404
    assert client.get(reverse("pilotage:veille")).status_code == 403
    client.force_login(partenaire_departement)
    assert client.get(dossier_caf.get_absolute_url()).status_code == 404
    assert not LectureSituation.objects.filter(situation=autre).exists()


def test_cv_3_elus_never_open_a_file_but_read_the_levels_on_their_dashboard(client, elu, dossier_caf):
    client.force_login(elu)
    for url in (
        dossier_caf.get_absolute_url(),
        reverse("pilotage:veille"),
        reverse("pilotage:veille_dossiers"),
        reverse("pilotage:veille_plan_export", kwargs={"pk": dossier_caf.pk, "fmt": "csv"}),
    ):
        assert client.get(url).status_code == 403, url
    page = client.get(reverse("pilotage:tableau_de_bord")).content.decode()
    section = page.split('id="cellule-de-veille"', 1)[1].split("</section>", 1)[0]
    assert dossier_caf.centre.nom in section and "Alerte" in section and "20/11/2026" in section
    assert "1 centre" in section.split('id="veille-par-niveau"', 1)[1].split("</ul>", 1)[0]
    assert dossier_caf.get_absolute_url() not in page and "Trésorerie" not in section and "4821" not in page


def test_cv_3_the_levels_are_counted_for_the_dashboard_the_xlsx_and_the_report(responsable, agent, dossier_caf):
    autre = veille.signaler(centre=_centre_en_difficulte(), signalee_le=JOUR, motif="x", par=responsable)
    _decider(autre, _cellule(autre), responsable, niveau=Niveau.VIGILANCE)
    veille.signaler(centre=CentreFactory(), signalee_le=JOUR, motif="pas encore décidé", par=responsable)
    chiffres = chiffres_de_l_annee(2026, user=agent, jour=JOUR)
    assert chiffres.veille.par_niveau == [
        ("vigilance", "Vigilance", 1),
        ("alerte", "Alerte", 1),
        ("critique", "Critique", 0),
    ]
    assert [c.niveau for c in chiffres.veille.centres] == [Niveau.ALERTE, Niveau.VIGILANCE]  # the most serious first
    contexte = contexte_pdf(2026, edite_le=JOUR, lecteur=agent)
    fiches = {f.centre.pk: f.niveau_veille for f in contexte["donnees"].fiches}
    assert fiches[dossier_caf.centre_id].libelle == "Alerte"


def test_cv_3_the_elus_weekly_summary_gives_the_levels(elu, dossier_caf):
    elu.email = "elu@example.org"
    elu.save()
    ResumeElu.objects.create(user=elu, actif=True)
    lundi = datetime.date(2026, 11, 30)
    resumes.envoyer_resume_elu(user_id=elu.pk, today=lundi)
    (message,) = mail.outbox
    assert "Cellule de veille : niveaux officiels" in message.body
    assert f"{dossier_caf.centre.nom} : alerte (décidé le 20/11/2026)" in message.body
    assert "4821" not in message.body and "Trésorerie" not in message.body


# --- CV-4: the snapshots and the cash plan -------------------------------------------------------------


def test_cv_4_the_snapshots_keep_three_years_and_are_taken_again_on_demand(client, agent, dossier):
    assert list(dossier.instantanes.values_list("annee", flat=True)) == [2024, 2025]  # the years with figures
    indicateurs = dossier.centre.indicateurs.get(annee=2025)
    indicateurs.tresorerie = D("-35000.00")
    indicateurs.save()
    assert dossier.instantanes.get(annee=2025).chiffres["tresorerie"] == "-20000.00"  # kept as the cellule read it
    IndicateursAnnuelsFactory(centre=dossier.centre, annee=2023)
    IndicateursAnnuelsFactory(centre=dossier.centre, annee=2022)
    client.force_login(agent)
    response = client.post(reverse("pilotage:veille_instantanes", args=[dossier.pk]))
    assert response.status_code == 302
    assert list(dossier.instantanes.values_list("annee", flat=True)) == [2023, 2024, 2025]  # N-2..N
    assert dossier.instantanes.get(annee=2025).chiffres["tresorerie"] == "-35000.00"
    assert InstantaneFinancier.objects.filter(situation=dossier, annee=2025).count() == 1
    tableau = client.get(dossier.get_absolute_url()).context["dossier"].instantanes
    assert tableau.annees == [2023, 2024, 2025]
    resultat = next(ligne for ligne in tableau.lignes if ligne.libelle.startswith("résultat"))
    assert resultat.valeurs[-1] == D("-100000.00")


def test_cv_4_the_cash_plan_is_12_months_from_next_month_with_its_running_balance(client, agent, dossier):
    dossier.tresorerie_initiale = D("1000.00")
    veille.enregistrer(dossier, par=agent, motif="")
    client.force_login(agent)
    url = reverse("pilotage:veille_plan", args=[dossier.pk])
    form = client.get(url).context["form"]
    assert form.mois[0] == datetime.date(2027, 1, 1) and form.mois[-1] == datetime.date(2027, 12, 1)
    assert len(form.fields) == 36
    donnees = {
        "encaissements_2027_01": "500",
        "decaissements_2027_01": "2000",
        "commentaire_2027_01": "Salaires de janvier",
        "encaissements_2027_02": "3000",
        "decaissements_2027_02": "1000",
    }
    assert client.post(url, donnees).status_code == 302
    plan = veille.plan_tresorerie(dossier)
    assert [(m.mois.month, m.solde, m.negatif) for m in plan] == [(1, D("-500.00"), True), (2, D("1500.00"), False)]
    page = client.get(dossier.get_absolute_url()).content.decode()
    tableau = page.split('id="plan"', 1)[1].split("</table>", 1)[0]
    assert tableau.count("Solde négatif") == 1 and "Salaires de janvier" in tableau
    # Months left empty are not created; a negative amount is refused next to its field.
    response = client.post(url, {**donnees, "encaissements_2027_03": "-5"})
    assert "encaissements_2027_03" in response.context["form"].errors
    assert dossier.plan_tresorerie.count() == 2
    export = client.get(reverse("pilotage:veille_plan_export", kwargs={"pk": dossier.pk, "fmt": "csv"}))
    assert "01/2027;500,00;2000,00;-500,00;Salaires de janvier" in export.content.decode()


# --- The list of files ----------------------------------------------------------------------------------


def test_the_files_list_filters_sorts_and_exports(client, agent, responsable, dossier):
    _decider(dossier, _cellule(dossier), responsable)
    autre = veille.signaler(centre=CentreFactory(nom="AAA Centre"), signalee_le=JOUR, motif="x", par=responsable)
    client.force_login(agent)
    url = reverse("pilotage:veille_dossiers")

    def lus(**params):
        return list(client.get(url, params).context["page"])

    assert lus(niveau=Niveau.ALERTE) == [dossier]
    assert lus(niveau=veille.AUCUN) == [autre]
    assert lus(statut="ouvertes", tri="centre") == [autre, dossier]
    assert lus(statut=S.CLOSE) == []
    assert lus(centre=dossier.centre_id) == [dossier]
    response = client.get(reverse("pilotage:veille_dossiers_export", kwargs={"fmt": "csv"}), {"niveau": "alerte"})
    texte = response.content.decode()
    assert dossier.centre.nom in texte and "AAA Centre" not in texte


def test_a_partner_member_of_a_meeting_reads_through_its_organisation_only(client, responsable, dossier):
    organisation = OrganisationFactory()
    partenaire = UserFactory(role=Role.PARTENAIRE, organisation=organisation)
    client.force_login(partenaire)
    assert client.get(dossier.get_absolute_url()).status_code == 404
    _cellule(dossier, organisations=[organisation])
    response = client.get(dossier.get_absolute_url())
    assert response.status_code == 200
    # It does not follow the centre: no link to a centre page it may not open.
    assert dossier.centre.get_absolute_url() not in response.content.decode()
    assert client.get(dossier.centre.get_absolute_url()).status_code == 404
    response = client.get(reverse("pilotage:veille_dossiers_export", kwargs={"fmt": "csv"}))
    assert "Motif" not in response.content.decode() and "Trésorerie" not in response.content.decode()


def test_the_file_links_to_a_new_cellule_meeting_that_examines_it(client, agent, dossier):
    creer = reverse("pilotage:reunion_creer")
    client.force_login(agent)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert f"{creer}?type=cellule_veille&amp;situation={dossier.pk}" in page
