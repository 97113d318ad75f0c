"""Two deliberations drafted at the same moment: distinct numbers, and never one grant on both."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conventions.models import Convention
from deliberations import services
from deliberations.models import Deliberation
from subventions.models import DemandeSubvention

from ..factories import ConventionFactory
from ..outils import en_meme_temps
from .conftest import demande_validee


def _rediger(seance, par, demandes):
    return lambda: services.rediger(seance=seance, objet="Subventions de fonctionnement", par=par, demandes=demandes)


@pytest.fixture
def sur_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and concurrent inserts need PostgreSQL.")


@pytest.mark.django_db(transaction=True)
def test_two_drafts_at_the_same_moment_both_get_a_number_of_their_own(sur_postgresql, seance, agent, responsable):
    resultats = en_meme_temps(
        _rediger(seance, agent, [demande_validee()]), _rediger(seance, responsable, [demande_validee()])
    )
    assert all(isinstance(r, Deliberation) for r in resultats.values()), resultats
    assert sorted(Deliberation.objects.values_list("numero", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_one_grant_cannot_be_put_on_two_drafts_made_at_the_same_moment(sur_postgresql, seance, agent, responsable):
    demande = demande_validee()
    resultats = en_meme_temps(_rediger(seance, agent, [demande]), _rediger(seance, responsable, [demande]))
    crees = [r for r in resultats.values() if isinstance(r, Deliberation)]
    refus = [r for r in resultats.values() if isinstance(r, ValidationError)]
    assert (len(crees), len(refus)) == (1, 1), resultats
    assert "n'est pas validée" in " ".join(refus[0].messages)
    assert DemandeSubvention.objects.get(pk=demande.pk).deliberations.count() == 1


@pytest.mark.django_db
def test_a_grant_already_on_a_draft_is_refused_for_another(seance, agent):
    demande = demande_validee()
    premiere = services.rediger(seance=seance, objet="Première", par=agent, demandes=[demande])
    with pytest.raises(ValidationError, match="n'est pas validée"):
        services.rediger(seance=seance, objet="Seconde", par=agent, demandes=[demande])
    assert list(demande.deliberations.all()) == [premiere]


@pytest.mark.django_db
def test_a_convention_already_on_a_draft_is_refused_for_another(seance, agent):
    convention = ConventionFactory(complete=True, statut=Convention.Statut.APPROUVEE)
    premiere = services.rediger(seance=seance, objet="Première", par=agent, conventions=[convention])
    with pytest.raises(ValidationError, match=f"figure déjà sur la délibération n° {premiere.reference}"):
        services.rediger(seance=seance, objet="Seconde", par=agent, conventions=[convention])
