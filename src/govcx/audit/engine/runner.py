"""Auditing pages: one Chromium per run, ``options.parallel`` lanes, each a context reused for its pages.

For each page (:func:`audit`): check its URL with the network guard (:mod:`~govcx.audit.engine.netguard`;
``file:`` targets are served from the run's isolated upload server, :mod:`~govcx.audit.engine.uploads`), open
it in a new page of the lane's desktop context behind the request guard, follow a redirect the page makes
itself (meta refresh, script) to where it lands on the same site, read each frame's figures in one evaluation
(text, forms, timing, the phone-layout probe; axe-core injected where the document lacks it), run axe from the
top frame, screenshot violating elements, add the weight; then
take the phone-width figures (in place when the layout allows, else from a fresh load in a phone context,
:func:`mobile_figures`). A page that fails (timeout, refused, crashed, HTTP error, too big, over its time
budget, redirected to another site) yields ``ok=False`` with the reason in one line and never stops the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Frame, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from . import page_checks as checks
from .browser import (
    PageTooBig,
    RequestGuard,
    axe_source,
    close_quietly,
    goto_guarded,
    launch,
    new_guarded_page,
    open_guarded_context,
    restart_guard,
    site_host,
)
from .netguard import Blocked, NetworkPolicy
from .options import DEFAULT_OPTIONS, MAPPED_RULES, AuditOptions, Target
from .results import Issue, PageResult, failed
from .sync import run_sync
from .uploads import UploadServer

Progress = Callable[[int, int, str], None]
log = logging.getLogger(__name__)
SCREENSHOT_MARGIN = 40
SCREENSHOT_MAX_HEIGHT = 800
FRAME_INJECT_TIMEOUT_S = 5
MAX_REFRESH_S = 5  # a meta refresh at most this late is a redirect; a later one is the page's own business
REDIRECT_GRACE_S = 1.0
MAX_CLIENT_REDIRECTS = 3


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


async def prepare_frames(page: Page, top: dict[str, Any], options: AuditOptions) -> list[tuple[Frame, dict[str, Any]]]:
    """The child frames' figures (:data:`~.page_checks.FRAME_FIGURES_JS`: form fields, sampling marks), one
    evaluation each, and axe-core in every frame that lacks it (children first; ``top`` is the top frame's
    :data:`~.page_checks.PAGE_FIGURES_JS`). A lane's desktop context already loads axe into each new document
    (``add_init_script``): sending its half a megabyte of source again for each page was half of axe's time. A
    page that overwrote ``axe``, or a journey's context, gets it injected here. axe talks to frames of the same
    origin only (its default ``allowedOrigins``); others are blocked by the guard or ignored."""
    source = axe_source()
    sample = options.sample_repeats
    found: list[tuple[Frame, dict[str, Any]]] = []
    for frame in reversed([frame for frame in document_frames(page) if frame is not page.main_frame]):
        try:
            data = await asyncio.wait_for(frame.evaluate(checks.FRAME_FIGURES_JS, sample), FRAME_INJECT_TIMEOUT_S)
        except (PlaywrightError, TimeoutError):
            continue
        found.append((frame, data))  # its fields count even if axe cannot be injected
        if not data["axe"]:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(frame.evaluate(source), FRAME_INJECT_TIMEOUT_S)
                if sample:
                    data["sampled"] = await asyncio.wait_for(frame.evaluate(checks.SAMPLE_REPEATS_JS),
                                                             FRAME_INJECT_TIMEOUT_S)
    if not top["axe"]:
        await page.main_frame.evaluate(source)
        if sample:
            top["sampled"] = await page.main_frame.evaluate(checks.SAMPLE_REPEATS_JS)
    return found


async def run_axe(page: Page, frames: Sequence[tuple[Frame, dict[str, Any]]], options: AuditOptions
                  ) -> dict[str, Any]:
    """``axe.run(document, {runOnly: tags, rules: mapped rules, resultTypes: [violations, incomplete],
    iframes: true})`` from the top frame, which removes its own sampling marks; those of child ``frames`` that
    were marked are removed after."""
    extra = MAPPED_RULES if options.mapped_rules else ()
    try:
        result: dict[str, Any] = await page.evaluate(checks.AXE_RUN_JS, checks.axe_options(options.axe_tags, extra))
    finally:
        for frame, data in frames:
            if data.get("sampled"):
                with contextlib.suppress(PlaywrightError, TimeoutError):
                    await asyncio.wait_for(frame.evaluate(checks.UNMARK_SAMPLES_JS), FRAME_INJECT_TIMEOUT_S)
    return result


#: A capture taller than this is split into bands: the pictures of a long page need not be one huge image.
SCREENSHOT_BAND_HEIGHT = 2400
OUTLINE_COLOUR = (0xD4, 0x35, 0x1C)  # drawn on the picture around the element, outside its border box
OUTLINE_WIDTH, OUTLINE_OFFSET = 4, 2


def screenshot_clip(box: dict[str, float], page_size: tuple[float, float]) -> dict[str, float]:
    """The picture around an element: ``SCREENSHOT_MARGIN`` on each side, within the page, at most
    ``SCREENSHOT_MAX_HEIGHT`` tall."""
    width, height = page_size
    x = max(box["x"] - SCREENSHOT_MARGIN, 0)
    y = max(box["y"] - SCREENSHOT_MARGIN, 0)
    return {"x": x, "y": y,
            "width": max(min(box["width"] + 2 * SCREENSHOT_MARGIN, width - x), 1),
            "height": max(min(box["height"] + 2 * SCREENSHOT_MARGIN, SCREENSHOT_MAX_HEIGHT, height - y), 1)}


def screenshot_bands(clips: Sequence[dict[str, float]]) -> tuple[list[dict[str, float]], list[int]]:
    """Few page regions that hold every clip, and the region of each clip: clips taken from the top share a band
    while it stays within ``SCREENSHOT_BAND_HEIGHT`` (a clip is at most ``SCREENSHOT_MAX_HEIGHT`` tall, so each
    fits one band); a band is as wide as its clips need (fewer pixels to capture and encode), in whole pixels."""
    bands: list[dict[str, float]] = []
    band_of = [0] * len(clips)
    for index in sorted(range(len(clips)), key=lambda i: clips[i]["y"]):
        clip = clips[index]
        right, bottom = clip["x"] + clip["width"], clip["y"] + clip["height"]
        if bands and bottom - bands[-1]["y"] <= SCREENSHOT_BAND_HEIGHT:
            band = bands[-1]
            left = min(band["x"], clip["x"])
            band["width"] = max(band["x"] + band["width"], right) - left
            band["x"] = left
            band["height"] = max(band["height"], bottom - band["y"])
        else:
            bands.append(dict(clip))
        band_of[index] = len(bands) - 1
    return [whole_pixels(band) for band in bands], band_of


def whole_pixels(clip: dict[str, float]) -> dict[str, float]:
    """The smallest region of whole CSS pixels around ``clip``: a full-page and a viewport capture of it are
    then the same pixels (of a fractional region, they round its size differently)."""
    left, top = math.floor(clip["x"]), math.floor(clip["y"])
    return {"x": left, "y": top, "width": math.ceil(clip["x"] + clip["width"]) - left,
            "height": math.ceil(clip["y"] + clip["height"]) - top}


def outlined_png(band: Any, band_clip: dict[str, float], clip: dict[str, float], box: dict[str, float]) -> bytes:
    """One element's picture cut from a band's capture, a 4 px red outline 2 px outside the element's box."""
    from PIL import ImageDraw

    left, top = int(clip["x"] - band_clip["x"]), int(clip["y"] - band_clip["y"])
    picture = band.crop((left, top, left + int(clip["width"]), top + int(clip["height"])))
    ring = OUTLINE_OFFSET + OUTLINE_WIDTH
    x0, y0 = box["x"] - clip["x"] - ring, box["y"] - clip["y"] - ring
    x1, y1 = x0 + box["width"] + 2 * ring - 1, y0 + box["height"] + 2 * ring - 1
    ImageDraw.Draw(picture).rectangle((x0, y0, x1, y1), outline=OUTLINE_COLOUR, width=OUTLINE_WIDTH)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def in_view(clip: dict[str, float], view: dict[str, float] | None) -> dict[str, float] | None:
    """``clip`` (page coordinates) in the coordinates of the part of the page in view, when it lies within it."""
    if not view:
        return None
    x, y = clip["x"] - view["x"], clip["y"] - view["y"]
    if x < 0 or y < 0 or x + clip["width"] > view["width"] or y + clip["height"] > view["height"]:
        return None
    return {"x": x, "y": y, "width": clip["width"], "height": clip["height"]}


