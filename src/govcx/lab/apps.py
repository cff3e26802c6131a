from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "govcx.lab"
    label = "lab"
    verbose_name = "Lab"
