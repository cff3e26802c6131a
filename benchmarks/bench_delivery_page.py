"""Benchmark: the delivery page of one service with N events (issue 13: under 1 s at 1M events), on SQLite.

A throw-away var folder gets a migrated SQLite database, one service with a 10-working-day term and a demo-shaped
event log (`demo.delivery.demo_log`, the first demo service's variants, rework, offices, regions and channels,
with as many cases as N events need) written to the event store. The page is then fetched in process with
Django's test client, signed in as the administrator, after the warm-up `govcx serve` does (routes, engines):
the first request and the median of the next --repeat. The import has kept the page's figures beside the events
(`store.cached_figures`; the time of that step is printed), so both read those. The API views and the ranking
(which reads the summary kept at import) are timed the same way.

    uv run python benchmarks/bench_delivery_page.py [--events 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
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


def build_world(events: int) -> tuple[object, object]:
    """The administrator and a service whose store holds about `events` events."""
    import datetime as dt

    import numpy as np
    from django.conf import settings

    from govcx.accounts.models import User
    from govcx.delivery import services, store
    from govcx.delivery.models import EventLog
    from govcx.demo.delivery import SPECS, demo_log
    from govcx.registry.models import ClientCategory, LifeSituation, Organisation
    from govcx.registry.schemas import ServiceIn
    from govcx.registry.services import service_create

    central = Organisation.objects.create(code="central-office", name_en="Central office", level="federal",
                                          is_central_office=True)
    Organisation.objects.create(code="min-a", name_en="Ministry A", level="federal")
    ClientCategory.objects.create(code="citizens", name_en="Citizens", name_ru="Граждане")
    LifeSituation.objects.create(code="birth", name_en="Birth of a child", name_ru="Рождение ребёнка")
    admin = User.objects.create_user(username="bench-admin", role="admin", organisation=central)
    service = service_create(actor=admin, passport=ServiceIn.model_validate({
        "code": "bench-delivery", "name_en": "Benchmark service", "name_ru": "Услуга для замера", "owner": "min-a",
        "client_categories": ["citizens"], "life_situations": ["birth"], "channels": ["portal", "office"],
        "stage": "beta", "deadline_days": 10, "deadline_kind": "working", "legal_basis": "Federal Law 210-FZ",
        "page_urls": ["https://example.gov/service"], "feedback_url": "https://example.gov/feedback",
        "steps": [{"title_en": "Apply online", "title_ru": "Подать заявление"}],
        "documents": [{"name_en": "Passport", "name_ru": "Паспорт"}]}))
    now_us = int(dt.datetime.now(dt.UTC).timestamp()) * 1_000_000
    probe = demo_log(SPECS[0], rng=np.random.default_rng(1), now_us=now_us)
    cases = max(1, round(SPECS[0].cases * events / probe.num_rows))
    log = demo_log(dataclasses.replace(SPECS[0], cases=cases), rng=np.random.default_rng(2026), now_us=now_us)
    added, _ = store.append_new(settings.ANALYTICS_DIR, service.pk, log)
    EventLog.objects.create(service=service, file_name="bench.parquet", file_format="parquet",
                            events_read=log.num_rows, events_added=added)
    started = time.perf_counter()
    services.delivery_summary_refresh(service=service)
    print(f"summary and page figures computed at import in {time.perf_counter() - started:.1f} s")
    return admin, service


def timed(client: object, url: str, repeat: int) -> tuple[float, float]:
    """Seconds of the first request and the median of the next `repeat`; any answer but 200 stops the run."""
    seconds = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200 or not body:
            sys.exit(f"{url} answered {response.status_code}")
    return seconds[0], statistics.median(seconds[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="govcx-delivery-page-") as var_dir:
        setup(var_dir)
        from django.test import Client

        from govcx.delivery import store

        started = time.perf_counter()
        admin, service = build_world(args.events)
        from django.conf import settings

        stored = store.event_count(settings.ANALYTICS_DIR, service.pk)  # type: ignore[attr-defined]
        print(f"{stored:,} events stored in {time.perf_counter() - started:.1f} s (SQLite, one service)")
        from govcx import warmup

        warmup.load_routes()  # what `govcx serve` does before it serves: the first request is then the page's own
        warmup.warm_engines()
        client = Client(HTTP_HOST="localhost")
        client.force_login(admin)
        pk = service.pk  # type: ignore[attr-defined]
        urls = {
            "delivery page": f"/delivery/services/{pk}/",
            "ranking page": "/delivery/ranking/",
            "API figures": f"/api/delivery/services/{pk}/figures",
            "API process": f"/api/delivery/services/{pk}/process",
            "API risk": f"/api/delivery/services/{pk}/risk",
            "API ranking": "/api/delivery/ranking",
        }
        for name, url in urls.items():
            first, warm = timed(client, url, args.repeat)
            verdict = "" if name != "delivery page" else (" (target < 1 s: met)" if warm < 1 else
                                                          " (target < 1 s: NOT met)")
            print(f"  {name:14} first {first:6.2f} s, then median {warm:6.2f} s{verdict}")


if __name__ == "__main__":
    main()
