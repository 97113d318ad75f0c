"""The « Étape suivante » panel of a deliberation's page (deliberations.services.TRANSITIONS): one primary
button for the expected step, disabled with its reasons when it may not be taken (DEL-1 convocation,
the PDF of its content, the act as voted for DEL-4) or reserved to the responsable."""

import datetime

import pytest
from django.urls import reverse

from comptes.models import Role
from deliberations import permissions, services
from deliberations.models import Deliberation

from ..etapes import panneau
from ..factories import DeliberationFactory, SeanceFactory, UserFactory, VersionPdfFactory

pytestmark = pytest.mark.django_db
S = Deliberation.Statut
PDF = "Générez le PDF de la délibération (à jour de son contenu) avant d'enregistrer le vote."


def test_an_agent_sees_marking_ready_reserved_to_the_responsable(client, agent, responsable):
    deliberation = DeliberationFactory()
    client.force_login(agent)
    etapes = panneau(client.get(deliberation.get_absolute_url()))
    assert etapes.primaires == [("Marquer prête pour la séance", True)]
    assert etapes.texte_de(S.PRETE) == "Réservé à la responsable de service."
    client.force_login(responsable)
    etapes = panneau(client.get(deliberation.get_absolute_url()))
    assert etapes.primaires == [("Marquer prête pour la séance", False)]
    assert etapes.envois == [(None, "Marquer prête pour la séance")]


def test_the_vote_waits_for_the_pdf_and_a_convened_session(client, agent):
    deliberation = DeliberationFactory(statut=S.PRETE, seance=SeanceFactory(date_convocation=None))
    client.force_login(agent)
    etapes = panneau(client.get(deliberation.get_absolute_url()))
    assert etapes.primaires == [("Enregistrer le vote", True)]
    assert etapes.raisons(S.VOTEE) == [
        "La date de convocation de la séance est requise avant tout vote (CGCT L2121-12).",
        PDF,
    ]
    assert reverse("deliberations:voter", args=[deliberation.pk]) not in etapes.section.text()


def test_the_vote_is_a_link_to_its_form_once_possible(client, agent):
    deliberation = DeliberationFactory(statut=S.PRETE)
    VersionPdfFactory(deliberation=deliberation)
    client.force_login(agent)
    response = client.get(deliberation.get_absolute_url())
    etapes = panneau(response)
    assert etapes.primaires == [("Enregistrer le vote", False)]
    (lien,) = etapes.section.trouver("a", classe="btn-primary")
    assert lien.attrs["href"] == reverse("deliberations:voter", args=[deliberation.pk])


def test_del_4_executoire_waits_for_the_act_as_voted(client, agent):
    deliberation = DeliberationFactory(statut=S.VOTEE)
    client.force_login(agent)
    etapes = panneau(client.get(deliberation.get_absolute_url()))
    assert etapes.primaires == [("Rendre exécutoire", True)]
    assert etapes.raisons(S.EXECUTOIRE) == [
        "Le PDF de l'acte tel que voté est en cours de génération : transmettez-le une fois qu'il est prêt."
    ]
    VersionPdfFactory(deliberation=deliberation, votee=True)
    assert panneau(client.get(deliberation.get_absolute_url())).primaires == [("Rendre exécutoire", False)]


def test_the_page_and_the_service_give_the_same_reasons(agent):
    deliberation = DeliberationFactory(statut=S.PRETE)
    assert services.etapes(deliberation, agent).principale.raisons == (PDF,)


def test_an_executoire_deliberation_has_no_next_step(client, agent, elu):
    deliberation = DeliberationFactory(statut=S.EXECUTOIRE, date_executoire=datetime.date(2026, 3, 1))
    client.force_login(agent)
    assert panneau(client.get(deliberation.get_absolute_url())) is None
    client.force_login(elu)
    assert panneau(client.get(DeliberationFactory().get_absolute_url())) is None  # élus read, never act


@pytest.mark.parametrize("statut", list(S))
def test_the_steps_table_agrees_with_the_permissions(statut):
    """The panel (the table) and the views (deliberations.permissions) name the same takers."""
    predicats = {
        S.PRETE: permissions.can_mark_deliberation_ready,
        S.VOTEE: permissions.can_record_vote,
        S.EXECUTOIRE: permissions.can_make_executoire,
    }
    deliberation = DeliberationFactory.build(statut=statut)
    for role in Role:
        user = UserFactory.build(role=role)
        boutons = {t.vers for t in services.CIRCUIT.possibles(deliberation, user)}
        assert boutons == {vers for vers, peut in predicats.items() if peut(user, deliberation)}, role
