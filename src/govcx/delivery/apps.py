from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "govcx.delivery"
    label = "delivery"
    verbose_name = "Service delivery"
