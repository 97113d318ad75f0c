"""The data built once per module (tests/partage.py): each test starts from it as built, whatever
the tests before it wrote, and a test that did not ask for it cannot run inside it."""

from types import SimpleNamespace

import pytest

from centres.models import Centre

from .factories import CentreFactory
from .partage import donnees_partagees, refuser_hors_de_ses_donnees

pytestmark = pytest.mark.django_db


@donnees_partagees
def reseau():
    return [CentreFactory() for _ in range(3)]


@pytest.mark.parametrize("rang", range(3))
def test_each_test_starts_from_the_data_as_built_and_may_change_it(reseau, rang):
    assert sorted(Centre.objects.values_list("pk", flat=True)) == sorted(c.pk for c in reseau)
    reseau[rang].delete()  # in the database, and in memory: its pk is now None
    CentreFactory(nom="Ajouté par un test")
    assert Centre.objects.count() == 3


def _test(fixturenames, marker):
    node = SimpleNamespace(nodeid="tests/x.py::test_x", get_closest_marker=lambda name: marker)
    return SimpleNamespace(node=node, fixturenames=fixturenames)


def test_a_database_test_that_did_not_ask_for_the_shared_data_is_stopped(reseau):
    with pytest.raises(pytest.fail.Exception, match=r"without requesting it"):
        refuser_hors_de_ses_donnees(_test(["db"], pytest.mark.django_db.mark))


def test_a_transactional_test_is_stopped_inside_shared_data(reseau):
    marker = pytest.mark.django_db(transaction=True).mark
    with pytest.raises(pytest.fail.Exception, match=r"is transactional"):
        refuser_hors_de_ses_donnees(_test(["reseau", "transactional_db"], marker))


def test_a_test_without_database_access_may_run_beside_it(reseau):
    refuser_hors_de_ses_donnees(_test([], None))
