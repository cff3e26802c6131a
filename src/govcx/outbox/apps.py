from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "govcx.outbox"
    label = "outbox"
    verbose_name = "Outbox"
