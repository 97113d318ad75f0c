"""The demo data of seed_demo, built once for the module (`demo`), read by every test here."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from centres.models import Agrement, Centre, Contact
from comptes.models import Role, User
from roubaix_cs.validators import valider_siret

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "responsable": Role.RESPONSABLE,
    "agent": Role.AGENT,
    "regisseur": Role.REGISSEUR,
    "regisseur2": Role.REGISSEUR,  # the three régisseurs of Espace Linné share its rota (linne/demo_planning.py)
    "regisseur3": Role.REGISSEUR,
    "elu": Role.ELU,
    "caf": Role.PARTENAIRE,
    "departement": Role.PARTENAIRE,
}


def _snapshot():
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models()} | {
        "versions": list(Centre.objects.values_list("version", flat=True))
    }


def test_it_creates_a_fictional_network_with_every_account(demo):
    assert Centre.objects.filter(statut=Centre.Statut.ACTIF).count() == 10
    assert Centre.objects.filter(statut=Centre.Statut.PREFIGURATION).count() == 1
    assert all("fictif" in nom for nom in Centre.objects.values_list("nom", flat=True))
    assert {u.username: u.role for u in User.objects.all()} == ACCOUNTS
    for siret in Centre.objects.exclude(siret="").values_list("siret", flat=True):
        valider_siret(siret)
    assert Agrement.objects.filter(type=Agrement.Type.ACF).exists()
    assert Contact.objects.filter(qualite=Contact.Qualite.DIRECTEUR).count() == 10


def test_every_agrement_respects_avs_1_and_avs_2(demo):
    for agrement in Agrement.objects.all():
        agrement.full_clean()


def test_it_has_agrements_ending_soon_and_one_expired(demo):
    from django.utils import timezone

    today = timezone.localdate()
    agc = Agrement.objects.filter(type=Agrement.Type.AGC, statut=Agrement.Statut.ACCORDE)
    assert agc.filter(fin__lt=today).count() == 1
    assert agc.filter(fin__gte=today, fin__lte=today.replace(year=today.year + 1)).count() >= 2


def test_a_second_run_changes_nothing(demo, settings):
    settings.DEVELOPPEMENT = True
    before = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == before


@pytest.mark.parametrize(("username", "status"), [(name, 200) for name in ACCOUNTS])
def test_each_demo_account_logs_in_and_lands_on_its_home_page(client, demo, username, status):
    response = client.post(reverse("comptes:login"), {"username": username, "password": "demo"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accueil")
    assert response.status_code == status
    assert response.context["user"].username == username


def test_the_departement_reads_only_the_centres_it_partners(client, demo):
    client.force_login(User.objects.get(username="departement"))
    visibles = Centre.objects.visibles_par(User.objects.get(username="departement"))
    assert 0 < visibles.count() < Centre.objects.count()
    hors = Centre.objects.exclude(pk__in=visibles).first()
    assert client.get(reverse("centres:detail", args=[hors.pk])).status_code == 404


def test_the_follow_up_of_the_centres_is_seeded(demo):
    from django.utils import timezone

    from centres.models import ActionSuivi, Document, Local, Travaux, Visite, exercices_sans_ag

    today = timezone.localdate()
    assert len(exercices_sans_ag(Centre.objects.all(), today)) == 1  # one AG missing
    controles = [v.controle_encadrement() for v in Visite.objects.filter(type=Visite.Type.ACM)]
    assert [c.conforme for c in controles].count(False) == 1  # one ACM failing its staffing check
    assert ActionSuivi.objects.ouvertes().exists()
    assert ActionSuivi.objects.exclude(pk__in=ActionSuivi.objects.ouvertes()).exists()
    assert Local.objects.filter(centre__isnull=True, nom="Espace Linné").exists()
    assert set(Local.objects.values_list("centre", flat=True)) >= set(Centre.objects.values_list("pk", flat=True))
    assert Travaux.objects.filter(phase=Travaux.Phase.TRAVAUX).count() == 2
    assert Travaux.objects.en_cours().filter(fin_prevue__lt=today, fin_reelle__isnull=True).count() == 1  # overdue
    assert [d.expire(today) for d in Document.objects.all()].count(True) == 1
    for document in Document.objects.all():
        with document.fichier.open("rb") as fichier:
            assert fichier.read(5) == b"%PDF-"
