from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "govcx.feedback"
    label = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from govcx.feedback import checks  # noqa: F401  (register the feedback checks)
