from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "govcx.reports"
    label = "reports"
    verbose_name = "Reports"
