"""The room requests: the public request form, its acknowledgement and the facility's rules (no login),
and the service's pages to answer them (list, request, allocation of a season, documents)."""

from django.urls import path

from . import views_demandes as vues

urlpatterns = [
    # Public pages.
    path("demande/", vues.demande_publique, name="demande"),
    path("demande/envoyee/", vues.demande_envoyee, name="demande_envoyee"),
    path("reglement/", vues.reglement, name="reglement"),
    # The service's pages.
    path("demandes/", vues.demande_list, name="demandes"),
    path("demandes/export/<str:fmt>/", vues.demande_export, name="demandes_export"),
    path("demandes/<int:pk>/", vues.demande_detail, name="demande_detail"),
    path("demandes/<int:pk>/accepter/", vues.demande_accepter, name="demande_accepter"),
    path("demandes/<int:pk>/refuser/", vues.demande_refuser, name="demande_refuser"),
    path("demandes/attribution/", vues.attribution, name="attribution"),
    path("voeux/<int:pk>/attribuer/", vues.voeu_attribuer, name="voeu_attribuer"),
    path("justificatifs/<int:pk>/", vues.justificatif_telecharger, name="justificatif_telecharger"),
]
