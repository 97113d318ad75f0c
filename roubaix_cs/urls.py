from django.contrib import admin
from django.urls import include, path

from pilotage import views

admin.site.site_header = "Mission Centres Sociaux — administration technique"
# The Django admin is for technical superusers only, never for business roles.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("comptes/", include("comptes.urls")),
    path("centres/", include("centres.urls")),
    path("conventions/", include("conventions.urls")),
    path("subventions/", include("subventions.urls")),
    path("deliberations/", include("deliberations.urls")),
    path("linne/", include("linne.urls")),
    path("", include("pilotage.urls")),
    path("admin/", admin.site.urls),
]
