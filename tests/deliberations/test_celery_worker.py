"""A real Celery worker (another process) renders the PDF from a Redis broker, and a job whose
worker dies mid-way is delivered again (acks_late + reject_on_worker_lost + visibility_timeout).

PostgreSQL only: the worker must see the test database, and SQLite's is in memory."""

import io
import os
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from kombu import pools
from pypdf import PdfReader

from deliberations import services
from deliberations.models import GenerationPdf
from roubaix_cs import formats
from roubaix_cs.celery import app
from tests.factories import CentreFactory, DeliberationFactory, DemandeFactory, OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VISIBILITE = 2  # seconds before an unacknowledged message may be delivered again
# A Redis database of its own per pytest-xdist worker (8 to 15), flushed by each test: two workers
# running these tests at once never take each other's jobs.
_XDIST = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
BROKER = f"redis://127.0.0.1:6379/{8 + int(_XDIST.removeprefix('gw')) % 8}"
WORKER_ARGS = ["--pool=solo", "--concurrency=1", "-Q", "celery", "--without-heartbeat"]
WORKER_ARGS += ["--without-gossip", "--without-mingle", "--loglevel=INFO"]
BENEFICIAIRES = [("Association Alma Gare", Decimal("18500.00")), ("Association Epeule", Decimal("7250.50"))]
S = GenerationPdf.Statut


def _redis():
    import redis

    client = redis.Redis.from_url(BROKER, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return None
    return client


@pytest.fixture
def broker(settings):
    """Send tasks to the Redis broker instead of running them eagerly, then restore."""
    if connection.vendor != "postgresql":
        pytest.skip("The worker is another process: it needs the PostgreSQL test database.")
    client = _redis()
    if client is None:
        pytest.skip("Redis does not answer on 127.0.0.1:6379.")
    client.flushdb()
    # Read before changing the settings: app.conf reads through to them.
    avant = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    settings.CELERY_BROKER_URL = BROKER
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_pool()
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    yield client
    _reset_pool()
    app.conf.update(**avant)
    assert app.conf.task_always_eager == avant["task_always_eager"]  # later tests run tasks eagerly again
    client.flushdb()
    client.close()


def _reset_pool():
    """Forget the broker connections (kombu keeps them in global pools keyed by connection)."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def workers(tmp_path):
    """Start workers on the test database; every one is stopped at the end, whatever happens."""
    base = django_settings.DATABASES["default"]
    auth = base["USER"] + (f":{base['PASSWORD']}" if base["PASSWORD"] else "")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "roubaix_cs.settings",
        "DATABASE_URL": f"postgres://{auth}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{base['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITE),
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
    }
    lances = []

    def lancer(module=("-m", "celery", "-A", "roubaix_cs", "worker"), **extra):
        journal = open(tmp_path / f"worker-{len(lances)}.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [sys.executable, *module, *WORKER_ARGS],
            cwd=django_settings.BASE_DIR,
            env={**env, **extra},
            stdout=journal,
            stderr=subprocess.STDOUT,
        )
        lances.append((process, journal))
        return process

    yield lancer
    for process, journal in lances:
        if process.poll() is None:
            process.kill()  # the test is over: nothing to finish, and the broker is flushed next
            process.wait(timeout=10)
        journal.close()


def journaux(tmp_path):
    return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(tmp_path.glob("worker-*.log")))


def attendre(generation, statuts, tmp_path, delai=45):
    """Poll the job (bounded) until its status is one of `statuts`."""
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        generation.refresh_from_db()
        if generation.statut in statuts:
            return generation
        time.sleep(0.05)
    pytest.fail(f"Job still {generation.statut!r} after {delai} s.\n{journaux(tmp_path)}")


@pytest.fixture
def deliberation():
    deliberation = DeliberationFactory()
    for nom, montant in BENEFICIAIRES:
        centre = CentreFactory(organisation=OrganisationFactory(nom=nom, association=True))
        deliberation.demandes.add(DemandeFactory(centre=centre, statut="deliberation", montant_propose=montant))
    return deliberation


def texte_pdf(version):
    with version.fichier.open("rb") as fichier:
        contenu = fichier.read()
    assert contenu.startswith(b"%PDF")
    texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)
    return re.sub(r"\s+", " ", texte.replace(formats.NBSP, " ").replace(formats.NNBSP, " "))


def sans_espaces_insecables(valeur):
    return valeur.replace(formats.NBSP, " ").replace(formats.NNBSP, " ")


def test_a_worker_renders_the_queued_pdf(broker, workers, deliberation, agent, tmp_path):
    workers()
    # No surrounding transaction (transaction=True): the job is committed, then queued.
    generation = services.demander_pdf(deliberation=deliberation, par=agent)

    generation = attendre(generation, {S.TERMINEE, S.ECHEC}, tmp_path)

    assert generation.statut == S.TERMINEE, generation.erreur
    texte = texte_pdf(generation.version)
    for nom, montant in BENEFICIAIRES:
        assert nom in texte
        assert sans_espaces_insecables(formats.montant(montant)) in texte


def test_a_job_whose_worker_dies_is_delivered_again(broker, workers, deliberation, agent, tmp_path):
    lent = workers(module=("-m", "tests.deliberations.worker_lent"), DELAI_RENDU_SECONDES="60")
    generation = services.demander_pdf(deliberation=deliberation, par=agent)
    attendre(generation, {S.EN_COURS}, tmp_path, delai=30)

    lent.send_signal(signal.SIGKILL)  # the machine dies mid-render: nothing is acknowledged
    lent.wait(timeout=10)
    generation.refresh_from_db()
    assert generation.statut == S.EN_COURS
    assert generation.version is None

    # The message stays unacknowledged in Redis. A worker sweeps the unacknowledged messages older
    # than the visibility timeout when it starts (then only every ~100 s): start the next one once
    # the message, delivered when the job went "en cours", is past VISIBILITE: time must pass, no
    # event announces it.
    time.sleep(max(0, VISIBILITE + 1 - (timezone.now() - generation.debut).total_seconds()))
    workers()
    generation = attendre(generation, {S.TERMINEE, S.ECHEC}, tmp_path, delai=45)

    assert generation.statut == S.TERMINEE, generation.erreur
    assert generation.tentatives == 2
    assert deliberation.versions.count() == 1
    assert all(nom in texte_pdf(generation.version) for nom, _ in BENEFICIAIRES)
