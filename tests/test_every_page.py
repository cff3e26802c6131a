"""Every page of the site rendered in Russian and in English, from the URL patterns, on the demo data: no pattern is
left uncovered, no page fails, a Russian page shows no English, and no page shows a raw code from the enums.

The demo is built once per module inside a transaction rolled back at the end (as in tests/test_demo.py).
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client, override_settings
from tests import pages
from tests.test_translations import entries

from govcx.accounts.models import User
from govcx.complaints.models import Complaint
from govcx.demo import build_demo
from govcx.feedback.models import Answer, Response
from govcx.registry.models import Organisation, Service

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEMO_FEEDBACK_RESPONSES=300):
        build_demo()
        admin = User.objects.get(username="admin")
        yield {"values": pages.page_values(admin), "admin": admin}
        transaction.set_rollback(True)


def urls(site) -> list[tuple[str, str]]:
    values = dict(site["values"])
    found, missing = pages.page_urls(values)
    assert missing == []
    # the lab's personal link and the complaint's status link both take a `token`
    return [(name, url.replace(str(values["token"]), str(values["take_token"])) if name == "lab:take" else url)
            for name, url in found]


def test_every_url_pattern_is_rendered_or_skipped_with_a_reason(site):
    names = {p.name for p in pages.url_patterns()}
    assert all(name for name in names), "every page pattern has a name, so this test can list it"
    assert set(pages.SKIPPED) <= names, "a skipped pattern that no longer exists"
    covered = {name for name, _ in urls(site)} | set(pages.SKIPPED)
    assert names - covered == set()


def data_words() -> set[str]:
    """Latin-script words that come from the data rather than from the page: people's usernames, codes of
    organisations and services shown as identifiers, and what citizens wrote (comments and complaints in the
    language they chose, personal data masked as [PHONE])."""
    words: set[str] = set()
    for value in [*User.objects.values_list("username", flat=True),
                  *Service.objects.values_list("code", flat=True),
                  *Organisation.objects.values_list("code", flat=True),
                  *Answer.objects.exclude(text="").values_list("text", flat=True),
                  *Response.objects.exclude(comment="").values_list("comment", flat=True),
                  *Complaint.objects.values_list("text", flat=True)]:
        words.update(re.findall(r"[A-Za-z][A-Za-z'-]+", value))
    return words


def render(clients: list[Client], url: str, language: str) -> tuple[int, str]:
    """The page as the first reader allowed to see it (the administrator, or a researcher for personal data)."""
    for client in clients:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
        if response.status_code not in (403, 404):  # refused, or outside this officer's authority
            break
    return response.status_code, response.content.decode() if response.status_code == 200 else ""


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_page_renders_with_names_not_codes_and_russian_pages_show_no_english(site, language):
    clients = []
    for user in pages.readers(site["admin"]):
        clients.append(Client())
        clients[-1].force_login(user)
    codes = pages.enum_codes()
    allowed = data_words()
    msgids = [m for m, _, _ in entries() if " " in m.strip() and re.search(r"[a-z]{3}", m) and "%" not in m
              and "{" not in m and "<" not in m]
    problems: dict[str, list[str]] = {}
    for name, url in urls(site):
        status, html = render(clients, url, language)
        if status == 405:
            continue  # an action answering POST only: not a page
        if status != 200:
            problems[url] = [f"status {status}"]
            continue
        if 'lang="' + language not in html[:300]:
            problems[url] = [f"<html lang> is not {language}"]
        text = pages.visible_text(html, language)
        found = [f"code {c}" for c in pages.raw_codes(text, codes, allowed=lambda w: w in allowed)]
        if language == "ru":
            found += [f"english {w}" for w in pages.latin_words(text, allowed)]
            found += [f"message {m!r}" for m in pages.untranslated_messages(text, msgids)]
        if found:
            problems[f"{name} {url}"] = found
    assert problems == {}, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_the_checks_see_what_they_look_for():
    """Guard against checks that find nothing."""
    html = ('<html lang="ru"><head><title>x</title></head><body><p>Статус: not_met, RU-TUL, overall=4 trust=3</p>'
            '<script>var not_seen = 1;</script><code>svc_code</code><p title="Open the report">Отчёт</p></body>')
    text = pages.visible_text(html, "ru")
    assert "not_seen" not in text and "svc_code" not in text and "Open the report" in text
    assert pages.raw_codes(text, {"not_met"}) == ["not_met", "RU-TUL", "overall=4", "trust=3"]
    assert pages.latin_words(text, set()) == ["Open", "RU-TUL", "report", "the"]
    assert pages.untranslated_messages(text, ["Open the report"]) == ["Open the report"]
