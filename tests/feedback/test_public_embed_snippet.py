"""The snippet an analyst copies to put the widget on a website, with the CSP the host page needs."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation


def snippet(allowed_origins: list[str]) -> str:
    survey = SimpleNamespace(public_key="AbC-123_x", allowed_origins=allowed_origins)
    request = RequestFactory().get("/feedback/surveys/1/", HTTP_HOST="govcx.example", secure=True)
    with translation.override("ru"):
        return render_to_string("feedback/public/_embed_snippet.html", {"survey": survey, "request": request})


def test_snippet_shows_the_exact_script_tag_and_the_hosts_csp_directives(settings):
    settings.ALLOWED_HOSTS = ["govcx.example"]
    html = snippet([])
    assert ('<code>&lt;script src="https://govcx.example/static/govcx/feedback-widget.js" data-survey="AbC-123_x" '
            'data-lang="ru" async&gt;&lt;/script&gt;</code>') in html
    assert ("script-src https://govcx.example; style-src https://govcx.example; "
            "connect-src https://govcx.example") in html
    assert 'href="/feedback/s/AbC-123_x/poster/"' in html and 'href="/feedback/s/AbC-123_x/"' in html


def test_snippet_names_the_sites_allowed_to_submit(settings):
    settings.ALLOWED_HOSTS = ["govcx.example"]
    assert "<code>https://a.example</code>, <code>https://b.example</code>" in snippet(
        ["https://a.example", "https://b.example"])
