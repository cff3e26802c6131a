from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "govcx.delivery"
    label = "delivery"
    verbose_name = "Service delivery"

    def ready(self) -> None:
        from govcx.delivery import checks  # noqa: F401  (register the delivery checks)
