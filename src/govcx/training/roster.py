"""Reading a roster file from HR, row by row, with every problem named by row and column (plain Python).

Columns (header row 1, any order): person_id (the pseudonymous id HR gives), organisation (its registry code),
position_category, started_on; optionally region (ISO 3166-2), left_on, work_email, manager_id. Dates are
YYYY-MM-DD (or DD.MM.YYYY) and never in the future; a leaving date is not before the starting date; a person id
appears once. The reader streams, so a file of millions of rows never sits in memory as rows: `rows()` yields
valid rows one by one and `problems` holds the first MAX_PROBLEMS problems found; the caller writes the rows as
they come and throws everything away if any problem was found (all or nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from govcx.errors import Problem

COLUMNS = ("person_id", "organisation", "position_category", "region", "started_on", "left_on", "work_email",
           "manager_id")
REQUIRED = ("person_id", "organisation", "position_category", "started_on")
MAX_PROBLEMS = 1000
_KEY = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
_REGION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


@dataclass(frozen=True, slots=True)
class RosterRow:
    person_key: str
    organisation_id: int
    position_category: str
    region_code: str
    started_on: dt.date
    left_on: dt.date | None
    work_email: str
    manager_key: str


def parse_date(text: str) -> dt.date:
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text):
        day, month, year = text.split(".")
        return dt.date(int(year), int(month), int(day))
    return dt.date.fromisoformat(text)


@dataclass
class RosterReader:
    file_name: str
    organisations: Mapping[str, int]  # organisation code → id, the programme's organisations only
    position_categories: Sequence[str]
    today: dt.date
    problems: list[Problem] = field(default_factory=list)
    count: int = 0
    _seen: set[str] = field(default_factory=set)

    def _problem(self, row: int | None, column: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(message, file=self.file_name, row=row, field=column))

    def rows(self, records: Iterable[Sequence[Any]]) -> Iterator[RosterRow]:
        """The valid rows of `records` (the header first), numbered from 2; problems go to `problems`."""
        iterator = iter(records)
        header_record = next(iterator, None)
        if header_record is None:
            self._problem(1, "", "row 1 must be the header naming the columns: " + ", ".join(COLUMNS))
            return
        header = [str(v or "").strip().lstrip("\ufeff").lower() for v in header_record]
        for name in header:
            if name and name not in COLUMNS:
                self._problem(1, name, "unknown column; the columns are: " + ", ".join(COLUMNS))
        for name in REQUIRED:
            if name not in header:
                self._problem(1, name, "required column is missing")
        if self.problems:
            return
        index = {name: header.index(name) for name in COLUMNS if name in header}
        for number, record in enumerate(iterator, start=2):
            cells = {name: (str(record[i]).strip() if i < len(record) and record[i] is not None else "")
                     for name, i in index.items()}
            if not any(cells.values()):
                continue
            row = self._row(number, cells)
            if row is not None:
                self.count += 1
                yield row

    def _date(self, number: int, column: str, text: str) -> dt.date | None:
        try:
            value = parse_date(text)
        except ValueError:
            self._problem(number, column, "is not a date (YYYY-MM-DD)")
            return None
        if value > self.today:
            self._problem(number, column, "is in the future")
            return None
        return value

    def _row(self, number: int, cells: dict[str, str]) -> RosterRow | None:
        before = len(self.problems)
        key = cells["person_id"]
        if not _KEY.match(key):
            self._problem(number, "person_id", "must be 1–64 letters, digits, dots, dashes or underscores")
        elif key in self._seen:
            self._problem(number, "person_id", "appears twice in the file")
        self._seen.add(key)
        organisation = self.organisations.get(cells["organisation"])
        if organisation is None:
            self._problem(number, "organisation", "is not an organisation of this programme")
        category = cells["position_category"]
        if category not in self.position_categories:
            self._problem(number, "position_category", "must be one of " + ", ".join(self.position_categories))
        region = cells.get("region", "").upper()
        if region and not _REGION.match(region):
            self._problem(number, "region", "must be an ISO 3166-2 code such as RU-TUL")
        started = self._date(number, "started_on", cells["started_on"]) if cells["started_on"] else None
        if not cells["started_on"]:
            self._problem(number, "started_on", "is required")
        left = self._date(number, "left_on", cells["left_on"]) if cells.get("left_on") else None
        if started and left and left < started:
            self._problem(number, "left_on", "is before started_on")
        email = cells.get("work_email", "").lower()
        if email and not _EMAIL.match(email):
            self._problem(number, "work_email", "is not an e-mail address")
        manager = cells.get("manager_id", "")
        if manager and not _KEY.match(manager):
            self._problem(number, "manager_id", "must be a person id")
        if len(self.problems) != before or self.problems and len(self.problems) >= MAX_PROBLEMS:
            return None
        assert organisation is not None and started is not None
        return RosterRow(key, organisation, category, region, started, left, email, manager)


def csv_records(stream: BinaryIO) -> Iterator[list[str]]:
    """The records of a CSV file in UTF-8 (with or without BOM), "," or ";" as the header line uses more."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    first = text.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    yield next(csv.reader([first], delimiter=delimiter), [])
    yield from csv.reader(text, delimiter=delimiter)
