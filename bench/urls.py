"""The project's URLs and the benchmark's floor page (bench/run.py).

The floor is the cheapest page the project could serve: the same middleware, session and user,
the same base template with its navigation, and one query of its own. Every page's time is read
against it, measured in the same run, so that the machine's noise cancels out.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from centres.models import Centre
from comptes.permissions import TOUS, access
from roubaix_cs.urls import urlpatterns as projet

PLANCHER = "bench-plancher"

_GABARIT = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>Plancher</h1><p>{{ centres }} centres.</p>{% endblock content %}'
)


@access(read=TOUS)
def plancher(request):
    return HttpResponse(_GABARIT.render({"centres": Centre.objects.count()}, request))


urlpatterns = [path("_plancher/", plancher, name=PLANCHER), *projet]
