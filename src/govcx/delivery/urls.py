from django.urls import path

from govcx.delivery import views

app_name = "delivery"
urlpatterns = [
    path("", views.delivery_home, name="home"),
    path("ranking/", views.delivery_ranking, name="ranking"),
    path("services/<int:service_id>/", views.service_delivery, name="service"),
    path("services/<int:service_id>/map.svg", views.service_delivery_map, name="map_svg"),
    path("services/<int:service_id>/map.<str:fmt>", views.service_delivery_map, name="map"),
    path("services/<int:service_id>/report.pdf", views.service_delivery_report_pdf, name="report_pdf"),
    path("services/<int:service_id>/export.<str:fmt>", views.service_delivery_export, name="export"),
]
