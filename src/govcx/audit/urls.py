from django.urls import path

from govcx.audit import views

app_name = "audit"
urlpatterns = [
    path("services/<int:service_id>/", views.service_audits, name="service_audits"),
    path("services/<int:service_id>/new/", views.audit_start, name="audit_start"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/compare/<int:other_id>/", views.run_compare, name="run_compare"),
    path("issues/<int:issue_id>/screenshot.png", views.issue_screenshot, name="issue_screenshot"),
]
