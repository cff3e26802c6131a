"""Benchmark: the satisfaction step of `measures_recompute` (issue 16, "Speed") on SQLite: with the full demo's
200,000 responses it took about 31 s when every rating was read into Python.

A throw-away var folder gets a migrated SQLite database with `--services` services and `--responses` responses of
`--ratings` 1–5 ratings each (the demo's surveys ask 6 to 8), spread over 8 quarters. Timed: the step as govcx
runs it (`measures._satisfaction`: count, mean and mean of squares per service and quarter in the database), and,
as the peer, the former way (every rating read into Python, grouped and summed there) on the same rows; the
figures of both are compared.

    uv run python benchmarks/bench_index_measures.py [--services 100] [--responses 200000] [--ratings 6] [--repeat 3]

With `--demo VAR_DIR` (the var folder of a built demo, e.g. `GOVCX_VAR_DIR=/tmp/d GOVCX_DEMO=1 govcx demo --no-serve`)
it times every step of `measures.compute_measures` on that database instead (nothing is written), and beside the
steps now counted by the database (complaints, delivery, proactive offers, staff trained) the former Python loops
over the same rows, with their figures compared.

    uv run python benchmarks/bench_index_measures.py --demo /tmp/d [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import secrets
import statistics
import tempfile
import time
from collections import defaultdict


def setup(var_dir: str) -> None:
    os.environ["GOVCX_VAR_DIR"] = var_dir
    os.environ.pop("GOVCX_DATABASE_URL", None)
    os.environ.setdefault("GOVCX_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_world(services: int, responses: int, per_response: int) -> dict[int, int]:
    """Services with one survey each and `responses` rated responses over 2025–2026; the services' owners."""
    import numpy as np

    from govcx.accounts.models import User
    from govcx.feedback.models import Answer, Response, Survey, SurveyVersion
    from govcx.registry.models import ClientCategory, LifeSituation, Organisation, Service
    from govcx.registry.schemas import ServiceIn
    from govcx.registry.services import service_create

    central = Organisation.objects.create(code="central-office", name_en="Central office", level="federal",
                                          is_central_office=True)
    Organisation.objects.create(code="min-a", name_en="Ministry A", level="federal")
    ClientCategory.objects.create(code="citizens", name_en="Citizens", name_ru="Граждане")
    LifeSituation.objects.create(code="birth", name_en="Birth of a child", name_ru="Рождение ребёнка")
    admin = User.objects.create_user(username="bench-admin", role="admin", organisation=central)
    created = [service_create(actor=admin, passport=ServiceIn.model_validate({
        "code": f"svc-{i:03d}", "name_en": f"Service {i}", "name_ru": f"Услуга {i}", "owner": "min-a",
        "client_categories": ["citizens"], "life_situations": ["birth"], "channels": ["portal"], "stage": "beta",
        "deadline_days": 10, "deadline_kind": "working", "legal_basis": "Federal Law 210-FZ",
        "page_urls": ["https://example.gov/service"], "feedback_url": "https://example.gov/feedback",
        "steps": [{"title_en": "Apply online", "title_ru": "Подать заявление"}],
        "documents": [{"name_en": "Passport", "name_ru": "Паспорт"}]})) for i in range(services)]
    versions = []
    for service in created:
        survey = Survey.objects.create(service=service, title="Quick", public_key=secrets.token_urlsafe(12))
        versions.append(SurveyVersion.objects.create(survey=survey, number=1, definition={}, fingerprint="x"))
    rng = np.random.default_rng(16)
    which = rng.integers(0, services, responses)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()
    moments = rng.uniform(start, dt.datetime(2026, 12, 31, tzinfo=dt.UTC).timestamp(), responses)
    ratings = rng.integers(1, 6, (responses, per_response))
    for lo in range(0, responses, 20_000):
        hi = min(responses, lo + 20_000)
        rows = Response.objects.bulk_create([
            Response(survey_id=versions[which[i]].survey_id, survey_version=versions[which[i]],
                     service_id=created[which[i]].pk, organisation_id=created[which[i]].owner_id,
                     idempotency_key=f"k{i}", payload_hash="x", is_spam=bool(i % 50 == 0),
                     submitted_at=dt.datetime.fromtimestamp(moments[i], dt.UTC)) for i in range(lo, hi)])
        Answer.objects.bulk_create([Answer(response=row, question_key=f"q{q}", measure="rating", scale_min=1,
                                           scale_max=5, value=float(ratings[lo + k, q]))
                                    for k, row in enumerate(rows) for q in range(per_response)], batch_size=20_000)
    return dict(Service.objects.values_list("id", "owner_id"))


