"""The home pages show the first rows of each section, their total and the link to the whole list
(issue 13); « Toutes les échéances » is that list for the deadlines, paginated, filtered and exported."""

import datetime

import pytest
from django.urls import reverse

from roubaix_cs.listes import APERCU

from ..factories import AgrementFactory, CentreFactory, DocumentFactory
from ..requetes import garde

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.date(2026, 11, 29))]
JOUR = datetime.date(2026, 11, 29)
SUIVIS = APERCU + 2  # more than a section shows
PAR_CENTRE = 3


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


def test_the_agent_s_deadlines_show_the_first_ones_their_total_and_the_full_list(client, agent):
    _centres_finissant(SUIVIS, referent=agent)
    _centres_finissant(1)  # the service's
    client.force_login(agent)
    response = client.get(reverse("accueil"))
    page = response.content.decode()
    mes_echeances = response.context["mes_echeances"]
    assert len(mes_echeances.items) == APERCU and mes_echeances.total == PAR_CENTRE * SUIVIS
    assert page.split('id="mes-echeances"', 1)[1].split("</ul>", 1)[0].count("<li") == APERCU
    assert f"{APERCU} sur {PAR_CENTRE * SUIVIS} échéances" in page
    assert _total(client, _lien(page, "mes-echeances")) == PAR_CENTRE * SUIVIS
    assert _total(client, _lien(page, "echeances-service")) == PAR_CENTRE
    assert f"{PAR_CENTRE} échéances" in page


def test_each_kind_of_deadline_links_to_exactly_those(client, agent):
    _centres_finissant(SUIVIS, referent=agent)
    DocumentFactory(centre=CentreFactory(referent=agent), valide_au=JOUR + datetime.timedelta(days=10))
    client.force_login(agent)
    response = client.get(reverse("accueil"))
    types = {t.kind: t for t in response.context["mes_echeances_par_type"]}
    assert {kind: t.total for kind, t in types.items()} == {
        "agrement_renouvellement": SUIVIS,
        "agrement_fin": SUIVIS,
        "ag_non_tenue": SUIVIS + 1,
        "document_expiration": 1,
    }
    for t in types.values():
        assert f'href="{t.url.replace("&", "&amp;")}"' in response.content.decode()
        liste = client.get(t.url)
        assert liste.context["page"].paginator.count == t.total
        assert {d.kind for d, _ in liste.context["page"]} == {t.kind}


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


def test_an_elected_official_s_sections_show_the_first_ones_and_link_to_the_filtered_list(client, elu):
    _centres_finissant(SUIVIS)
    CentreFactory(statut="ferme")
    CentreFactory()  # no agrément ending
    client.force_login(elu)
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
    assert f"{2 * PAR_CENTRE} échéances" in page and " sur " not in page


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
