"""Template filters of the audit pages: impact and kind labels, rule help and engine messages in the reader's
language, and page addresses that never show or link a path on the server."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django import template

from govcx import labels
from govcx.audit import texts
from govcx.common.weburls import is_web_url

register = template.Library()


@register.filter
def issue_kind_label(value: str) -> str:
    return str(labels.AUDIT_ISSUE_KINDS.get(value, value))


@register.filter
def rule_help(issue: Any) -> str:
    return texts.rule_help(issue.rule, issue.help)


@register.filter
def engine_message(value: str) -> str:
    return texts.engine_message(value)


@register.filter
def page_address(url: str) -> str:
    """An audited address as shown: a web address as it is, an uploaded file by its name only."""
    if is_web_url(url):
        return url
    return PurePosixPath(unquote(urlsplit(url or "").path)).name or "—"


@register.filter
def page_link(url: str) -> str:
    """The address to link, or "" when it is not a web address (an uploaded file is a path on the server)."""
    return url if is_web_url(url) else ""


@register.filter
def run_status_label(value: str) -> str:
    return str(labels.RUN_STATUSES.get(value, value))
