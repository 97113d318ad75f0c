"""Council sessions: DEL-1 notice, lists with filters and export, the session's deliberations."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberations.models import Seance

from ..factories import DeliberationFactory, SeanceFactory

pytestmark = pytest.mark.django_db


def _seance(date, convocation, **autres):
    return {
        "date": date.isoformat(),
        "date_convocation": convocation.isoformat(),
        "lieu": "Hôtel de ville",
        "membres_en_exercice": 53,
        **autres,
    }


@pytest.mark.parametrize(
    ("convocation", "acceptee"),
    [
        (datetime.date(2026, 3, 6), True),  # 7 to 11 March: 5 clear days
        (datetime.date(2026, 3, 7), False),  # 4 clear days
        (datetime.date(2026, 3, 12), False),
    ],
)
def test_the_notice_goes_out_five_clear_days_before_the_session(client, agent, convocation, acceptee):
    client.force_login(agent)
    response = client.post(reverse("deliberations:seance_creer"), _seance(datetime.date(2026, 3, 12), convocation))
    assert Seance.objects.exists() is acceptee
    if not acceptee:
        assert response.context["form"].errors["date_convocation"] == [
            "La convocation doit partir au moins 5 jours francs avant la séance (CGCT L2121-12), "
            "sauf urgence déclarée par le maire."
        ]


@pytest.mark.parametrize(
    ("convocation", "acceptee"),
    [
        (datetime.date(2026, 3, 10), True),  # 11 March: 1 clear day
        (datetime.date(2026, 3, 11), False),  # none
    ],
)
def test_del_1_in_urgency_the_notice_goes_out_one_clear_day_before(client, agent, convocation, acceptee):
    client.force_login(agent)
    donnees = _seance(datetime.date(2026, 3, 12), convocation, urgence="on")
    response = client.post(reverse("deliberations:seance_creer"), donnees)
    assert Seance.objects.filter(urgence=True).exists() is acceptee
    if not acceptee:
        assert response.context["form"].errors["date_convocation"] == [
            "En cas d'urgence, la convocation part au moins 1 jour franc avant la séance (CGCT L2121-12)."
        ]


def test_del_2_a_new_session_has_the_council_s_legal_size(settings):
    assert SeanceFactory().membres_en_exercice == 53  # Roubaix, 80 000 to 99 999 inhabitants (L2121-2)
    settings.CONSEIL_MUNICIPAL_MEMBRES = 49
    assert SeanceFactory().membres_en_exercice == 49


def test_updating_a_session_checks_the_notice_too(client, agent):
    seance = SeanceFactory(date=datetime.date(2026, 3, 12), date_convocation=datetime.date(2026, 3, 1))
    client.force_login(agent)
    data = {**_seance(seance.date, datetime.date(2026, 3, 10)), "version_vue": seance.version}
    response = client.post(reverse("deliberations:seance_modifier", args=[seance.pk]), data)
    assert "L2121-12" in response.context["form"].errors["date_convocation"][0]
    data["date_convocation"] = "2026-03-05"
    assert client.post(reverse("deliberations:seance_modifier", args=[seance.pk]), data).status_code == 302
    seance.refresh_from_db()
    assert seance.date_convocation == datetime.date(2026, 3, 5)


def test_the_list_filters_past_and_upcoming_sessions_and_exports(client, elu):
    today = timezone.localdate()
    passee = SeanceFactory(date=today - datetime.timedelta(days=30))
    a_venir = SeanceFactory(date=today + datetime.timedelta(days=30))
    client.force_login(elu)
    assert list(client.get(reverse("deliberations:seance_liste")).context["page"]) == [a_venir, passee]
    assert list(client.get(reverse("deliberations:seance_liste"), {"periode": "a_venir"}).context["page"]) == [a_venir]
    assert list(client.get(reverse("deliberations:seance_liste"), {"periode": "passees"}).context["page"]) == [passee]
    export = client.get(reverse("deliberations:seance_export", kwargs={"fmt": "csv"}), {"periode": "passees"})
    lignes = export.content.decode("utf-8-sig").splitlines()
    assert len(lignes) == 2 and lignes[1].startswith(f"{passee.date:%d/%m/%Y};")


def test_the_session_page_lists_its_deliberations_and_their_status(client, elu):
    seance = SeanceFactory()
    DeliberationFactory(seance=seance, numero=7, objet="Subventions aux centres sociaux", statut="votee")
    DeliberationFactory(objet="Autre séance", numero=8)  # 7 is taken, whatever the sequence has reached
    client.force_login(elu)
    page = client.get(seance.get_absolute_url()).content.decode()
    assert "Subventions aux centres sociaux" in page and "Votée" in page and f"{seance.date.year}/007" in page
    assert "Autre séance" not in page
    assert f"{reverse('deliberations:export', kwargs={'fmt': 'csv'})}?seance={seance.pk}" in page
    assert "Nouvelle délibération" not in page  # élus read only


def test_the_deliberation_list_filters_and_exports(client, agent):
    votee = DeliberationFactory(objet="Subventions votées", statut="votee")
    DeliberationFactory(objet="Projet en cours")
    client.force_login(agent)
    assert list(client.get(reverse("deliberations:liste"), {"statut": "votee"}).context["page"]) == [votee]
    assert list(client.get(reverse("deliberations:liste"), {"q": "votées"}).context["page"]) == [votee]
    export = client.get(reverse("deliberations:export", kwargs={"fmt": "csv"}), {"statut": "votee"})
    lignes = export.content.decode("utf-8-sig").splitlines()
    assert len(lignes) == 2 and lignes[1].startswith(f"{votee.reference};")
