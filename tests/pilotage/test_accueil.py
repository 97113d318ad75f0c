"""The home page of each role, on the demo data with the date pinned: its own to-dos with the counts
the demo scenario implies (written in a_faire_demo.py, not recomputed), each link listing that many rows; then its
deadlines, its own centres' first."""

import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from comptes.models import User
from pilotage.demo import LUES_PAR_LA_RESPONSABLE
from pilotage.models import Alerte

from ..partage import donnees_partagees
from .a_faire_demo import A_FAIRE, JOUR
from .test_alertes_demo import DESTINATAIRES_DEMO

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(JOUR)]


@donnees_partagees
def demo_du_jour():
    with time_machine.travel(JOUR, tick=False), override_settings(DEVELOPPEMENT=True):
        call_command("seed_demo", verbosity=0)
    return {
        u.username: u for u in User.objects.filter(username__in=["responsable", "agent", "regisseur", "elu", "caf"])
    }


def _a_faire(page):
    """{label: (count, url)} of the « À faire » list."""
    bloc = page.split('id="a-faire"', 1)[1].split("</ul>", 1)[0]
    lignes = re.findall(
        r'<a href="([^"]+)" data-todo="[^"]+">([^<]+?)\s*(?:<span[^>]*>[^<]*</span>)?</a>\s*<span[^>]*>(\d+)</span>',
        bloc,
    )
    return {label.strip(): (int(n), url.replace("&amp;", "&")) for url, label, n in lignes}


@pytest.mark.parametrize("persona", ["responsable", "agent", "regisseur"])
def test_each_team_member_finds_its_own_to_dos_with_their_counts(client, demo_du_jour, persona):
    client.force_login(demo_du_jour[persona])
    a_faire = _a_faire(client.get("/").content.decode())
    assert {label: n for label, (n, _) in a_faire.items()} == A_FAIRE[persona]


@pytest.mark.parametrize("persona", ["responsable", "agent", "regisseur"])
def test_each_to_do_links_to_a_list_of_that_many_rows(client, demo_du_jour, persona):
    client.force_login(demo_du_jour[persona])
    for label, (n, url) in _a_faire(client.get("/").content.decode()).items():
        liste = client.get(url)
        assert liste.status_code == 200, url
        assert liste.context["page"].paginator.count == n, (label, url)


def test_the_user_s_own_files_come_first(client, demo_du_jour):
    client.force_login(demo_du_jour["agent"])
    page = client.get("/")
    todos = page.context["a_faire"]
    assert [t.mine for t in todos] == sorted((t.mine for t in todos), reverse=True)
    assert all("referent=" in t.url for t in todos if t.mine)


def test_the_team_s_home_page_shows_its_unread_alerts_soonest_first(client, demo_du_jour):
    # The demo's alerts of each (test_alertes_demo), less those the responsable has read (pilotage/demo.py).
    lues = Alerte.objects.filter(user=demo_du_jour["responsable"], kind=LUES_PAR_LA_RESPONSABLE).count()
    assert lues > 0
    attendues = {"responsable": DESTINATAIRES_DEMO["responsable"] - lues, "agent": DESTINATAIRES_DEMO["agent"]}
    for persona, total in attendues.items():
        user = demo_du_jour[persona]
        client.force_login(user)
        mes_alertes = client.get("/").context["mes_alertes"]
        assert mes_alertes.total == total
        assert all(a.user_id == user.pk and a.acknowledged_at is None for a in mes_alertes.items)
        assert [a.due for a in mes_alertes.items] == sorted(a.due for a in mes_alertes.items)  # the overdue first


def test_the_responsable_and_the_agent_do_not_see_the_same_alerts(client, demo_du_jour):
    vus = {}
    for persona in ("responsable", "agent"):
        client.force_login(demo_du_jour[persona])
        vus[persona] = [a.label for a in client.get("/").context["mes_alertes"].items]
    assert vus["responsable"] != vus["agent"]


def test_an_overdue_deadline_says_so(client, demo_du_jour):
    client.force_login(demo_du_jour["responsable"])
    page = client.get("/").content.decode()
    assert "en retard ·" in page


@pytest.mark.parametrize("persona", ["caf"])
def test_other_roles_have_no_to_do_and_their_agrements_are_sorted_by_date(client, demo_du_jour, persona):
    client.force_login(demo_du_jour[persona])
    response = client.get("/")
    assert 'id="a-faire"' not in response.content.decode()
    fins = [c.fin_agrement for c in response.context["fin_proche"].items]
    assert fins == sorted(fins)


def test_the_elu_lands_on_the_dashboard_of_the_demo_year(client, demo_du_jour):
    client.force_login(demo_du_jour["elu"])
    response = client.get("/")
    assert 'id="a-faire"' not in response.content.decode()
    chiffres = response.context["chiffres"]
    assert chiffres.annee == 2026
    assert chiffres.subventions.total.vote > 0 and chiffres.budget.lignes and chiffres.centres.centres
