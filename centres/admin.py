from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agrement, Centre, CentrePartenaire, Contact, Direction


class AgrementInline(admin.TabularInline):
    model = Agrement
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class DirectionInline(admin.TabularInline):
    model = Direction
    extra = 0


class PartenaireInline(admin.TabularInline):
    model = CentrePartenaire
    extra = 0


@admin.register(Centre)
class CentreAdmin(SimpleHistoryAdmin):
    list_display = ["nom", "statut", "quartier", "siret", "referent"]
    list_filter = ["statut", "quartier", "gestion"]
    search_fields = ["nom", "nom_court", "siret", "rna"]
    inlines = [AgrementInline, ContactInline, DirectionInline, PartenaireInline]


@admin.register(Agrement)
class AgrementAdmin(SimpleHistoryAdmin):
    list_display = ["centre", "type", "debut", "fin", "statut"]
    list_filter = ["type", "statut", "regime"]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "centre", "qualite", "email"]
    list_filter = ["qualite"]


@admin.register(Direction)
class DirectionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "centre", "debut", "fin", "interim"]
    list_filter = ["interim"]
    search_fields = ["nom", "prenom", "centre__nom"]
