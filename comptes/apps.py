from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from . import securite  # noqa: F401  (the mark of activity set at each login)
