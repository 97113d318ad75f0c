from django.urls import path, re_path

from . import views

app_name = "conventions"

urlpatterns = [
    path("", views.convention_list, name="liste"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.convention_export, name="export"),
    path("nouvelle/", views.convention_create, name="creer"),
    path("<int:pk>/", views.convention_detail, name="detail"),
    path("<int:pk>/modifier/", views.convention_update, name="modifier"),
    path("<int:pk>/statut/", views.convention_transition, name="transition"),
    path("<int:pk>/renouveler/", views.convention_renew, name="renouveler"),
    path("<int:pk>/parties/nouvelle/", views.partie_create, name="partie_creer"),
    path("parties/<int:pk>/modifier/", views.partie_update, name="partie_modifier"),
    path("<int:pk>/engagements/nouveau/", views.engagement_create, name="engagement_creer"),
    path("engagements/<int:pk>/modifier/", views.engagement_update, name="engagement_modifier"),
    path("<int:pk>/objectifs/nouveau/", views.objectif_create, name="objectif_creer"),
    path("objectifs/<int:pk>/modifier/", views.objectif_update, name="objectif_modifier"),
    path("objectifs/<int:pk>/valeurs/", views.valeur_saisir, name="valeur_saisir"),
    path("<int:pk>/evaluations/nouvelle/", views.evaluation_create, name="evaluation_creer"),
    path("<int:pk>/avenants/nouveau/", views.avenant_create, name="avenant_creer"),
    path("avenants/<int:pk>/modifier/", views.avenant_update, name="avenant_modifier"),
    path("avenants/<int:pk>/montants/nouveau/", views.avenant_montant_create, name="avenant_montant_creer"),
    path("avenants/<int:pk>/signer/", views.avenant_sign, name="avenant_signer"),
    path("<int:pk>/textes/deposer/", views.version_create, name="version_deposer"),
]
