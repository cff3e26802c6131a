"""Validation and reading of xAPI 1.0.3 statements (IEEE 9274.1.1), plain Python.

`validate_statement` checks a statement as the spec's Data part requires an LRS to (xAPI-Data 2.2 "Formatting
Requirements": no nulls outside extensions, no unknown or wrongly-cased keys, enumerations exact, IRIs with a
scheme, UUIDs in standard form, RFC 5646 language tags, ISO 8601 timestamps and durations; 2.4 "Statement
Properties": an Agent has exactly one inverse functional identifier, an anonymous Group has members, a
SubStatement has no id/stored/version/authority and no SubStatement object, the voiding verb takes a StatementRef,
context revision/platform only with an Activity object, score bounds) and raises `XapiInvalid` with the path of
the first problem. The rest reads statements for the store: the keys the GET filters match on, the comparison of
two statements with the same id (2.3.1 "Statement Comparison Requirements": differences the LRS could have caused
— authority, stored, timestamp/version when assigned, verb display, activity definitions, attachments, member
order, case of case-insensitive values — are ignored) and the `ids` format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from typing import Any

from govcx.errors import Invalid

VERSION = "1.0.3"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COMPLETION_VERBS = frozenset({"http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed"})

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_MAILTO = re.compile(r"^mailto:[^@\s:/]+@[^@\s]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}(:?\d{2})?)?$"
)
_NEGATIVE_ZERO_OFFSET = re.compile(r"-00(:?00)?$")
_DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
_VERSION = re.compile(r"^1\.0(\.\d+)?$")
_LANGUAGE = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-x(?:-[A-Za-z0-9]{1,8})+)?$|^x(?:-[A-Za-z0-9]{1,8})+$|^i-[A-Za-z]{3,8}$"
)
INTERACTION_COMPONENTS = {
    "true-false": frozenset(), "choice": frozenset({"choices"}), "fill-in": frozenset(),
    "long-fill-in": frozenset(), "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}), "sequencing": frozenset({"choices"}), "likert": frozenset({"scale"}),
    "numeric": frozenset(), "other": frozenset(),
}
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


class XapiInvalid(Invalid):
    """A statement or a request parameter that breaks the xAPI specification: the LRS answers 400."""


def _fail(path: str, message: str) -> XapiInvalid:
    return XapiInvalid(f"{path}: {message}")


def _object(
    value: Any, path: str, allowed: frozenset[str] | set[str], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    for key, item in value.items():
        if key not in allowed:
            raise _fail(f"{path}.{key}", "is not a property the specification allows here")
        if item is None:
            raise _fail(f"{path}.{key}", "must not be null")
    for key in required:
        if key not in value:
            raise _fail(f"{path}.{key}", "is required")
    return value


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")
    return value


def iri(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _IRI.match(value):
        raise _fail(path, "must be an absolute IRI (with a scheme)")
    return value


def uuid(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _UUID.match(value):
        raise _fail(path, "must be a UUID in standard string form")
    return value.lower()


def timestamp(value: Any, path: str) -> dt.datetime:
    if not isinstance(value, str) or not _TIMESTAMP.match(value) or _NEGATIVE_ZERO_OFFSET.search(value):
        raise _fail(path, "must be an ISO 8601 timestamp")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise _fail(path, "must be an ISO 8601 timestamp") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, "must be a number")
    return float(value)


def _boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "must be true or false")
    return value


def language_map(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise _fail(path, "must be a language map")
    for key, text in value.items():
        if not _LANGUAGE.match(key):
            raise _fail(f"{path}.{key}", "is not an RFC 5646 language tag")
        if not isinstance(text, str):
            raise _fail(f"{path}.{key}", "must be a string")


def _extensions(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise _fail(path, "must be an object")
    for key in value:
        iri(key, f"{path}.{key}")


def agent(value: Any, path: str, *, object_type_required: bool = False) -> dict[str, Any]:
    """An Agent or a Group (by objectType)."""
    if isinstance(value, dict) and value.get("objectType") == "Group":
        return group(value, path)
    obj = _object(value, path, {"objectType", "name", *_IFIS})
    if object_type_required and "objectType" not in obj:
        raise _fail(f"{path}.objectType", "is required for an Agent here")
    if "objectType" in obj and obj["objectType"] != "Agent":
        raise _fail(f"{path}.objectType", "must be Agent or Group")
    if "name" in obj:
        _string(obj["name"], f"{path}.name")
    if _ifi_count(obj, path) != 1:
        raise _fail(path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account")
    return obj


def group(value: Any, path: str) -> dict[str, Any]:
    obj = _object(value, path, {"objectType", "name", "member", *_IFIS}, ("objectType",))
    if obj["objectType"] != "Group":
        raise _fail(f"{path}.objectType", "must be Group")
    if "name" in obj:
        _string(obj["name"], f"{path}.name")
    count = _ifi_count(obj, path)
    if count > 1:
        raise _fail(path, "a Group has at most one inverse functional identifier")
    if "member" in obj:
        members = obj["member"]
        if not isinstance(members, list):
            raise _fail(f"{path}.member", "must be an array of Agents")
        for i, member in enumerate(members):
            if isinstance(member, dict) and member.get("objectType") == "Group":
                raise _fail(f"{path}.member[{i}]", "a Group's members are Agents")
            agent(member, f"{path}.member[{i}]")
    if count == 0 and not obj.get("member"):
        raise _fail(f"{path}.member", "an anonymous Group must list its members")
    return obj


def _ifi_count(obj: dict[str, Any], path: str) -> int:
    if "mbox" in obj and (not isinstance(obj["mbox"], str) or not _MAILTO.match(obj["mbox"])):
        raise _fail(f"{path}.mbox", "must be a mailto: IRI")
    if "mbox_sha1sum" in obj and (not isinstance(obj["mbox_sha1sum"], str) or not _SHA1.match(obj["mbox_sha1sum"])):
        raise _fail(f"{path}.mbox_sha1sum", "must be the hex SHA-1 of a mailto: IRI")
    if "openid" in obj:
        iri(obj["openid"], f"{path}.openid")
    if "account" in obj:
        account = _object(obj["account"], f"{path}.account", {"homePage", "name"}, ("homePage", "name"))
        iri(account["homePage"], f"{path}.account.homePage")
        _string(account["name"], f"{path}.account.name")
    return sum(1 for key in _IFIS if key in obj)


def verb(value: Any, path: str) -> dict[str, Any]:
    obj = _object(value, path, {"id", "display"}, ("id",))
    iri(obj["id"], f"{path}.id")
    if "display" in obj:
        language_map(obj["display"], f"{path}.display")
    return obj


def activity(value: Any, path: str) -> dict[str, Any]:
    obj = _object(value, path, {"objectType", "id", "definition"}, ("id",))
    if "objectType" in obj and obj["objectType"] != "Activity":
        raise _fail(f"{path}.objectType", "must be Activity")
    iri(obj["id"], f"{path}.id")
    if "definition" in obj:
        _definition(obj["definition"], f"{path}.definition")
    return obj


def _definition(value: Any, path: str) -> None:
    components = {"choices", "scale", "source", "target", "steps"}
    obj = _object(value, path, {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                                "correctResponsesPattern", *components})
    for key in ("name", "description"):
        if key in obj:
            language_map(obj[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in obj:
            iri(obj[key], f"{path}.{key}")
    if "extensions" in obj:
        _extensions(obj["extensions"], f"{path}.extensions")
    kind = obj.get("interactionType")
    if kind is None:
        if "correctResponsesPattern" in obj or components & obj.keys():
            raise _fail(f"{path}.interactionType", "is required with interaction properties")
        return
    if kind not in INTERACTION_COMPONENTS:
        raise _fail(f"{path}.interactionType", "is not an interaction type of the specification")
    if "correctResponsesPattern" in obj:
        pattern = obj["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise _fail(f"{path}.correctResponsesPattern", "must be an array of strings")
    for key in components & obj.keys():
        if key not in INTERACTION_COMPONENTS[kind]:
            raise _fail(f"{path}.{key}", f"is not used with interactionType {kind}")
        items = obj[key]
        if not isinstance(items, list):
            raise _fail(f"{path}.{key}", "must be an array of interaction components")
        seen = set()
        for i, item in enumerate(items):
            component = _object(item, f"{path}.{key}[{i}]", {"id", "description"}, ("id",))
            if _string(component["id"], f"{path}.{key}[{i}].id") in seen:
                raise _fail(f"{path}.{key}[{i}].id", "repeats another component's id")
            seen.add(component["id"])
            if "description" in component:
                language_map(component["description"], f"{path}.{key}[{i}].description")


def _statement_ref(value: Any, path: str) -> dict[str, Any]:
    obj = _object(value, path, {"objectType", "id"}, ("objectType", "id"))
    if obj["objectType"] != "StatementRef":
        raise _fail(f"{path}.objectType", "must be StatementRef")
    uuid(obj["id"], f"{path}.id")
    return obj


def _statement_object(value: Any, path: str, *, sub: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        return activity(value, path)
    if kind == "Agent":
        return agent(value, path, object_type_required=True)
    if kind == "Group":
        return group(value, path)
    if kind == "StatementRef":
        return _statement_ref(value, path)
    if kind == "SubStatement":
        if sub:
            raise _fail(path, "a SubStatement cannot hold another SubStatement")
        _body(value, path, sub=True)
        return value
    raise _fail(f"{path}.objectType", "must be Activity, Agent, Group, SubStatement or StatementRef")


def _result(value: Any, path: str) -> None:
    obj = _object(value, path, {"score", "success", "completion", "response", "duration", "extensions"})
    if "score" in obj:
        score = _object(obj["score"], f"{path}.score", {"scaled", "raw", "min", "max"})
        numbers = {key: _number(score[key], f"{path}.score.{key}") for key in score}
        if "scaled" in numbers and not -1.0 <= numbers["scaled"] <= 1.0:
            raise _fail(f"{path}.score.scaled", "must be between -1 and 1")
        low, high = numbers.get("min"), numbers.get("max")
        if low is not None and high is not None and low >= high:
            raise _fail(f"{path}.score.min", "must be less than max")
        raw = numbers.get("raw")
        if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
            raise _fail(f"{path}.score.raw", "must be between min and max")
    for key in ("success", "completion"):
        if key in obj:
            _boolean(obj[key], f"{path}.{key}")
    if "response" in obj:
        _string(obj["response"], f"{path}.response")
    if "duration" in obj and (not isinstance(obj["duration"], str) or not _DURATION.match(obj["duration"])):
        raise _fail(f"{path}.duration", "must be an ISO 8601 duration")
    if "extensions" in obj:
        _extensions(obj["extensions"], f"{path}.extensions")


def _context(value: Any, path: str, object_is_activity: bool) -> None:
    obj = _object(value, path, {"registration", "instructor", "team", "contextActivities", "revision", "platform",
                                "language", "statement", "extensions"})
    if "registration" in obj:
        uuid(obj["registration"], f"{path}.registration")
    if "instructor" in obj:
        agent(obj["instructor"], f"{path}.instructor")
    if "team" in obj:
        group(obj["team"], f"{path}.team")
    if "contextActivities" in obj:
        activities = _object(obj["contextActivities"], f"{path}.contextActivities",
                             {"parent", "grouping", "category", "other"})
        for key, items in activities.items():
            for i, item in enumerate(items if isinstance(items, list) else [items]):
                activity(item, f"{path}.contextActivities.{key}[{i}]")
    for key in ("revision", "platform"):
        if key in obj:
            _string(obj[key], f"{path}.{key}")
            if not object_is_activity:
                raise _fail(f"{path}.{key}", "is allowed only when the object is an Activity")
    if "language" in obj and (not isinstance(obj["language"], str) or not _LANGUAGE.match(obj["language"])):
        raise _fail(f"{path}.language", "is not an RFC 5646 language tag")
    if "statement" in obj:
        _statement_ref(obj["statement"], f"{path}.statement")
    if "extensions" in obj:
        _extensions(obj["extensions"], f"{path}.extensions")


def _attachments(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise _fail(path, "must be an array of attachments")
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        obj = _object(item, where, {"usageType", "display", "description", "contentType", "length", "sha2",
                                    "fileUrl"}, ("usageType", "display", "contentType", "length", "sha2"))
        iri(obj["usageType"], f"{where}.usageType")
        language_map(obj["display"], f"{where}.display")
        if "description" in obj:
            language_map(obj["description"], f"{where}.description")
        _string(obj["contentType"], f"{where}.contentType")
        if isinstance(obj["length"], bool) or not isinstance(obj["length"], int) or obj["length"] < 0:
            raise _fail(f"{where}.length", "must be a whole number of octets")
        _string(obj["sha2"], f"{where}.sha2")
        if "fileUrl" in obj:
            iri(obj["fileUrl"], f"{where}.fileUrl")


def _body(value: dict[str, Any], path: str, *, sub: bool) -> None:
    allowed = {"actor", "verb", "object", "result", "context", "timestamp", "attachments"}
    allowed |= {"objectType"} if sub else {"id", "stored", "authority", "version"}
    obj = _object(value, path, allowed, ("actor", "verb", "object"))
    if not sub and "id" in obj:
        uuid(obj["id"], f"{path}.id")
    agent(obj["actor"], f"{path}.actor")
    verb_id = verb(obj["verb"], f"{path}.verb")["id"]
    target = _statement_object(obj["object"], f"{path}.object", sub=sub)
    if verb_id == VOIDED and target.get("objectType") != "StatementRef":
        raise _fail(f"{path}.object", "a voiding statement's object must be a StatementRef")
    if "result" in obj:
        _result(obj["result"], f"{path}.result")
    if "context" in obj:
        _context(obj["context"], f"{path}.context", target.get("objectType", "Activity") == "Activity")
    for key in ("timestamp", "stored"):
        if key in obj:
            timestamp(obj[key], f"{path}.{key}")
    if "authority" in obj:
        agent(obj["authority"], f"{path}.authority")
    if "version" in obj and (not isinstance(obj["version"], str) or not _VERSION.match(obj["version"])):
        raise _fail(f"{path}.version", "must be a 1.0.x version")
    if "attachments" in obj:
        _attachments(obj["attachments"], f"{path}.attachments")


def validate_statement(value: Any, path: str = "statement") -> dict[str, Any]:
    """The statement, if it is valid xAPI 1.0.3; else XapiInvalid naming the first problem."""
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    _body(value, path, sub=False)
    return value


# --- reading statements --------------------------------------------------------------------------------------


def agent_key(obj: dict[str, Any]) -> str | None:
    """The inverse functional identifier of an Agent or identified Group as one comparable string."""
    if "mbox" in obj:
        local, _, domain = obj["mbox"][len("mailto:"):].partition("@")
        return f"mbox:{local}@{domain.lower()}"
    if "mbox_sha1sum" in obj:
        return f"sha1:{obj['mbox_sha1sum'].lower()}"
    if "openid" in obj:
        return f"openid:{obj['openid']}"
    if "account" in obj:
        return f"account:{obj['account']['homePage']}|{obj['account']['name']}"
    return None


def mbox_sha1(email: str) -> str:
    """The mbox_sha1sum of an e-mail address (the SHA-1 of its mailto: IRI, xAPI-Data 2.4.2.3)."""
    return hashlib.sha1(f"mailto:{email.strip().lower()}".encode()).hexdigest()  # noqa: S324 - the spec's hash


def _agents(obj: Any, *, members: bool) -> Iterator[str]:
    if not isinstance(obj, dict) or obj.get("objectType") not in (None, "Agent", "Group"):
        return
    key = agent_key(obj)
    if key:
        yield key
    if members:
        for member in obj.get("member", []):
            key = agent_key(member)
            if key:
                yield key


def filter_keys(statement: dict[str, Any]) -> tuple[set[str], set[str], set[str], set[str]]:
    """(agents, related agents, activities, related activities) the GET filters of xAPI-Communication 2.1.3 match:
    the actor or an Agent object; with related_agents also authority, instructor, team and group members, in the
    statement and its SubStatement; the Activity object; with related_activities also the context activities."""
    agents: set[str] = set()
    related_agents: set[str] = set()
    activities: set[str] = set()
    related_activities: set[str] = set()

    def visit(body: dict[str, Any], top: bool) -> None:
        target = body["object"]
        kind = target.get("objectType", "Activity")
        for part in (body["actor"], target):
            if top:
                agents.update(_agents(part, members=False))
            related_agents.update(_agents(part, members=True))
        context = body.get("context", {})
        for key in ("instructor", "team"):
            related_agents.update(_agents(context.get(key), members=True))
        if kind == "Activity":
            if top:
                activities.add(target["id"])
            related_activities.add(target["id"])
        for items in context.get("contextActivities", {}).values():
            related_activities.update(item["id"] for item in (items if isinstance(items, list) else [items]))
        if kind == "SubStatement":
            visit(target, False)

    visit(statement, True)
    related_agents.update(_agents(statement.get("authority"), members=True))
    return agents, related_agents | agents, activities, related_activities | activities


def is_completion(statement: dict[str, Any]) -> bool:
    """A completion in the sense of this programme: the ADL verb completed or passed, or result.completion true."""
    return statement["verb"]["id"] in COMPLETION_VERBS or statement.get("result", {}).get("completion") is True


def _comparable(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        skip = {"display", "definition"} if key in ("verb", "object", "activity") else set()
        out = {k: _comparable(v, k) for k, v in value.items() if k not in skip}
        if key == "object" and value.get("objectType", "Activity") != "Activity":
            out = {k: _comparable(v, k) for k, v in value.items()}
            out.pop("definition", None)
        if "member" in out:
            out["member"] = sorted(out["member"], key=repr)
        if "mbox" in out and isinstance(out["mbox"], str):
            out["mbox"] = out["mbox"].lower()
        if key == "contextActivities":
            out = {k: sorted(v if isinstance(v, list) else [v], key=repr) for k, v in out.items()}
            out = {k: [{"id": item["id"]} for item in v] for k, v in out.items()}
        return out
    if isinstance(value, list):
        return [_comparable(v, key) for v in value]
    if isinstance(value, str) and key in ("id", "registration") and _UUID.match(value):
        return value.lower()
    return value


def same_statement(stored: dict[str, Any], incoming: dict[str, Any]) -> bool:
    """Whether a statement sent again under a stored id is the same statement (xAPI-Data 2.3.1)."""

    def strip(statement: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in statement.items() if k not in ("authority", "stored", "version", "attachments",
                                                                "timestamp")}
        return _comparable(out)  # type: ignore[no-any-return]

    if strip(stored) != strip(incoming):
        return False
    if "timestamp" in stored and "timestamp" in incoming:
        return timestamp(stored["timestamp"], "timestamp") == timestamp(incoming["timestamp"], "timestamp")
    return True


def ids_format(statement: dict[str, Any]) -> dict[str, Any]:
    """The `ids` format of xAPI-Communication 2.1.3: Agents and Groups reduced to their identifier (and an anonymous
    Group's members to theirs), Activities and Verbs to their id."""

    def reduce_agent(obj: dict[str, Any]) -> dict[str, Any]:
        out = {k: obj[k] for k in ("objectType", *_IFIS) if k in obj}
        if "member" in obj and agent_key(obj) is None:
            out["member"] = [reduce_agent(m) for m in obj["member"]]
        return out

    def reduce_body(body: dict[str, Any]) -> dict[str, Any]:
        out = dict(body)
        out["actor"] = reduce_agent(body["actor"])
        out["verb"] = {"id": body["verb"]["id"]}
        target = body["object"]
        kind = target.get("objectType", "Activity")
        if kind == "Activity":
            out["object"] = {k: target[k] for k in ("objectType", "id") if k in target}
        elif kind in ("Agent", "Group"):
            out["object"] = reduce_agent(target)
        elif kind == "SubStatement":
            out["object"] = reduce_body(target)
        if "context" in body:
            context = dict(body["context"])
            for key in ("instructor", "team"):
                if key in context:
                    context[key] = reduce_agent(context[key])
            if "contextActivities" in context:
                context["contextActivities"] = {
                    k: [{"id": a["id"], **({"objectType": a["objectType"]} if "objectType" in a else {})}
                        for a in (v if isinstance(v, list) else [v])]
                    for k, v in context["contextActivities"].items()
                }
            out["context"] = context
        if "authority" in body:
            out["authority"] = reduce_agent(body["authority"])
        return out

    return reduce_body(statement)


def parse_agent_parameter(text: str) -> str:
    """The `agent` query parameter (a JSON Agent or identified Group) as its identifier key."""
    import json

    try:
        value = json.loads(text)
    except ValueError:
        raise _fail("agent", "must be a JSON Agent or Group") from None
    obj = agent(value, "agent")
    key = agent_key(obj)
    if key is None:
        raise _fail("agent", "must carry an inverse functional identifier")
    return key
