"""The URL map of the lean ingestion handler (`feedback.public_wsgi`): the one operation, taken from the API."""

from __future__ import annotations

from django.conf import settings
from django.urls import path, resolve

from govcx.feedback.public_wsgi import INGESTION_PATH

urlpatterns = [path(INGESTION_PATH.lstrip("/"), resolve(INGESTION_PATH, urlconf=settings.ROOT_URLCONF).func)]
