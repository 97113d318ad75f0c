from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import flux_calendrier
from .models import Organisation, User
from .services import fermer_sessions


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "organisation", "is_active", "is_superuser"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Mission centres sociaux", {"fields": ("role", "organisation")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Mission centres sociaux", {"fields": ("role", "organisation")}))

    def save_model(self, request, obj, form, change):
        """An account deactivated here loses what the service's page takes from it too: its open sessions
        and its calendar address (comptes.services.desactiver_compte)."""
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            fermer_sessions(obj)
            flux_calendrier.revoquer(user=obj)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["nom", "nature", "siret"]
    list_filter = ["nature"]
    search_fields = ["nom", "siret"]
