"""Espace Linné's URLs: the management pages (rooms, closures, bookings, series), the calendars and
feeds, the public pages (the request form, the agenda), and the running half (attendance and statistics,
the evaluation, the régisseurs' rota, the safety register), each part in its own module."""

from .urls_calendriers import urlpatterns as calendriers
from .urls_evaluation import urlpatterns as evaluation
from .urls_frequentation import urlpatterns as frequentation
from .urls_gestion import urlpatterns as gestion
from .urls_planning import urlpatterns as planning
from .urls_public import urlpatterns as public
from .urls_securite import urlpatterns as securite

app_name = "linne"

urlpatterns = [*gestion, *calendriers, *public, *frequentation, *evaluation, *planning, *securite]