async def capture(page: Page, clip: dict[str, float], view: dict[str, float] | None) -> bytes:
    """A PNG of ``clip`` (page coordinates). A region in view is captured from the viewport; any other needs a
    full-page capture, for which Chromium lays the whole page out at its full height first (about 20 ms more
    of the browser on a small page; tests/audit/test_engine.py shows the two give the same pixels)."""
    visible = in_view(clip, view)
    if visible is not None:
        return await page.screenshot(clip=visible, type="png", animations="disabled",  # type: ignore[arg-type]
                                     timeout=5000)
    return await page.screenshot(clip=clip, full_page=True, type="png", animations="disabled",  # type: ignore[arg-type]
                                 timeout=5000)


async def violation_screenshots(page: Page, axe_result: dict[str, Any], options: AuditOptions
                                ) -> dict[str, tuple[bytes, ...]]:
    """Up to ``max_screenshots_per_rule`` PNGs per violated rule, each the element with its surroundings,
    outlined in red. The elements' boxes come from one evaluation and the page is captured once per band of the
    page that holds them (not a lookup, a scroll, a capture and two style changes per element); each picture is
    cut from its band's capture."""
    if not options.screenshots or options.max_screenshots_per_rule <= 0:
        return {}
    wanted = [(rule["id"], [str(step) if not isinstance(step, list) else step for step in node.get("target") or []])
              for rule in axe_result.get("violations") or []
              for node in (rule.get("nodes") or [])[: options.max_screenshots_per_rule]]
    if not wanted:
        return {}
    try:
        found = await page.evaluate(checks.DOCUMENT_BOXES_JS, [target for _, target in wanted])
    except PlaywrightError:
        return {}
    page_width, page_height = found["width"], found["height"]
    boxes = [(rule, box) for (rule, _), box in zip(wanted, found["boxes"], strict=True) if box is not None]
    if not boxes:
        return {}
    clips = [screenshot_clip(box, (page_width, page_height)) for _, box in boxes]
    from PIL import Image

    bands, band_of = screenshot_bands(clips)
    pictures: list[bytes | None] = [None] * len(boxes)
    for index, band_clip in enumerate(bands):
        try:
            captured = await capture(page, band_clip, found.get("view"))
        except PlaywrightError:
            continue
        band = Image.open(io.BytesIO(captured))
        band.load()
        for member in (i for i, b in enumerate(band_of) if b == index):
            pictures[member] = outlined_png(band, band_clip, clips[member], boxes[member][1])
    shots: dict[str, list[bytes]] = {}
    for (rule, _), picture in zip(boxes, pictures, strict=True):
        if picture is not None:
            shots.setdefault(rule, []).append(picture)
    return {rule: tuple(pngs) for rule, pngs in shots.items()}


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


