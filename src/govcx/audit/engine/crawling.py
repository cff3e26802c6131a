"""Finding the pages of one site to audit: a breadth-first crawl that never leaves the start site.

Rules:
- same site means the same origin as the start URL (scheme, host, port; RFC 6454), default ports normalised;
- links are read from the rendered page (``a[href]``, ``area[href]``, resolved by the browser), in document
  order; fragments are dropped (``a.html#x`` is ``a.html``); ``mailto:``, ``tel:``, ``javascript:``, ``data:``
  and other non-web schemes are ignored, as are links to obvious non-HTML files (PDF, images, archives...);
- the start page has depth 0; pages up to ``max_depth`` are listed, links are read from pages at depth below
  ``max_depth`` only; at most ``max_pages`` URLs are returned;
- order is deterministic: breadth-first, then document order of the page that first linked to the URL
  (pages of one depth are fetched concurrently, but their links are merged in listing order);
- a page whose top-level navigation ends on another origin (a redirect away) contributes no links;
- images, media, fonts and style sheets are not fetched while crawling;
- the start URL and every discovered URL pass the network guard (:mod:`~govcx.audit.engine.netguard`) before
  they are listed or opened; pages are opened behind the same request guard and pinning proxy as audits.
"""

from __future__ import annotations

import asyncio
import posixpath
from urllib.parse import urlsplit, urlunsplit

from playwright.async_api import Browser, async_playwright
from playwright.async_api import Error as PlaywrightError

from . import page_checks as checks
from .browser import close_quietly, launch, open_guarded_page, origin
from .netguard import Blocked, NetworkPolicy, system_resolver
from .options import DEFAULT_OPTIONS, AuditOptions
from .sync import run_sync

WEB_SCHEMES = ("http", "https")
SKIPPED_TYPES = frozenset({"image", "media", "font", "stylesheet"})
NON_HTML_EXTENSIONS = frozenset({
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".rtf", ".zip", ".rar", ".7z",
    ".gz", ".tar", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".mp3", ".mp4", ".avi", ".mov",
    ".webm", ".csv", ".json", ".xml", ".txt", ".exe", ".dmg", ".apk", ".sig", ".p7s",
})


def normalize_url(url: str) -> str | None:
    """The URL without fragment, with lower-case scheme and host, default port removed and an empty path as
    ``/``; ``None`` for non-http(s) schemes and non-HTML files."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES:
        return None
    if posixpath.splitext(parts.path.lower())[1] in NON_HTML_EXTENSIONS:
        return None
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return None
    netloc = host if port is None or port == {"http": 80, "https": 443}.get(scheme) else f"{host}:{port}"
    if parts.username or parts.password:
        return None
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


async def links_of(browser: Browser, url: str, options: AuditOptions) -> list[str]:
    """The links of one page as rendered (document order), or ``[]`` when it fails or lands off-site."""
    context, page, _guard = await open_guarded_page(browser, options, block_types=SKIPPED_TYPES)
    try:
        await page.goto(url, wait_until="load", timeout=options.timeout_ms)
        if origin(page.url) != origin(url):
            return []
        hrefs = await page.evaluate(checks.LINKS_JS)
        return [str(href) for href in hrefs]
    except PlaywrightError:
        return []
    finally:
        await close_quietly(context)


async def _passes(policy: NetworkPolicy, url: str, resolved: dict[tuple[str, int], list[str]]) -> bool:
    """Whether the guard lets ``url`` be listed (names resolved once per crawl here; the browser's proxy
    resolves and pins again when a page is opened)."""

    async def resolve_once(host: str, port: int) -> list[str]:
        if (host, port) not in resolved:
            resolved[(host, port)] = await system_resolver(host, port)
        return resolved[(host, port)]

    try:
        await policy.check_url(url, resolver=resolve_once)
    except Blocked:
        return False
    return True


async def crawl_async(start_url: str, *, max_depth: int = 2, max_pages: int = 20,
                      options: AuditOptions = DEFAULT_OPTIONS) -> list[str]:
    """The coroutine behind :func:`crawl`."""
    start = normalize_url(start_url)
    if start is None:
        raise ValueError(f"cannot crawl {start_url!r}: not an http(s) URL of a page")
    policy = NetworkPolicy(allowed_hosts=options.allowed_hosts)
    try:
        await policy.check_url(start)
    except Blocked as exc:
        raise Blocked(f"cannot crawl {start_url}: {exc}") from exc
    if max_pages < 1:
        return []
    site = origin(start)
    resolved: dict[tuple[str, int], list[str]] = {}
    found = [start]
    seen = {start}
    frontier = [start]
    semaphore = asyncio.Semaphore(options.parallel)
    async with async_playwright() as playwright:
        browser = await launch(playwright)

        async def one(url: str) -> list[str]:
            async with semaphore:
                return await asyncio.wait_for(links_of(browser, url, options), options.budget_ms / 1000)

        try:
            depth = 0
            while frontier and depth < max_depth and len(found) < max_pages:
                pages = await asyncio.gather(*(one(url) for url in frontier), return_exceptions=True)
                frontier = []
                for links in pages:
                    if isinstance(links, BaseException):
                        continue
                    for link in links:
                        url = normalize_url(link)
                        if len(found) >= max_pages:
                            break
                        if url is None or url in seen or origin(url) != site:
                            continue
                        if not await _passes(policy, url, resolved):
                            continue
                        seen.add(url)
                        if len(found) < max_pages:
                            found.append(url)
                            frontier.append(url)
                depth += 1
        finally:
            await browser.close()
    return found


def crawl(start_url: str, *, max_depth: int = 2, max_pages: int = 20,
          options: AuditOptions = DEFAULT_OPTIONS) -> list[str]:
    """Same-site URLs reachable from ``start_url`` within ``max_depth`` links, at most ``max_pages``, start first.

    See the module docstring for the rules (same origin, fragments, schemes, deterministic order).
    """
    return run_sync(crawl_async(start_url, max_depth=max_depth, max_pages=max_pages, options=options))

