"""The Russian catalogue is complete and compiled: no message is left untranslated or fuzzy (a fuzzy entry is
shown in English), and the committed .mo holds what the .po says."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "src" / "govcx" / "locale" / "ru" / "LC_MESSAGES"


def _text(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).encode().decode("unicode_escape").encode(
        "latin-1").decode("utf-8")


def entries(locale: Path = LOCALE) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every singular entry after the header."""
    found = []
    for entry in (locale / "django.po").read_text(encoding="utf-8").split("\n\n"):
        if "msgid_plural" in entry or "\nmsgid " not in f"\n{entry}":
            continue
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        if match is None:
            continue
        msgid = _text(match.group(1))
        if msgid:
            found.append((msgid, _text(match.group(2)), "#, fuzzy" in entry))
    return found


def test_every_message_is_translated_and_none_is_fuzzy():
    problems = [msgid for msgid, msgstr, fuzzy in entries() if fuzzy or not msgstr]
    assert problems == []


def test_the_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = [msgid for msgid, msgstr, _ in entries() if catalog.get(msgid) != msgstr]
    assert stale == [], "run `uv run govcx compilemessages`"


def test_the_reader_sees_untranslated_and_fuzzy_entries(tmp_path):
    """Guard against a reader that finds nothing: it must see both kinds of problem."""
    (tmp_path / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Open"\nmsgstr ""\n\n#, fuzzy\nmsgid "Close"\nmsgstr "Открыть"\n\nmsgid "Yes"\nmsgstr "Да"\n',
        encoding="utf-8")
    assert entries(tmp_path) == [("Open", "", False), ("Close", "Открыть", True), ("Yes", "Да", False)]
