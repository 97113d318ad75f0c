"""Figures computed once per module (tests/partage.py `calcule_une_fois`): their data is rolled
back as soon as they are known, so the module's tests find an empty database."""

import pytest

from centres.models import Centre

from .factories import CentreFactory
from .partage import calcule_une_fois

pytestmark = pytest.mark.django_db


@calcule_une_fois
def centres_crees():
    CentreFactory.create_batch(2)
    return Centre.objects.count()


def test_the_figures_are_computed_on_their_data_which_then_leaves_no_trace(centres_crees):
    assert centres_crees == 2
    assert not Centre.objects.exists()
