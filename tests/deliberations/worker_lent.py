"""A Celery worker whose PDF rendering is slow, for the worker-loss test only.

Started as `python -m tests.deliberations.worker_lent --pool=solo …`: it wraps
`services.render_pdf` with a pause of DELAI_RENDU_SECONDES, then runs a normal worker. The
slowness lives in the test's own process, so production code carries no test hook.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roubaix_cs.settings")
django.setup()

from deliberations import services  # noqa: E402 - after django.setup()
from roubaix_cs.celery import app  # noqa: E402

_rendu = services.render_pdf


def _rendu_lent(*args, **kwargs):
    time.sleep(float(os.environ["DELAI_RENDU_SECONDES"]))
    return _rendu(*args, **kwargs)


services.render_pdf = _rendu_lent

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
