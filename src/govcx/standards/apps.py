from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "govcx.standards"
    label = "standards"
    verbose_name = "Standards"

    def ready(self) -> None:
        from govcx.registry.service_page import ServicePageSection, register_section
        from govcx.standards import passport_checks  # noqa: F401  (registers the passport checks)
        from govcx.standards.service_section import service_assessments_section

        register_section(ServicePageSection("standards/_service_assessments.html", service_assessments_section, 10))
