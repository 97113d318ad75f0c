"""The convention's workflow (conventions.services.TRANSITIONS), its rules and its history;
CPO-1 (length), CPO-4 (renewal), CPO-6 (legal visa), SUB-6 (clauses), DEL-6 (signature dates)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from centres.models import Centre, Document
from comptes.models import Role
from conventions import services
from conventions.forms import ConventionForm
from conventions.models import Convention, Partie
from roubaix_cs.history import evenements
from roubaix_cs.sources_legales import CGCT_L2131_1, CIRCULAIRE_CPO

from ..etapes import panneau
from ..factories import CentreFactory, ConventionFactory, DocumentFactory, LocalFactory, UserFactory
from ..outils import messages_de
from .factories import AvenantFactory, EvaluationFactory, ObjectifFactory

pytestmark = pytest.mark.django_db
S = Convention.Statut


def _transition(client, convention, vers, commentaire=""):
    url = reverse("conventions:transition", args=[convention.pk])
    return client.post(url, {"vers": vers, "commentaire": commentaire}, follow=True)


@pytest.fixture
def en_revue(ville, caf):
    """A convention in legal review with every clause, the legal visa and the city as party."""
    return ConventionFactory(complete=True, statut=S.REVUE_JURIDIQUE, parties=[ville, caf])


# --- CPO-1: a CPOM lasts at most 48 months --------------------------------------------------


def _convention(type_=Convention.Type.CPOM, debut=datetime.date(2025, 1, 1), fin=datetime.date(2028, 12, 31)):
    return Convention(type=type_, centre=CentreFactory.build(), objet="Projet social", debut=debut, fin=fin)


def test_cpo_1_a_cpom_of_48_months_is_accepted():
    convention = _convention(fin=datetime.date(2028, 12, 31))
    assert convention.duree_mois == 48
    convention.clean()


def test_cpo_1_a_cpom_of_49_months_is_refused_on_the_end_date():
    convention = _convention(fin=datetime.date(2029, 1, 1))
    with pytest.raises(ValidationError) as erreur:
        convention.clean()
    assert erreur.value.message_dict == {"fin": ["Un CPOM dure au plus 48 mois (ici 49 mois)."]}


@pytest.mark.parametrize("type_", [Convention.Type.OBJECTIFS, Convention.Type.LOCAUX, Convention.Type.PARTENARIAT])
def test_cpo_1_other_kinds_of_convention_are_not_limited_to_48_months(type_):
    _convention(type_=type_, fin=datetime.date(2034, 12, 31)).clean()


def test_cpo_1_the_form_shows_the_error_next_to_the_end_and_creates_nothing(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(
        reverse("conventions:creer"),
        {"type": "cpom", "centre": centre.pk, "objet": "Projet social", "debut": "2025-01-01", "fin": "2029-01-31"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["fin"] == ["Un CPOM dure au plus 48 mois (ici 49 mois)."]
    assert not Convention.objects.exists()


def test_cpo_1_the_form_creates_a_draft_cpom_of_48_months(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(
        reverse("conventions:creer"),
        {"type": "cpom", "centre": centre.pk, "objet": "Projet social", "debut": "2025-01-01", "fin": "2028-12-31"},
    )
    convention = Convention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == convention.get_absolute_url()
    assert convention.statut == S.BROUILLON
    assert messages_de(response) == ["La convention a été créée (projet)."]


# --- The transition table --------------------------------------------------------------------


def test_the_whole_workflow_records_who_when_and_why_in_the_history(client, ville, caf):
    agent = UserFactory(role=Role.AGENT, first_name="Aïcha", last_name="Benali")
    responsable = UserFactory(role=Role.RESPONSABLE, first_name="Claire", last_name="Dumont")
    with time_machine.travel(datetime.datetime(2026, 8, 1, 10)):
        convention = ConventionFactory(
            type=Convention.Type.OBJECTIFS,
            debut=datetime.date(2027, 1, 1),
            fin=datetime.date(2027, 12, 31),
            complete=True,
            parties=[ville, caf],
        )

    with time_machine.travel(datetime.datetime(2026, 9, 1, 10)):
        client.force_login(agent)
        _transition(client, convention, S.REVUE_JURIDIQUE, "Dossier complet")
    convention.refresh_from_db()
    assert (convention.statut, convention.juridique_envoi) == (S.REVUE_JURIDIQUE, datetime.date(2026, 9, 1))

    with time_machine.travel(datetime.datetime(2026, 10, 1, 10)):
        client.force_login(responsable)
        response = _transition(client, convention, S.APPROUVEE, "Visa obtenu")
    assert messages_de(response) == ["Convention : approuvée pour signature."]

    Partie.objects.filter(convention=convention).update(date_signature=datetime.date(2026, 12, 1))
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10)):  # what the deliberation's vote and exécutoire do
        services.enregistrer_deliberation(objet=convention, reference="2026/118", par=agent)
        services.enregistrer_executoire(
            objet=convention, reference="2026/118", date=datetime.date(2026, 11, 20), par=agent
        )
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10)):
        client.force_login(agent)
        _transition(client, convention, S.SIGNEE)
    with time_machine.travel(datetime.datetime(2027, 1, 4, 10)):
        client.force_login(agent)
        _transition(client, convention, S.EN_COURS, "Premier versement fait")
    with time_machine.travel(datetime.datetime(2028, 1, 5, 10)):
        client.force_login(agent)
        _transition(client, convention, S.EXPIREE, "Fin de la convention")
        response = client.get(convention.get_absolute_url())

    convention.refresh_from_db()
    assert convention.statut == S.EXPIREE
    etapes = [
        (e.motif, str(e.auteur), e.date.date())
        for e in reversed(response.context["evenements"])
        if e.objet == "Convention" and e.motif
    ]
    assert etapes == [
        ("Envoyer au service juridique — Dossier complet", "Aïcha Benali", datetime.date(2026, 9, 1)),
        ("Approuver pour signature — Visa obtenu", "Claire Dumont", datetime.date(2026, 10, 1)),
        ("Délibérée par le conseil municipal — délibération n° 2026/118", "Aïcha Benali", datetime.date(2026, 11, 25)),
        ("Délibération n° 2026/118 exécutoire le 20/11/2026", "Aïcha Benali", datetime.date(2026, 11, 25)),
        ("Constater la signature de toutes les parties", "Aïcha Benali", datetime.date(2026, 12, 2)),
        ("Mettre en exécution — Premier versement fait", "Aïcha Benali", datetime.date(2027, 1, 4)),
        ("Constater l'expiration — Fin de la convention", "Aïcha Benali", datetime.date(2028, 1, 5)),
    ]
    page = response.content.decode()
    assert "Approuver pour signature — Visa obtenu" in page
    assert "Claire Dumont" in page


def test_the_service_records_its_author_outside_a_request(en_revue, responsable):
    services.changer_statut(convention=en_revue, vers=S.APPROUVEE, par=responsable, commentaire="Visa du 01/10")
    record = en_revue.history.latest()
    assert record.history_user == responsable
    assert record.history_change_reason == "Approuver pour signature — Visa du 01/10"
    [evenement] = [e for e in evenements((en_revue.history.all(), lambda r: "Convention")) if e.motif]
    assert (evenement.auteur, evenement.motif) == (responsable, "Approuver pour signature — Visa du 01/10")
    assert ("Statut", "En revue juridique", "Approuvée pour signature") in [
        (c.champ.capitalize(), c.avant, c.apres) for c in evenement.changements
    ]


def test_a_transition_outside_the_table_is_refused(client, agent, ville):
    convention = ConventionFactory(complete=True, parties=[ville])
    client.force_login(agent)
    response = _transition(client, convention, S.SIGNEE)
    assert messages_de(response) == ["Passage impossible de « Projet » à « Signée »."]
    convention.refresh_from_db()
    assert convention.statut == S.BROUILLON


def test_the_agent_sees_only_the_steps_open_to_her(client, agent, responsable, en_revue):
    """The approval is the expected step: the agent sees it reserved to the responsable, who takes it."""
    client.force_login(agent)
    etapes = client.get(en_revue.get_absolute_url()).context["etapes"]
    assert (etapes.principale.vers, etapes.principale.permise) == (S.APPROUVEE, False)
    assert etapes.principale.reserve_a == "la responsable de service"
    assert [e.vers for e in etapes.autres] == [S.BROUILLON]
    client.force_login(responsable)
    etapes = client.get(en_revue.get_absolute_url()).context["etapes"]
    assert (etapes.principale.vers, etapes.principale.permise) == (S.APPROUVEE, True)
    assert [e.vers for e in etapes.autres] == [S.BROUILLON]


def test_only_the_responsable_approves(client, agent, en_revue):
    client.force_login(agent)
    response = _transition(client, en_revue, S.APPROUVEE)
    assert messages_de(response) == ["« Approuver pour signature » est réservé à la responsable de service."]
    en_revue.refresh_from_db()
    assert en_revue.statut == S.REVUE_JURIDIQUE


def test_the_responsable_approves_a_complete_convention(client, responsable, en_revue):
    client.force_login(responsable)
    _transition(client, en_revue, S.APPROUVEE)
    en_revue.refresh_from_db()
    assert en_revue.statut == S.APPROUVEE


def test_cpo_6_approval_is_refused_without_the_legal_visa_date_and_model_version(client, responsable, en_revue):
    client.force_login(responsable)
    message = "Le visa du service juridique (date et version du modèle) est requis avant l'approbation."
    for visa, version in [(None, ""), (None, "CPOM-2024-v2"), (datetime.date(2024, 10, 1), "")]:
        Convention.objects.filter(pk=en_revue.pk).update(juridique_visa=visa, modele_version=version)
        response = _transition(client, en_revue, S.APPROUVEE)
        assert messages_de(response) == [message], (visa, version)
        en_revue.refresh_from_db()
        assert en_revue.statut == S.REVUE_JURIDIQUE


def test_sub_6_approval_is_refused_while_the_ban_on_passing_the_money_on_is_missing(client, responsable, en_revue):
    Convention.objects.filter(pk=en_revue.pk).update(clause_reversement=False)
    client.force_login(responsable)
    response = _transition(client, en_revue, S.APPROUVEE)
    assert messages_de(response) == [
        "Clause manquante : Interdiction de reverser la subvention à un tiers (sauf autorisation)."
    ]
    en_revue.refresh_from_db()
    assert en_revue.statut == S.REVUE_JURIDIQUE


def test_sub_6_every_missing_clause_is_listed(client, responsable, en_revue):
    Convention.objects.filter(pk=en_revue.pk).update(**dict.fromkeys(Convention.CLAUSES, False))
    client.force_login(responsable)
    response = _transition(client, en_revue, S.APPROUVEE)
    assert messages_de(response) == [f"Clause manquante : {label}." for label in Convention.CLAUSES.values()]
    page = client.get(en_revue.get_absolute_url()).content.decode()
    assert page.count("Manquante :") == len(Convention.CLAUSES)


def test_sub_6_the_detail_page_says_whether_passing_the_money_on_is_allowed(client, agent, en_revue):
    client.force_login(agent)
    assert (
        "Reversement à des tiers : interdit (article L1611-4 du code général"
        in client.get(en_revue.get_absolute_url()).content.decode()
    )
    Convention.objects.filter(pk=en_revue.pk).update(autorise_reversement=True)
    assert (
        "Reversement à des tiers : autorisé (article L1611-4 du code général"
        in client.get(en_revue.get_absolute_url()).content.decode()
    )


def test_approval_needs_the_city_as_a_party(client, responsable, caf):
    convention = ConventionFactory(complete=True, statut=S.REVUE_JURIDIQUE, parties=[caf])
    client.force_login(responsable)
    response = _transition(client, convention, S.APPROUVEE)
    assert messages_de(response) == ["La Ville doit être partie à la convention."]


def test_a_convention_is_deliberated_only_by_a_deliberation_never_by_a_button(client, agent, ville):
    """One path: « Délibérée » is what the council's vote of a deliberation records, not a step to click."""
    convention = ConventionFactory(complete=True, statut=S.APPROUVEE, parties=[ville])
    client.force_login(agent)
    etapes = panneau(client.get(convention.get_absolute_url()))
    assert etapes.primaires == [] and S.DELIBEREE not in [vers for vers, _ in etapes.envois]
    assert "« Délibérée par le conseil municipal », enregistrée depuis la page de la délibération" in etapes.text()
    response = _transition(client, convention, S.DELIBEREE)
    assert messages_de(response) == ["Passage impossible de « Approuvée pour signature » à « Délibérée »."]
    convention.refresh_from_db()
    assert convention.statut == S.APPROUVEE

    services.enregistrer_deliberation(objet=convention, reference="2026/001", par=agent)
    convention.refresh_from_db()
    assert (convention.statut, convention.deliberation_numero) == (S.DELIBEREE, "2026/001")
    assert convention.history.first().history_change_reason == (
        "Délibérée par le conseil municipal — délibération n° 2026/001"
    )


