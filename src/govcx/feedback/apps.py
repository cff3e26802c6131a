from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "govcx.feedback"
    label = "feedback"
    verbose_name = "Feedback"
