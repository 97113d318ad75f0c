"""The home pages show the first rows of each section, their total and the link to the whole list
(issue 13); « Toutes les échéances » is that list for the deadlines, paginated, filtered and exported."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from pilotage.models import ExecutionAlertes
from pilotage.tasks import alertes_du_jour
from roubaix_cs.listes import APERCU

from ..factories import AgrementFactory, CentreFactory, DocumentFactory
from ..requetes import garde

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.date(2026, 11, 29))]
JOUR = datetime.date(2026, 11, 29)
SUIVIS = APERCU + 2  # more than a section shows
PAR_CENTRE = 3
ALERTES_PAR_CENTRE = 2  # those already reached: the step M-3 and the AG not held
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _centres_finissant(n, **champs):
    """n centres whose agrément ends in 60 days: each has PAR_CENTRE deadlines within the home page's
    120 days (the step M-3, already due, the end, and the general assembly of 2025 not held)."""
    centres = [CentreFactory(**champs) for _ in range(n)]
    for centre in centres:
        AgrementFactory(centre=centre, debut=datetime.date(2023, 1, 1), fin=JOUR + datetime.timedelta(days=60))
    return centres


def _lien(page, ident):
    return page.split(f'id="total-{ident}"', 1)[1].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def _total(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_the_agent_s_alerts_show_the_first_ones_their_total_and_the_full_list(client, agent):
    _centres_finissant(SUIVIS, referent=agent)
    _centres_finissant(1)  # the service's: its alerts go to the responsable
    client.force_login(agent)
    response = client.get(reverse("accueil"))
    page = response.content.decode()
    mes_alertes = response.context["mes_alertes"]
    assert len(mes_alertes.items) == APERCU and mes_alertes.total == ALERTES_PAR_CENTRE * SUIVIS
    assert page.split('id="mes-alertes"', 1)[1].split("</ul>", 1)[0].count("<li") == APERCU
    assert f"{APERCU} sur {ALERTES_PAR_CENTRE * SUIVIS} alertes" in page
    assert _total(client, _lien(page, "mes-alertes")) == ALERTES_PAR_CENTRE * SUIVIS


def test_each_kind_of_alert_links_to_exactly_those(client, agent):
    _centres_finissant(SUIVIS, referent=agent)
    DocumentFactory(centre=CentreFactory(referent=agent), valide_au=JOUR + datetime.timedelta(days=10))
    client.force_login(agent)
    response = client.get(reverse("accueil"))
    types = {t.kind: t for t in response.context["mes_alertes_par_type"]}
    assert {kind: t.total for kind, t in types.items()} == {
        "agrement_renouvellement": SUIVIS,  # M-3 reached; the end, in 60 days, does not alert yet
        "ag_non_tenue": SUIVIS + 1,
        "document_expiration": 1,
    }
    for t in types.values():
        assert f'href="{t.url.replace("&", "&amp;")}"' in response.content.decode()
        liste = client.get(t.url)
        assert liste.context["page"].paginator.count == t.total
        assert {a.kind for a in liste.context["page"]} == {t.kind}


def test_a_read_alert_leaves_the_home_page(client, agent):
    _centres_finissant(2, referent=agent)
    client.force_login(agent)
    premiere = client.get(reverse("accueil")).context["mes_alertes"].items[0]
    client.post(reverse("pilotage:alertes"), {"alertes": [premiere.pk]})
    mes_alertes = client.get(reverse("accueil")).context["mes_alertes"]
    assert mes_alertes.total == 2 * ALERTES_PAR_CENTRE - 1 and premiere not in mes_alertes.items


def test_without_a_scheduler_the_home_page_brings_the_alerts_up_to_date_once_a_day(client, agent):
    _centres_finissant(2, referent=agent)
    client.force_login(agent)
    assert client.get(reverse("accueil")).context["mes_alertes"].total == 2 * ALERTES_PAR_CENTRE
    assert ExecutionAlertes.objects.get().jour == JOUR
    _centres_finissant(1, referent=agent)  # later the same day: the alert centre shows them, the home page tomorrow
    assert client.get(reverse("accueil")).context["mes_alertes"].total == 2 * ALERTES_PAR_CENTRE
    client.get(reverse("pilotage:alertes"))
    assert client.get(reverse("accueil")).context["mes_alertes"].total == 3 * ALERTES_PAR_CENTRE


def test_with_a_scheduler_the_home_page_only_reads_the_alerts_and_says_when_they_were_computed(client, agent, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _centres_finissant(2, referent=agent)
    client.force_login(agent)
    response = client.get(reverse("accueil"))
    assert response.context["mes_alertes"].total == 0
    assert "Les alertes n'ont pas encore été calculées." in response.content.decode()
    with time_machine.travel(datetime.datetime(2026, 11, 29, 6, 30, tzinfo=PARIS), tick=False):
        alertes_du_jour()
    response = client.get(reverse("accueil"))
    assert response.context["mes_alertes"].total == 2 * ALERTES_PAR_CENTRE
    assert "Alertes mises à jour le 29/11/2026 à 06:30." in response.content.decode()


def test_the_team_s_centres_show_the_first_ones_and_link_to_the_filtered_list(client, agent):
    CentreFactory.create_batch(SUIVIS, referent=agent)
    CentreFactory.create_batch(SUIVIS)
    CentreFactory(statut="ferme")  # without a referent, but closed: not asked for
    client.force_login(agent)
    response = client.get(reverse("accueil"))
    page = response.content.decode()
    for cle, ident in (("mes_centres", "mes-centres"), ("sans_referent", "sans-referent")):
        assert len(response.context[cle].items) == APERCU and response.context[cle].total == SUIVIS
        assert _total(client, _lien(page, ident)) == SUIVIS
    assert page.count(f"{APERCU} sur {SUIVIS} centres") == 2


def test_a_reader_s_sections_show_the_first_ones_and_link_to_the_filtered_list(client, regisseur):
    _centres_finissant(SUIVIS)
    CentreFactory(statut="ferme")
    CentreFactory()  # no agrément ending
    client.force_login(regisseur)
    response = client.get(reverse("accueil"))
    page = response.content.decode()
    for cle, ident, total in (("centres", "centres", SUIVIS + 1), ("fin_proche", "fin-proche", SUIVIS)):
        assert len(response.context[cle].items) == APERCU and response.context[cle].total == total
        assert f"{APERCU} sur {total} centres" in page
        assert _total(client, _lien(page, ident)) == total


def test_a_short_section_says_its_total_without_truncating(client, agent):
    _centres_finissant(2, referent=agent)
    client.force_login(agent)
    page = client.get(reverse("accueil")).content.decode()
    assert f"{2 * ALERTES_PAR_CENTRE} alertes" in page and " sur " not in page


def test_the_full_list_is_paginated_and_filtered(client, agent):
    _centres_finissant(20, referent=agent)
    _centres_finissant(3)
    client.force_login(agent)
    url = reverse("pilotage:echeances")
    assert _total(client, url) == 23 * PAR_CENTRE
    assert len(client.get(url).context["page"]) == 25
    assert _total(client, url + "?portee=service") == 3 * PAR_CENTRE
    assert _total(client, url + "?portee=service&type=agrement_fin") == 3
    assert _total(client, url + "?jours=30") == 23 * 2  # M-3 and the AG, already due; not the ends, in 60 days
    assert "Sélectionnez un choix valide" in client.get(url + "?type=inconnu").content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_full_list_is_exported_as_filtered(client, agent, fmt):
    _centres_finissant(3, referent=agent)
    _centres_finissant(1)
    client.force_login(agent)
    response = client.get(reverse("pilotage:echeances_export", kwargs={"fmt": fmt}), {"portee": "mes_centres"})
    assert response.status_code == 200
    if fmt == "csv":
        lignes = response.content.decode("utf-8-sig").strip().splitlines()
        assert len(lignes) == 1 + 3 * PAR_CENTRE
        assert "Fin d'agrément" in response.content.decode("utf-8-sig")


def test_the_full_list_queries_do_not_grow_with_the_data(client, agent):
    client.force_login(agent)
    garde(client, "pilotage:echeances agent", reverse("pilotage:echeances"), lambda n: _centres_finissant(n))
