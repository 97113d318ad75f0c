"""The yearly evaluation of Espace Linné (linne.views_evaluation)."""

from django.urls import path, re_path

from . import views_evaluation as vues

urlpatterns = [
    path("evaluation/", vues.evaluation, name="evaluation"),
    re_path(r"^evaluation/(?P<annee>\d{4})/textes/$", vues.evaluation_textes, name="evaluation_textes"),
    re_path(r"^evaluation/(?P<annee>\d{4})/generer/$", vues.evaluation_generer, name="evaluation_generer"),
    re_path(r"^evaluation/(?P<annee>\d{4})/statut/$", vues.evaluation_statut, name="evaluation_statut"),
    path("evaluation/version/<int:pk>/", vues.evaluation_telecharger, name="evaluation_telecharger"),
]
