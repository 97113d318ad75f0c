from django.urls import path, re_path

from . import views

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
