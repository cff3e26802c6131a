from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "govcx.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from govcx.registry import checks  # noqa: F401  (registers the passport checks)
