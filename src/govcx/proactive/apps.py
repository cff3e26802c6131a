from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "govcx.proactive"
    label = "proactive"
    verbose_name = "Proactive services"
