"""Chromium for audits: launching it, one context per page, and the request guard that bounds hostile pages.

Every context gets its own pinning proxy (:mod:`~govcx.audit.engine.proxy`) and a Playwright route on every
request and WebSocket; both apply the run's :class:`~govcx.audit.engine.netguard.NetworkPolicy`. Refused
requests are aborted and listed in :attr:`RequestGuard.blocked` (URL and reason), which the page's result
reports as ``blocked_requests``.

The guard also implements the limits of :class:`~govcx.audit.engine.options.AuditOptions`:

- sub-resources (including iframes) from another origin — scheme, host and port, RFC 6454 — are aborted when
  ``same_site_only``; top-level navigations that pass the network guard set the page's origin;
- after ``max_resources`` requests every further request is aborted;
- transferred bytes are counted per request, first from the ``Content-Length`` header, then replaced by the
  real size (encoded body plus headers, Playwright ``Request.sizes()``) when the request finishes; once the
  page is over ``max_page_bytes`` further requests are aborted and loading is stopped (``window.stop()``).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Playwright, Request, Response, Route, WebSocketRoute
from playwright.async_api import Error as PlaywrightError

from .launcher import launch_failure, launch_options
from .netguard import Blocked, NetworkPolicy, system_resolver
from .options import AuditOptions
from .proxy import PinningProxy

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_BLOCKED_LISTED = 50
LOCAL_RESOURCE_REFUSED = "Not allowed to load local resource:"


async def launch(playwright: Playwright) -> Browser:
    """Headless Chromium, sandboxed, as an unprivileged user (:mod:`~govcx.audit.engine.launcher`)."""
    try:
        return await playwright.chromium.launch(**launch_options())
    except PlaywrightError as exc:
        raise launch_failure(exc) from exc


@lru_cache(maxsize=1)
def axe_source() -> str:
    """axe-core's ``axe.min.js`` as shipped inside the axe-playwright-python package (no CDN)."""
    spec = find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("axe-playwright-python is not installed: it ships axe.min.js")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "axe.min.js"
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise RuntimeError("axe.min.js not found in the axe-playwright-python package")