async def forms_of(top: dict[str, Any], frames: Sequence[tuple[Frame, dict[str, Any]]], options: AuditOptions
                   ) -> dict[str, Any]:
    """Form figures over the top frame and every reachable frame (their ``FORMS_JS`` output, gathered with the
    other figures of each frame); a child frame's selector path is looked up only when it has fields."""
    collected: list[tuple[str, dict[str, Any]]] = [("", top["forms"])]
    for frame, data in reversed(frames):
        forms = data.get("forms") or {}
        path = await frame_path(frame) if forms.get("fields") else ""
        collected.append((path, forms))
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


class Stopwatch:
    """Milliseconds per named step, for :attr:`PageResult.timings`."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._mark = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.timings[step] = round(self.timings.get(step, 0.0) + (now - self._mark) * 1000, 1)
        self._mark = now


async def inspect_page(page: Page, guard: RequestGuard, options: AuditOptions, watch: Stopwatch | None = None
                       ) -> dict[str, Any]:
    """Everything measured on an open, loaded page except the mobile figures: the :class:`PageResult` fields
    ``title``, ``lang_attr``, ``issues``, ``language``, ``forms`` and ``weight``."""
    measured, _probe = await _inspect(page, guard, options, watch or Stopwatch())
    return measured


async def _inspect(page: Page, guard: RequestGuard, options: AuditOptions, watch: Stopwatch
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """:func:`inspect_page`, and the top frame's phone-layout probe (for :func:`mobile_figures`)."""
    top = await page.evaluate(checks.PAGE_FIGURES_JS, options.sample_repeats)
    info = top["info"]
    weight = guard.summary()  # before screenshots scroll lazy-loaded content into view
    frames = await prepare_frames(page, top, options)
    watch.lap("page")
    axe_result = await run_axe(page, frames, options)
    watch.lap("axe")
    shots = await violation_screenshots(page, axe_result, options)
    watch.lap("screenshots")
    issues: list[Issue] = checks.issues_from_axe(axe_result, shots)
    violated = (issue.rule for issue in issues if issue.kind == "violation")
    zoom = checks.viewport_issue(info["viewport"], violated) if options.mapped_rules else None
    if zoom is not None:
        issues.append(zoom)
    issues.extend(checks.manual_issues())
    weight.update(dom_elements=info["domElements"], dom_content_loaded_ms=info["domContentLoadedMs"],
                  load_ms=info["loadMs"])
    measured = {
        "title": info["title"],
        "lang_attr": info["lang"],
        "issues": tuple(issues),
        "language": checks.language_summary(info["text"], info["lang"]),
        "forms": await forms_of(top, frames, options),
        "weight": weight,
    }
    watch.lap("page")
    return measured, top["phone"]