@pytest.fixture
def deliberee(ville, caf):
    return ConventionFactory(
        complete=True,
        statut=S.DELIBEREE,
        parties=[ville, caf],
        deliberation_numero="2026/42",
        deliberation_executoire=datetime.date(2026, 3, 1),
    )


def test_signed_only_when_every_party_has_signed(client, agent, deliberee, ville):
    deliberee.parties.filter(organisation=ville).update(date_signature=datetime.date(2026, 3, 5))
    client.force_login(agent)
    response = _transition(client, deliberee, S.SIGNEE)
    assert messages_de(response) == ["CAF du Nord n'a pas encore signé."]
    deliberee.refresh_from_db()
    assert deliberee.statut == S.DELIBEREE

    deliberee.parties.update(date_signature=datetime.date(2026, 3, 5))
    _transition(client, deliberee, S.SIGNEE)
    deliberee.refresh_from_db()
    assert deliberee.statut == S.SIGNEE


def test_del_6_a_party_signing_before_the_deliberation_is_executoire_is_refused(client, agent, deliberee, caf):
    deliberee.parties.update(date_signature=datetime.date(2026, 3, 1))  # the day it became executoire: fine
    deliberee.parties.filter(organisation=caf).update(date_signature=datetime.date(2026, 2, 28))
    client.force_login(agent)
    response = _transition(client, deliberee, S.SIGNEE)
    assert messages_de(response) == [
        f"CAF du Nord a signé le 28/02/2026, avant que la délibération soit exécutoire (01/03/2026) ({CGCT_L2131_1})."
    ]
    deliberee.refresh_from_db()
    assert deliberee.statut == S.DELIBEREE


