"""Many rows of one model in one INSERT statement, without the ORM's work per object and per value.

`QuerySet.bulk_create` resolves, pre-saves and prepares every value of every object through the SQL compiler;
on a hot path (the group commit of single survey responses) that is most of the committer's CPU. `insert_rows`
writes plain value lists instead: only the fields whose Python value is not what the driver takes (JSON,
date-times, dates, decimals, UUIDs...) go through their field's `get_db_prep_save`, so what is stored is what
`bulk_create` would store. `insert_rows` fills in no defaults: the caller gives every column it names.

On PostgreSQL the rows go as ONE parameter, a JSON array read by `json_to_recordset`: psycopg merges parameters
into the statement on the client (Django's default), splitting the statement at every placeholder in Python, and
for a group of 16 responses of 19 columns that split alone took about 60 µs per response. Elsewhere (SQLite) the
rows are plain placeholders, in chunks under the database's limit of parameters per statement.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import NotSupportedError, connection
from django.db.models import Field, JSONField, Model

AnyField = Field[Any, Any]

#: Field types whose Python values go to the database driver as they are.
_PLAIN = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "IntegerField", "SmallIntegerField",
    "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "FloatField", "BooleanField",
    "CharField", "TextField", "SlugField", "EmailField", "URLField",
})
ROWS_PER_STATEMENT = 500


def insert_rows(
    model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], *, returning: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    """INSERT `rows` (one value per column, by attribute name: `survey_id`, not `survey`) into `model`'s table;
    returns the `returning` columns of every inserted row, in the order of `rows` (as `bulk_create` relies on)."""
    return _insert(model, [_field(model, name) for name in columns], rows, [_field(model, name) for name in returning])


def insert_objects(objs: Sequence[Model], *, set_pks: bool = True) -> None:
    """`bulk_create` for new objects of one model without its per-value work: every concrete column but the
    primary key, each value taken as `save` takes it (`Field.pre_save`, so `auto_now_add` is filled in); with
    `set_pks` each object gets the id the database gave it (and is then a stored object). No signals, as with
    `bulk_create`."""
    if not objs:
        return
    model = type(objs[0])
    pk = model._meta.pk
    assert pk is not None
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [[f.pre_save(obj, True) for f in fields] for obj in objs]
    ids = _insert(model, fields, rows, [pk] if set_pks else [])
    if set_pks:
        for obj, found in zip(objs, ids, strict=True):
            obj.pk = found[0]
            obj._state.adding, obj._state.db = False, connection.alias


def _insert(model: type[Model], fields: list[AnyField], rows: Sequence[Sequence[Any]],
            returning: list[AnyField]) -> list[tuple[Any, ...]]:
    if not rows:
        return []
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError(f"this {connection.vendor} database cannot return the rows it inserts")
    if connection.vendor == "postgresql":
        return _insert_json(model, fields, rows, returning)
    prepared = [i for i, f in enumerate(fields) if not _plain(f)]
    if prepared:
        rows = [[fields[i].get_db_prep_save(v, connection) if i in prepared else v for i, v in enumerate(row)]
                for row in rows]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    tail = f" RETURNING {', '.join(quote(f.column) for f in returning)}" if returning else ""
    size = max(1, min(ROWS_PER_STATEMENT, connection.ops.bulk_batch_size(fields, rows)))
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for sql, params in values_statements(head, len(fields), rows, per_statement=size, tail=tail):
            cursor.execute(sql, params)
            if returning:
                found.extend(tuple(r) for r in cursor.fetchall())
    return found


def values_statements(head: str, width: int, rows: Sequence[Sequence[Any]], *,
                      per_statement: int = ROWS_PER_STATEMENT, tail: str = "") -> list[tuple[str, list[Any]]]:
    """`head` ("INSERT INTO t (a, b) VALUES ") with the rows as placeholder lists, `per_statement` rows a
    statement (SQLite limits the parameters of one), each with its flat list of parameters."""
    one = "(" + ", ".join(["%s"] * width) + ")"
    return [(head + ", ".join([one] * len(chunk)) + tail, [value for row in chunk for value in row])
            for chunk in (rows[i:i + per_statement] for i in range(0, len(rows), per_statement))]


def _insert_json(model: type[Model], fields: list[AnyField], rows: Sequence[Sequence[Any]],
                 returning: list[AnyField]) -> list[tuple[Any, ...]]:
    """PostgreSQL: INSERT ... SELECT from the rows as one JSON array, in their order (WITH ORDINALITY)."""
    quote = connection.ops.quote_name
    names = [f"c{i}" for i in range(len(fields))]
    converted = [i for i, f in enumerate(fields) if not _plain(f)]
    documents = []
    for row in rows:
        if converted:
            row = list(row)
            for i in converted:
                row[i] = _json_value(fields[i], row[i])
        documents.append(dict(zip(names, row, strict=True)))
    columns = ", ".join(quote(f.column) for f in fields)
    types = ", ".join(f"{name} {field.db_type(connection)}" for name, field in zip(names, fields, strict=True))
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {', '.join(names)} "
           f"FROM ROWS FROM (json_to_recordset(%s::json) AS ({types})) WITH ORDINALITY AS r({', '.join(names)}, n) "
           "ORDER BY n")
    if returning:
        sql += f" RETURNING {', '.join(quote(f.column) for f in returning)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(documents, ensure_ascii=False, allow_nan=False, separators=(",", ":"))])
        return [tuple(r) for r in cursor.fetchall()] if returning else []


def _json_value(field: AnyField, value: Any) -> Any:
    """A value as JSON that PostgreSQL reads back into the field's column type."""
    if value is None:
        return None
    if isinstance(field, JSONField):
        return value if field.encoder is None else json.loads(json.dumps(value, cls=field.encoder))
    value = field.get_db_prep_save(value, connection)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{field.model.__name__}.{field.name}: {type(value).__name__} has no JSON form here")


def _plain(field: AnyField) -> bool:
    """Whether the driver takes the field's Python value as it is (a foreign key: as its target field does)."""
    if field.is_relation:
        return _plain(field.target_field)  # type: ignore[attr-defined]  # a concrete relation is a ForeignKey
    return field.get_internal_type() in _PLAIN


def _field(model: type[Model], name: str) -> AnyField:
    for field in model._meta.concrete_fields:
        if field.attname == name:
            return field
    raise LookupError(f"{model.__name__} has no column {name!r}")

