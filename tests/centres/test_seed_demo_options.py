"""The options of seed_demo, each on an empty database: --force, --scale, --si-vide."""

import pytest
from django.core.management import CommandError, call_command

from centres.models import Centre
from comptes.models import User

from ..factories import CentreFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEVELOPPEMENT = False
    with pytest.raises(CommandError, match="mode développement"):
        call_command("seed_demo", verbosity=0)
    call_command("seed_demo", "--force", verbosity=0)
    assert Centre.objects.count() == 11


def test_scale_multiplies_the_network(settings):
    settings.DEVELOPPEMENT = True
    call_command("seed_demo", "--scale", "3", verbosity=0)
    assert Centre.objects.count() == 31


def test_si_vide_leaves_an_existing_database_alone(settings):
    settings.DEVELOPPEMENT = True
    CentreFactory(nom="Un vrai centre")
    call_command("seed_demo", "--si-vide", verbosity=0)
    assert list(Centre.objects.values_list("nom", flat=True)) == ["Un vrai centre"]
    assert not User.objects.exists()
