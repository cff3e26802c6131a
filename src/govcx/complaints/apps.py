from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "govcx.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from govcx.complaints import checks  # noqa: F401  (register the complaints check)
