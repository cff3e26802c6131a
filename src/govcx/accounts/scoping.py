"""Who may see and change what: the only place organisation scoping is decided.

Every organisation-owned model's manager is built from `ScopedQuerySet`, which declares, as data, the lookups from
the model to the organisations whose scope reaches it and the actions each lookup is valid for. Views, API
handlers and selectors start from `Model.objects.for_user()` or fetch one object with `access()`.

The rules:
* a role grants actions (`roles.GRANTS`); superusers get every action except personal data, which comes from
  the role alone;
* a user's scope is their organisation and the organisations below it; central roles and superusers see every
  organisation, except for personal data, which never goes beyond the user's own organisation tree;
* a record is in scope for an action when one of its organisation lookups valid for that action leads into the
  user's scope (a study: VIEW through its service's owner, every action through the lab running it).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from functools import reduce
from typing import Any

from django.db import models
from django.db.models import Q

from govcx.accounts.roles import PERSONAL_DATA_ACTIONS, Action, role_allows, role_is_central
from govcx.errors import Forbidden, NotFound

#: Every action: for an organisation lookup through which the record is fully owned.
ALL_ACTIONS = frozenset(Action)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def sees_every_organisation(user: Any, action: Action = Action.VIEW) -> bool:
    """Whether the user's scope for `action` is the whole country (central roles and superusers, never for
    personal data)."""
    if not _active(user) or action in PERSONAL_DATA_ACTIONS:
        return False
    return bool(user.is_superuser) or role_is_central(user.role)


def visible_organisation_ids(user: Any, action: Action = Action.VIEW) -> set[int] | None:
    """Ids of organisations the user's scope for `action` covers; None means every organisation."""
    if not _active(user):
        return set()
    if sees_every_organisation(user, action):
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


def organisation_in_scope(user: Any, organisation_id: int, action: Action = Action.VIEW) -> bool:
    """Whether `organisation_id` is in the user's scope for `action` (whatever the role allows)."""
    ids = visible_organisation_ids(user, action)
    return ids is None or organisation_id in ids


def can(user: Any, action: Action) -> bool:
    """Superusers may do everything except see personal data: that right comes from the role alone."""
    if not _active(user):
        return False
    if action in PERSONAL_DATA_ACTIONS:
        return role_allows(user.role, action)
    return bool(user.is_superuser) or role_allows(user.role, action)


def require(user: Any, action: Action) -> None:
    if not can(user, action):
        raise Forbidden(f"your role may not {action.value.replace('_', ' ')}")


class ScopedQuerySet(models.QuerySet):
    """Subclasses set `organisation_lookups`: {path from the model to an organisation's id: the actions for which
    that organisation's scope reaches the record}. A record is in scope when any lookup valid for the action is."""

    organisation_lookups: Mapping[str, frozenset[Action]] = {"organisation_id": ALL_ACTIONS}
    #: Set when a lookup crosses a one-to-many relation (a programme's participants): the scope is then applied
    #: as a subquery of ids, so a record reached through several in-scope rows is listed once.
    multi_valued: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "organisation_lookup" in cls.__dict__:  # the single-lookup spelling of before: silently ignored otherwise
            raise TypeError(f"{cls.__name__}: declare organisation_lookups, not organisation_lookup")

    def scope(self, user: Any, action: Action = Action.VIEW) -> Q | bool:
        """The records in the user's scope for `action`: True for every record, False for none, else the
        condition they meet."""
        lookups = [lookup for lookup, actions in self.organisation_lookups.items() if action in actions]
        if not lookups or not can(user, action):
            return False
        ids = visible_organisation_ids(user, action)
        if ids is None:
            return True
        return reduce(operator.or_, (Q(**{f"{lookup}__in": ids}) for lookup in lookups))

    def for_user(self, user: Any, action: Action = Action.VIEW) -> ScopedQuerySet:
        return self.within(self.scope(user, action))

    def within(self, condition: Q | bool) -> ScopedQuerySet:
        """The records that meet a condition `scope` gave."""
        if condition is True:
            return self
        if condition is False:
            return self.none()
        if self.multi_valued:
            return self.filter(pk__in=self.model._base_manager.filter(condition).values("pk"))
        return self.filter(condition)


def access(queryset: ScopedQuerySet, user: Any, pk: Any, action: Action = Action.VIEW, *, what: str) -> Any:
    """Fetch one object through the user's scope. Out of scope is indistinguishable from absent (404).

    A user who can see the object but whose role does not allow `action` gets 403; one whose role allows it but
    whose scope for that action does not reach the object (another lab's participants) gets 404.
    """
    try:
        obj = queryset.for_user(user, Action.VIEW).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"{what} {pk} not found") from None
    require(user, action)
    if action != Action.VIEW and not _reaches(queryset, user, obj, action):
        raise NotFound(f"{what} {pk} not found")
    return obj


def can_access(user: Any, obj: models.Model, action: Action) -> bool:
    """Whether the user may take `action` on `obj` (its role allows it and its scope for the action reaches it)."""
    return _reaches(type(obj)._default_manager.all(), user, obj, action)


def _reaches(queryset: Any, user: Any, obj: models.Model, action: Action) -> bool:
    condition = queryset.scope(user, action)
    if isinstance(condition, bool):  # every record or none: no need to ask the database about this one
        return condition
    return bool(queryset.within(condition).filter(pk=obj.pk).exists())


# --- maturity ---
def sees_index_drafts(user: Any) -> bool:
    """The central office (and superusers) see every index publication, drafts included; every other reader
    sees the published ones only, and in them the whole ranking (each authority's own drill-down still goes
    through its services' scope)."""
    return sees_every_organisation(user)
