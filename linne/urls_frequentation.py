"""The attendance of Espace Linné's bookings and the year's statistics (linne.views_frequentation)."""

from django.urls import path

from . import views_frequentation as vues

urlpatterns = [
    path("frequentation/", vues.frequentation_jour, name="frequentation"),
    path("frequentation/<int:pk>/", vues.frequentation_saisir, name="frequentation_saisir"),
    path("statistiques/", vues.statistiques_page, name="statistiques"),
    path("statistiques/export/", vues.statistiques_export, name="statistiques_export"),
]
