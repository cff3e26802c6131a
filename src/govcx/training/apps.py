from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "govcx.training"
    label = "training"

    def ready(self) -> None:
        from govcx.training import checks  # noqa: F401 - registers the standard checks