@time_machine.travel(datetime.date(2024, 12, 31))
def test_a_convention_runs_only_once_started(client, agent, ville):
    convention = ConventionFactory(complete=True, statut=S.SIGNEE, parties=[ville])
    client.force_login(agent)
    response = _transition(client, convention, S.EN_COURS)
    assert messages_de(response) == ["La convention ne commence que le 01/01/2025."]


@time_machine.travel(datetime.date(2029, 3, 1))
def test_expiry_waits_for_the_end_moved_by_a_signed_avenant(client, agent, ville):
    convention = ConventionFactory(complete=True, statut=S.EN_COURS, parties=[ville])
    AvenantFactory(convention=convention, signe=True, nouvelle_fin=datetime.date(2029, 6, 30))
    client.force_login(agent)
    response = _transition(client, convention, S.EXPIREE)
    assert messages_de(response) == ["La convention court jusqu'au 30/06/2029."]
    convention.refresh_from_db()
    assert convention.statut == S.EN_COURS


@pytest.mark.parametrize("statut", [S.SIGNEE, S.EN_COURS])
def test_only_the_responsable_terminates(client, agent, ville, statut):
    convention = ConventionFactory(complete=True, statut=statut, parties=[ville])
    client.force_login(agent)
    response = _transition(client, convention, S.RESILIEE, "Manquements graves")
    assert messages_de(response) == ["« Résilier » est réservé à la responsable de service."]
    convention.refresh_from_db()
    assert (convention.statut, convention.motif_fin) == (statut, "")


