"""« Mes alertes » (pilotage:alertes): one's own open alerts, filtered, exported, marked read one or many
(htmx or a plain form), the counter in the navigation; without a broker the page brings them up to date."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from comptes.models import Role
from pilotage.models import Alerte

from ..factories import AgrementFactory, AlerteFactory, CentreFactory, UserFactory
from ..requetes import garde

pytestmark = pytest.mark.django_db
URL = reverse("pilotage:alertes")
AUJOURDHUI = datetime.date(2026, 9, 21)


@pytest.fixture(autouse=True)
def _date_et_broker(settings):
    """A broker is configured: the page only reads (the morning job writes), so the alerts of a test stay."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with time_machine.travel(datetime.datetime(2026, 9, 21, 9, 0), tick=False):
        yield


@pytest.fixture
def client_agent(client, agent):
    client.force_login(agent)
    return client


def _libelles(response):
    return [a.label for a in response.context["page"]]


def test_a_user_sees_only_their_own_open_alerts(client_agent, agent):
    mienne = AlerteFactory(user=agent, label="La mienne")
    AlerteFactory(user=agent, label="Close", closed_at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
    AlerteFactory(user=UserFactory(role=Role.AGENT), label="Celle d'un collègue")
    response = client_agent.get(URL)
    assert _libelles(response) == ["La mienne"]
    assert f'href="{mienne.url}"' in response.content.decode()  # a link to the object


def test_the_filters_by_kind_centre_due_date_and_read(client_agent, agent):
    centre = CentreFactory()
    AlerteFactory(user=agent, label="Agrément", due=datetime.date(2026, 9, 25), centre=centre)
    AlerteFactory(user=agent, label="CRF", kind="crf", threshold="retard", due=datetime.date(2026, 6, 30))
    AlerteFactory(
        user=agent,
        label="Lue",
        due=datetime.date(2027, 1, 31),
        acknowledged_at=datetime.datetime(2026, 9, 20, tzinfo=datetime.UTC),
    )
    assert _libelles(client_agent.get(URL, {"kind": "crf"})) == ["CRF"]
    assert _libelles(client_agent.get(URL, {"centre": centre.pk})) == ["Agrément"]
    # Due within 7 days: the overdue one is always included.
    assert _libelles(client_agent.get(URL, {"jours": 7})) == ["CRF", "Agrément"]
    assert _libelles(client_agent.get(URL, {"lue": "oui"})) == ["Lue"]
    assert _libelles(client_agent.get(URL, {"lue": "non"})) == ["CRF", "Agrément"]
    response = client_agent.get(URL, {"jours": "-1"})
    assert "jours" in response.context["filtre"].form.errors


def test_the_kinds_offered_are_the_french_names_of_the_deadlines(client_agent):
    contenu = client_agent.get(URL).content.decode()
    assert "Renouvellement d&#x27;agrément" in contenu
    assert "Compte rendu financier" in contenu


def test_acknowledge_one_without_javascript(client_agent, agent):
    une, autre = AlerteFactory(user=agent), AlerteFactory(user=agent)
    response = client_agent.post(f"{URL}?kind=agrement_renouvellement", {"alertes": [une.pk]})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?kind=agrement_renouvellement"  # back to the same filters
    une.refresh_from_db()
    autre.refresh_from_db()
    assert une.acknowledged_at is not None and autre.acknowledged_at is None
    assert "1 alerte marquée comme lue." in client_agent.get(response["Location"]).content.decode()


def test_acknowledge_many_with_htmx_redraws_the_list_only(client_agent, agent):
    alertes = [AlerteFactory(user=agent) for _ in range(3)]
    response = client_agent.post(URL, {"alertes": [a.pk for a in alertes[:2]]}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    contenu = response.content.decode()
    assert 'id="alertes"' in contenu and "<html" not in contenu
    assert "2 alertes marquées comme lues." in contenu
    assert Alerte.objects.filter(acknowledged_at__isnull=False).count() == 2


def test_another_users_alert_in_the_post_is_ignored(client_agent, agent):
    mienne = AlerteFactory(user=agent)
    autre = AlerteFactory(user=UserFactory(role=Role.AGENT))
    client_agent.post(URL, {"alertes": [mienne.pk, autre.pk, "abc", str(2**70)]})
    autre.refresh_from_db()
    mienne.refresh_from_db()
    assert autre.acknowledged_at is None
    assert mienne.acknowledged_at is not None


def test_nothing_ticked_says_so(client_agent, agent):
    autre = AlerteFactory(user=UserFactory(role=Role.AGENT))
    response = client_agent.post(URL, {"alertes": [autre.pk]}, follow=True)
    assert "Aucune alerte non lue n&#x27;était cochée." in response.content.decode()
    assert not Alerte.objects.filter(acknowledged_at__isnull=False).exists()


def test_the_navigation_counts_ones_own_unread_open_alerts(client_agent, agent):
    AlerteFactory.create_batch(2, user=agent)
    AlerteFactory(user=agent, acknowledged_at=datetime.datetime(2026, 9, 20, tzinfo=datetime.UTC))
    AlerteFactory(user=agent, closed_at=datetime.datetime(2026, 9, 20, tzinfo=datetime.UTC))
    AlerteFactory(user=UserFactory(role=Role.AGENT))
    contenu = client_agent.get(reverse("accueil")).content.decode()
    assert '<span class="badge text-bg-warning">2<span class="visually-hidden"> non lues</span>' in contenu


def test_no_counter_for_the_elus(client, elu):
    client.force_login(elu)
    response = client.get(reverse("accueil"))
    assert response.context["alertes_non_lues"] is None
    assert "Mes alertes" not in response.content.decode()


@pytest.mark.parametrize("persona", ["elu", "partenaire_caf"])
def test_elus_and_partners_are_refused(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"alertes": [AlerteFactory().pk]}).status_code == 403
    assert client.get(reverse("pilotage:alertes_export", args=["csv"])).status_code == 403


def test_the_export_has_ones_own_filtered_alerts(client_agent, agent):
    AlerteFactory(user=agent, label="Agrément du centre")
    AlerteFactory(user=agent, kind="crf", label="Compte rendu")
    AlerteFactory(user=UserFactory(role=Role.AGENT), label="Celle d'un collègue")
    contenu = client_agent.get(reverse("pilotage:alertes_export", args=["csv"]), {"kind": "crf"}).content.decode()
    assert "Compte rendu" in contenu
    assert "Agrément du centre" not in contenu and "collègue" not in contenu
    assert client_agent.get(reverse("pilotage:alertes_export", args=["xlsx"])).status_code == 200


def test_without_a_broker_the_page_stores_the_alerts_of_the_day(client, settings, responsable):
    centre = CentreFactory()
    AgrementFactory(centre=centre, debut=datetime.date(2023, 1, 1))  # ends 31/12/2026: M-12 reached
    client.force_login(responsable)
    assert not client.get(URL).context["page"]  # with a broker, the morning job writes them
    settings.CELERY_TASK_ALWAYS_EAGER = True
    kinds = {(a.kind, a.centre_id) for a in client.get(URL).context["page"]}
    assert ("agrement_renouvellement", centre.pk) in kinds


def test_the_alert_centre_costs_the_same_with_3_or_30_alerts(client_agent, agent):
    def grandir(n):
        for _ in range(n):
            AlerteFactory(user=agent, centre=CentreFactory())

    garde(client_agent, "pilotage:alertes agent", URL, grandir)
