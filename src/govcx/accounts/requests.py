"""The request that signed-in pages and API operations receive (behind `login_required` or the API's auth).

Its `user` is a govcx User, never AnonymousUser, so it can be passed as the `actor` of a service; `htmx` is set by
django-htmx's middleware on every request. A type only: Django builds the request as usual.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from govcx.accounts.models import User


class SignedInRequest(HttpRequest):
    user: User  # narrower than HttpRequest's User | AnonymousUser: the login check ran
    htmx: HtmxDetails
