from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "govcx.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from govcx.outbox.services import attachments_register
        from govcx.reports.services import REPORT_KEY_PREFIX, report_attachments

        attachments_register(key_prefix=REPORT_KEY_PREFIX, provider=report_attachments)
