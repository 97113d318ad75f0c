"""The safety register of Espace Linné (linne.views_securite)."""

from django.urls import path

from . import views_securite as vues

urlpatterns = [
    path("securite/", vues.registre, name="registre"),
    path("securite/registre.pdf", vues.registre_pdf, name="registre_pdf"),
    # The periodic checks: their kinds, the checks done
    path("securite/types/nouveau/", vues.type_controle_create, name="type_controle_creer"),
    path("securite/types/<int:pk>/modifier/", vues.type_controle_update, name="type_controle_modifier"),
    path("securite/controles/", vues.controle_list, name="controle_liste"),
    path("securite/controles/export/<str:fmt>/", vues.controle_export, name="controle_export"),
    path("securite/controles/nouveau/", vues.controle_create, name="controle_creer"),
    # The safety commission's visits
    path("securite/commission/", vues.visite_commission_list, name="visite_commission_liste"),
    path("securite/commission/export/<str:fmt>/", vues.visite_commission_export, name="visite_commission_export"),
    path("securite/commission/nouvelle/", vues.visite_commission_create, name="visite_commission_creer"),
    # Incidents and their follow-up actions
    path("securite/incidents/", vues.incident_list, name="incident_liste"),
    path("securite/incidents/export/<str:fmt>/", vues.incident_export, name="incident_export"),
    path("securite/incidents/nouveau/", vues.incident_create, name="incident_creer"),
    path("securite/incidents/<int:pk>/", vues.incident_detail, name="incident_detail"),
    path("securite/incidents/<int:pk>/modifier/", vues.incident_update, name="incident_modifier"),
    path("securite/incidents/<int:pk>/clore/", vues.incident_clore, name="incident_clore"),
    path("securite/incidents/<int:pk>/actions/nouvelle/", vues.action_incident_create, name="action_incident_creer"),
    path("securite/actions/<int:pk>/faite/", vues.action_incident_faite, name="action_incident_faite"),
]
