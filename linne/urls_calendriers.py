"""The calendars of Espace Linné: a room's week, the day of every room and its printable sheet, each
room's calendar feed at its secret address, and the public agenda with its feed."""

from django.urls import path

from . import views_calendriers as views

urlpatterns = [
    path("semaine/", views.semaine, name="semaine"),
    path("jour/", views.jour, name="jour"),
    path("jour/feuille.pdf", views.feuille_du_jour, name="feuille_du_jour"),
    path("salles/<uuid:jeton>.ics", views.salle_ics, name="salle_ics"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda.ics", views.agenda_ics, name="agenda_ics"),
]
