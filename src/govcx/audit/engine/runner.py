"""Auditing pages: one Chromium, pages concurrently (``options.parallel``), each in its own context.

For each page (:func:`audit`): check its URL with the network guard (:mod:`~govcx.audit.engine.netguard`;
``file:`` targets are served from the run's isolated upload server, :mod:`~govcx.audit.engine.uploads`), open
it in a desktop context behind the request guard, inject axe-core into the top frame and every frame, run axe
from the top frame, screenshot violating elements, read text, forms, weight and timing; then open it again in a
phone context for the mobile figures. A page that fails (timeout, refused,
crashed, HTTP error, too big, over its time budget) yields ``ok=False`` with the reason and never stops the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from playwright.async_api import Browser, ElementHandle, Frame, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from . import page_checks as checks
from .browser import PageTooBig, RequestGuard, axe_source, close_quietly, goto_guarded, launch, open_guarded_page
from .netguard import Blocked, NetworkPolicy
from .options import DEFAULT_OPTIONS, AuditOptions, Target
from .results import Issue, PageResult, failed
from .sync import run_sync
from .uploads import UploadServer

Progress = Callable[[int, int, str], None]
log = logging.getLogger(__name__)
SCREENSHOT_MARGIN = 40
SCREENSHOT_MAX_HEIGHT = 800
FRAME_INJECT_TIMEOUT_S = 5


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def error_text(exc: BaseException) -> str:
    """The first line of a Playwright error (its call log follows on later lines)."""
    message = str(exc).strip().splitlines()
    first = message[0] if message else type(exc).__name__
    return first.removeprefix("Page.goto: ").strip()


# --- accessibility ------------------------------------------------------------------------------------------


def document_frames(page: Page) -> list[Frame]:
    """The page's frames that hold a document: a frame whose load was refused (``file:``, a blocked address)
    has none, and evaluating in it would wait for ever."""
    return [frame for frame in page.frames
            if frame is page.main_frame or (not frame.is_detached() and frame.url not in ("", ":"))]


async def inject_axe(page: Page) -> None:
    """axe-core into every frame (children first, so the top frame's ``axe.run`` finds them ready). axe talks
    to frames of the same origin only (its default ``allowedOrigins``); others are blocked by the guard or
    ignored."""
    source = axe_source()
    frames = [frame for frame in document_frames(page) if frame is not page.main_frame]
    for frame in reversed(frames):
        with contextlib.suppress(PlaywrightError, TimeoutError):
            await asyncio.wait_for(frame.evaluate(source), FRAME_INJECT_TIMEOUT_S)
    await page.main_frame.evaluate(source)


async def run_axe(page: Page, options: AuditOptions) -> dict[str, Any]:
    """``axe.run(document, {runOnly: tags, resultTypes: [violations, incomplete], iframes: true})``."""
    await inject_axe(page)
    result: dict[str, Any] = await page.evaluate(checks.AXE_RUN_JS, checks.axe_options(options.axe_tags))
    return result


async def locate(page: Page, target: Sequence[Any]) -> ElementHandle | None:
    """The element of an axe node target, walking its frame path (each step a selector in its frame)."""
    frame: Frame | None = page.main_frame
    element: ElementHandle | None = None
    for index, step in enumerate(target):
        if frame is None:
            return None
        selector = step[-1] if isinstance(step, list) else str(step)  # Playwright CSS pierces open shadow roots
        element = await frame.query_selector(selector)
        if element is None:
            return None
        if index < len(target) - 1:
            frame = await element.content_frame()
    return element


async def screenshot_node(page: Page, target: Sequence[Any], options: AuditOptions) -> bytes | None:
    """A PNG of the page around one element, outlined in red for the picture and restored afterwards."""
    element = await locate(page, target)
    if element is None:
        return None
    try:
        with contextlib.suppress(PlaywrightError):
            await element.scroll_into_view_if_needed(timeout=2000)
        box = await element.bounding_box()
        if box is None or box["width"] <= 0 or box["height"] <= 0:
            return None
        await element.evaluate(checks.OUTLINE_JS)
        try:
            width, height = options.desktop_viewport
            x = max(box["x"] - SCREENSHOT_MARGIN, 0)
            y = max(box["y"] - SCREENSHOT_MARGIN, 0)
            clip = {
                "x": x, "y": y,
                "width": max(min(box["width"] + 2 * SCREENSHOT_MARGIN, width - x), 1),
                "height": max(min(box["height"] + 2 * SCREENSHOT_MARGIN, SCREENSHOT_MAX_HEIGHT, height - y), 1),
            }
            return await page.screenshot(clip=clip, type="png", animations="disabled", timeout=5000)  # type: ignore[arg-type]
        finally:
            with contextlib.suppress(PlaywrightError):
                await element.evaluate(checks.UNOUTLINE_JS)
    except PlaywrightError:
        return None
    finally:
        with contextlib.suppress(PlaywrightError):
            await element.dispose()


async def violation_screenshots(page: Page, axe_result: dict[str, Any], options: AuditOptions
                                ) -> dict[str, tuple[bytes, ...]]:
    """Up to ``max_screenshots_per_rule`` PNGs per violated rule."""
    shots: dict[str, tuple[bytes, ...]] = {}
    if not options.screenshots or options.max_screenshots_per_rule <= 0:
        return shots
    for rule in axe_result.get("violations") or []:
        taken: list[bytes] = []
        for node in (rule.get("nodes") or [])[: options.max_screenshots_per_rule]:
            png = await screenshot_node(page, node.get("target") or [], options)
            if png:
                taken.append(png)
        if taken:
            shots[rule["id"]] = tuple(taken)
    return shots


# --- one open page ------------------------------------------------------------------------------------------


async def frame_path(frame: Frame) -> str:
    """The selector path of an iframe from the top frame, joined like axe targets (``"iframe#f >>> ..."``)."""
    steps: list[str] = []
    current: Frame | None = frame
    while current is not None and current.parent_frame is not None:
        selector = "iframe"
        with contextlib.suppress(PlaywrightError):
            element = await current.frame_element()
            selector = await element.evaluate(
                "(el) => el.id ? '#' + CSS.escape(el.id) : (el.name ? el.tagName.toLowerCase() + "
                "'[name=\"' + el.name + '\"]' : el.tagName.toLowerCase())")
        steps.append(selector)
        current = current.parent_frame
    return checks.FRAME_SEPARATOR.join(reversed(steps))


async def forms_of(page: Page, options: AuditOptions) -> dict[str, Any]:
    """Form figures over the top frame and every reachable frame."""
    collected: list[tuple[str, dict[str, Any]]] = []
    for frame in document_frames(page):
        try:
            data = await asyncio.wait_for(frame.evaluate(checks.FORMS_JS), FRAME_INJECT_TIMEOUT_S)
        except (PlaywrightError, TimeoutError):
            continue
        path = "" if frame is page.main_frame else await frame_path(frame)
        collected.append((path, data))
    return checks.forms_summary(collected, options.registry_held)


async def mobile_on_page(page: Page, options: AuditOptions) -> dict[str, Any]:
    """Mobile figures on an open page by resizing its viewport (used in journeys, where the page's state
    cannot be reproduced in a second context): no touch or mobile emulation."""
    width, height = options.mobile_viewport
    await page.set_viewport_size({"width": width, "height": height})
    try:
        data = await page.evaluate(checks.MOBILE_JS)
    finally:
        dw, dh = options.desktop_viewport
        await page.set_viewport_size({"width": dw, "height": dh})
    return checks.mobile_summary(data, options.mobile_viewport, "viewport")


async def mobile_in_new_context(browser: Browser, url: str, options: AuditOptions, policy: NetworkPolicy,
                                blocked: list[dict[str, str]]) -> dict[str, Any]:
    """Mobile figures from a phone context (``is_mobile``, ``has_touch``, the mobile viewport); refused requests
    are added to ``blocked``."""
    context, page, guard = await open_guarded_page(browser, options, policy=policy, mobile=True)
    guard.blocked = blocked
    try:
        await goto_guarded(page, url, guard, options)
        data = await page.evaluate(checks.MOBILE_JS)
        return checks.mobile_summary(data, options.mobile_viewport, "device")
    except PageTooBig as exc:
        return {"error": str(exc)}
    except PlaywrightError as exc:
        return {"error": error_text(exc)}
    finally:
        await close_quietly(context)


async def inspect_page(page: Page, guard: RequestGuard, options: AuditOptions) -> dict[str, Any]:
    """Everything measured on an open, loaded page except the mobile figures: the :class:`PageResult` fields
    ``title``, ``lang_attr``, ``issues``, ``language``, ``forms`` and ``weight``."""
    info = await page.evaluate(checks.PAGE_INFO_JS)
    weight = guard.summary()  # before screenshots scroll lazy-loaded content into view
    axe_result = await run_axe(page, options)
    shots = await violation_screenshots(page, axe_result, options)
    issues: list[Issue] = checks.issues_from_axe(axe_result, shots)
    issues.extend(checks.manual_issues())
    weight.update(dom_elements=info["domElements"], dom_content_loaded_ms=info["domContentLoadedMs"],
                  load_ms=info["loadMs"])
    return {
        "title": info["title"],
        "lang_attr": info["lang"],
        "issues": tuple(issues),
        "language": checks.language_summary(info["text"], info["lang"]),
        "forms": await forms_of(page, options),
        "weight": weight,
    }


# --- one target ---------------------------------------------------------------------------------------------


async def audit_target(browser: Browser, target: Target, options: AuditOptions,
                       policy: NetworkPolicy | None = None, uploads: UploadServer | None = None) -> PageResult:
    """Audit one page within ``options.budget_ms``; every failure becomes an ``ok=False`` result. A ``file:``
    target is opened from ``uploads``; the start URL passes the network guard before the browser opens it."""
    started = time.perf_counter()
    policy = policy or NetworkPolicy(allowed_hosts=options.allowed_hosts)
    url = uploads.served.get(target.url, target.url) if uploads is not None else target.url
    blocked: list[dict[str, str]] = []
    try:
        await policy.check_url(url)
    except Blocked as exc:
        return failed(target.url, f"refused by the network guard: {exc}", label=target.label,
                      blocked_requests=({"url": target.url[:500], "reason": str(exc)},))
    try:
        result = await asyncio.wait_for(_audit_target(browser, target, url, options, policy, blocked, started),
                                        options.budget_ms / 1000)
    except TimeoutError:
        result = failed(target.url, f"page time budget of {options.budget_ms} ms exceeded", label=target.label,
                        duration_ms=_elapsed_ms(started))
    except Exception as exc:  # noqa: BLE001 - one page must never fail the whole run
        result = failed(target.url, f"{type(exc).__name__}: {error_text(exc)}", label=target.label,
                        duration_ms=_elapsed_ms(started))
    final_url = uploads.original(result.final_url) if uploads is not None else result.final_url
    return replace(result, final_url=final_url, blocked_requests=tuple(blocked))


async def _audit_target(browser: Browser, target: Target, url: str, options: AuditOptions, policy: NetworkPolicy,
                        blocked: list[dict[str, str]], started: float) -> PageResult:
    context, page, guard = await open_guarded_page(browser, options, policy=policy)
    guard.blocked = blocked
    crashed: list[bool] = []
    page.on("crash", lambda _page: crashed.append(True))
    try:
        try:
            response = await goto_guarded(page, url, guard, options)
        except PageTooBig as exc:
            return failed(target.url, str(exc), label=target.label, final_url=page.url,
                          duration_ms=_elapsed_ms(started), weight=guard.summary())
        except PlaywrightTimeoutError:
            return failed(target.url, f"navigation timed out after {options.timeout_ms} ms", label=target.label,
                          duration_ms=_elapsed_ms(started), weight=guard.summary())
        except PlaywrightError as exc:
            message = "page crashed" if crashed else error_text(exc)
            return failed(target.url, message, label=target.label, duration_ms=_elapsed_ms(started),
                          weight=guard.summary())
        status = response.status if response is not None else None
        if status is not None and status >= 400:
            return failed(target.url, f"HTTP {status}", label=target.label, status=status, final_url=page.url,
                          duration_ms=_elapsed_ms(started), weight=guard.summary())
        measured = await inspect_page(page, guard, options)
        final_url = page.url
    finally:
        await close_quietly(context)
    mobile = (await mobile_in_new_context(browser, final_url, options, policy, blocked) if options.mobile
              else {})
    return PageResult(url=target.url, final_url=final_url, ok=True, error="", status=status, mobile=mobile,
                      duration_ms=_elapsed_ms(started), label=target.label, **measured)


def _file_urls(targets: Sequence[Target]) -> list[str]:
    return [target.url for target in targets if target.url.lower().startswith("file:")]


async def audit_async(targets: Sequence[Target], options: AuditOptions, progress: Progress | None = None
                      ) -> list[PageResult]:
    """The coroutine behind :func:`audit` (for callers that already run an event loop)."""
    if not targets:
        return []
    semaphore = asyncio.Semaphore(options.parallel)
    done = 0
    files = _file_urls(targets)
    with UploadServer(files) if files else contextlib.nullcontext() as uploads:
        policy = NetworkPolicy(allowed_hosts=options.allowed_hosts,
                               upload_origin=uploads.origin if uploads is not None else "",
                               upload_token=uploads.token if uploads is not None else "")
        async with async_playwright() as playwright:
            browser = await launch(playwright)

            async def one(target: Target) -> PageResult:
                nonlocal done
                async with semaphore:
                    result = await audit_target(browser, target, options, policy, uploads)
                done += 1
                if progress is not None:
                    try:
                        progress(done, len(targets), target.url)
                    except Exception:  # a failing progress report must not stop the audit
                        log.exception("audit progress callback failed")
                return result

            try:
                return list(await asyncio.gather(*(one(target) for target in targets)))
            finally:
                with contextlib.suppress(Exception):
                    await browser.close()


def audit(targets: Sequence[Target], options: AuditOptions = DEFAULT_OPTIONS, *,
          progress: Progress | None = None) -> list[PageResult]:
    """Audit ``targets`` in one Chromium, ``options.parallel`` pages at a time; results in target order.

    ``progress(done, total, url)`` is called after each page. See the module docstring for what is measured.
    """
    return run_sync(audit_async(list(targets), options, progress))
