from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "govcx.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from govcx.outbox.services import attachments_register
        from govcx.registry.service_page import ServicePageSection, register_section
        from govcx.reports.service_figures import service_figures_section
        from govcx.reports.services import REPORT_KEY_PREFIX, report_attachments

        attachments_register(key_prefix=REPORT_KEY_PREFIX, provider=report_attachments)
        # above the assessments (10): the passport's latest figures of every area come first
        register_section(ServicePageSection("reports/_service_figures.html", service_figures_section, 5))
