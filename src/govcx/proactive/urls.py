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
    path("drafts/", views.draft_list, name="drafts"),
    path("drafts/whatif/<int:draft_whatif_id>/", views.draft_whatif, name="draft_whatif"),
    path("payments/", views.payment_batch_list, name="payments"),
    path("payments/<int:payment_batch_id>/", views.payment_batch_detail, name="payment_batch"),
    path("payments/<int:payment_batch_id>/<str:fmt>/", views.payment_batch_export, name="payment_batch_export"),
    path("people/", views.person_lookup, name="person"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:offer_id>/answer/", views.inbox_answer, name="inbox_answer"),
]
