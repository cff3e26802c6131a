from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from govcx.accounts.roles import Role
from govcx.common.tokens import new_token


class User(AbstractUser):
    """A staff user. Personal data held: username, name, e-mail (kept while the account exists)."""

    organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(max_length=32, choices=[(r.value, r.value) for r in Role], default=Role.VIEWER)
    is_demo = models.BooleanField(default=False, help_text=_("Demo account: refused outside demo mode."))

    PERSONAL_DATA = ("username", "first_name", "last_name", "email")

    def person_name(self) -> str:
        """The name shown where a person is named (an adjustment's owner, a case's owner): full name, else login."""
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A machine credential. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def new_secret() -> str:
        return "gcx_" + new_token()


class AuditEvent(models.Model):
    """Who changed what, when: the audit trail every service writes to."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    organisation = models.ForeignKey("registry.Organisation", null=True, on_delete=models.SET_NULL)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]
        ordering = ["-at", "-id"]
