"""Scripted journeys: a person's path through a service (open, fill, click, check), auditing pages on the way.

One desktop context keeps cookies and state for the whole journey, behind the same request and network guard
as :func:`~govcx.audit.engine.runner.audit` (every ``goto`` is checked before the browser opens it). Each
``audit`` step yields one :class:`PageResult` of the page as it is at that moment; its mobile figures come from
resizing the same page to the phone viewport (the state of a submitted form cannot be replayed in a second
context). A failing step ends the journey with an ``ok=False``
result naming the step; the results of the earlier ``audit`` steps are kept.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from urllib.parse import urljoin

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from .browser import PageTooBig, RequestGuard, close_quietly, goto_guarded, launch, open_guarded_page
from .netguard import Blocked
from .options import DEFAULT_OPTIONS, AuditOptions, JourneyStep
from .results import PageResult, failed
from .runner import error_text, inspect_page, mobile_on_page
from .sync import run_sync


class StepFailed(Exception):
    """A journey step could not be carried out."""


async def _goto(page: Page, url: str, guard: RequestGuard, options: AuditOptions) -> None:
    try:
        await guard.policy.check_url(url)
    except Blocked as exc:
        guard.record_block(url, str(exc))
        raise StepFailed(f"refused by the network guard: {exc}") from exc
    response = await goto_guarded(page, url, guard, options)
    status = response.status if response is not None else None
    if status is not None and status >= 400:
        raise StepFailed(f"HTTP {status} at {url}")


async def _step(page: Page, step: JourneyStep, guard: RequestGuard, options: AuditOptions) -> None:
    """Carry out one non-audit step."""
    if step.action == "goto":
        await _goto(page, urljoin(page.url, step.value or step.selector), guard, options)
    elif step.action == "fill":
        await page.fill(step.selector, step.value, timeout=options.timeout_ms)
    elif step.action == "click":
        await page.click(step.selector, timeout=options.timeout_ms)
        try:
            await page.wait_for_load_state("load", timeout=options.timeout_ms)
        finally:
            if guard.limit_hit == "max_page_bytes":
                raise PageTooBig(f"page too big: over {options.max_page_bytes} bytes transferred")
    elif step.action == "expect":
        locator = page.locator(step.selector).first
        await locator.wait_for(state="visible", timeout=options.timeout_ms)
        if step.value:
            text = await locator.inner_text()
            if step.value not in text:
                raise StepFailed(f"{step.selector!r} does not contain {step.value!r}")
    else:
        raise StepFailed(f"unknown action {step.action!r}")


def _describe(number: int, step: JourneyStep) -> str:
    what = step.selector or step.value
    return f"step {number} ({step.action}{' ' + repr(what) if what else ''})"


async def _journey(browser: Browser, start_url: str, steps: Sequence[JourneyStep], options: AuditOptions,
                   results: list[PageResult]) -> None:
    """Run the journey, appending to ``results`` (owned by the caller, so a time-out keeps what was done)."""
    context, page, guard = await open_guarded_page(browser, options)
    started = time.perf_counter()
    try:
        try:
            await _goto(page, start_url, guard, options)
        except (PlaywrightError, StepFailed, PageTooBig) as exc:
            results.append(failed(start_url, f"start page: {error_text(exc)}",
                                  blocked_requests=tuple(guard.blocked)))
            return
        for number, step in enumerate(steps, start=1):
            if step.action == "audit":
                try:
                    measured = await inspect_page(page, guard, options)
                    mobile = await mobile_on_page(page, options) if options.mobile else {}
                except PlaywrightError as exc:
                    results.append(failed(page.url, f"{_describe(number, step)} failed: {error_text(exc)}",
                                          label=f"step {number}"))
                    break
                results.append(PageResult(
                    url=page.url, final_url=page.url, ok=True, error="", status=guard.document_status,
                    mobile=mobile, duration_ms=(time.perf_counter() - started) * 1000, label=f"step {number}",
                    blocked_requests=tuple(guard.blocked), **measured))
                started = time.perf_counter()
                continue
            try:
                await _step(page, step, guard, options)
            except (PlaywrightError, StepFailed, PageTooBig) as exc:
                results.append(failed(page.url, f"{_describe(number, step)} failed: {error_text(exc)}",
                                      label=f"step {number}", duration_ms=(time.perf_counter() - started) * 1000,
                                      blocked_requests=tuple(guard.blocked)))
                break
    finally:
        await close_quietly(context)


async def audit_journey_async(start_url: str, steps: Sequence[JourneyStep],
                              options: AuditOptions = DEFAULT_OPTIONS) -> list[PageResult]:
    """The coroutine behind :func:`audit_journey`."""
    budget = options.budget_ms * (1 + sum(1 for step in steps if step.action == "audit")) / 1000
    budget += len(steps) * options.timeout_ms / 1000
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        results: list[PageResult] = []
        try:
            await asyncio.wait_for(_journey(browser, start_url, list(steps), options, results), budget)
        except TimeoutError:
            results.append(failed(start_url, f"journey time budget of {budget:.0f} s exceeded"))
        finally:
            await browser.close()
        return results


def audit_journey(start_url: str, steps: Sequence[JourneyStep],
                  options: AuditOptions = DEFAULT_OPTIONS) -> list[PageResult]:
    """Open ``start_url``, carry out ``steps`` in order and return one result per ``audit`` step (plus an
    ``ok=False`` result for a failing step, which ends the journey)."""
    return run_sync(audit_journey_async(start_url, steps, options))
