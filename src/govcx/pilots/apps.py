from django.apps import AppConfig


class PilotsConfig(AppConfig):
    name = "govcx.pilots"
    label = "pilots"
