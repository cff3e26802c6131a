"""Who may see and change what: the only place organisation scoping is decided.

Every organisation-owned model's manager is built from `ScopedQuerySet`, which knows the lookup from the
model to its owning organisation. Views, API handlers and selectors start from `Model.objects.for_user()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from govcx.accounts.roles import PERSONAL_DATA_ACTIONS, Action, role_allows, role_is_central
from govcx.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from govcx.accounts.models import User


def visible_organisation_ids(user: User) -> set[int] | None:
    """Ids of organisations the user's scope covers; None means every organisation."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser or role_is_central(user.role):
        return None
    if user.organisation_id is None:
        return set()
    # The organisation model is reached through the user's own relation, so accounts never imports the registry
    # (the registry's models import this module: the app graph stays one-way).
    organisation_model = user._meta.get_field("organisation").related_model
    ids = {user.organisation_id}
    frontier = {user.organisation_id}
    while frontier:
        frontier = set(organisation_model.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - ids
        ids |= frontier
    return ids


def can(user: Any, action: Action) -> bool:
    """Superusers may do everything except see personal data: that right comes from the role alone."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action in PERSONAL_DATA_ACTIONS:
        return role_allows(user.role, action)
    return bool(user.is_superuser) or role_allows(user.role, action)


def require(user: Any, action: Action) -> None:
    if not can(user, action):
        raise Forbidden(f"your role may not {action.value.replace('_', ' ')}")


class ScopedQuerySet(models.QuerySet):
    """Subclasses set `organisation_lookup`: the path from the model to its owning organisation's id."""

    organisation_lookup: str = "organisation"

    def for_user(self, user: Any, action: Action = Action.VIEW) -> ScopedQuerySet:
        if not can(user, action):
            return self.none()
        ids = visible_organisation_ids(user)
        if ids is None:
            return self
        return self.filter(**{f"{self.organisation_lookup}__in": ids})


def access(queryset: ScopedQuerySet, user: Any, pk: Any, action: Action = Action.VIEW, *, what: str) -> Any:
    """Fetch one object through the user's scope. Out of scope is indistinguishable from absent (404).

    A user who can see the object but whose role does not allow `action` gets 403.
    """
    visible = queryset.for_user(user, Action.VIEW)
    try:
        obj = visible.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"{what} {pk} not found") from None
    require(user, action)
    return obj