# --- lanes: the contexts one run reuses ---------------------------------------------------------------------


class Cancelled(Exception):
    """The run was cancelled between pages (``cancelled()`` returned true)."""


@dataclass
class Lane:
    """One of a run's ``options.parallel`` lanes: a desktop context (and, when needed, a phone context) whose
    page audits the run's pages one after another (each navigation replaces the document). A context is never
    shared with another run; after a page that could not be audited the lane starts afresh (new contexts, new
    pages), so a broken page leaves nothing behind."""

    browser: Browser
    options: AuditOptions
    policy: NetworkPolicy
    desktop: tuple[BrowserContext, RequestGuard] | None = None
    phone: tuple[BrowserContext, RequestGuard] | None = None
    pages: dict[bool, Page] = field(default_factory=dict)  # mobile? -> the page the lane reuses
    crashed: list[bool] = field(default_factory=list)
    resized: bool = False

    async def page(self, blocked: list[dict[str, str]], *, mobile: bool = False) -> tuple[Page, RequestGuard]:
        """The lane's page (desktop or phone), ready for the next target: its guard counts afresh and lists
        refused requests in ``blocked``."""
        context, guard = await self.context(mobile=mobile)
        page = self.pages.get(mobile)
        if page is None or page.is_closed():
            page = await new_guarded_page(context, guard, blocked)
            page.on("crash", lambda _page: self.crashed.append(True))
            self.pages[mobile] = page
        else:
            restart_guard(guard, blocked)
        if not mobile and self.resized:
            width, height = self.options.desktop_viewport
            await page.set_viewport_size({"width": width, "height": height})
            self.resized = False
        self.crashed.clear()
        return page, guard

    async def context(self, *, mobile: bool = False) -> tuple[BrowserContext, RequestGuard]:
        current = self.phone if mobile else self.desktop
        if current is None:
            current = await open_guarded_context(self.browser, self.options, policy=self.policy, mobile=mobile)
            if not mobile:  # axe in every document the desktop page loads (see prepare_frames)
                await current[0].add_init_script(axe_source())
            if mobile:
                self.phone = current
            else:
                self.desktop = current
        return current

    async def recycle(self) -> None:
        for current in (self.desktop, self.phone):
            if current is not None:
                await close_quietly(current[0])
        self.desktop = self.phone = None
        self.pages.clear()
        self.resized = False


