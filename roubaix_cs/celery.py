import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roubaix_cs.settings")

app = Celery("roubaix_cs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
