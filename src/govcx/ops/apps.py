from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "govcx.ops"
    label = "ops"
    verbose_name = "Operations"
