"""The options of seed_demo, each on an empty database: --force, --scale, --si-vide."""

from io import StringIO

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


# Every business table grows with --scale: each app's demo module loops over all the centres, the
# scenarios of the first ten repeated (the shared premises' works, the year's draft deliberation and
# the budget lines do not grow, hence the tolerance).
TABLES_METIER = [
    "centres.Contact",
    "centres.AssembleeGenerale",
    "centres.Visite",
    "centres.Travaux",
    "centres.Document",
    "centres.IndicateursAnnuels",
    "centres.Direction",
    "conventions.Convention",
    "subventions.DemandeSubvention",
    "subventions.Versement",
    "subventions.CompteRenduFinancier",
    "deliberations.Deliberation",
    "pilotage.Action",  # the copils' follow-up of each centre
    # The Cellule de veille: a file per centre in difficulty, its decision, snapshots, cash plan and reads.
    "pilotage.SituationVeille",
    "pilotage.DecisionNiveau",
    "pilotage.InstantaneFinancier",
    "pilotage.LignePlanTresorerie",
    "pilotage.LectureSituation",
    # Espace Linné: a season's series per centre, its occurrences and the dates the closures skip.
    "linne.Serie",
    "linne.Reservation",
    "linne.DateIgnoree",
    "linne.Frequentation",  # the attendance of the bookings ended, which grow with the series
]


def _comptes():
    from django.apps import apps

    return {label: apps.get_model(label).objects.count() for label in TABLES_METIER}


def test_scale_4_grows_every_business_table_and_pays_only_signed_conventions_SUB_3(settings):
    from django.db import transaction

    from subventions.models import Versement

    settings.DEVELOPPEMENT = True
    with transaction.atomic():  # the scale-1 demo, measured then rolled back
        call_command("seed_demo", verbosity=0)
        unite = _comptes()
        transaction.set_rollback(True)
    assert not Centre.objects.exists()
    sortie = StringIO()
    call_command("seed_demo", "--scale", "4", stdout=sortie)  # once crashed: the 11th AG date was 1 June + 11…
    quatre = _comptes()
    for label in TABLES_METIER:
        assert unite[label] > 0, label
        assert quatre[label] >= 3 * unite[label], (label, unite[label], quatre[label])
    # Payments go through the real services: every one is covered by a convention signed by the city.
    assert not Versement.objects.filter(demande__convention=None).exists()
    # What it created and how long each module took are reported.
    texte = sortie.getvalue()
    assert "subventions.demo" in texte and "deliberations.demo" in texte
    assert "subventions.DemandeSubvention : +" in texte
    # Idempotent at any scale: a second run creates nothing.
    call_command("seed_demo", "--scale", "4", verbosity=0)
    assert _comptes() == quatre
