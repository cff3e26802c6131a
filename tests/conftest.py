"""Shared fixtures: two authorities with staff in every role, a central office, services and packs."""

from __future__ import annotations

import importlib.util
import io
import shutil

import pytest
from django.test import Client

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.registry.models import ClientCategory, LifeSituation, Organisation
from govcx.registry.schemas import ServiceIn
from govcx.registry.services import service_create
from govcx.standards.loader import read_pack, shipped_pack_files
from govcx.standards.services import pack_load

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real PBKDF2 costs ~0.3 s per user created; tests check who may do what, not hashing strength."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # hashes made before this fixture ran
    ]


@pytest.fixture(autouse=True)
def isolated_analytics_store(settings, tmp_path_factory):
    """Each test's database starts empty, so its analytics store must too."""
    settings.ANALYTICS_DIR = tmp_path_factory.mktemp("analytics")


@pytest.fixture(autouse=True)
def jobs_run_at_once(settings):
    """Background jobs run synchronously where they are queued; tests/jobs/test_worker.py runs a real worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def responses_committed_in_their_request(settings):
    """The committer thread has its own connection, outside the test's transaction; tests/feedback/test_ingest.py
    runs the real one."""
    settings.FEEDBACK_GROUP_COMMIT = False


@pytest.fixture
def reference_data(db):
    central = Organisation.objects.create(code="central-office", name_en="Client-Centricity Office",
                                          name_ru="Проектный офис", level="federal", is_central_office=True)
    ministry = Organisation.objects.create(code="min-a", name_en="Ministry A", name_ru="Министерство А",
                                           level="federal")
    agency = Organisation.objects.create(code="agency-a1", name_en="Agency A1", name_ru="Агентство А1",
                                         level="federal", parent=ministry)
    region = Organisation.objects.create(code="region-b", name_en="Tula Region Government",
                                         name_ru="Правительство Тульской области", level="regional",
                                         region_code="RU-TUL")
    for code, en, ru in [("citizens", "Citizens", "Граждане"), ("businesses", "Businesses", "Бизнес"),
                         ("civil_servants", "Civil servants", "Госслужащие")]:
        ClientCategory.objects.create(code=code, name_en=en, name_ru=ru)
    LifeSituation.objects.create(code="birth", name_en="Birth of a child", name_ru="Рождение ребёнка")
    LifeSituation.objects.create(code="business-start", name_en="Starting a business", name_ru="Открытие бизнеса")
    return {"central": central, "ministry": ministry, "agency": agency, "region": region}


def make_user(username: str, role: Role, organisation: Organisation | None) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, organisation=organisation)


@pytest.fixture
def users(reference_data):
    orgs = reference_data
    return {
        "admin": make_user("admin", Role.ADMIN, orgs["central"]),
        "analyst": make_user("analyst", Role.CENTRAL_ANALYST, orgs["central"]),
        "owner_a": make_user("owner-a", Role.SERVICE_OWNER, orgs["ministry"]),
        "assessor_a": make_user("assessor-a", Role.ASSESSOR, orgs["ministry"]),
        "assessor_a2": make_user("assessor-a2", Role.ASSESSOR, orgs["ministry"]),
        "viewer_a": make_user("viewer-a", Role.VIEWER, orgs["ministry"]),
        "owner_b": make_user("owner-b", Role.SERVICE_OWNER, orgs["region"]),
        "assessor_b": make_user("assessor-b", Role.ASSESSOR, orgs["region"]),
    }


def passport(code: str, owner: str, **overrides) -> ServiceIn:
    data = {
        "code": code,
        "name_en": f"Service {code}",
        "name_ru": f"Услуга {code}",
        "owner": owner,
        "client_categories": ["citizens"],
        "life_situations": ["birth"],
        "channels": ["portal", "office"],
        "stage": "beta",
        "deadline_days": 10,
        "deadline_kind": "working",
        "legal_basis": "Federal Law 210-FZ",
        "page_urls": ["https://example.gov/service"],
        "feedback_url": "https://example.gov/feedback",
        "steps": [{"title_en": "Apply online", "title_ru": "Подать заявление"}],
        "documents": [{"name_en": "Passport", "name_ru": "Паспорт"}],
    }
    data.update(overrides)
    return ServiceIn.model_validate(data)


@pytest.fixture
def services(users):
    admin = users["admin"]
    return {
        "a": service_create(actor=admin, passport=passport("svc-a", "min-a")),
        "a1": service_create(actor=admin, passport=passport("svc-a1", "agency-a1")),
        "b": service_create(actor=admin, passport=passport("svc-b", "region-b", documents=[
            {"name_en": "Birth certificate", "held_in_registry": True, "registry_name": "Civil registry"}])),
    }


@pytest.fixture
def packs(db):
    return {record.pack_id: record for record, _ in (pack_load(loaded=read_pack(p)) for p in shipped_pack_files())}


@pytest.fixture
def client_for():
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def make_passport():
    """make_passport(code, owner_code, **overrides) -> ServiceIn"""
    return passport


@pytest.fixture
def password():
    """The password of every user the `users` fixture creates."""
    return PASSWORD


@pytest.fixture
def visit_survey_definition():
    """A survey with every question type, branching and hidden context, for the public page and the widget."""
    return {
        "title": {"en": "How was your visit?", "ru": "Как прошёл ваш визит?"},
        "questions": [
            {"key": "overall", "type": "rating", "required": True, "scale_min": 1, "scale_max": 5,
             "label": {"en": "Overall, how satisfied are you?", "ru": "Насколько вы довольны в целом?"},
             "labels": {"1": {"en": "Very dissatisfied", "ru": "Очень недоволен"},
                        "5": {"en": "Very satisfied", "ru": "Очень доволен"}}},
            {"key": "what_went_wrong", "type": "text", "max_length": 500,
             "show_if": [{"question": "overall", "at_most": 3}],
             "label": {"en": "What went wrong?", "ru": "Что пошло не так?"}},
            {"key": "channel_used", "type": "single_choice",
             "label": {"en": "How did you apply?", "ru": "Как вы подали заявление?"},
             "options": [{"key": "online", "label": {"en": "Online", "ru": "Онлайн"}},
                         {"key": "office", "label": {"en": "In an office", "ru": "В офисе"}}]},
            {"key": "documents", "type": "multiple_choice", "max_selected": 2,
             "label": {"en": "Which documents did you bring?", "ru": "Какие документы вы принесли?"},
             "options": [{"key": "passport", "label": {"en": "Passport", "ru": "Паспорт"}},
                         {"key": "certificate", "label": {"en": "Birth certificate", "ru": "Свидетельство о рождении"}},
                         {"key": "none", "label": {"en": "None", "ru": "Никаких"}}]},
            {"key": "got_result", "type": "yes_no", "required": True,
             "label": {"en": "Did you get what you needed?", "ru": "Вы получили то, что было нужно?"}},
            {"key": "staff_helpful", "type": "thumbs", "show_if": [{"question": "channel_used", "equals": "office"}],
             "label": {"en": "Were the staff helpful?", "ru": "Сотрудники помогли вам?"}},
            {"key": "office", "type": "hidden", "context": "office"},
            {"key": "page", "type": "hidden", "context": "page"},
            {"key": "channel", "type": "hidden", "context": "channel"},
        ],
    }


@pytest.fixture
def pdf_text():
    """pdf_text(data) -> str: the text of every page of a PDF (pypdf), whitespace collapsed to single spaces, so a
    test of a report asserts what it says (service, verdict, figures) and a blank or broken PDF fails."""
    from pypdf import PdfReader

    def read(data: bytes) -> str:
        assert data.startswith(b"%PDF-"), data[:20]
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) >= 1
        return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())

    return read


# Small data: a JVM that starts fast (client JIT only, serial GC) and skips compiling each query to bytecode
# finishes small queries sooner; the results do not depend on either.
QUICK_SMALL_SPARK_QUERIES = {
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.adaptive.enabled": "false",
}


@pytest.fixture(scope="session")
def spark():
    """One local Spark session (one core, two shuffle partitions) for the whole run, as an Ibis backend.
    Every parity test (analytics, delivery, proactive) shares it: a JVM start costs seconds."""
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (a JRE 17+) on PATH; none found")
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed (it is in the dev dependency group: uv sync)")
    from govcx.analytics import engines

    session = engines.local_spark_session(master="local[1]", shuffle_partitions=2, config=QUICK_SMALL_SPARK_QUERIES)
    session.sparkContext.setLogLevel("ERROR")
    yield engines.connect("pyspark", spark_session=session)
    session.stop()
