"""The Cellule de veille's signals on the demo data: the governance scenarios of centres/demo.py show as
the signals they stand for, and all the centres cost the queries of one."""

import pytest

from centres import demo as scenarios
from centres.models import Centre, Direction
from pilotage.models import Niveau
from pilotage.signaux import ORANGE, ROUGE, VERT, evaluer_centres

from ..requetes import requetes_de

pytestmark = pytest.mark.django_db


def _par_rang(demo):
    """{rank in the block of ten: the centre's Evaluation}, the centres in the demo's order."""
    centres = list(Centre.objects.filter(nom__contains="fictif").order_by("pk"))
    evaluations = evaluer_centres(centres, demo)
    return {index % 10: evaluations[c.pk] for index, c in reversed(list(enumerate(centres)))}


def test_every_demo_centre_has_its_directors(demo):
    assert set(Direction.objects.values_list("centre", flat=True)) == set(Centre.objects.values_list("pk", flat=True))
    assert Centre.objects.filter(ca_minimum_statutaire__isnull=True).count() == 0


def test_the_governance_scenarios_of_the_demo_show_as_signals(demo):
    par_rang = _par_rang(demo)
    assert par_rang[scenarios.DIRECTION_VACANTE].signal("DIRECTION_VACANTE").couleur == ROUGE
    assert par_rang[scenarios.ROTATION_DIRECTION].signal("ROTATION_DIRECTION").couleur == ORANGE
    assert par_rang[scenarios.ROTATION_DIRECTION].signal("DIRECTION_VACANTE").couleur == VERT
    assert par_rang[scenarios.PRESIDENCE_VACANTE].signal("PRESIDENCE_VACANTE").couleur == ORANGE
    assert par_rang[scenarios.PRESIDENCE_VACANTE].signal("CA_MINIMUM").couleur == ORANGE
    assert par_rang[scenarios.RESERVES_COMMISSAIRE].signal("AVIS_COMMISSAIRE").couleur == ROUGE
    difficile = par_rang[scenarios.EN_DIFFICULTE]
    assert difficile.signal("PROCEDURE_ALERTE").couleur == ROUGE
    assert difficile.niveau_propose == Niveau.CRITIQUE
    calmes = [r for r in range(10) if r not in (scenarios.DIRECTION_VACANTE, scenarios.ROTATION_DIRECTION)]
    assert {par_rang[r].signal("ROTATION_DIRECTION").couleur for r in calmes} == {VERT}


def test_every_demo_centre_costs_the_queries_of_one(demo):
    tous = requetes_de(lambda: evaluer_centres(Centre.objects.order_by("pk"), demo))
    assert tous == requetes_de(lambda: evaluer_centres(Centre.objects.order_by("pk")[:1], demo)) == 7