def python_loop(periods: list[str], owners: dict[int, int]) -> dict[tuple[int, str], tuple[float, int, float | None]]:
    """The former step: every rating read into Python, its quarter found there, then summed twice."""
    from django.utils import timezone

    from govcx.feedback.models import Answer
    from govcx.maturity.periods import period_bounds, period_of

    first, last = period_bounds(periods[0])[0], period_bounds(periods[-1])[1]
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    scores: dict[tuple[int, str], list[float]] = defaultdict(list)
    answers = (Answer.objects.filter(measure="rating", value__isnull=False, scale_min__isnull=False,
                                     scale_max__isnull=False, response__is_spam=False,
                                     response__submitted_at__gte=since, response__submitted_at__lt=until)
               .values_list("response__service_id", "response__submitted_at", "value", "scale_min", "scale_max"))
    for service_id, submitted_at, value, low, high in answers.iterator(chunk_size=5000):
        period = period_of(timezone.localtime(submitted_at))
        if high > low and period in periods:
            scores[(service_id, period)].append((value - low) / (high - low))
    out = {}
    for key, values in scores.items():
        n = len(values)
        mean = sum(values) / n
        se = (math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) / math.sqrt(n)) if n > 1 else None
        out[key] = (mean, n, se)
    return out


def former_complaints(periods: list[str], owners: dict[int, int], today: dt.date) -> dict:
    """The former step: every complaint of each quarter read into Python and counted there."""
    from govcx.complaints.models import Complaint
    from govcx.maturity.periods import period_bounds

    out = {}
    for period in periods:
        start, end = period_bounds(period)
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for service_id, due_on, answered_at in (Complaint.objects.filter(due_on__range=(start, end))
                                                .values_list("service_id", "due_on", "answered_at")):
            answered_on = answered_at.date() if answered_at else None
            if answered_on is None and due_on >= today:
                continue
            counts[service_id][0] += 1
            counts[service_id][1] += int(answered_on is not None and answered_on <= due_on)
        out.update({(service_id, period): (on_time / cases, cases) for service_id, (cases, on_time) in counts.items()})
    return out


def former_delivery(periods: list[str]) -> dict:
    """The former step: each logged service's deadline figures read from its events (kept figures where fresh)."""
    from django.db.models import Max

    from govcx.delivery.models import EventLog
    from govcx.delivery.selectors import deadline_figures
    from govcx.maturity.periods import period_of
    from govcx.registry.models import Service

    out = {}
    for row in EventLog.objects.values("service_id").annotate(last=Max("created_at")):
        period = period_of(row["last"])
        if period not in periods:
            continue
        figures = deadline_figures(service=Service.objects.get(pk=row["service_id"]))
        if figures is not None:
            out[(row["service_id"], period)] = (figures["share"], figures["cases"])
    return out


def former_proactive(periods: list[str]) -> dict:
    from govcx.maturity.measures import TAKEN_UP
    from govcx.maturity.periods import period_bounds
    from govcx.proactive.models import Offer

    out = {}
    for period in periods:
        start, end = period_bounds(period)
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for organisation_id, state in (Offer.objects.filter(created_at__date__range=(start, end))
                                       .exclude(state="proposed").values_list("organisation_id", "state")):
            counts[organisation_id][0] += 1
            counts[organisation_id][1] += int(state in TAKEN_UP)
        out.update({(org, period): (taken / notified, notified) for org, (notified, taken) in counts.items()})
    return out


def former_training(periods: list[str]) -> dict:
    from govcx.maturity.periods import period_bounds
    from govcx.training.models import Programme
    from govcx.training.selectors import roster

    people = [p for programme in Programme.objects.all()
              for p in roster(programme).values_list("organisation_id", "started_on", "left_on", "trained_on")]
    out = {}
    for period in periods:
        end = period_bounds(period)[1]
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for organisation_id, started_on, left_on, trained_on in people:
            if started_on > end or (left_on is not None and left_on <= end):
                continue
            counts[organisation_id][0] += 1
            counts[organisation_id][1] += int(trained_on is not None and trained_on <= end)
        out.update({(org, period): (trained / total, total) for org, (total, trained) in counts.items()})
    return out


