from django.apps import AppConfig


class DeliberationsConfig(AppConfig):
    name = "deliberations"
    verbose_name = "Délibérations du conseil municipal"
