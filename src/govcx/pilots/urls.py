from django.urls import path

from govcx.pilots import views

app_name = "pilots"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="new"),
    path("<int:pilot_id>/", views.programme_detail, name="programme"),
    path("<int:pilot_id>/participants/", views.participant_new, name="participant_new"),
    path("<int:pilot_id>/criteria/new/", views.criterion_new, name="criterion_new"),
    path("<int:pilot_id>/criteria/<int:criterion_id>/", views.criterion_edit, name="criterion"),
    path("<int:pilot_id>/report/", views.report_page, name="report"),
    path("<int:pilot_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pilot_id>/<str:action>/", views.programme_action, name="action"),
]
