"""The « Étape suivante » panel of a grant's page: the expected step is its one primary button (declared
in subventions.services.TRANSITIONS), the other decisions are secondary and ask for their reason only
once chosen, a step that may not be taken shows why (SUB-11, SUB-15 checks) or who takes it."""

import datetime
import re

import pytest

from roubaix_cs.workflow import Circuit, Transition
from subventions import services
from subventions.models import DemandeSubvention

from ..etapes import panneau
from ..factories import DemandeFactory
from ..outils import contenu
from .outils_demandes import cer, transition

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 1, 10, 0))]
S = DemandeSubvention.Statut


def _demande(statut):
    """A grant in `statut` whose expected step may be taken: proposed amount, line, note, CER."""
    demande = DemandeFactory(proposee=True, statut=statut)
    cer(demande.centre)
    return demande


# The expected next step of each status, as the responsable (who may take every step) sees it.
ATTENDUES = {
    S.RECUE: "Mettre en instruction",
    S.INSTRUCTION: "Proposer",
    S.PROPOSEE: "Valider la proposition",
    S.VALIDEE: "Inscrire à une délibération",  # the deliberation's form: the council's vote follows
    S.DELIBERATION: None,  # the council votes it: nothing to do from the grant's page
    S.VOTEE: "Notifier au centre",
    S.AJOURNEE: "Reprendre l'instruction",
}


@pytest.mark.parametrize("statut", list(ATTENDUES))
def test_the_primary_button_is_the_expected_step_of_each_status(client, responsable, statut):
    client.force_login(responsable)
    etapes = panneau(client.get(_demande(statut).get_absolute_url()))
    attendue = ATTENDUES[statut]
    assert etapes.primaires == ([(attendue, False)] if attendue else [])
    principale = services.CIRCUIT.principale(statut)
    if not principale.par_service:
        assert principale.libelle == attendue  # declared in the table, not in the template
        assert (statut, attendue) not in [(statut, libelle) for libelle in etapes.secondaires]


def test_a_step_taken_by_the_council_says_where_it_happens(client, agent):
    client.force_login(agent)
    etapes = panneau(client.get(_demande(S.DELIBERATION).get_absolute_url()))
    assert "« Votée par le conseil municipal », enregistrée depuis la page de la délibération" in etapes.text()


@pytest.mark.parametrize("statut", [S.NOTIFIEE, S.PAYEE, S.REJETEE, S.RETIREE])
def test_a_final_status_has_no_panel(client, responsable, statut):
    client.force_login(responsable)
    assert panneau(client.get(_demande(statut).get_absolute_url())) is None


def test_every_status_but_the_final_ones_declares_one_expected_step():
    for statut in ATTENDUES:
        assert services.CIRCUIT.principale(statut) is not None, statut
    with pytest.raises(AssertionError, match="Plus d'une étape principale"):
        Circuit(
            [
                Transition((S.RECUE,), S.INSTRUCTION, "A", frozenset(), principale=True),
                Transition((S.RECUE,), S.RETIREE, "B", frozenset(), principale=True),
            ],
            S,
            qui=str,
        )


@pytest.mark.parametrize(
    ("statut", "autres"),
    [
        (S.RECUE, ["Rejeter", "Constater le retrait"]),
        (S.INSTRUCTION, ["Rejeter", "Constater le retrait", "Ajourner"]),
        (S.PROPOSEE, ["Reprendre l'instruction", "Rejeter", "Constater le retrait", "Ajourner"]),
        (S.VALIDEE, ["Ajourner"]),
    ],
)
def test_the_other_decisions_show_no_comment_box_until_chosen(client, responsable, statut, autres):
    client.force_login(responsable)
    etapes = panneau(client.get(_demande(statut).get_absolute_url()))
    assert etapes.secondaires == autres
    assert etapes.champs_visibles == []  # each textarea sits in a closed <details>
    for details in etapes.section.trouver("details", classe="etape-secondaire"):
        libelle = details.trouver("summary")[0].text().rstrip("…")
        assert [b.text() for b in details.trouver("button")] == [libelle]  # its own reason, its own button
        assert len(details.trouver("textarea")) == 1