def site_host(url: str) -> str:
    """The host a page belongs to for "the same site": lower case, a leading ``www.`` aside."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in; every file: URL shares one origin."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return ("file", "", None)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (scheme, (parts.hostname or "").lower(), port if port is not None else DEFAULT_PORTS.get(scheme))


async def new_context(browser: Browser, options: AuditOptions, *, proxy: str, mobile: bool = False
                      ) -> BrowserContext:
    """A fresh context behind ``proxy`` (loopback included): desktop or phone viewport, no downloads, no service
    workers, Russian locale."""
    width, height = options.mobile_viewport if mobile else options.desktop_viewport
    context = await browser.new_context(
        proxy={"server": proxy, "bypass": "<-loopback>"},
        viewport={"width": width, "height": height},
        is_mobile=mobile,
        has_touch=mobile,
        device_scale_factor=1,
        accept_downloads=False,
        service_workers="block",
        locale="ru-RU",
        java_script_enabled=True,
    )
    context.set_default_timeout(options.timeout_ms)
    context.set_default_navigation_timeout(options.timeout_ms)
    return context


@dataclass
class RequestGuard:
    """Guards and counts the requests of one page (see the module docstring for the rules).

    The counters restart whenever the top frame starts an allowed navigation, so they describe the current
    document; :attr:`blocked` (requests refused by the network guard) covers the page's whole life.
    """

    options: AuditOptions
    policy: NetworkPolicy = field(default_factory=NetworkPolicy)
    site: tuple[str, str, int | None] | None = None
    block_types: frozenset[str] = frozenset()
    requests: int = 0
    bytes: int = 0
    blocked_other_origin: int = 0
    blocked_over_limit: int = 0
    blocked_by_type: int = 0
    limit_hit: str | None = None
    navigations: int = 0
    document_status: int | None = None
    blocked: list[dict[str, str]] = field(default_factory=list)
    blocked_total: int = 0
    proxy: PinningProxy | None = None
    stay_on: str | None = None  # a host: top-level navigations elsewhere are refused and noted in left_for
    left_for: str | None = None
    _resolved: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    too_big: asyncio.Event = field(default_factory=asyncio.Event)
    _sizes: dict[Request, int] = field(default_factory=dict)
    _pages: list[Page] = field(default_factory=list)

    async def attach(self, context: BrowserContext) -> None:
        await context.route("**/*", self._route)
        await context.route_web_socket("**/*", self._route_web_socket)
        context.on("response", self._on_response)
        context.on("requestfinished", self._on_finished)
        context.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        """Chromium itself refuses a web page's navigations and frames to ``file:`` before any route sees them;
        its console message is how the refusal reaches :attr:`blocked`."""
        with contextlib.suppress(Exception):
            text = message.text
            if text.startswith(LOCAL_RESOURCE_REFUSED):
                self.record_block(text.removeprefix(LOCAL_RESOURCE_REFUSED).strip(),
                                  "local files cannot be opened by the audited page")

    def reset(self) -> None:
        self.requests = 0
        self.bytes = 0
        self.blocked_other_origin = 0
        self.blocked_over_limit = 0
        self.blocked_by_type = 0
        self.limit_hit = None
        self.too_big.clear()
        self._sizes.clear()

    def summary(self) -> dict[str, Any]:
        return {
            "bytes": self.bytes, "requests": self.requests, "blocked_other_origin": self.blocked_other_origin,
            "blocked_over_limit": self.blocked_over_limit, "limit_hit": self.limit_hit,
            "blocked_by_guard": self.blocked_total,
        }

    def record_block(self, url: str, reason: str) -> None:
        """Note a request the network guard refused (the first :data:`MAX_BLOCKED_LISTED` are listed)."""
        self.blocked_total += 1
        entry = {"url": url[:500], "reason": reason[:300]}
        if len(self.blocked) < MAX_BLOCKED_LISTED and entry not in self.blocked:
            self.blocked.append(entry)

    async def _network_refusal(self, url: str, *, top_level: bool) -> str | None:
        """Why the network guard refuses ``url``, or ``None``."""
        try:
            await self.policy.check_url(url, top_level=top_level, resolver=self._resolve_once)
        except Blocked as exc:
            self.record_block(url, str(exc))
            return str(exc)
        return None

    async def _resolve_once(self, host: str, port: int) -> list[str]:
        """The system resolver, remembered for this page: this check only decides what to refuse early and
        what to list; the proxy resolves again and connects to the address it checked."""
        key = (host, port)
        if key not in self._resolved:
            self._resolved[key] = await system_resolver(host, port)
        return self._resolved[key]

    async def _route_web_socket(self, socket: WebSocketRoute) -> None:
        with contextlib.suppress(PlaywrightError):
            if await self._network_refusal(socket.url, top_level=False):
                await socket.close(code=1008, reason="blocked by the audit network guard")
            else:
                socket.connect_to_server()

    async def _route(self, route: Route) -> None:
        request = route.request
        url = request.url
        try:
            top_level = request.is_navigation_request() and request.frame.parent_frame is None
            if await self._network_refusal(url, top_level=top_level):
                await route.abort("blockedbyclient")
                return
            if urlsplit(url).scheme in ("data", "blob", "about"):
                await route.continue_()
                return
            if top_level and self.stay_on is not None and site_host(url) != self.stay_on:
                self.left_for = url
                await route.abort("blockedbyclient")
                return
            if top_level:
                self.reset()
                self.navigations += 1
                self.site = origin(url)
            elif request.resource_type in self.block_types:
                self.blocked_by_type += 1
                await route.abort("blockedbyclient")
                return
            elif self.options.same_site_only and self.site is not None and origin(url) != self.site:
                self.blocked_other_origin += 1
                await route.abort("blockedbyclient")
                return
            if self.requests >= self.options.max_resources:
                self.blocked_over_limit += 1
                self.limit_hit = self.limit_hit or "max_resources"
                await route.abort("blockedbyclient")
                return
            if self.bytes > self.options.max_page_bytes:
                self.blocked_over_limit += 1
                self.limit_hit = "max_page_bytes"
                self.too_big.set()
                await route.abort("blockedbyclient")
                return
            self.requests += 1
            self._sizes[request] = 0
            await route.continue_()
        except PlaywrightError:
            pass  # the page or context closed while the request was pending

    def _count(self, request: Request, size: int) -> None:
        if request not in self._sizes:
            return  # not routed in this document's lifetime
        self.bytes += size - self._sizes[request]
        self._sizes[request] = size
        if self.bytes > self.options.max_page_bytes and not self.too_big.is_set():
            self.limit_hit = "max_page_bytes"
            self.too_big.set()
            for page in self._pages:
                _background(_stop_loading(page))

    def _on_response(self, response: Response) -> None:
        with contextlib.suppress(Exception):
            request = response.request
            if request.is_navigation_request() and request.frame.parent_frame is None:
                self.document_status = response.status
            length = response.headers.get("content-length")
            if length and length.isdigit():
                self._count(response.request, int(length))

    async def _on_finished(self, request: Request) -> None:
        with contextlib.suppress(Exception):
            if request not in self._sizes:
                return
            sizes = await request.sizes()
            self._count(request, int(sizes.get("responseBodySize", 0)) + int(sizes.get("responseHeadersSize", 0)))


_BACKGROUND: set[asyncio.Future[Any]] = set()


def _background(coroutine: Any) -> None:
    """Run a fire-and-forget coroutine, keeping a reference until it is done."""
    task = asyncio.ensure_future(coroutine)
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


class PageTooBig(Exception):
    """The page went over ``max_page_bytes`` while loading."""


async def goto_guarded(page: Page, url: str, guard: RequestGuard, options: AuditOptions) -> Response | None:
    """``page.goto(url)`` until the load event, ended early by :class:`PageTooBig` as soon as the guard counts
    more than ``max_page_bytes`` (the load event may never come once loading was stopped)."""
    guard.too_big.clear()
    navigation = asyncio.ensure_future(page.goto(url, wait_until="load", timeout=options.timeout_ms))
    over = asyncio.ensure_future(guard.too_big.wait())
    try:
        done, _ = await asyncio.wait({navigation, over}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        over.cancel()
    if navigation not in done:
        navigation.cancel()
        navigation.add_done_callback(lambda task: task.cancelled() or task.exception())
        raise PageTooBig(f"page too big: over {options.max_page_bytes} bytes transferred ({guard.bytes} counted)")
    response = navigation.result()
    if guard.limit_hit == "max_page_bytes":
        raise PageTooBig(f"page too big: over {options.max_page_bytes} bytes transferred ({guard.bytes} counted)")
    return response


async def _stop_loading(page: Page) -> None:
    with contextlib.suppress(Exception):
        await page.evaluate("() => window.stop()")


async def open_guarded_context(
    browser: Browser, options: AuditOptions, *, policy: NetworkPolicy | None = None, mobile: bool = False,
    block_types: frozenset[str] = frozenset(),
) -> tuple[BrowserContext, RequestGuard]:
    """A new context behind its own pinning proxy, with its request guard attached. Pages are opened in it
    with :func:`new_guarded_page`, one at a time (the guard counts one page); a run reuses the context for its
    next pages, never another run. Close it with :func:`close_quietly` (which also stops the proxy)."""
    policy = policy or NetworkPolicy(allowed_hosts=options.allowed_hosts)
    guard = RequestGuard(options, policy=policy, block_types=block_types)
    guard.proxy = PinningProxy(policy, on_block=guard.record_block)
    context = await new_context(browser, options, proxy=await guard.proxy.start(), mobile=mobile)
    _GUARDS[context] = guard
    await guard.attach(context)
    return context, guard


def restart_guard(guard: RequestGuard, blocked: list[dict[str, str]] | None = None) -> None:
    """Count afresh for the next page of a guarded context, listing its refused requests in ``blocked``."""
    guard.reset()
    guard.site = None
    guard.document_status = None
    guard.navigations = 0
    guard.stay_on = guard.left_for = None
    guard.blocked = blocked if blocked is not None else []
    guard.blocked_total = 0


async def new_guarded_page(context: BrowserContext, guard: RequestGuard, blocked: list[dict[str, str]] | None = None
                           ) -> Page:
    """A page of a guarded context that dismisses dialogs and closes its popups; the guard starts counting
    afresh for it (:func:`restart_guard`). One page at a time: the guard counts one page."""
    restart_guard(guard, blocked)
    guard._pages.clear()
    page = await context.new_page()
    guard._pages.append(page)
    page.on("dialog", lambda dialog: _background(_dismiss(dialog)))
    page.on("popup", lambda popup: _background(_close_popup(popup, page)))
    return page


async def open_guarded_page(
    browser: Browser, options: AuditOptions, *, policy: NetworkPolicy | None = None, mobile: bool = False,
    block_types: frozenset[str] = frozenset(),
) -> tuple[BrowserContext, Page, RequestGuard]:
    """:func:`open_guarded_context` with one page in it (journeys and crawls, which keep one page)."""
    context, guard = await open_guarded_context(browser, options, policy=policy, mobile=mobile,
                                                block_types=block_types)
    page = await new_guarded_page(context, guard)
    context.on("page", lambda popup: _background(_close_popup(popup, page)))
    return context, page, guard


_GUARDS: dict[BrowserContext, RequestGuard] = {}


async def _dismiss(dialog: Any) -> None:
    with contextlib.suppress(Exception):
        await dialog.dismiss()


async def _close_popup(popup: Page, main: Page) -> None:
    if popup is not main:
        with contextlib.suppress(Exception):
            await popup.close()


async def close_quietly(context: BrowserContext) -> None:
    """Close a context of :func:`open_guarded_page` and its proxy, whatever state they are in."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(context.close(), timeout=10)
    guard = _GUARDS.pop(context, None)
    if guard is not None and guard.proxy is not None:
        await guard.proxy.close()
