"""Locust load for the public ingestion API: citizens' responses to one live survey (US A-11 §280 template).

Each simulated client posts a new response with a fresh idempotency key, and now and then replays one it
already sent, as a widget retrying after a lost connection does: new responses must answer 201, replays 200
with the same response. No think time: the clients measure how much the server sustains.

Driven by benchmarks/bench_feedback_ingest.py, which starts the server and passes the survey's public key in
GOVCX_BENCH_SURVEY; to run it alone against a running server:
    GOVCX_BENCH_SURVEY=<public key> uv run locust -f benchmarks/locustfile_feedback.py --headless \
        -u 32 -r 32 -t 60s --host http://127.0.0.1:8000
"""

from __future__ import annotations

import os
import random
import uuid

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

SURVEY = os.environ.get("GOVCX_BENCH_SURVEY", "")
REPLAY_SHARE = float(os.environ.get("GOVCX_BENCH_REPLAY_SHARE", "0.05"))
# Above 1, each request posts this many new responses to the batch endpoint (machines submitting in bulk).
BATCH = int(os.environ.get("GOVCX_BENCH_BATCH", "1"))
PATH = "/api/feedback/public/responses"
DRIVERS = ("trust", "effectiveness", "ease", "efficiency", "equity")
CHANNELS = ("web", "widget", "mobile")


def new_response(generator: random.Random) -> dict:
    overall = generator.choices((1, 2, 3, 4, 5), weights=(5, 8, 17, 35, 35))[0]
    answers: dict[str, object] = {"overall": overall}
    for driver in DRIVERS:
        answers[driver] = min(5, max(1, overall + generator.choice((-1, 0, 0, 1))))
    answers["staff_contact"] = generator.random() < 0.4
    if answers["staff_contact"]:
        answers["employee"] = generator.randint(1, 5)
    return {
        "survey": SURVEY,
        "idempotency_key": str(uuid.uuid4()),
        "answers": answers,
        "context": {"channel": generator.choice(CHANNELS)},
        "elapsed_ms": generator.randint(15_000, 90_000),  # people take seconds to answer; bots do not
    }


class Citizen(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        if not SURVEY:
            raise RuntimeError("set GOVCX_BENCH_SURVEY to the public key of a live survey")
        self.generator = random.Random()
        self.sent: list[tuple[dict, int]] = []  # (body, id of the response it created)

    @task
    def respond(self) -> None:
        if BATCH > 1:
            self.respond_in_bulk()
            return
        if self.sent and self.generator.random() < REPLAY_SHARE:
            (body, stored_id), expected, name = self.generator.choice(self.sent), 200, f"{PATH} (replay)"
        else:
            body, stored_id, expected, name = new_response(self.generator), None, 201, f"{PATH} (new)"
        with self.client.post(PATH, json=body, name=name, catch_response=True) as response:
            if response.status_code != expected:
                response.failure(f"expected {expected}, got {response.status_code}: {response.text[:200]}")
                return
            answered_id = response.json()["id"]
            if stored_id is not None and answered_id != stored_id:
                response.failure(f"a replay answered response {answered_id}, not the stored {stored_id}")
            elif stored_id is None and len(self.sent) < 1000:
                self.sent.append((body, answered_id))

    def respond_in_bulk(self) -> None:
        body = {"responses": [new_response(self.generator) for _ in range(BATCH)]}
        name = f"{PATH}/batch ({BATCH} new)"
        with self.client.post(f"{PATH}/batch", json=body, name=name, catch_response=True) as response:
            if response.status_code != 200 or response.json()["created"] != BATCH:
                response.failure(f"expected {BATCH} created, got {response.status_code}: {response.text[:200]}")
