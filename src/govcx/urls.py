from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from govcx.api import api
from govcx.views import home

urlpatterns = [
    path("api/", api.urls),  # first: the public ingestion API is the busiest path, resolved in this order
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("registry/", include("govcx.registry.urls")),
    path("standards/", include("govcx.standards.urls")),
    path("reports/", include("govcx.reports.urls")),
    path("audit/", include("govcx.audit.urls")),
    path("lab/", include("govcx.lab.urls")),
    path("feedback/s/", include("govcx.feedback.public_urls")),
    path("feedback/", include("govcx.feedback.urls")),
    path("complaints/", include("govcx.complaints.urls")),
    path("proactive/", include("govcx.proactive.urls")),
    path("jobs/", include("govcx.jobs.urls")),
    path("delivery/", include("govcx.delivery.urls")),
    # training
    path("training/", include("govcx.training.urls")),
    path("xapi/", include("govcx.training.xapi_urls")),  # the LRS for learning platforms (xAPI 1.0.3)
    # pilots
    path("pilots/", include("govcx.pilots.urls")),
    # maturity
    path("maturity/", include("govcx.maturity.urls")),
    # practices
    path("practices/", include("govcx.practices.urls")),
]
