from django.urls import path

from govcx.maturity import views

app_name = "maturity"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("ranking.<str:fmt>", views.ranking_export, name="ranking_export"),
    path("authorities/<int:organisation_id>/", views.authority, name="authority"),
    path("authorities/<int:organisation_id>/dimensions/<str:measure>/", views.dimension, name="dimension"),
    path("recompute/", views.recompute, name="recompute"),
    path("compute/", views.compute, name="compute"),
    path("publications/<int:publication_id>/publish/", views.publish, name="publish"),
]
