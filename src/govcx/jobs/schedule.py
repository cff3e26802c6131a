"""The one schedule of recurring background work, and when each entry is due (plain Python, no Django).

`govcx worker` reads it instead of separate cron lines: each pass it asks `due_slots(now)` for the latest slot of
every entry and queues a job for a slot no job has been queued for yet (the idempotency key names entry and slot,
so two passes, or a restarted worker, never queue one slot twice). A daily slot missed by more than its `grace`
(the worker was down) is skipped rather than run late, so a fresh install does not start every nightly run at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entry:
    kind: str
    every: dt.timedelta | None = None  # an interval from midnight, local time
    daily_at: dt.time | None = None  # or once a day at a local time
    payload: dict[str, Any] = field(default_factory=dict)
    grace: dt.timedelta = dt.timedelta(hours=1)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.kind}: give exactly one of every= and daily_at=")
        if self.every is not None and not dt.timedelta(0) < self.every <= dt.timedelta(days=1):
            raise ValueError(f"{self.kind}: every= must be between 0 and one day")


SCHEDULE: tuple[Entry, ...] = (
    Entry("feedback.sync", every=dt.timedelta(minutes=2)),  # dashboards read the analytics store as last synced
    # comment analysis: new comments' sentence vectors are ready before a page asks for their sentiment
    Entry("feedback.embed", every=dt.timedelta(minutes=2)),
    Entry("feedback.compact", daily_at=dt.time(3, 30)),
    Entry("audit.reaudit", daily_at=dt.time(2, 0), payload={"older_than_hours": 24}),
    Entry("complaints.remind", daily_at=dt.time(7, 0), grace=dt.timedelta(hours=12)),
    Entry("outbox.send", every=dt.timedelta(minutes=1)),  # confirmations reach citizens within a minute or two
    Entry("proactive.expire", daily_at=dt.time(0, 30), grace=dt.timedelta(hours=12)),  # offers past answer-by
    # closing the loop: a citizen hears soon that the change made after their complaint is done
    Entry("complaints.close_loop", every=dt.timedelta(minutes=10)),
    # closing the loop: a low rating reaches the service's team as a case within minutes
    Entry("complaints.open_cases", every=dt.timedelta(minutes=5)),
    Entry("reports.send", daily_at=dt.time(6, 0), grace=dt.timedelta(hours=12)),  # subscribed report e-mails
    Entry("training.remind", daily_at=dt.time(7, 30), grace=dt.timedelta(hours=12)),
    # maturity: the measures follow the evidence of every area each night (a run is idempotent, all or nothing)
    Entry("maturity.recompute", daily_at=dt.time(4, 30), grace=dt.timedelta(hours=12)),
)


def latest_slot(entry: Entry, now: dt.datetime) -> dt.datetime:
    """The latest time at or before `now` (an aware datetime, in the schedule's time zone) the entry fell due."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if entry.every is not None:
        passed = (now - midnight) // entry.every
        return midnight + passed * entry.every
    assert entry.daily_at is not None
    today = midnight.replace(hour=entry.daily_at.hour, minute=entry.daily_at.minute)
    return today if today <= now else today - dt.timedelta(days=1)


def slot_key(entry: Entry, slot: dt.datetime) -> str:
    return f"schedule:{entry.kind}:{slot.isoformat(timespec='minutes')}"


def due_slots(now: dt.datetime, entries: tuple[Entry, ...] = SCHEDULE) -> list[tuple[Entry, dt.datetime, str]]:
    """(entry, slot, idempotency key) of every entry whose latest slot is recent enough to run now."""
    due = []
    for entry in entries:
        slot = latest_slot(entry, now)
        if entry.every is not None or now - slot <= entry.grace:
            due.append((entry, slot, slot_key(entry, slot)))
    return due
