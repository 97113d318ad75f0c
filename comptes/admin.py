from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "organisation", "is_active", "is_superuser"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Mission centres sociaux", {"fields": ("role", "organisation")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Mission centres sociaux", {"fields": ("role", "organisation")}))


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["nom", "nature", "siret"]
    list_filter = ["nature"]
    search_fields = ["nom", "siret"]
