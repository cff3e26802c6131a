from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "govcx.practices"
    label = "practices"
