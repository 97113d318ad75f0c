"""The régisseurs' rota of Espace Linné: the week, a shift's forms, the template week and its forms, and
the copy of the template week into a week."""

from django.urls import path

from . import views_planning as views

urlpatterns = [
    path("planning/", views.planning_semaine, name="planning"),
    path("planning/creneaux/nouveau/", views.creneau_creer, name="creneau_creer"),
    path("planning/creneaux/<int:pk>/modifier/", views.creneau_modifier, name="creneau_modifier"),
    path("planning/creneaux/<int:pk>/supprimer/", views.creneau_supprimer, name="creneau_supprimer"),
    path("planning/semaine-type/", views.semaine_type, name="semaine_type"),
    path("planning/semaine-type/nouveau/", views.creneau_type_creer, name="creneau_type_creer"),
    path("planning/semaine-type/<int:pk>/modifier/", views.creneau_type_modifier, name="creneau_type_modifier"),
    path("planning/semaine-type/<int:pk>/supprimer/", views.creneau_type_supprimer, name="creneau_type_supprimer"),
    path("planning/copier/", views.planning_copier, name="planning_copier"),
]
