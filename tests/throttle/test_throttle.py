"""The one rate limiter (govcx.throttle): a GCRA token bucket per caller in a database table shared by processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from govcx import throttle
from govcx.errors import RateLimited

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(1_700_000_000.0)
    monkeypatch.setattr(throttle.time, "time", fixed)
    return fixed


def allowed(times: int, *, scope="s", key="k", limit=30, window=60, cost=1) -> int:
    passed = 0
    for _ in range(times):
        try:
            throttle.consume(scope, key, limit=limit, window_seconds=window, cost=cost)
            passed += 1
        except RateLimited:
            pass
    return passed


def test_the_limit_is_the_burst_and_the_next_unit_comes_after_window_over_limit(clock):
    assert allowed(40, limit=30) == 30
    with pytest.raises(RateLimited) as refused:
        throttle.hit("s", "k", limit=30)
    assert refused.value.retry_after_seconds == 2  # one unit every 60/30 s
    clock.now += 1.9
    assert allowed(1) == 0
    clock.now += 0.1
    assert allowed(5) == 1  # sliding: exactly one unit has come back


def test_no_double_burst_at_a_window_boundary(clock):
    clock.now = 1_700_000_039.9  # just before a fixed window would have ended
    assert allowed(30) == 30
    clock.now += 0.2  # the next fixed window would allow 30 more here
    assert allowed(30) == 0
    clock.now += 60
    assert allowed(31) == 30


def test_check_answers_like_the_next_hit_without_taking_anything(clock):
    for _ in range(10):
        throttle.check("s", "k", limit=3)  # an empty bucket: allowed, and nothing taken
    assert allowed(3, limit=3) == 3
    with pytest.raises(RateLimited) as refused:
        throttle.check("s", "k", limit=3)
    assert refused.value.retry_after_seconds == 20
    clock.now += 20
    throttle.check("s", "k", limit=3)
    throttle.check("s", "k", limit=3)
    assert allowed(2, limit=3) == 1


def test_callers_and_scopes_have_their_own_buckets(clock):
    assert allowed(3, key="a", limit=3) == 3
    assert allowed(3, key="b", limit=3) == 3
    assert allowed(3, scope="other", key="a", limit=3) == 3
    assert allowed(1, key="a", limit=3) == 0


def test_a_cost_is_taken_whole_or_not_at_all(clock):
    assert allowed(1, limit=30, cost=20) == 1
    with pytest.raises(RateLimited) as refused:
        throttle.consume("s", "k", limit=30, cost=20)
    assert refused.value.retry_after_seconds == 20  # 10 units left; 10 more come back in 10 × 2 s
    assert allowed(1, limit=30, cost=10) == 1  # the refused 20 took nothing
    with pytest.raises(RateLimited) as too_big:
        throttle.consume("s", "other", limit=30, cost=31)
    assert too_big.value.retry_after_seconds == 60 and "more than the 30" in too_big.value.message


def test_full_buckets_are_swept_without_changing_any_answer(clock, monkeypatch):
    from govcx.throttle.models import Bucket

    assert allowed(3, key="old", limit=3) == 3
    clock.now += 3600
    monkeypatch.setattr(throttle, "SWEEP_ONE_IN", 1)
    assert allowed(1, key="new", limit=3) == 1
    assert list(Bucket.objects.values_list("key", flat=True)) == ["s:new"]
    assert allowed(4, key="old", limit=3) == 3


def test_long_keys_are_digested():
    throttle.hit("survey:1", "x" * 400, limit=1)
    with pytest.raises(RateLimited):
        throttle.hit("survey:1", "x" * 400, limit=1)


WORKER = textwrap.dedent("""
    import os, sys, time
    import django
    django.setup()
    from govcx import throttle
    from govcx.errors import RateLimited
    from pathlib import Path
    folder = Path(sys.argv[1])
    (folder / f"ready-{os.getpid()}").touch()
    while not (folder / "go").exists():
        time.sleep(0.001)
    passed = 0
    for _ in range(int(sys.argv[2])):
        try:
            throttle.consume("shared", "caller", limit=50, window_seconds=3600)
            passed += 1
        except RateLimited:
            pass
        time.sleep(0.002)  # interleave with the other process
    print(passed)
""")


def test_two_server_processes_share_one_limit(tmp_path: Path):
    """Two separate Python processes (no shared memory, no cache) on one SQLite file: 50 together, not 50 each."""
    env = {**os.environ, "GOVCX_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "govcx.settings",
           "GOVCX_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    # The workers start Django while the table is made: they touch the database only after "go"
    migrate = subprocess.Popen([sys.executable, "-m", "django", "migrate", "throttle", "-v", "0"], env=env)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), "100"], env=env,
                                stdout=subprocess.PIPE, text=True) for _ in range(2)]
    assert migrate.wait(timeout=120) == 0
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    (tmp_path / "go").touch()
    results = [int(w.communicate(timeout=120)[0].strip()) for w in workers]
    assert all(w.returncode == 0 for w in workers)
    assert sum(results) == 50, results
    assert all(r > 0 for r in results), results  # both really ran at once


def test_a_group_takes_each_allowance_whole_or_not_at_all_as_one_by_one_would(clock):
    group = [throttle.Allowance("s", "k", limit=3)] * 4 + [throttle.Allowance("s", "other", limit=3, cost=2),
                                                          throttle.Allowance("s", "other", limit=3, cost=2)]
    outcomes = throttle.consume_many(group)
    assert [outcome is None for outcome in outcomes] == [True, True, True, False, True, False]
    assert outcomes[3].retry_after_seconds == 20  # one unit every 60/3 s
    assert allowed(1, key="k", limit=3) == 0  # the group left the buckets where one-by-one takes would have
    clock.now += 20
    assert allowed(2, key="k", limit=3) == 1
    assert allowed(1, key="other", limit=3) == 1