def test_a_reason_is_required_only_by_the_decisions_that_need_one(client, responsable):
    client.force_login(responsable)
    etapes = panneau(client.get(_demande(S.PROPOSEE).get_absolute_url()))
    requis = {t.attrs["id"]: "required" in t.attrs for t in etapes.section.trouver("textarea")}
    assert requis == {
        "commentaire-validee": False,
        "commentaire-instruction": False,
        "commentaire-rejetee": True,
        "commentaire-retiree": True,
        "commentaire-ajournee": True,
    }


def test_a_blocked_step_shows_what_it_is_missing_and_where_to_enter_it(client, agent):
    """Proposing needs an amount and an analysis note: the button is disabled, the reasons listed,
    and « Saisir l'instruction » opens the page where they are entered."""
    demande = DemandeFactory(statut=S.INSTRUCTION)
    client.force_login(agent)
    response = client.get(demande.get_absolute_url())
    etapes = panneau(response)
    assert etapes.primaires == [("Proposer", True)]
    assert etapes.raisons(S.PROPOSEE) == ["Indiquez le montant proposé.", "Rédigez la note d'analyse."]
    assert (S.PROPOSEE, "Proposer") not in etapes.envois
    assert "Saisir l'instruction" in etapes.text()


def test_a_validation_without_cer_shows_the_missing_contract_sub11(client, responsable):
    demande = DemandeFactory(proposee=True)  # no CER in the centre's vault
    client.force_login(responsable)
    etapes = panneau(client.get(demande.get_absolute_url()))
    assert etapes.primaires == [("Valider la proposition", True)]
    raisons = etapes.raisons(S.VALIDEE)
    assert any(r.startswith("Aucun contrat d'engagement républicain signé") for r in raisons), raisons


def test_an_agent_sees_the_validation_reserved_to_the_responsable(client, agent):
    client.force_login(agent)
    etapes = panneau(client.get(_demande(S.PROPOSEE).get_absolute_url()))
    assert etapes.primaires == [("Valider la proposition", True)]
    assert etapes.texte_de(S.VALIDEE) == "Réservé à la responsable de service."
    assert etapes.reservees == "Réservé à la responsable de service : « Rejeter », « Ajourner »."
    assert etapes.secondaires == ["Reprendre l'instruction", "Constater le retrait"]
    assert S.VALIDEE not in [vers for vers, _ in etapes.envois]


def test_the_header_no_longer_reads_recue_recue(client, agent):
    client.force_login(agent)
    page = " ".join(contenu(client.get(DemandeFactory().get_absolute_url())).split())
    assert not re.search(r"reçue\W+reçue", page, re.IGNORECASE)
    assert "date de réception : 15/11/2025" in page


@pytest.mark.parametrize("statut", list(ATTENDUES))
def test_one_label_per_step(client, responsable, statut):
    """« Mettre en instruction » is the one name of that step: no « Instruire » beside it; the instruction
    page is « Saisir l'instruction », offered where the proposal is prepared; a label names one move."""
    client.force_login(responsable)
    response = client.get(_demande(statut).get_absolute_url())
    page = contenu(response)
    etapes = panneau(response)
    assert ">Instruire<" not in page
    assert page.count("Mettre en instruction") == (1 if statut == S.RECUE else 0)
    assert ("Saisir l'instruction" in etapes.text()) == (statut in (S.INSTRUCTION, S.PROPOSEE))
    libelles = [libelle for _, libelle in etapes.envois]
    assert len(libelles) == len(set(libelles))
    vers_de = {}
    for t in services.TRANSITIONS:
        assert vers_de.setdefault(t.libelle, t.vers) == t.vers, t.libelle


def test_a_secondary_decision_is_taken_with_its_reason(client, responsable):
    demande = _demande(S.INSTRUCTION)
    client.force_login(responsable)
    envois = panneau(client.get(demande.get_absolute_url())).envois
    assert (S.REJETEE, "Rejeter") in envois
    response = transition(client, demande, S.REJETEE, "Hors du champ de la politique de la ville")
    demande.refresh_from_db()
    assert demande.statut == S.REJETEE
    assert panneau(response) is None