def test_termination_requires_a_reason_which_is_stored(client, responsable, ville):
    convention = ConventionFactory(complete=True, statut=S.EN_COURS, parties=[ville])
    client.force_login(responsable)
    response = _transition(client, convention, S.RESILIEE, "   ")
    assert messages_de(response) == ["Indiquez le motif."]
    convention.refresh_from_db()
    assert convention.statut == S.EN_COURS

    _transition(client, convention, S.RESILIEE, "Cessation d'activité de l'association")
    convention.refresh_from_db()
    assert (convention.statut, convention.motif_fin) == (S.RESILIEE, "Cessation d'activité de l'association")
    page = client.get(convention.get_absolute_url()).content.decode()
    assert "Résilier — Cessation d&#x27;activité de l&#x27;association" in page


# --- CPO-5 on the convention itself ----------------------------------------------------------


def test_cpo_5_the_form_no_longer_changes_object_dates_or_clauses_once_approved(client, agent, ville):
    convention = ConventionFactory(complete=True, statut=S.APPROUVEE, parties=[ville])
    client.force_login(agent)
    response = client.post(
        reverse("conventions:modifier", args=[convention.pk]),
        {
            "version_vue": convention.version,
            "type": "partenariat",
            "centre": convention.centre.pk,
            "objet": "Autre objet",
            "debut": "2025-01-01",
            "fin": "2026-12-31",
        },
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert (convention.type, convention.objet, convention.fin) == (
        Convention.Type.CPOM,
        "Projet social du centre",
        datetime.date(2028, 12, 31),
    )
    assert not convention.clauses_manquantes()
    form = ConventionForm(instance=convention)
    assert form.fields["fin"].disabled
    assert (
        form.fields["fin"].help_text
        == "Modifiable par avenant seulement (circulaire du Premier ministre du 29 septembre 2015)."
    )


# --- CPO-4: renewal ---------------------------------------------------------------------------


@pytest.fixture
def a_renouveler(ville, caf):
    convention = ConventionFactory(complete=True, statut=S.EN_COURS, parties=[ville, caf], referent=None)
    convention.parties.update(signataire="Le Maire", date_signature=datetime.date(2024, 12, 15))
    convention.locaux.set([LocalFactory(centre=convention.centre)])
    ObjectifFactory(convention=convention, intitule="Accueillir les familles", indicateur="Familles", unite="familles")
    return convention


def test_cpo_4_renewal_is_refused_without_an_evaluation(client, agent, a_renouveler):
    client.force_login(agent)
    response = client.post(reverse("conventions:renouveler", args=[a_renouveler.pk]))
    assert response["Location"] == a_renouveler.get_absolute_url()
    assert messages_de(response) == [
        "Renouvellement impossible : aucune évaluation n'a été faite au moins 3 mois avant la fin (30/09/2028) : "
        f"le renouvellement suit une évaluation conjointe ({CIRCULAIRE_CPO})."
    ]
    assert Convention.objects.count() == 1


def test_cpo_4_an_evaluation_later_than_3_months_before_the_end_does_not_count(client, agent, a_renouveler):
    EvaluationFactory(convention=a_renouveler, date=datetime.date(2028, 10, 1))
    client.force_login(agent)
    client.post(reverse("conventions:renouveler", args=[a_renouveler.pk]))
    assert Convention.objects.count() == 1
    response = client.get(a_renouveler.get_absolute_url())
    assert (response.context["renouvelable"], response.context["limite_evaluation"]) == (
        False,
        datetime.date(2028, 9, 30),
    )
    assert "condition non remplie" in response.content.decode()


def test_cpo_4_renewal_copies_parties_without_signatures_objectives_and_premises(client, agent, a_renouveler):
    EvaluationFactory(convention=a_renouveler, date=datetime.date(2028, 9, 30))
    client.force_login(agent)
    response = client.post(reverse("conventions:renouveler", args=[a_renouveler.pk]))
    suivante = Convention.objects.exclude(pk=a_renouveler.pk).get()
    assert response["Location"] == suivante.get_absolute_url()
    assert messages_de(response) == ["Le projet de convention suivante a été créé."]
    assert (suivante.statut, suivante.type, suivante.debut, suivante.fin, suivante.duree_mois) == (
        S.BROUILLON,
        Convention.Type.CPOM,
        datetime.date(2029, 1, 1),
        datetime.date(2032, 12, 31),
        48,
    )
    assert suivante.referent == agent
    assert [(p.organisation, p.signataire, p.date_signature) for p in suivante.parties.all()] == [
        (p.organisation, "Le Maire", None) for p in a_renouveler.parties.all()
    ]
    assert [(o.intitule, o.indicateur, o.unite) for o in suivante.objectifs.all()] == [
        ("Accueillir les familles", "Familles", "familles")
    ]
    assert list(suivante.locaux.all()) == list(a_renouveler.locaux.all())
    # The new text goes through the legal review again: no clause ticked, no visa.
    assert suivante.clauses_manquantes() == list(Convention.CLAUSES.values())
    assert suivante.juridique_visa is None


def test_cpo_4_a_convention_is_renewed_only_once(client, agent, a_renouveler):
    EvaluationFactory(convention=a_renouveler, date=datetime.date(2028, 9, 30))
    client.force_login(agent)
    client.post(reverse("conventions:renouveler", args=[a_renouveler.pk]))
    response = client.post(reverse("conventions:renouveler", args=[a_renouveler.pk]))
    assert (
        messages_de(response)[-1] == "Cette convention a déjà une suivante : ouvrez-la plutôt que d'en créer une autre."
    )
    assert Convention.objects.count() == 2


def test_cpo_4_renewing_a_convention_extended_by_avenant_follows_the_new_end(agent, a_renouveler):
    AvenantFactory(
        convention=a_renouveler, signe=True, nouvelle_fin=datetime.date(2029, 6, 30), nouvel_objet="Projet social 2"
    )
    with pytest.raises(ValidationError) as erreur:
        services.renouveler(convention=a_renouveler, par=agent)
    assert (
        "au moins 3 mois avant la fin (30/03/2029) : le renouvellement suit une évaluation" in erreur.value.messages[0]
    )
    EvaluationFactory(convention=a_renouveler, date=datetime.date(2029, 1, 15))  # after 30/09/2028, the first limit

    suivante = services.renouveler(convention=a_renouveler, par=agent)

    assert (suivante.debut, suivante.fin, suivante.duree_mois, suivante.objet) == (
        datetime.date(2029, 7, 1),
        datetime.date(2033, 6, 30),
        48,
        "Projet social 2",
    )


# --- SUB-11 and the beneficiary's identifier for in-kind aid ----------------------------------------


def _approuver(convention, responsable):
    return services.changer_statut(convention=convention, vers=S.APPROUVEE, par=responsable)


def test_sub_11_premises_lent_are_aid_that_needs_the_signed_cer(en_revue, responsable):
    en_revue.locaux.add(LocalFactory(centre=en_revue.centre))
    with pytest.raises(ValidationError, match="contrat d'engagement républicain signé"):
        _approuver(en_revue, responsable)
    DocumentFactory(centre=en_revue.centre, type=Document.Type.CER, valide_du=datetime.date(2022, 1, 2))
    assert _approuver(en_revue, responsable).statut == S.APPROUVEE


def test_sub_11_a_convention_without_in_kind_aid_does_not_ask_for_it_here(en_revue, responsable):
    """Cash grants check the CER when they are validated (subventions)."""
    assert _approuver(en_revue, responsable).statut == S.APPROUVEE


@pytest.mark.parametrize(
    ("siret", "rna", "valide"),
    [("", "", False), ("", "W591234567", True), ("21590512800017", "", True), ("12345678901234", "W59", False)],
)
def test_in_kind_aid_needs_the_beneficiary_s_siret_or_rna(en_revue, responsable, siret, rna, valide):
    en_revue.locaux.add(LocalFactory(centre=en_revue.centre))
    DocumentFactory(centre=en_revue.centre, type=Document.Type.CER, valide_du=datetime.date(2022, 1, 2))
    Centre.objects.filter(pk=en_revue.centre_id).update(siret=siret, rna=rna)
    if valide:
        assert _approuver(en_revue, responsable).statut == S.APPROUVEE
    else:
        with pytest.raises(ValidationError, match="ni SIRET ni numéro RNA valide"):
            _approuver(en_revue, responsable)
