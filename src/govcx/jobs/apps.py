from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "govcx.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from govcx.jobs import registry

        # Each app that has background work registers its handlers in its own `jobs.py`; importing them from here
        # keeps this app low in the graph (it never imports the apps whose work it runs). They are imported at the
        # first lookup, not now: they pull in the analytic engines, which a starting web server must not wait for.
        registry.discover_with(lambda: autodiscover_modules("jobs"))