async def mobile_figures(lane: Lane, page: Page, url: str, blocked: list[dict[str, str]],
                         probe: dict[str, Any] | None = None) -> dict[str, Any]:
    """Phone-width figures. A page laid out at ``width=device-width`` (scale 1) and without pointer or hover
    media queries lays out the same in a desktop page resized to the phone's width as in a phone context
    (tests/audit/test_engine.py compares them), so it is measured in place; any other page is loaded again in
    the lane's phone context (``is_mobile``, ``has_touch``). ``probe`` is the page's
    :data:`~.page_checks.PHONE_LAYOUT_JS` figures when already taken. Measured in place, the page is left
    empty (:data:`~.page_checks.MOBILE_LAST_JS`): the lane's next page navigates it."""
    options = lane.options
    if probe is None:
        probe = await page.evaluate(checks.PHONE_LAYOUT_JS)
    if checks.same_layout_on_phone(probe):
        width, height = options.mobile_viewport
        lane.resized = True
        await page.set_viewport_size({"width": width, "height": height})
        data = await page.evaluate(checks.MOBILE_LAST_JS)
        return checks.mobile_summary(data, options.mobile_viewport, "viewport")
    phone, guard = await lane.page(blocked, mobile=True)
    try:
        await goto_guarded(phone, url, guard, options)
        data = await phone.evaluate(checks.MOBILE_JS)
        return checks.mobile_summary(data, options.mobile_viewport, "device")
    except PageTooBig as exc:
        return {"error": str(exc)}
    except PlaywrightError as exc:
        return {"error": error_text(exc)}


# --- one target ---------------------------------------------------------------------------------------------


async def audit_target(lane: Lane, target: Target, uploads: UploadServer | None = None) -> PageResult:
    """Audit one page within ``options.budget_ms``; every failure becomes an ``ok=False`` result. A ``file:``
    target is opened from ``uploads``; the start URL passes the network guard before the browser opens it."""
    options, policy = lane.options, lane.policy
    started = time.perf_counter()
    url = uploads.served.get(target.url, target.url) if uploads is not None else target.url
    blocked: list[dict[str, str]] = []
    try:
        await policy.check_url(url)
    except Blocked as exc:
        return failed(target.url, f"refused by the network guard: {exc}", label=target.label,
                      blocked_requests=({"url": target.url[:500], "reason": str(exc)},))
    try:
        result = await asyncio.wait_for(_audit_target(lane, target, url, blocked, started), options.budget_ms / 1000)
    except TimeoutError:
        result = failed(target.url, f"page time budget of {options.budget_ms} ms exceeded", label=target.label,
                        duration_ms=_elapsed_ms(started))
    except Exception as exc:  # noqa: BLE001 - one page must never fail the whole run
        result = failed(target.url, f"{type(exc).__name__}: {error_text(exc)}", label=target.label,
                        duration_ms=_elapsed_ms(started))
    if not result.ok:
        await lane.recycle()
    final_url = uploads.original(result.final_url) if uploads is not None else result.final_url
    return replace(result, final_url=final_url, blocked_requests=tuple(blocked))


async def _audit_target(lane: Lane, target: Target, url: str, blocked: list[dict[str, str]], started: float
                        ) -> PageResult:
    options = lane.options
    watch = Stopwatch()
    page, guard = await lane.page(blocked)
    watch.lap("open")
    crashed = lane.crashed
    try:
        try:
            guard.stay_on = site_host(url)
            response = await goto_guarded(page, url, guard, options)
            status = response.status if response is not None else None
            status = await follow_client_redirect(page, guard, options) or status
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
        if status is not None and status >= 400:
            return failed(target.url, f"HTTP {status}", label=target.label, status=status, final_url=page.url,
                          duration_ms=_elapsed_ms(started), weight=guard.summary())
        away = guard.left_for or (page.url if urlsplit(page.url).scheme in ("http", "https")
                                  and site_host(page.url) != guard.stay_on else None)
        if away:
            return failed(target.url, f"redirects to another site ({away[:200]}); audit that address itself",
                          label=target.label, status=status, final_url=away, duration_ms=_elapsed_ms(started))
        watch.lap("load")
        measured, probe = await inspect_landed(page, guard, options, watch)
        final_url = page.url
        mobile = await mobile_figures(lane, page, final_url, blocked, probe) if options.mobile else {}
        watch.lap("mobile")
    except BaseException:
        await lane.recycle()  # interrupted mid-page (the time budget): the next page starts clean
        raise
    return PageResult(url=target.url, final_url=final_url, ok=True, error="", status=status, mobile=mobile,
                      duration_ms=_elapsed_ms(started), label=target.label, timings=watch.timings, **measured)


