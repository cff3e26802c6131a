from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "govcx.proactive"
    label = "proactive"
    verbose_name = "Proactive services"

    def ready(self) -> None:
        from govcx.proactive import checks  # noqa: F401  (register the proactive checks)
