from django.urls import path

from govcx.complaints import case_views, public_views, views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("<int:complaint_id>/", views.complaint_detail, name="detail"),
    path("<int:complaint_id>/take/", views.complaint_take, name="take"),
    path("<int:complaint_id>/answer/", views.complaint_answer, name="answer"),
    path("<int:complaint_id>/extend/", views.complaint_extend, name="extend"),
    path("<int:complaint_id>/change/", views.complaint_link_adjustment, name="link_adjustment"),
    path("routing/", views.routing_rules, name="routing"),
    path("routing/<int:rule_id>/delete/", views.routing_rule_delete, name="routing_delete"),
    path("new/", public_views.public_form, name="public_new"),
    path("received/<str:token>/", public_views.public_received, name="public_received"),
    path("status/<str:token>/", public_views.public_status, name="public_status"),
    path("find/", public_views.public_find, name="public_find"),
    # cases opened from feedback (low ratings, flagged comments)
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/flag/", case_views.case_flag, name="case_flag"),
    path("cases/<int:case_id>/", case_views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/plan/", case_views.case_plan, name="case_plan"),
    path("cases/<int:case_id>/start/", case_views.case_start, name="case_start"),
    path("cases/<int:case_id>/close/", case_views.case_close, name="case_close"),
]
