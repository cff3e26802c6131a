"""The feedback answer fact table: one row per answered rating or choice question, append-only.

The single definition that the store, the engines, the aggregates and the sync from the operational database
all use. `answer_id` is the answer's primary key, monotonic, so a sync resumes after the store's high-water mark.
"""

from __future__ import annotations

import pyarrow as pa

ANSWER_SCHEMA = pa.schema(
    [
        pa.field("response_id", pa.int64(), nullable=False),
        pa.field("answer_id", pa.int64(), nullable=False),
        pa.field("survey_id", pa.int64(), nullable=False),
        pa.field("survey_version", pa.int32(), nullable=False),
        pa.field("service_id", pa.int64(), nullable=False),
        pa.field("organisation_id", pa.int64(), nullable=False),
        # ISO 3166-2 code of the owning organisation's region, "" when it has none.
        pa.field("region", pa.string(), nullable=False),
        # Client category code, "" when unknown.
        pa.field("client_category", pa.string(), nullable=False),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("submitted_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("question_key", pa.string(), nullable=False),
        pa.field("measure", pa.string(), nullable=False),
        pa.field("scale_min", pa.int16(), nullable=False),
        pa.field("scale_max", pa.int16(), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
    ]
)

CHANNELS = ("web", "widget", "office", "mobile", "phone", "api", "import")

# "rating": an ordinal scale (e.g. 1-5); "nps": 0-10 likelihood to recommend; "yes_no": 0 or 1;
# "choice": the index of the chosen option.
MEASURES = ("rating", "nps", "yes_no", "choice")


def conform(table: pa.Table) -> pa.Table:
    """The table's columns in schema order and types; raises if a column is missing or a value does not fit.

    Extra columns are dropped, so a sync may select more than the store keeps.
    """
    missing = [name for name in ANSWER_SCHEMA.names if name not in table.column_names]
    if missing:
        raise ValueError(f"answer table lacks columns: {', '.join(missing)}")
    selected = table.select(ANSWER_SCHEMA.names)
    for field in ANSWER_SCHEMA:
        if selected.column(field.name).null_count:
            raise ValueError(f"column {field.name} has nulls")
    return selected.cast(ANSWER_SCHEMA, safe=True)


def from_records(records: list[dict[str, object]]) -> pa.Table:
    """A batch of answers given as dicts with the schema's keys (e.g. one sync batch from the database)."""
    return conform(pa.Table.from_pylist(records, schema=ANSWER_SCHEMA))
