from django.urls import path

from govcx.standards import views

app_name = "standards"
urlpatterns = [
    path("packs/", views.pack_list, name="pack_list"),
    path("packs/<int:pack_pk>/", views.pack_detail, name="pack_detail"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:assessment_id>/checks/", views.assessment_rerun_checks, name="assessment_checks"),
    path(
        "assessments/<int:assessment_id>/outcomes/<str:requirement_id>/",
        views.outcome_record,
        name="outcome_record",
    ),
    path(
        "assessments/<int:assessment_id>/outcomes/<str:requirement_id>/evidence",
        views.evidence_file,
        name="evidence_file",
    ),
    path("assessments/<int:assessment_id>/adjustments/", views.adjustment_create, name="adjustment_create"),
    path("adjustments/<int:adjustment_id>/status/", views.adjustment_set_status, name="adjustment_status"),
]
