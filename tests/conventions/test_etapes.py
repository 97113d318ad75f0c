"""The « Étape suivante » panel of a convention's page: the expected step of each status is its one primary
button (conventions.services.TRANSITIONS), « Résilier » a secondary decision asking for its reason once
chosen, a step that may not be taken shows why (every party's signature, DEL-6) or who takes it."""

import datetime

import pytest

from conventions import services
from conventions.models import Convention

from ..etapes import panneau
from ..factories import ConventionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 1, 10, 0))]
S = Convention.Statut

ATTENDUES = {
    S.BROUILLON: ("Envoyer au service juridique", []),
    S.REVUE_JURIDIQUE: ("Approuver pour signature", ["Reprendre le projet"]),
    S.DELIBEREE: ("Constater la signature de toutes les parties", []),
    S.SIGNEE: ("Mettre en exécution", ["Résilier"]),
    S.EN_COURS: ("Constater l'expiration", ["Résilier"]),
}


@pytest.mark.parametrize("statut", list(ATTENDUES))
def test_the_primary_button_is_the_expected_step_of_each_status(client, responsable, ville, statut):
    convention = ConventionFactory(complete=True, statut=statut, parties=[ville])
    client.force_login(responsable)
    etapes = panneau(client.get(convention.get_absolute_url()))
    attendue, autres = ATTENDUES[statut]
    assert [libelle for libelle, _ in etapes.primaires] == [attendue]
    assert services.CIRCUIT.principale(statut).libelle == attendue
    assert etapes.secondaires == autres
    assert etapes.champs_visibles == []  # a reason is asked once a decision is chosen


def test_an_approved_convention_waits_for_the_council(client, agent, ville):
    convention = ConventionFactory(complete=True, statut=S.APPROUVEE, parties=[ville])
    client.force_login(agent)
    etapes = panneau(client.get(convention.get_absolute_url()))
    assert etapes.primaires == []
    assert "enregistrée depuis la page de la délibération" in etapes.text()


def test_a_final_status_has_no_panel(client, responsable, ville):
    convention = ConventionFactory(complete=True, statut=S.EXPIREE, parties=[ville])
    client.force_login(responsable)
    assert panneau(client.get(convention.get_absolute_url())) is None


def test_del_6_the_signature_shows_who_has_not_signed_and_the_deliberation_not_yet_executoire(
    client, agent, ville, caf
):
    convention = ConventionFactory(complete=True, statut=S.DELIBEREE, parties=[ville, caf])
    client.force_login(agent)
    etapes = panneau(client.get(convention.get_absolute_url()))
    assert etapes.primaires == [("Constater la signature de toutes les parties", True)]
    raisons = etapes.raisons(S.SIGNEE)
    assert f"{ville} n'a pas encore signé." in raisons and f"{caf} n'a pas encore signé." in raisons
    assert any(r.startswith("La délibération n'est pas encore exécutoire") for r in raisons)


def test_an_agent_sees_termination_reserved_to_the_responsable(client, agent, ville):
    convention = ConventionFactory(complete=True, statut=S.SIGNEE, parties=[ville])
    client.force_login(agent)
    etapes = panneau(client.get(convention.get_absolute_url()))
    assert etapes.secondaires == []
    assert etapes.reservees == "Réservé à la responsable de service : « Résilier »."


def test_termination_asks_for_its_reason_inside_its_own_decision(client, responsable, ville):
    convention = ConventionFactory(complete=True, statut=S.EN_COURS, parties=[ville])
    client.force_login(responsable)
    etapes = panneau(client.get(convention.get_absolute_url()))
    (details,) = etapes.section.trouver("details", classe="etape-secondaire")
    (motif,) = details.trouver("textarea")
    assert motif.attrs["id"] == "commentaire-resiliee" and "required" in motif.attrs
    assert [b.text() for b in details.trouver("button")] == ["Résilier"]
