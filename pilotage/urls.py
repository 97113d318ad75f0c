from django.urls import path, re_path

from . import views
from .views import veille

app_name = "pilotage"

urlpatterns = [
    path("tableau-de-bord/", views.tableau_de_bord, name="tableau_de_bord"),
    re_path(r"^tableau-de-bord/export\.(?P<fmt>xlsx)$", views.tableau_de_bord_export, name="tableau_de_bord_export"),
    path("echeances/", views.echeances_liste, name="echeances"),
    path("echeances/export/<str:fmt>/", views.echeances_export, name="echeances_export"),
    path("alertes/", views.alertes_liste, name="alertes"),
    path("alertes/export/<str:fmt>/", views.alertes_export, name="alertes_export"),
    path("rapport/", views.rapport, name="rapport"),
    re_path(r"^rapport/(?P<annee>\d{4})/generer/$", views.rapport_generer, name="rapport_generer"),
    re_path(r"^rapport/(?P<annee>\d{4})/statut/$", views.rapport_statut, name="rapport_statut"),
    path("rapport/version/<int:pk>/", views.rapport_telecharger, name="rapport_telecharger"),
    path("comparaisons/", views.comparaisons_page, name="comparaisons"),
    path("comparaisons/export/<str:tableau>/<str:fmt>/", views.comparaisons_export, name="comparaisons_export"),
    path("preferences/", views.preferences, name="preferences"),
    path("calendrier/<str:jeton>.ics", views.calendrier_ics, name="calendrier_ics"),
    path("donnees-personnelles/", views.donnees_personnelles_page, name="donnees_personnelles"),
    path("donnees-personnelles/export/", views.donnees_personnelles_export, name="donnees_personnelles_export"),
    re_path(
        r"^centres/(?P<pk>[0-9]+)/financeurs/export\.(?P<fmt>csv|xlsx)$",
        views.financeurs_export,
        name="financeurs_export",
    ),
]

# The Cellule de veille (pilotage.veille).
urlpatterns += [
    path("veille/", veille.tableau_veille, name="veille"),
    re_path(r"^veille/export\.(?P<fmt>csv|xlsx)$", veille.tableau_veille_export, name="veille_export"),
    path("veille/dossiers/", veille.dossiers, name="veille_dossiers"),
    re_path(r"^veille/dossiers/export\.(?P<fmt>csv|xlsx)$", veille.dossiers_export, name="veille_dossiers_export"),
    path("veille/dossiers/signaler/", veille.signaler, name="veille_signaler"),
    path("veille/dossiers/<int:pk>/", veille.dossier_detail, name="veille_detail"),
    path("veille/dossiers/<int:pk>/modifier/", veille.dossier_modifier, name="veille_modifier"),
    path("veille/dossiers/<int:pk>/etape/", veille.dossier_transition, name="veille_transition"),
    path("veille/dossiers/<int:pk>/niveau/", veille.dossier_decider, name="veille_decider"),
    path("veille/dossiers/<int:pk>/instantanes/", veille.dossier_instantanes, name="veille_instantanes"),
    path("veille/dossiers/<int:pk>/plan/", veille.dossier_plan, name="veille_plan"),
    re_path(
        r"^veille/dossiers/(?P<pk>[0-9]+)/plan/export\.(?P<fmt>csv|xlsx)$",
        veille.dossier_plan_export,
        name="veille_plan_export",
    ),
    path("veille/dossiers/<int:pk>/actions/nouvelle/", veille.dossier_action_creer, name="veille_action_creer"),
]
