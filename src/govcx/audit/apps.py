from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "govcx.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from govcx.audit import checks  # noqa: F401  (registers the audit checks)
