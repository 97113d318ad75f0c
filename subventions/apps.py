from django.apps import AppConfig


class SubventionsConfig(AppConfig):
    name = "subventions"
    verbose_name = "Subventions"
