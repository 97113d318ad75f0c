from django.urls import path, re_path

from .views import deliberations, seances

app_name = "deliberations"

EXPORT = r"export\.(?P<fmt>csv|xlsx)$"

urlpatterns = [
    # Séances du conseil
    path("seances/", seances.seance_list, name="seance_liste"),
    re_path(rf"^seances/{EXPORT}", seances.seance_export, name="seance_export"),
    path("seances/nouvelle/", seances.seance_create, name="seance_creer"),
    path("seances/<int:pk>/", seances.seance_detail, name="seance_detail"),
    path("seances/<int:pk>/modifier/", seances.seance_update, name="seance_modifier"),
    # Mandats des élus (SUB-13)
    path("mandats/", seances.mandat_list, name="mandat_liste"),
    path("mandats/supprimer/<int:pk>/", seances.mandat_delete, name="mandat_supprimer"),
    # Délibérations
    path("", deliberations.deliberation_list, name="liste"),
    re_path(rf"^{EXPORT}", deliberations.deliberation_export, name="export"),
    path("nouvelle/", deliberations.deliberation_create, name="creer"),
    path("inscrire/<int:pk>/", deliberations.deliberation_inscrire, name="inscrire"),
    path("<int:pk>/", deliberations.deliberation_detail, name="detail"),
    path("<int:pk>/oter/<int:demande_pk>/", deliberations.deliberation_oter, name="oter"),
    path("<int:pk>/apercu/", deliberations.deliberation_preview, name="apercu"),
    path("<int:pk>/modifier/", deliberations.deliberation_update, name="modifier"),
    path("<int:pk>/prete/", deliberations.deliberation_ready, name="prete"),
    path("<int:pk>/pdf/", deliberations.pdf_generate, name="pdf_generer"),
    path("<int:pk>/pdf/statut/", deliberations.pdf_status, name="pdf_statut"),
    path("pdf/<int:pk>/", deliberations.pdf_download, name="pdf_telecharger"),
    path("<int:pk>/vote/", deliberations.deliberation_vote, name="voter"),
    path("<int:pk>/executoire/", deliberations.deliberation_enforce, name="executoire"),
]
