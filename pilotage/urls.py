from django.urls import path, re_path

from . import views
from .views import reunions, veille

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
    # Meetings (copils, Cellule de veille), their participants, minutes and actions (pilotage.views.reunions).
    path("reunions/", reunions.reunion_list, name="reunions"),
    path("reunions/export/<str:fmt>/", reunions.reunion_export, name="reunions_export"),
    path("reunions/nouvelle/", reunions.reunion_create, name="reunion_creer"),
    path("reunions/<int:pk>/", reunions.reunion_detail, name="reunion_detail"),
    path("reunions/<int:pk>/modifier/", reunions.reunion_update, name="reunion_modifier"),
    path("reunions/<int:pk>/statut/", reunions.reunion_transition, name="reunion_transition"),
    path("reunions/<int:pk>/convoquer/", reunions.reunion_convoquer, name="reunion_convoquer"),
    path("reunions/<int:pk>/compte-rendu/", reunions.reunion_compte_rendu, name="reunion_compte_rendu"),
    path(
        "reunions/<int:pk>/compte-rendu/fichier/",
        reunions.reunion_compte_rendu_fichier,
        name="reunion_compte_rendu_fichier",
    ),
    path("reunions/<int:pk>/compte-rendu/pdf/", reunions.reunion_compte_rendu_pdf, name="reunion_compte_rendu_pdf"),
    path("reunions/<int:pk>/participants/ajouter/", reunions.participant_create, name="reunion_participant_ajouter"),
    path("reunions/<int:pk>/presences/", reunions.presences, name="reunion_presences"),
    path("reunions/participants/<int:pk>/retirer/", reunions.participant_delete, name="reunion_participant_retirer"),
    path("reunions/<int:pk>/actions/nouvelle/", reunions.action_create, name="reunion_action_creer"),
    path("actions/", reunions.action_list, name="actions"),
    path("actions/export/<str:fmt>/", reunions.action_export, name="actions_export"),
    path("actions/<int:pk>/modifier/", reunions.action_update, name="action_modifier"),
    path("actions/<int:pk>/statut/", reunions.action_statut, name="action_statut"),
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
