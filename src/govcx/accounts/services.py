"""Use cases of the accounts app: the audit trail and API tokens."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from govcx.accounts.models import ApiToken, AuditEvent, User
from govcx.common.tokens import token_hash


def audit_record(
    *, actor: Any, action: str, obj: Any, organisation_id: int | None = None, changes: dict | None = None
) -> AuditEvent:
    """Write one entry of the audit trail: who did what to which object, with the changed fields."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        organisation_id=organisation_id,
        changes=changes or {},
    )


def audit_history(*, obj: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")
    )


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and never stored."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:12], key_hash=token_hash(secret))
    audit_record(actor=user, action="token.create", obj=token, organisation_id=user.organisation_id)
    return token, secret


def api_token_authenticate(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit_record(actor=actor, action="token.revoke", obj=token, organisation_id=token.user.organisation_id)
