from django.apps import AppConfig


class MaturityConfig(AppConfig):
    name = "govcx.maturity"
    label = "maturity"
