"""The demo of the Espace Linné's yearly evaluation (seed_demo on the demo's day): the responsable's draft
of the year, and the figures the evaluation reads from the demo's bookings (LOC-2's in-kind aid as
linne.aides_en_nature gives it)."""

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from comptes.models import User
from linne import aides_en_nature, evaluation
from linne.models import Evaluation, Reservation

from ..pages_demo import jour_de_la_demo
from ..partage import donnees_partagees

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(jour_de_la_demo())]
ANNEE = jour_de_la_demo().year


@donnees_partagees
def demo_linne():
    """The demo built on its pinned day."""
    with time_machine.travel(jour_de_la_demo(), tick=False), override_settings(DEVELOPPEMENT=True):
        call_command("seed_demo", verbosity=0)


def test_the_demo_has_the_responsable_s_draft_of_the_year(demo_linne, client):
    brouillon = Evaluation.objects.get(annee=ANNEE)
    assert brouillon.modifiee_par.username == "responsable"
    assert "Brouillon à compléter" in brouillon.bilan and brouillon.perspectives
    client.force_login(User.objects.get(username="elu"))
    page = client.get(reverse("linne:evaluation"), {"annee": ANNEE}).content.decode()
    assert "Brouillon à compléter" in page


def test_loc_2_the_demo_s_evaluation_counts_the_in_kind_aid_of_linne_aides_en_nature(demo_linne):
    contenu = evaluation.contenu(ANNEE, jour=jour_de_la_demo().date())
    lue = aides_en_nature.par_organisation(Reservation.objects.values("organisation"), [ANNEE])
    assert contenu.aide_totale == sum(par_annee[ANNEE] for par_annee in lue.values()) > 0
    assert {aide.organisation_id for aide in contenu.aides} == set(lue)
    objets = [evenement.objet for evenement in contenu.evenements]
    assert "Concert de Noël de la chorale" in objets