def _timed(call, repeat: int) -> tuple[float, object]:
    seconds, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def demo_steps(var_dir: str, repeat: int) -> None:
    """Every step of the recompute on a built demo database, and the former loops beside the grouped steps."""
    os.environ["GOVCX_VAR_DIR"] = var_dir
    os.environ.pop("GOVCX_DATABASE_URL", None)
    os.environ.setdefault("GOVCX_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    import django

    django.setup()
    from django.utils import timezone

    from govcx.maturity import measures
    from govcx.registry.models import Service

    today = timezone.localdate()
    periods = measures.default_periods(today=today)
    owners = dict(Service.objects.values_list("id", "owner_id"))
    print(f"demo database {var_dir}: {len(owners)} services, {len(periods)} quarters ({periods[0]}–{periods[-1]})")

    def service_key(figure) -> tuple:
        return figure.service_id, figure.period

    def org_key(figure) -> tuple:
        return figure.organisation_id, figure.period

    steps = [
        ("standards", lambda: measures._standards(periods, owners), None, None),
        ("lab", lambda: measures._lab(periods, owners), None, None),
        ("audits", lambda: measures._audits(periods, owners), None, None),
        ("satisfaction", lambda: measures._satisfaction(periods, owners), None, None),
        ("complaints", lambda: measures._complaints(periods, owners, today),
         lambda: former_complaints(periods, owners, today), service_key),
        ("delivery", lambda: measures._delivery(periods, owners), lambda: former_delivery(periods), service_key),
        ("proactive", lambda: measures._proactive(periods), lambda: former_proactive(periods), org_key),
        ("training", lambda: measures._training(periods), lambda: former_training(periods), org_key),
        ("practices", lambda: measures._practices(periods), None, None),
    ]
    total = 0.0
    for name, step, former, key in steps:
        seconds, figures = _timed(step, repeat)
        total += seconds
        line = f"  {name:13} {seconds:6.2f} s median, {len(figures):5} figures"
        if former is not None:
            former_seconds, reference = _timed(former, repeat)
            if key is service_key:
                got = {key(f): (f.value, f.cases) for f in figures}
            else:  # an authority's figure carries no case count: the values are compared
                got = {key(f): f.value for f in figures}
                reference = {k: v[0] for k, v in reference.items()}
            differs = [k for k in set(got) | set(reference) if got.get(k) != reference.get(k)]
            line += f"; former loop {former_seconds:6.2f} s, figures differing: {len(differs)}"
        print(line)
    print(f"  all steps     {total:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=100)
    parser.add_argument("--responses", type=int, default=200_000)
    parser.add_argument("--ratings", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--demo", metavar="VAR_DIR", help="time every step on this built demo's database instead")
    args = parser.parse_args()
    if args.demo:
        demo_steps(args.demo, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="govcx-index-measures-") as var_dir:
        setup(var_dir)
        from govcx.maturity import measures
        from govcx.maturity.periods import periods_between

        started = time.perf_counter()
        owners = build_world(args.services, args.responses, args.ratings)
        print(f"{args.responses:,} responses × {args.ratings} ratings of {args.services} services written in "
              f"{time.perf_counter() - started:.1f} s (SQLite)")
        periods = periods_between("2025Q1", "2026Q4")
        timings: dict[str, list[float]] = {"database": [], "python loop (peer)": []}
        for _ in range(args.repeat):
            started = time.perf_counter()
            figures = measures._satisfaction(periods, owners)
            timings["database"].append(time.perf_counter() - started)
            started = time.perf_counter()
            reference = python_loop(periods, owners)
            timings["python loop (peer)"].append(time.perf_counter() - started)
        for name, seconds in timings.items():
            print(f"  {name:18} median {statistics.median(seconds):6.2f} s (min {min(seconds):.2f}, "
                  f"max {max(seconds):.2f})")
        got = {(f.service_id, f.period): (f.value, f.cases, f.standard_error) for f in figures}
        worst = max(max(abs(a[0] - b[0]), abs((a[2] or 0) - (b[2] or 0)))
                    for key, a in got.items() for b in [reference[key]])
        same = got.keys() == reference.keys() and all(got[k][1] == reference[k][1] for k in got)
        print(f"  {len(got):,} service-quarters; same groups and counts: {same}; largest difference in mean or "
              f"error: {worst:.1e}")


if __name__ == "__main__":
    main()
