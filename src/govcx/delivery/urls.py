from django.urls import path

from govcx.delivery import views

app_name = "delivery"
urlpatterns = [
    path("", views.delivery_home, name="home"),
    path("services/<int:service_id>/", views.service_delivery, name="service"),
]
