from django.urls import path

from govcx.training import xapi_views

urlpatterns = [
    path("statements", xapi_views.statements, name="xapi_statements"),
    path("statements/", xapi_views.statements),
    path("about", xapi_views.about, name="xapi_about"),
    path("about/", xapi_views.about),
]
