from django.apps import AppConfig


class PilotageConfig(AppConfig):
    """The top layer: home pages, to-dos, navigation (later alerts, dashboards): it reads every app."""

    name = "pilotage"
    verbose_name = "Pilotage"
