from django.urls import path

from govcx.reports import quarterly_views, views

app_name = "reports"
urlpatterns = [
    path("assessments/<int:assessment_id>/", views.assessment_report, name="assessment_report"),
    path("assessments/<int:assessment_id>/report.pdf", views.assessment_pdf, name="assessment_pdf"),
    path("assessments/<int:assessment_id>/results.<str:fmt>", views.assessment_export, name="assessment_export"),
    path("quarterly/", quarterly_views.quarterly, name="quarterly"),
    path("quarterly/report.pdf", quarterly_views.quarterly_pdf, name="quarterly_pdf"),
    path("quarterly/report.xlsx", quarterly_views.quarterly_xlsx, name="quarterly_xlsx"),
    path("quarterly/subscribe/", quarterly_views.quarterly_subscribe, name="quarterly_subscribe"),
]
