from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "govcx.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app that has background work registers its handlers in its own `jobs.py`; importing them here
        # keeps this app low in the graph (it never imports the apps whose work it runs).
        autodiscover_modules("jobs")
