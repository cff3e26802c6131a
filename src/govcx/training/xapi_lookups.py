"""What the xAPI 1.0.3 Agents and Activities resources answer (xAPI-Communication 2.4 and 2.5), plain Python.

Agents resource: a Person Object, "very similar to an Agent Object, but instead of each attribute having a single
value, each attribute has an array value". Without more to tell, the LRS "MUST still return a Person when queried,
but that Person Object will only include the information associated with the requested Agent". This LRS adds only
the names the programme's statements gave the same Agent: it never joins identifiers from the roster (the work
e-mail is personal data for training officers, and the spec asks an LRS returning several identifiers to require
OAuth, which platforms here do not use).

Activities resource: the Activity Object with the LRS's canonical definition. The LRS "SHOULD update its internal
representation of an Activity's definition upon receiving a Statement with a different definition of the Activity
from the one stored, but only if it considers the Learning Record Provider to have the authority to change the
definition" (xAPI-Data 2.4.4.1): every platform of the programme has that authority, the newest definition wins
property by property, and the language maps (name, description) and extensions are merged key by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from govcx.training.xapi import agent_key

MERGED_PROPERTIES = ("name", "description", "extensions")
_IDENTIFIERS = ("mbox", "mbox_sha1sum", "openid", "account")


def person_object(agent: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The Person Object for a requested Agent: its identifier and the distinct names, each as an array."""
    person: dict[str, Any] = {"objectType": "Person"}
    distinct = list(dict.fromkeys(name for name in names if isinstance(name, str) and name))
    if distinct:
        person["name"] = distinct
    for key in _IDENTIFIERS:
        if key in agent:
            person[key] = [agent[key]]
    return person


def names_seen(bodies: Iterable[dict[str, Any]], key: str) -> Iterator[str]:
    """The names statements gave the Agent with identifier `key`, as actor or as object."""
    for body in bodies:
        for part in (body.get("actor"), body.get("object")):
            if isinstance(part, dict) and part.get("objectType", "Agent") == "Agent" and "name" in part \
                    and agent_key(part) == key:
                yield part["name"]


def _activities(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    target = body.get("object", {})
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        yield target
    for items in body.get("context", {}).get("contextActivities", {}).values():
        yield from (items if isinstance(items, list) else [items])
    if kind == "SubStatement":
        yield from _activities(target)


def definitions(statement: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Activity id → the definition the statement gives it (object, context activities, SubStatement), merged in
    the order they appear when one statement defines an activity twice."""
    found: dict[str, dict[str, Any]] = {}
    for activity in _activities(statement):
        if "definition" in activity:
            found[activity["id"]] = merge_definition(found.get(activity["id"]), activity["definition"])
    return found


def merge_definition(known: dict[str, Any] | None, given: dict[str, Any]) -> dict[str, Any]:
    """`known` updated by a newer definition: its properties replace the known ones, except the language maps and
    extensions, which are merged key by key (a name in another language keeps the known ones)."""
    merged = dict(known or {})
    for key, value in given.items():
        if key in MERGED_PROPERTIES and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def activity_object(activity_id: str, definition: dict[str, Any] | None) -> dict[str, Any]:
    """The Activity Object the Activities resource answers; without a known definition, the id alone."""
    activity: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if definition:
        activity["definition"] = definition
    return activity
