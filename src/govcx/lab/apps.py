from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "govcx.lab"
    label = "lab"
    verbose_name = "Lab"

    def ready(self) -> None:
        from govcx.lab import checks  # noqa: F401  (registers the lab checks)
