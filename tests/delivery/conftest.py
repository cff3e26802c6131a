"""Where the public event logs of `shared/data/eventlogs` are: GOVCX_SHARED_DATA (the `data` folder), else
`shared/data` beside the repository (CI clones beside `shared`) or beside any folder above it (a worktree
nested deeper)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def eventlogs_dir() -> Path | None:
    candidates = []
    if os.environ.get("GOVCX_SHARED_DATA"):
        candidates.append(Path(os.environ["GOVCX_SHARED_DATA"]) / "eventlogs")
    candidates += [parent / "shared" / "data" / "eventlogs" for parent in REPO.parents]
    return next((path for path in candidates if path.is_dir()), None)


@pytest.fixture(scope="session")
def eventlogs() -> Path:
    found = eventlogs_dir()
    if found is None:
        pytest.skip("the public event logs are absent: no ../shared/data/eventlogs beside the repository "
                    "and GOVCX_SHARED_DATA is unset")
    return found
