"""The URL map of the LRS's lean path (`training.xapi_wsgi`): the LRS's routes under /xapi/ and nothing else."""

from django.urls import include, path

urlpatterns = [path("xapi/", include("govcx.training.xapi_urls"))]
