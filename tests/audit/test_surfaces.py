"""What people see of an audit: Russian for rule help, impacts and the engine's reasons; tables that scroll
inside themselves; no link to a path on the server; progress that refreshes itself. No browser is started: the
runs are stored from recorded results, as the demo does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from govcx.audit import texts
from govcx.audit.engine import Issue, PageResult
from govcx.audit.models import AuditRun
from govcx.audit.services import audit_run_record
from govcx.audit.templatetags.audit_tags import page_address, page_link


def test_engine_messages_and_rule_help_in_russian():
    with translation.override("ru"):
        assert texts.engine_message("HTTP 404") == "сервер ответил HTTP 404"
        assert texts.engine_message(
            "refused by the network guard: 127.0.0.1 is a loopback address; an administrator can allow the host "
            "(GOVCX_AUDIT_ALLOWED_HOSTS)"
        ) == ("отклонено сетевой защитой: 127.0.0.1 — локальный (loopback) адрес; администратор может разрешить "
              "этот хост (GOVCX_AUDIT_ALLOWED_HOSTS)")
        assert texts.rule_help("image-alt", "Images must have alternative text") == (
            "У изображений должен быть альтернативный текст")
        assert texts.rule_help("some-new-rule", "As axe says") == "As axe says"
    assert texts.engine_message("navigation timed out after 20000 ms") == "the page did not load within 20000 ms"
    assert texts.engine_message("something\nnew") == "something new"  # one line, as written


def test_uploaded_pages_are_named_never_linked():
    upload = "file:///var/lib/govcx/media/audit/uploads/7/%D1%84%D0%BE%D1%80%D0%BC%D0%B0.html"
    assert page_address(upload) == "форма.html" and page_link(upload) == ""
    assert page_link("https://example.gov.ru/a") == page_address("https://example.gov.ru/a") == "https://example.gov.ru/a"


def recorded_run(users, service, url: str) -> AuditRun:
    issue = Issue(rule="image-alt", impact="critical", kind="violation", help="Images must have alternative text",
                  help_url="", wcag=("1.1.1",), targets=("img",), html=("<img>",))
    result = PageResult(url=url, final_url=url, ok=True, error="", status=200, title="Form", lang_attr="ru",
                        issues=(issue,), mobile={"horizontal_scroll": False, "laid_out_for_phone": True})
    return audit_run_record(actor=users["admin"], service=service, results=[result],
                            finished_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))


@pytest.mark.django_db
def test_run_page_in_russian_with_tables_that_scroll_inside_and_no_server_path(client_for, users, services):
    run = recorded_run(users, services["a"], "file:///var/lib/govcx/media/audit/uploads/1/form.html")
    client = client_for(users["admin"])
    page = client.get(f"/audit/runs/{run.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "У изображений должен быть альтернативный текст" in page and "Критическое" in page
    assert '<div class="table-scroll"><table>' in page
    assert "file://" not in page and "/var/lib/govcx" not in page and "form.html" in page
    listing = client.get(f"/audit/services/{services['a'].pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Критическое" in listing and ">critical<" not in listing and '<div class="table-scroll">' in listing


@pytest.mark.django_db
def test_progress_polls_until_the_run_is_done_then_reloads_the_page(client_for, users, services):
    run = AuditRun.objects.create(service=services["a"], targets=["https://example.gov.ru/"], status="running")
    client = client_for(users["admin"])
    page = client.get(f"/audit/runs/{run.pk}/").content.decode()
    assert f'hx-get="/audit/runs/{run.pk}/?progress=1"' in page and 'hx-trigger="every 3s"' in page
    fragment = client.get(f"/audit/runs/{run.pk}/?progress=1", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and 'id="audit-progress"' in fragment.content.decode()
    AuditRun.objects.filter(pk=run.pk).update(status="done")
    finished = client.get(f"/audit/runs/{run.pk}/?progress=1", HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"
