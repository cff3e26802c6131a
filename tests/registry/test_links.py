"""Addresses in a passport are http(s) only, and a stored address that is not never becomes a link."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from govcx.common.weburls import check_web_url, is_safe_link, is_web_url
from govcx.registry.models import Service

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd",
                                 "ftp://example.gov/", "//evil.example/", "https://", "http://a b/",
                                 "java\tscript:alert(1)"])
def test_passport_addresses_refuse_other_schemes(make_passport, url):
    with pytest.raises(ValidationError):
        make_passport("svc-x", "min-a", page_urls=[url])
    with pytest.raises(ValidationError):
        make_passport("svc-x", "min-a", feedback_url=url)
    assert not is_web_url(url)
    with pytest.raises(ValueError):
        check_web_url(url)


def test_the_one_rule_accepts_web_addresses_and_site_paths():
    assert is_web_url("https://example.gov/a?b=c#d") and is_web_url("HTTP://EXAMPLE.GOV")
    assert check_web_url("  https://example.gov/ ") == "https://example.gov/" and check_web_url("") == ""
    assert not is_web_url("https://example.gov/\x00")  # pydantic's HttpUrl percent-encodes it instead
    assert is_safe_link("/audit/runs/5") and not is_safe_link("//evil.example/") and not is_safe_link("/\\evil")


def test_a_stored_bad_address_is_shown_as_text_not_as_a_link(client_for, users, services):
    Service.objects.filter(pk=services["a"].pk).update(page_urls=["javascript:alert(1)"],
                                                       feedback_url="javascript:alert(2)")
    page = client_for(users["owner_a"]).get(f"/registry/services/{services['a'].pk}/").content.decode()
    assert "javascript:alert(1)" in page and "javascript:alert(2)" in page
    assert 'href="javascript:' not in page
