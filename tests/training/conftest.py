"""Training fixtures: Ministry A's programme (started two years ago) with two courses, a learning platform and a
small roster; `lrs` is a client speaking to the xAPI endpoint with the platform's credentials."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.training.services.programme import course_create, platform_create, programme_create
from govcx.training.services.roster_imports import roster_import

HOME = "https://lms.example.gov"
PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def officer(reference_data):
    return User.objects.create_user(username="officer-a", password=PASSWORD, role=Role.TRAINING_OFFICER,
                                    organisation=reference_data["ministry"], email="officer@example.gov")


@pytest.fixture
def programme(officer, reference_data):
    today = timezone.localdate()
    programme = programme_create(actor=officer, organisation=reference_data["ministry"], name="Client first",
                                 starts_on=today - dt.timedelta(days=730))
    course_create(actor=officer, programme=programme, code="basics", name="Client-centricity basics",
                  kind="elearning", activity_id="https://lms.example.gov/course/basics",
                  position_categories=["manager", "specialist", "support"])
    course_create(actor=officer, programme=programme, code="leading", name="Leading a client-centred team",
                  kind="classroom", activity_id="https://lms.example.gov/course/leading",
                  position_categories=["manager"])
    return programme


def roster_csv(rows: list[str]) -> bytes:
    header = "person_id,organisation,position_category,region,started_on,left_on,work_email,manager_id"
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def staff(programme, officer):
    rows = [f"p{i:03d},{'agency-a1' if i % 2 else 'min-a'},{'manager' if i < 3 else 'specialist'},RU-MOW,"
            f"2020-01-01,,p{i}@example.gov,p000" for i in range(12)]
    return roster_import(actor=officer, programme=programme, data=roster_csv(rows), file_name="staff.csv")


@pytest.fixture
def platform(programme, officer):
    return platform_create(actor=officer, programme=programme, name="Moodle", home_page=HOME)


class Lrs:
    def __init__(self, username: str, secret: str) -> None:
        self.client = Client()
        token = base64.b64encode(f"{username}:{secret}".encode()).decode()
        self.headers = {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}

    def post(self, body, content_type="application/json", **extra):
        return self.client.post("/xapi/statements", json.dumps(body), content_type=content_type,
                                **{**self.headers, **extra})

    def put(self, statement_id, body, **extra):
        return self.client.put(f"/xapi/statements?statementId={statement_id}", json.dumps(body),
                               content_type="application/json", **{**self.headers, **extra})

    def get(self, query="", **extra):
        return self.client.get(f"/xapi/statements{query}", **{**self.headers, **extra})


@pytest.fixture
def lrs(platform):
    record, secret = platform
    return Lrs(record.username, secret)
