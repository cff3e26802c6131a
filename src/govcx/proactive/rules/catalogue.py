"""Which pack runs a test file: the one named, the one beside the tests, or the first shipped one that knows them.

The shipped packs are those in `govcx/proactive/packs/`; a source checkout also offers the country-template port
kept with the tests (`tests/proactive/country_template`, AGPL, so never part of src/).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from govcx.errors import InvalidInput
from govcx.proactive.rules.pack import Pack, read_pack

PACKS_DIR = Path(__file__).resolve().parents[1] / "packs"
SOURCE_ROOT = Path(__file__).resolve().parents[4]
COUNTRY_TEMPLATE = SOURCE_ROOT / "tests" / "proactive" / "country_template"
PACK_FILE = "pack.yaml"


def shipped_pack_files() -> list[Path]:
    return sorted(PACKS_DIR.glob("*.yaml"))


def candidate_pack_files() -> list[Path]:
    found = shipped_pack_files()
    if (COUNTRY_TEMPLATE / PACK_FILE).is_file():
        found.append(COUNTRY_TEMPLATE / PACK_FILE)
    return found


@cache
def _load(path: Path, stamp: float) -> Pack:
    return read_pack(path)


def load_pack(path: Path) -> Pack:
    file = path / PACK_FILE if path.is_dir() else path
    try:
        stamp = file.stat().st_mtime
    except OSError:
        stamp = 0.0
    return _load(file.resolve(), stamp)


def shipped_packs() -> dict[str, Pack]:
    return {pack.name: pack for pack in (load_pack(p) for p in shipped_pack_files())}


def pack_beside(test_file: Path) -> Path | None:
    """A `pack.yaml` in the test file's directory or any directory above it."""
    for directory in test_file.resolve().parents:
        if (directory / PACK_FILE).is_file():
            return directory / PACK_FILE
    return None


def pack_for_tests(test_file: Path, tests: list[dict[str, Any]], named: Path | None = None) -> Pack:
    """The pack to run `tests` (read from `test_file`) against; InvalidInput when none knows their variables."""
    from govcx.proactive.rules.yaml_tests import pack_knows  # NumPy, which the page's catalogue does not need

    chosen = named or (Path(os.environ["GOVCX_PROACTIVE_PACK"]) if os.environ.get("GOVCX_PROACTIVE_PACK") else None)
    if chosen is not None:
        return load_pack(chosen)
    beside = pack_beside(test_file)
    if beside is not None:
        return load_pack(beside)
    for candidate in candidate_pack_files():
        pack = load_pack(candidate)
        if pack_knows(pack, tests):
            return pack
    from govcx.errors import Problem

    raise InvalidInput([Problem("no pack defines the variables these tests use; name one with --pack",
                                file=str(test_file))])
