"""The API contract is a committed snapshot: a change to the API shows up as a diff of docs/openapi.json.

Regenerate after an intended change: GOVCX_UPDATE_SNAPSHOTS=1 uv run pytest tests/test_openapi_contract.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from govcx.api import api

SNAPSHOT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def test_openapi_matches_the_committed_snapshot():
    current = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/"), sort_keys=True, default=str))
    if os.environ.get("GOVCX_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == committed, "the API changed: review and regenerate docs/openapi.json (see module docstring)"


def test_every_schema_has_its_own_name():
    """The OpenAPI components are keyed by class name: two schemas with one name document one of them twice
    (training's ImportOut once replaced the lab's in the published contract)."""
    from ninja import Schema

    api.get_openapi_schema()  # imports every router's schemas
    seen: dict[str, list[str]] = {}
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("govcx."):
            seen.setdefault(cls.__name__, []).append(cls.__module__)
    assert {name: modules for name, modules in seen.items() if len(modules) > 1} == {}
