"""The beat-scheduled job of the alerts run by a real Celery worker (another process) from a Redis broker.

PostgreSQL only: the worker must see the test database. Its date is the real one (another process)."""

import time

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings as django_settings
from django.utils import timezone

from comptes.models import Role
from pilotage.models import Alerte
from roubaix_cs.celery import app

from ..deliberations.test_celery_worker import broker, journaux, workers  # noqa: F401 - fixtures
from ..factories import AgrementFactory, CentreFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_worker_runs_the_scheduled_job_and_stores_the_alerts(broker, workers, tmp_path):  # noqa: F811
    referent, responsable = UserFactory(role=Role.AGENT), UserFactory(role=Role.RESPONSABLE)
    # An agrément ending in about 8 months: its M-12 step is past, its M-6 to come.
    debut = timezone.localdate() - relativedelta(months=40)
    agrement = AgrementFactory(centre=CentreFactory(referent=referent), debut=debut)
    workers()

    app.send_task(django_settings.CELERY_BEAT_SCHEDULE["alertes-du-jour"]["task"])

    alertes = Alerte.objects.filter(object_key=f"centres.agrement:{agrement.pk}")
    limite = time.monotonic() + 45
    while alertes.count() < 2 and time.monotonic() < limite:
        time.sleep(0.1)
    assert set(alertes.values_list("user", "threshold")) == {(referent.pk, "M-12"), (responsable.pk, "M-12")}, journaux(
        tmp_path
    )
