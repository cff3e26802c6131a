from django.urls import path

from govcx.proactive import views

app_name = "proactive"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("offers/", views.offer_list, name="offers"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:proactive_run_id>/", views.run_detail, name="run"),
    path("snapshots/", views.snapshot_list, name="snapshots"),
    path("whatif/", views.whatif, name="whatif"),
    path("people/", views.person_lookup, name="person"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:offer_id>/answer/", views.inbox_answer, name="inbox_answer"),
]
