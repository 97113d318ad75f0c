from django.apps import AppConfig


class LinneConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "linne"
    verbose_name = "Espace Linné"
