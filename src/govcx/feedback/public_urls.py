"""Public survey addresses, no sign-in: mounted at /feedback/s/ by the root URL map."""

from django.urls import path

from govcx.feedback import public_views

app_name = "feedback_public"
urlpatterns = [
    path("<str:public_key>/", public_views.survey_page, name="survey"),
    path("<str:public_key>/thanks/", public_views.survey_thanks, name="thanks"),
    path("<str:public_key>/qr.svg", public_views.survey_qr, name="qr"),
    path("<str:public_key>/poster/", public_views.survey_poster, name="poster"),
]
