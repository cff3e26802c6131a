from django.apps import AppConfig


class ThrottleConfig(AppConfig):
    name = "govcx.throttle"
    label = "throttle"
    verbose_name = "Rate limits"
