"""Register extracts: the documented format, validated whole before anything is stored (all or nothing).

persons   person_id (unique), household_id, household_role (adult|child), birth (date); optional: salary,
          citizen, disabled, disability_group, receives_insurance_pension
households household_id (unique), region; optional: maternity_capital_granted, rent, accommodation_size,
          housing_occupancy_status
Files are Parquet or CSV (UTF-8, header row). Plain Python over pyarrow; no Django.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from govcx.errors import InvalidInput, Problem

PERSON_COLUMNS = {"person_id", "household_id", "household_role", "birth"}
HOUSEHOLD_COLUMNS = {"household_id", "region"}
ROLES = {"adult", "child"}
EARLIEST_BIRTH = dt.date(1900, 1, 1)


def read_table(path: Path) -> pa.Table:
    try:
        if path.suffix.lower() == ".csv":
            return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={"person_id": pa.string(), "household_id": pa.string(), "birth": pa.date32()}))
        return pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InvalidInput([Problem(f"cannot read the extract: {exc}", file=path.name)]) from None


def _ids(table: pa.Table, column: str) -> pa.Array:
    return pc.cast(table[column].combine_chunks(), pa.string())


def _row_numbers(mask: pa.Array, limit: int = 5) -> list[int]:
    return [i + 2 for i in pc.indices_nonzero(mask).to_pylist()[:limit]]  # header is row 1


def validate(persons: pa.Table, households: pa.Table, *, taken_on: dt.date, persons_file: str = "persons",
             households_file: str = "households") -> tuple[pa.Table, pa.Table]:
    """The two tables normalised (ids as text, birth as a date, persons grouped by household), or InvalidInput
    listing every problem."""
    problems: list[Problem] = []
    for table, needed, file in ((persons, PERSON_COLUMNS, persons_file), (households, HOUSEHOLD_COLUMNS,
                                                                          households_file)):
        missing = sorted(needed - set(table.column_names))
        if missing:
            problems.append(Problem(f"missing columns: {', '.join(missing)}", file=file, row=1))
    if problems:
        raise InvalidInput(problems)
    persons = persons.set_column(persons.schema.get_field_index("person_id"), "person_id", _ids(persons, "person_id"))
    persons = persons.set_column(persons.schema.get_field_index("household_id"), "household_id",
                                 _ids(persons, "household_id"))
    households = households.set_column(households.schema.get_field_index("household_id"), "household_id",
                                       _ids(households, "household_id"))
    for table, column, file in ((persons, "person_id", persons_file), (households, "household_id", households_file)):
        counts = pc.value_counts(table[column].combine_chunks())
        duplicated = [v["values"] for v in counts.to_pylist() if v["counts"] > 1]
        if duplicated:
            problems.append(Problem(f"duplicate {column}: {', '.join(map(str, duplicated[:5]))}", file=file,
                                    field=column))
    dangling = pc.invert(pc.is_in(persons["household_id"], value_set=households["household_id"].combine_chunks()))
    for row in _row_numbers(dangling.combine_chunks() if hasattr(dangling, "combine_chunks") else dangling):
        problems.append(Problem("household_id not among the households (a dangling family link)", file=persons_file,
                                row=row, field="household_id"))
    bad_role = pc.invert(pc.is_in(persons["household_role"], value_set=pa.array(sorted(ROLES))))
    for row in _row_numbers(bad_role.combine_chunks() if hasattr(bad_role, "combine_chunks") else bad_role):
        problems.append(Problem("household_role must be adult or child", file=persons_file, row=row,
                                field="household_role"))
    try:
        birth = pc.cast(persons["birth"], pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        problems.append(Problem("birth must be a date (YYYY-MM-DD)", file=persons_file, field="birth"))
        raise InvalidInput(problems) from None
    impossible = pc.or_kleene(pc.is_null(birth), pc.or_(pc.greater(birth, pa.scalar(taken_on, pa.date32())),
                                                       pc.less(birth, pa.scalar(EARLIEST_BIRTH, pa.date32()))))
    for row in _row_numbers(impossible.combine_chunks() if hasattr(impossible, "combine_chunks") else impossible):
        problems.append(Problem(f"impossible birth date (missing, after {taken_on} or before 1900)", file=persons_file,
                                row=row, field="birth"))
    if problems:
        raise InvalidInput(problems)
    persons = persons.set_column(persons.schema.get_field_index("birth"), "birth", birth)
    # stored by household (members together, in the households' order), so that the register can be read back a
    # batch of whole households at a time (rules.register.household_slices); the order within a family is kept
    position = pc.index_in(persons["household_id"], value_set=households["household_id"].combine_chunks())
    order = pc.sort_indices(pa.table({"position": position}), sort_keys=[("position", "ascending")])
    return persons.take(order), households
