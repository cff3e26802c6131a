from django.urls import path

from govcx.registry import views

app_name = "registry"
urlpatterns = [
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/export.<str:fmt>", views.service_export, name="service_export"),
    path("services/import/", views.service_import, name="service_import"),
    path("services/<int:service_id>/", views.service_detail, name="service_detail"),
    path("services/<int:service_id>/edit/", views.service_edit, name="service_edit"),
]
