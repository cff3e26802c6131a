"""Responses as files (CSV, XLSX, Parquet) and historical responses from files (CSV, XLSX), all or nothing.

One row per response. Import columns: `id` (the response's id in the source system; it makes re-imports
idempotent), `submitted_at` (ISO date or date-time), optional `channel`, `client_category`, `office`, `page`,
`stage`, `version`, and one column per question key of the survey. Rows are numbered as a spreadsheet shows them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from govcx.common.tabular import CONTENT_TYPES, format_for, read_rows, render_table
from govcx.errors import Invalid, InvalidInput, Problem
from govcx.feedback import selectors, services
from govcx.feedback.models import Channel, Response, Survey

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["responses_file", "responses_import", "responses_import_start"]

PARQUET = "application/vnd.apache.parquet"
BASE_COLUMNS = ("response_id", "submitted_at", "survey_version", "channel", "client_category", "office", "page",
                "stage", "spam_score", "is_spam", "comment")
CONTEXT_COLUMNS = ("office", "page", "stage")
IMPORT_META = ("id", "submitted_at", "channel", "client_category", "version", *CONTEXT_COLUMNS)


def _answer_value(answer: Any) -> Any:
    return answer.value if answer.value is not None else answer.text


def _rows(responses: QuerySet[Response]) -> tuple[list[str], list[list[Any]]]:
    responses = responses.select_related("survey_version").prefetch_related("answers").order_by("submitted_at", "id")
    keys: list[str] = []
    records = []
    for response in responses.iterator(chunk_size=2000):
        answers: dict[str, Any] = {}
        for answer in response.answers.all():
            if answer.question_key not in keys:
                keys.append(answer.question_key)
            answers.setdefault(answer.question_key, _answer_value(answer))
        records.append((response, answers))
    header = [*BASE_COLUMNS, *keys]
    rows = [
        [r.pk, r.submitted_at.isoformat(), r.survey_version.number, r.channel, r.client_category,
         *(r.context.get(c, "") for c in CONTEXT_COLUMNS), round(r.spam_score, 3), r.is_spam, r.comment,
         *(answers.get(k) for k in keys)]
        for r, answers in records
    ]
    return header, rows


def responses_file(responses: QuerySet[Response], fmt: str) -> tuple[bytes, str]:
    """The responses in one file: csv, xlsx or parquet; personal data was masked when they were received."""
    header, rows = _rows(responses)
    if fmt == "parquet":
        import pyarrow as pa  # only a Parquet download loads PyArrow
        import pyarrow.parquet as pq

        table = pa.table({name: _arrow_column([row[i] for row in rows]) for i, name in enumerate(header)})
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return buffer.getvalue(), PARQUET
    if fmt not in CONTENT_TYPES:
        raise Invalid(f"unknown format {fmt!r}; use csv, xlsx or parquet", details=[{"field": "format"}])
    return render_table(fmt, header, rows, sheet="responses"), CONTENT_TYPES[fmt]


def _arrow_column(values: list[Any]) -> pa.Array:
    """Typed when the values share a type; a column mixing numbers and text is written as text."""
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values])


def _when(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(12))
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError("required: the date (and time) the response was given")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date like 2026-03-31 or 2026-03-31T14:05") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def _answer_cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        if text.lower() in ("true", "false", "yes", "no"):
            return text.lower() in ("true", "yes")
        if ";" in text:
            return [part.strip() for part in text.split(";") if part.strip()]
        return text
    return value


#: History files larger than this are imported by the background worker (`feedback.history_import` job).
BACKGROUND_BYTES = 2 * 1024 * 1024


def responses_import(*, survey: Survey, data: bytes, file_name: str, actor: Any,
                     progress: Callable[[int, int, str], None] | None = None) -> services.ImportResult:
    """All or nothing; each row's key comes from its id in the source, so importing the same file again (a
    retried job) stores nothing twice and counts those rows as duplicates."""
    report = progress or (lambda done, total, step: None)
    report(0, 3, gettext_noop("reading the file"))
    current = selectors.survey_current_version(survey)
    definition = selectors.parsed_definition(current)
    question_keys = tuple(q.key for q in definition.questions)
    fmt = format_for(file_name)
    rows = read_rows(data, fmt, file_name, columns=(*IMPORT_META, *question_keys),
                     required=("id", "submitted_at"))
    problems: list[Problem] = []
    submissions: list[tuple[int, services.Submission]] = []
    for number, cells in rows:
        # A row with a bad date or no id still has its answers checked, so one pass shows every problem.
        try:
            submitted_at = _when(cells.get("submitted_at"))
        except ValueError as exc:
            problems.append(Problem(str(exc), file=file_name, row=number, field="submitted_at"))
            submitted_at = None
        source_id = str(cells.get("id") or "").strip()
        if not source_id:
            problems.append(Problem("required: the response's id in the source", file=file_name, row=number,
                                    field="id"))
            source_id = f"row-{number}"
        version = cells.get("version")
        submissions.append((number, services.Submission(
            idempotency_key=f"import:{source_id}"[:64],
            answers={k: _answer_cell(cells[k]) for k in question_keys if cells.get(k) not in (None, "")},
            context={c: str(cells[c]) for c in CONTEXT_COLUMNS if cells.get(c) not in (None, "")},
            channel=str(cells.get("channel") or Channel.IMPORT).strip(),
            client_category=str(cells.get("client_category") or ""),
            submitted_at=submitted_at,
            version=int(version) if version not in (None, "") and str(version).strip().isdigit() else None,
        )))
    report(1, 3, gettext_noop("checking the answers"))
    prepared, found = services.responses_check(survey=survey, rows=submissions)
    problems += [
        Problem(d["message"], file=file_name, row=d.get("row"), field=str(d.get("field", "")).removeprefix("answers."))
        for d in found
    ]
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: (p.row or 0, p.field)))
    report(2, 3, gettext_noop("storing the responses"))
    return services.responses_store(survey=survey, prepared=prepared, actor=actor)


def responses_import_start(*, survey: Survey, data: bytes, file_name: str, actor: Any) -> Any:
    """A large history file goes to the background worker (kept under the var directory until the job ran); a
    small one is imported at once. Returns the job or the ImportResult."""
    from govcx.jobs.services import job_enqueue

    if len(data) <= BACKGROUND_BYTES:
        return responses_import(survey=survey, data=data, file_name=file_name, actor=actor)
    folder = Path(settings.VAR_DIR) / "survey-history-imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{survey.pk}-{timezone.now():%Y%m%d%H%M%S%f}{Path(file_name).suffix.lower()}"
    path.write_bytes(data)
    return job_enqueue(kind="feedback.history_import", actor=actor, organisation=survey.service.owner,
                       payload={"survey_id": survey.pk, "path": str(path), "file_name": file_name},
                       subject=f"feedback.survey:{survey.pk}")
