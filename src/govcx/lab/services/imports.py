"""Import of attempts recorded elsewhere (another tool, a paper log) from a CSV or XLSX file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from govcx.errors import Invalid, InvalidInput, Problem
from govcx.lab import tabular
from govcx.lab.models import Attempt, Participant, ParticipantStatus, Session, SessionStatus, Study
from govcx.lab.services._common import audit, open_study, require_owner_consent, upsert_attempt


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    participants_created: int
    sessions_created: int


@transaction.atomic
def attempts_import(*, actor: Any, study: Study, data: bytes, file_name: str, fmt: str = "") -> ImportSummary:
    """Import attempts from a CSV/XLSX file, all or nothing. Unknown task keys, withdrawn participants and bad
    cells are reported as file:row:field before anything is written. A participant code not yet in the study is
    created (pseudonymous, no personal data: the screener and quotas were applied where the results were
    recorded), with one completed session per mode. Importing the same file again changes nothing."""
    study = open_study(actor, study.pk)
    require_owner_consent(study)
    fmt = fmt or (file_name.rsplit(".", 1)[-1].lower() if "." in file_name else "csv")
    try:
        rows = tabular.read_attempt_rows(data, fmt, file_name)
    except InvalidInput as exc:
        raise Invalid(f"{file_name}: {len(exc.problems)} problem(s); nothing was imported",
                      details=[p.as_dict() for p in exc.problems]) from None
    tasks = {t.key: t for t in study.tasks.all()}
    participants = {p.code: p for p in study.participants.all()}
    problems = []
    for row in rows:
        if row.task_key not in tasks:
            problems.append(Problem(f"the study has no task {row.task_key!r}", file=file_name, row=row.row,
                                    field="task_key"))
        person = participants.get(row.participant_code)
        if person is not None and person.status == ParticipantStatus.WITHDRAWN:
            problems.append(Problem(f"{row.participant_code} has withdrawn", file=file_name, row=row.row,
                                    field="participant_code"))
        if len(row.participant_code) > 16:
            problems.append(Problem("at most 16 characters", file=file_name, row=row.row, field="participant_code"))
    if problems:
        raise Invalid(f"{file_name}: {len(problems)} problem(s); nothing was imported",
                      details=[p.as_dict() for p in problems])

    created_people = created_sessions = 0
    sessions: dict[tuple[str, str], Session] = {}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = timezone.now()
    for row in rows:
        person = participants.get(row.participant_code)
        if person is None:
            person = Participant.objects.create(study=study, code=row.participant_code,
                                                status=ParticipantStatus.COMPLETED)
            participants[person.code] = person
            created_people += 1
        session = sessions.get((person.code, row.mode))
        if session is None:
            session = Session.objects.filter(study=study, participant=person, mode=row.mode).order_by("-id").first()
            if session is None:
                session = Session.objects.create(study=study, participant=person, mode=row.mode,
                                                 status=SessionStatus.COMPLETED, started_at=now, finished_at=now)
                created_sessions += 1
            sessions[(person.code, row.mode)] = session
        before = Attempt.objects.filter(session=session, task=tasks[row.task_key]).first()
        values = {"outcome": row.outcome, "seconds": row.seconds, "errors": row.errors, "assists": row.assists,
                  "seq": row.seq}
        attempt = upsert_attempt(session, tasks[row.task_key], values, None)
        if before is None:
            counts["created"] += 1
        elif attempt.version != before.version:
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    summary = ImportSummary(participants_created=created_people, sessions_created=created_sessions, **counts)
    audit(actor, "attempt.import", study, study, {"file": [None, file_name], "rows": [None, len(rows)],
                                                  "created": [None, summary.created],
                                                  "updated": [None, summary.updated]})
    return summary
