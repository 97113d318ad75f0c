"""The predicates of each app's permissions.py answer "who may do this?" from the same transition
tables as the buttons, and a refusal names who may."""

import pytest

from comptes.models import Role
from comptes.permissions import EQUIPE, RESPONSABLE_SEULE, qui
from conventions import permissions as conventions_permissions
from conventions.models import Avenant, Convention
from deliberations import permissions as deliberations_permissions
from deliberations.models import Deliberation
from subventions import permissions as subventions_permissions
from subventions.models import DemandeSubvention

from .conventions.factories import AvenantFactory
from .factories import ConventionFactory, DeliberationFactory, DemandeFactory, UserFactory

pytestmark = pytest.mark.django_db
S = DemandeSubvention.Statut
ROLES = [Role.RESPONSABLE, Role.AGENT, Role.REGISSEUR, Role.ELU, Role.PARTENAIRE]


def _qui_peut(predicat, objet):
    return {role for role in ROLES if predicat(UserFactory.build(role=role), objet)}


@pytest.mark.parametrize(
    ("predicat", "statut", "roles"),
    [
        (subventions_permissions.can_validate_demande, S.PROPOSEE, {Role.RESPONSABLE}),
        (subventions_permissions.can_validate_demande, S.INSTRUCTION, set()),
        (subventions_permissions.can_propose_demande, S.INSTRUCTION, {Role.RESPONSABLE, Role.AGENT}),
        (subventions_permissions.can_reject_demande, S.RECUE, {Role.RESPONSABLE}),
        (subventions_permissions.can_adjourn_demande, S.DELIBERATION, {Role.RESPONSABLE}),
        (subventions_permissions.can_put_demande_on_deliberation, S.VALIDEE, {Role.RESPONSABLE, Role.AGENT}),
        (subventions_permissions.can_put_demande_on_deliberation, S.DELIBERATION, set()),
        (subventions_permissions.can_pay_demande, S.VOTEE, {Role.RESPONSABLE, Role.AGENT}),
        (subventions_permissions.can_edit_demande, S.VALIDEE, set()),
        (subventions_permissions.can_read_analysis, S.PROPOSEE, {Role.RESPONSABLE, Role.AGENT}),
    ],
)
def test_who_may_act_on_a_grant_request(predicat, statut, roles):
    assert _qui_peut(predicat, DemandeFactory.build(statut=statut)) == roles


@pytest.mark.parametrize(
    ("predicat", "statut", "roles"),
    [
        (conventions_permissions.can_approve_convention, Convention.Statut.REVUE_JURIDIQUE, {Role.RESPONSABLE}),
        (conventions_permissions.can_approve_convention, Convention.Statut.BROUILLON, set()),
        (conventions_permissions.can_terminate_convention, Convention.Statut.EN_COURS, {Role.RESPONSABLE}),
    ],
)
def test_who_may_act_on_a_convention(predicat, statut, roles):
    assert _qui_peut(predicat, ConventionFactory.build(statut=statut)) == roles


@pytest.mark.parametrize(("statut", "roles"), [(Avenant.Statut.PROJET, set()), (Avenant.Statut.DELIBERE, set(EQUIPE))])
def test_an_avenant_is_signed_by_the_team_once_deliberated(statut, roles):
    assert _qui_peut(conventions_permissions.can_sign_avenant, AvenantFactory.build(statut=statut)) == roles


@pytest.mark.parametrize(
    ("predicat", "statut", "roles"),
    [
        (deliberations_permissions.can_mark_deliberation_ready, Deliberation.Statut.BROUILLON, {Role.RESPONSABLE}),
        (deliberations_permissions.can_mark_deliberation_ready, Deliberation.Statut.PRETE, set()),
        (deliberations_permissions.can_edit_deliberation, Deliberation.Statut.BROUILLON, set(EQUIPE)),
        (deliberations_permissions.can_record_vote, Deliberation.Statut.PRETE, set(EQUIPE)),
        (deliberations_permissions.can_make_executoire, Deliberation.Statut.VOTEE, set(EQUIPE)),
    ],
)
def test_who_may_act_on_a_deliberation(predicat, statut, roles):
    assert _qui_peut(predicat, DeliberationFactory.build(statut=statut)) == roles


def test_a_refusal_names_who_may():
    assert qui(RESPONSABLE_SEULE) == "la responsable de service"
    assert qui(EQUIPE) == "la responsable de service et aux chargé(e)s de dossiers ou de mission"
    assert qui({Role.ELU}) == "élu(e)"
