"""Benchmark: the index ranking page (issue 16, "Speed": under 1 s) with 1,000 authorities × 8 published quarters,
on SQLite.

A throw-away var folder gets a migrated SQLite database with 1,000 authorities (about 8 % federal bodies, the rest
regions), the authority-wide measures of the govcx model for 8 quarters written in bulk (synthetic, about 10 %
missing), and for each quarter the index computed and published by the use cases (`index_compute`,
`index_publish`): 8 publications of 1,000 values. Then, signed in as a central analyst with Django's test client
(after the warm-up `govcx serve` does), each page is fetched once (that request draws the ranking chart, kept in
the cache since a published ranking never changes), then `--repeat` times: median and max printed. The regional
ranking is the big one: about 920 authorities in the chart, the table shown 100 rows a page.

    uv run python benchmarks/bench_index_page.py [--authorities 1000] [--periods 8] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time


def setup(var_dir: str) -> None:
    os.environ["GOVCX_VAR_DIR"] = var_dir
    os.environ.pop("GOVCX_DATABASE_URL", None)
    os.environ.setdefault("GOVCX_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def quarters(count: int) -> list[str]:
    """`count` consecutive quarters ending in 2026Q4, plus the one before (the index's change reads it)."""
    out = []
    year, quarter = 2026, 4
    for _ in range(count + 1):
        out.append(f"{year}Q{quarter}")
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return sorted(out)


def build_world(authorities: int, periods: int) -> tuple[object, list[int]]:
    """A central analyst and the ids of the authorities, with `periods` published quarters of the govcx index."""
    import numpy as np
    from django.utils import timezone

    from govcx.accounts.models import User
    from govcx.maturity.index_services import index_compute, index_publish, shipped_model
    from govcx.maturity.models import MeasureValue
    from govcx.registry.models import Organisation

    central = Organisation.objects.create(code="central-office", name_en="Central office", level="federal",
                                          is_central_office=True)
    federal = max(1, round(authorities * 0.08))
    Organisation.objects.bulk_create([
        Organisation(code=f"auth-{i:04d}", name_en=f"Authority {i:04d}", name_ru=f"Орган {i:04d}",
                     level="federal" if i < federal else "regional", region_code="" if i < federal else "77")
        for i in range(authorities)], batch_size=1000)
    ids = list(Organisation.objects.filter(code__startswith="auth-").order_by("code").values_list("id", flat=True))
    analyst = User.objects.create_user(username="bench-analyst", role="central_analyst", organisation=central)
    admin = User.objects.create_user(username="bench-admin", role="admin", organisation=central)
    model, _ = shipped_model("govcx")
    rng = np.random.default_rng(16)
    quality = rng.beta(4, 3, authorities)
    all_periods = quarters(periods)
    now = timezone.now()
    rows = []
    for t, period in enumerate(all_periods):
        for d in model.dimensions:
            lo, hi = (1.0, 5.0) if d.measure == "management_practices" else (0.0, 1.0)
            values = np.clip(quality + 0.02 * t + rng.normal(0, 0.1, authorities), 0, 1)
            for i, organisation_id in enumerate(ids):
                if rng.random() < 0.1:
                    continue  # missing evidence
                sampled = d.measure in {"satisfaction_mean", "complaints_on_time", "deadlines_met"}
                rows.append(MeasureValue(organisation_id=organisation_id, period=period, measure=d.measure,
                                         value=float(lo + (hi - lo) * values[i]), n_services=int(rng.integers(1, 200)),
                                         standard_error=float(rng.uniform(0.01, 0.05)) if sampled else None,
                                         computed_at=now))
    MeasureValue.objects.bulk_create(rows, batch_size=5000)
    for period in all_periods[1:]:
        index_publish(actor=admin, publication=index_compute(actor=admin, model_id="govcx", period=period))
    return analyst, ids


def timed(client: object, url: str, repeat: int) -> list[float]:
    """Seconds of each of `repeat` requests; any answer but 200 stops the run."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200 or not body:
            sys.exit(f"{url} answered {response.status_code}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--authorities", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="govcx-index-page-") as var_dir:
        setup(var_dir)
        from django.db import connection
        from django.test import Client

        started = time.perf_counter()
        analyst, ids = build_world(args.authorities, args.periods)
        print(f"{len(ids):,} authorities × {args.periods} published quarters built in "
              f"{time.perf_counter() - started:.1f} s (SQLite)")
        from govcx import warmup

        warmup.load_routes()
        warmup.warm_engines()
        client = Client(HTTP_HOST="localhost")
        client.force_login(analyst)
        urls = {
            "ranking, federal": "/maturity/?model=govcx&group=federal",
            "ranking, regions": "/maturity/?model=govcx&group=regional",
            "authority page": f"/maturity/authorities/{ids[-1]}/?model=govcx",
        }
        for name, url in urls.items():
            first = timed(client, url, 1)[0]  # the ranking chart is drawn here, then read from the cache
            queries: list[str] = []

            def counted(run, sql, *rest, seen=queries):  # type: ignore[no-untyped-def]
                seen.append(sql)
                return run(sql, *rest)

            with connection.execute_wrapper(counted):
                client.get(url)
            seconds = timed(client, url, args.repeat)
            worst = max(seconds)
            verdict = "met" if statistics.median(seconds) < 1 else "NOT met"
            print(f"  {name:17} first {first:5.3f} s, then median {statistics.median(seconds):5.3f} s, max "
                  f"{worst:5.3f} s over {args.repeat} requests, {len(queries)} queries (target < 1 s: {verdict})")


if __name__ == "__main__":
    main()