async def follow_client_redirect(page: Page, guard: RequestGuard, options: AuditOptions) -> int | None:
    """Wait for a redirect the page makes itself (``<meta http-equiv=refresh>`` within
    :data:`MAX_REFRESH_S` seconds, or a script that has already started a navigation) to land; the status of
    the landing document, or ``None`` when the page stays."""
    navigations = guard.navigations
    delay = checks.refresh_delay(await _quiet_evaluate(page, checks.META_REFRESH_JS))
    if delay is not None and delay <= MAX_REFRESH_S:
        deadline = time.perf_counter() + delay + REDIRECT_GRACE_S
        while guard.navigations == navigations and guard.left_for is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.02)
    if guard.navigations == navigations:
        return None
    for _hop in range(MAX_CLIENT_REDIRECTS):
        navigations = guard.navigations
        await page.wait_for_load_state("load", timeout=options.timeout_ms)
        delay = checks.refresh_delay(await _quiet_evaluate(page, checks.META_REFRESH_JS))
        if guard.navigations == navigations and (delay is None or delay > MAX_REFRESH_S):
            break
        if delay is not None:
            await asyncio.sleep(delay + REDIRECT_GRACE_S)
    return guard.document_status


async def _quiet_evaluate(page: Page, script: str) -> Any:
    """``page.evaluate`` that gives ``None`` when a navigation destroys the document under it."""
    try:
        return await page.evaluate(script)
    except PlaywrightError:
        return None


async def inspect_landed(page: Page, guard: RequestGuard, options: AuditOptions, watch: Stopwatch
                         ) -> tuple[dict[str, Any], dict[str, Any]]:
    """:func:`inspect_page`, again on the new document when a late script navigation replaced the one being
    inspected (at most :data:`MAX_CLIENT_REDIRECTS` times)."""
    for hop in range(MAX_CLIENT_REDIRECTS + 1):
        navigations = guard.navigations
        try:
            return await _inspect(page, guard, options, watch)
        except PlaywrightError:
            if guard.navigations == navigations or hop == MAX_CLIENT_REDIRECTS:
                raise
            await page.wait_for_load_state("load", timeout=options.timeout_ms)
    raise AssertionError("unreachable")


def _file_urls(targets: Sequence[Target]) -> list[str]:
    return [target.url for target in targets if target.url.lower().startswith("file:")]


async def audit_async(targets: Sequence[Target], options: AuditOptions, progress: Progress | None = None,
                      cancelled: Callable[[], bool] | None = None) -> list[PageResult]:
    """The coroutine behind :func:`audit` (for callers that already run an event loop)."""
    if not targets:
        return []
    results: list[PageResult | None] = [None] * len(targets)
    pending = iter(range(len(targets)))
    done = 0
    stopped = False
    files = _file_urls(targets)
    with UploadServer(files) if files else contextlib.nullcontext() as uploads:
        policy = NetworkPolicy(allowed_hosts=options.allowed_hosts,
                               upload_origin=uploads.origin if uploads is not None else "",
                               upload_token=uploads.token if uploads is not None else "")
        async with async_playwright() as playwright:
            browser = await launch(playwright)

            async def work(lane: Lane) -> None:
                nonlocal done, stopped
                try:
                    for index in pending:
                        if stopped or (cancelled is not None and cancelled()):
                            stopped = True
                            break
                        target = targets[index]
                        results[index] = await audit_target(lane, target, uploads)
                        done += 1
                        if progress is not None:
                            try:
                                progress(done, len(targets), target.url)
                            except Exception:  # a failing progress report must not stop the audit
                                log.exception("audit progress callback failed")
                finally:
                    await lane.recycle()

            lanes = [Lane(browser, options, policy) for _ in range(min(options.parallel, len(targets)))]
            try:
                await asyncio.gather(*(work(lane) for lane in lanes))
            finally:
                with contextlib.suppress(Exception):
                    await browser.close()
    if stopped:
        raise Cancelled(f"cancelled after {done} of {len(targets)} pages")
    return [result for result in results if result is not None]


def audit(targets: Sequence[Target], options: AuditOptions = DEFAULT_OPTIONS, *,
          progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> list[PageResult]:
    """Audit ``targets`` in one Chromium, ``options.parallel`` pages at a time; results in target order.

    ``progress(done, total, url)`` is called after each page; ``cancelled()`` is asked before each page, and
    when it answers true the run stops with :class:`Cancelled` once the pages in progress are done. See the
    module docstring for what is measured.
    """
    return run_sync(audit_async(list(targets), options, progress, cancelled))
