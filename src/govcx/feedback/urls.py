from django.urls import path

from govcx.feedback import views
from govcx.feedback.dashboards import views as dashboard_views

app_name = "feedback"
urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:survey_id>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:survey_id>/responses.<str:fmt>", views.survey_export, name="survey_export"),
    path("surveys/<int:survey_id>/import/", views.survey_import, name="survey_import"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("comments/", dashboard_views.comments, name="comments"),
    path("services/<int:service_id>/report/", dashboard_views.service_report, name="service_report"),
    path("services/<int:service_id>/report.pdf", dashboard_views.service_report_pdf, name="service_report_pdf"),
]
