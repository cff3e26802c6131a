from django.urls import path

from govcx.reports import views

app_name = "reports"
urlpatterns = [
    path("assessments/<int:assessment_id>/", views.assessment_report, name="assessment_report"),
    path("assessments/<int:assessment_id>/report.pdf", views.assessment_pdf, name="assessment_pdf"),
    path("assessments/<int:assessment_id>/results.<str:fmt>", views.assessment_export, name="assessment_export"),
]
