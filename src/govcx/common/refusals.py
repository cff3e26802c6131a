"""A service's refusal (Invalid, Conflict, ...) shown where the user acted, one way for every page.

`refusal_on_form` puts it on a Django form: each detail that names a field of the form next to that field, the
rest as errors of the whole form. `refusal_as_message` tells it as an error message on the page that follows.
Both yield a list that holds the refusal, so the caller knows whether to redirect or show the page again. An
object out of reach (403, 404) still raises to its error page unless the page lets the user choose it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from govcx.errors import Conflict, DomainError, Invalid


def field_name(path: str) -> str:
    """The form field a service's error path points at: "answers[3]" is "answers", "context.page" is "page"."""
    return path.split(".")[-1].split("[")[0]


def posted_int(data: Mapping[str, str], field: str, default: int) -> int:
    """A whole number typed into a form field (blank: `default`); anything else is a refusal naming the field,
    shown like any other."""
    raw = (data.get(field) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise Invalid(f"{field} must be a whole number, not {raw[:20]!r}", details=[{"field": field}]) from None


def _out_of_reach(error: DomainError, missing_is_refusal: bool) -> bool:
    return error.status == 403 or (error.status == 404 and not missing_is_refusal)


@contextmanager
def refusal_on_form(
    form: forms.Form, *, field_of: Callable[[str], str] = field_name
) -> Iterator[list[DomainError]]:
    refused: list[DomainError] = []
    try:
        yield refused
    except DomainError as exc:
        if _out_of_reach(exc, False):
            raise
        refused.append(exc)
        placed, elsewhere = False, []
        for detail in exc.details:
            field = field_of(str(detail.get("field") or ""))
            message = detail.get("message") or exc.message
            if field in form.fields:
                form.add_error(field, message)
                placed = True
            elif message != exc.message:
                elsewhere.append(message)
        if not placed:
            form.add_error(None, exc.message)
        for message in elsewhere:
            form.add_error(None, message)


@contextmanager
def refusal_as_message(
    request: HttpRequest, *, conflict: str | None = None, missing_is_refusal: bool = False
) -> Iterator[list[DomainError]]:
    """`conflict` replaces a Conflict's own message (a page may explain what to do next in its own words);
    `missing_is_refusal` shows NotFound as a message too, for pages where the user typed or chose the missing
    object."""
    refused: list[DomainError] = []
    try:
        yield refused
    except DomainError as exc:
        if _out_of_reach(exc, missing_is_refusal):
            raise
        refused.append(exc)
        messages.error(request, conflict if conflict and isinstance(exc, Conflict) else exc.message)
