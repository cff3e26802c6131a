"""The page-audit engine in real Chromium against the fixture site (tests/audit/fixtures/site/).

Each fixture page carries known barriers (or none); the module-scoped runs below audit them once and the tests
read the results. Nothing here touches the Django database or the network beyond 127.0.0.1.
"""

from __future__ import annotations

import socket
import struct
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from govcx.audit.engine import (
    WCAG22_MANUAL,
    AuditOptions,
    Cancelled,
    JourneyStep,
    PageResult,
    Target,
    audit,
    audit_journey,
    crawl,
)
from govcx.audit.engine import page_checks as checks
from govcx.audit.engine.browser import goto_guarded, launch, new_guarded_page
from govcx.audit.engine.crawling import links_of
from govcx.audit.engine.netguard import NetworkPolicy
from govcx.audit.engine.runner import Lane, capture, in_view, screenshot_bands, screenshot_clip
from govcx.audit.engine.sync import run_sync

pytestmark = pytest.mark.browser

SITE_DIR = Path(__file__).parent / "fixtures" / "site"
REGISTRY_HELD = ("СНИЛС", "passport number", "ИНН")
MAIN_PAGES = [
    "clean-en.html", "clean-ru.html", "no-alt.html", "unlabelled.html", "contrast.html", "no-lang.html",
    "empty-button.html", "headings.html", "iframe.html", "registry-form.html", "wide.html", "bureaucratic-ru.html",
    "third-party.html",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SEVERE = ("serious", "critical")


@pytest.fixture(scope="module")
def main_run(site):
    calls: list[tuple[int, int, str]] = []
    started = time.perf_counter()
    results = audit(
        [Target(site.url(page), label=page) for page in MAIN_PAGES],
        site.options(parallel=2, registry_held=REGISTRY_HELD),
        progress=lambda done, total, url: calls.append((done, total, url)),
    )
    return {"pages": dict(zip(MAIN_PAGES, results, strict=True)), "results": results, "progress": calls,
            "seconds": time.perf_counter() - started}


@pytest.fixture(scope="module")
def pages(main_run) -> dict[str, PageResult]:
    return main_run["pages"]


def severe(result: PageResult) -> set[str]:
    return {i.rule for i in result.issues if i.kind == "violation" and i.impact in SEVERE}


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])  # IHDR: the first chunk after the signature
    return width, height


# --- the run as a whole -------------------------------------------------------------------------------------


def test_every_page_audited_in_order_with_progress(main_run, site):
    results = main_run["results"]
    assert [r.url for r in results] == [site.url(p) for p in MAIN_PAGES]
    assert [r.label for r in results] == MAIN_PAGES
    failed = {r.url: r.error for r in results if not r.ok}
    assert failed == {}
    assert all(r.status == 200 and r.final_url == r.url and r.title for r in results)
    calls = main_run["progress"]
    assert [done for done, _, _ in calls] == list(range(1, len(MAIN_PAGES) + 1))
    assert {total for _, total, _ in calls} == {len(MAIN_PAGES)}
    assert sorted(url for _, _, url in calls) == sorted(site.url(p) for p in MAIN_PAGES)


# --- accessibility ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "rules", "target", "criterion"),
    [
        ("no-alt.html", {"image-alt"}, "img", "1.1.1"),
        ("unlabelled.html", {"label"}, "#postcode", "4.1.2"),
        ("contrast.html", {"color-contrast"}, "#faint", "1.4.3"),
        ("no-lang.html", {"html-has-lang"}, "html", "3.1.1"),
        ("empty-button.html", {"button-name"}, "#go", "4.1.2"),
        ("iframe.html", {"label"}, "#booking >>> #inner-email", "4.1.2"),
        ("wide.html", {"target-size"}, "#tiny-1", "2.5.8"),
    ],
)
def test_known_barrier_fires_and_nothing_else_severe(pages, page, rules, target, criterion):
    result = pages[page]
    assert severe(result) == rules
    issue = result.issue(next(iter(rules)), "violation")
    assert issue is not None
    assert target in issue.targets
    assert criterion in issue.wcag
    assert issue.help and issue.help_url.startswith("https://")


def test_iframe_barrier_is_found_inside_the_frame(pages):
    issue = pages["iframe.html"].issue("label", "violation")
    assert issue.targets == ("#booking >>> #inner-email",)
    assert 'id="inner-email"' in issue.html[0]
    assert pages["iframe.html"].weight["requests"] == 3  # page, its style sheet, the framed page


def test_zoom_blocking_viewport_is_a_violation(pages):
    issue = pages["wide.html"].issue("meta-viewport", "violation")
    assert issue is not None and "1.4.4" in issue.wcag


@pytest.mark.parametrize("page", ["clean-en.html", "clean-ru.html"])
def test_clean_pages_have_no_violation_at_all(pages, page):
    result = pages[page]
    assert result.rules("violation") == set()
    assert severe(result) == set()


def test_best_practice_rules_only_when_asked(pages, site):
    """heading-order is an axe best-practice rule, not a WCAG failure: absent by default, found on request."""
    assert "heading-order" not in pages["headings.html"].rules(None)
    headings, clean = audit([Target(site.url("headings.html")), Target(site.url("clean-en.html"))],
                            site.options(include_best_practice=True, mobile=False, screenshots=False))
    issue = headings.issue("heading-order", "violation")
    assert issue is not None and issue.targets == ("#skipped",)
    assert "best-practice" in issue.tags and issue.wcag == ()
    assert clean.rules("violation") == set()


def test_screenshots_are_pngs_of_the_outlined_elements(pages):
    shot = pages["no-alt.html"].issue("image-alt").screenshot_png
    width, height = png_size(shot)
    # the 200 × 150 image, its 4 px outline and up to 40 px of margin on each side
    assert 200 < width <= 200 + 2 * 40 and 150 < height <= 150 + 2 * 40
    frame_shot = pages["iframe.html"].issue("label", "violation").screenshot_png
    assert png_size(frame_shot)[0] > 0
    tiny = pages["wide.html"].issue("target-size", "violation")
    assert len(tiny.targets) == 4 and len(tiny.screenshots) == 3  # max_screenshots_per_rule
    assert tiny.screenshot_png == tiny.screenshots[0]
    assert all(shot.startswith(PNG_SIGNATURE) for shot in tiny.screenshots)
    # no screenshot for needs-review items, and an element without a box (a <meta>) has none
    assert all(i.screenshot_png is None for r in pages.values() for i in r.issues if i.kind != "violation")
    assert pages["wide.html"].issue("meta-viewport").screenshot_png is None
    # nor does the document's root element (a missing lang): a picture of the whole page points at nothing
    assert pages["no-lang.html"].issue("html-has-lang").screenshot_png is None


def test_manual_wcag22_items_listed_on_every_audited_page(pages):
    expected = [(criterion,) for criterion, _ in WCAG22_MANUAL]
    for result in pages.values():
        manual = [i for i in result.issues if i.kind == "manual"]
        assert [i.wcag for i in manual] == expected
        assert all("needs manual review" in i.help for i in manual)


# --- language -----------------------------------------------------------------------------------------------


def test_bureaucratic_russian_page(pages):
    language = pages["bureaucratic-ru.html"].language
    assert (language["detected"], language["lang_attr"], language["lang_matches"]) == ("ru", "ru", True)
    assert language["long_sentence_count"] == 1
    assert language["long_sentences"][0].startswith("В целях получения государственной услуги заявителем")
    found = {(hit["phrase"].lower(), hit["kind"]) for hit in language["phrase_hits"]}
    for expected in [("в целях", "bureaucratic"), ("осуществляется", "passive"), ("посредством", "bureaucratic"),
                     ("в соответствии с", "bureaucratic"), ("данная", "bureaucratic"),
                     ("предоставляется", "passive"), ("вышеуказанные", "bureaucratic"),
                     ("будет отказано", "passive")]:
        assert expected in found, expected
    assert "многофункциональный" in language["long_words"]
    assert language["reading_ease"] < 0 < pages["clean-ru.html"].language["reading_ease"]
    assert language["grade"] is None and language["readability"]["formula"].startswith("Flesch reading ease")


def test_clean_pages_read_easily_and_declare_their_language(pages):
    en, ru = pages["clean-en.html"].language, pages["clean-ru.html"].language
    assert (en["detected"], en["lang_matches"], en["phrase_hit_count"]) == ("en", True, 0)
    assert (ru["detected"], ru["lang_matches"], ru["phrase_hit_count"]) == ("ru", True, 0)
    assert en["reading_ease"] > 60 and en["grade"] is not None and ru["reading_ease"] > 50


def test_missing_lang_attribute(pages):
    result = pages["no-lang.html"]
    assert result.lang_attr == ""
    assert result.language["detected"] == "en" and result.language["lang_matches"] is None


# --- forms --------------------------------------------------------------------------------------------------


def test_form_figures_and_registry_held_fields(pages):
    forms = pages["registry-form.html"].forms
    # fio, snils, passport, inn, scan (file), region (select), phone, comment (textarea); not hidden, not button
    assert (forms["forms"], forms["fields"], forms["required"], forms["file_uploads"]) == (1, 8, 3, 1)
    assert forms["unlabelled_fields"] == ["#phone"]  # a placeholder only
    held = {(f["selector"], f["matches"]) for f in forms["registry_held_fields"]}
    assert held == {("#snils", "СНИЛС"), ("#passport", "passport number"), ("#inn", "ИНН")}
    assert forms["registry_held"] == 3


def test_unlabelled_fields_in_page_and_frame(pages):
    assert pages["unlabelled.html"].forms["unlabelled_fields"] == ["#postcode"]
    assert pages["iframe.html"].forms["unlabelled_fields"] == ["#booking >>> #inner-email"]
    assert pages["clean-en.html"].forms["unlabelled"] == 0 and pages["clean-en.html"].forms["required"] == 1


# --- weight -------------------------------------------------------------------------------------------------


class ElementCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1


def test_weight_and_timing_of_a_known_page(pages):
    weight = pages["clean-en.html"].weight
    html, css = SITE_DIR / "clean-en.html", SITE_DIR / "style.css"
    assert weight["requests"] == 2  # the page and its style sheet
    body_bytes = html.stat().st_size + css.stat().st_size
    assert body_bytes < weight["bytes"] < body_bytes + 2000  # bodies plus response headers
    counter = ElementCounter()
    counter.feed(html.read_text(encoding="utf-8"))
    assert weight["dom_elements"] == counter.count
    assert 0 <= weight["dom_content_loaded_ms"] <= weight["load_ms"]
    assert weight["limit_hit"] is None and weight["blocked_other_origin"] == 0


def test_other_origin_requests_are_blocked(pages, site):
    weight = pages["third-party.html"].weight
    assert weight["blocked_other_origin"] == 2  # a script and an image from http://localhost:<port>
    assert [entry for entry in site.log if entry[0].startswith("localhost")] == []
    assert site.requested("tracker.js") == []


# --- mobile -------------------------------------------------------------------------------------------------


def test_mobile_figures(pages):
    wide = pages["wide.html"].mobile
    assert wide["emulation"] == "viewport"  # laid out at device-width: measured in place (see the test below)
    assert wide["horizontal_scroll"] is True and wide["scroll_width"] >= 1200
    assert wide["zoom_disabled"] is True and wide["viewport"]["maximum_scale"] == 1.0
    assert wide["small_tap_targets"] == 4
    assert [t["selector"] for t in wide["small_tap_target_examples"]] == ["#tiny-1", "#tiny-2", "#tiny-3", "#tiny-4"]
    for page in ("clean-en.html", "clean-ru.html", "registry-form.html"):
        mobile = pages[page].mobile
        assert (mobile["horizontal_scroll"], mobile["zoom_disabled"], mobile["viewport_meta"]) == (False, False, True)
        assert mobile["small_tap_targets"] == 0
    # the 500 px iframe does not fit a 390 px phone
    assert pages["iframe.html"].mobile["horizontal_scroll"] is True


PHONE_PAGES = ["clean-en.html", "clean-ru.html", "wide.html", "registry-form.html", "iframe.html",
               "unlabelled.html", "coarse-pointer.html", "no-viewport.html"]


async def _phone_figures_both_ways(site) -> dict[str, tuple[bool, dict, dict]]:
    """Per page: whether the in-place path applies, the figures measured in place (a desktop page resized to
    the phone's width) and from a fresh load in a phone context."""
    options = site.options()
    figures = {}
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        lane = Lane(browser, options, NetworkPolicy(allowed_hosts=options.allowed_hosts))
        try:
            for name in PHONE_PAGES:
                context, guard = await lane.context()
                page = await new_guarded_page(context, guard)
                await goto_guarded(page, site.url(name), guard, options)
                probe = await page.evaluate(checks.PHONE_LAYOUT_JS)
                width, height = options.mobile_viewport
                await page.set_viewport_size({"width": width, "height": height})
                in_place = checks.mobile_summary(await page.evaluate(checks.MOBILE_JS), options.mobile_viewport, "")
                await page.close()
                context, guard = await lane.context(mobile=True)
                phone = await new_guarded_page(context, guard)
                await goto_guarded(phone, site.url(name), guard, options)
                fresh = checks.mobile_summary(await phone.evaluate(checks.MOBILE_JS), options.mobile_viewport, "")
                await phone.close()
                figures[name] = (checks.same_layout_on_phone(probe), in_place, fresh)
        finally:
            await lane.recycle()
            await browser.close()
    return figures


def test_phone_figures_in_place_equal_a_fresh_phone_load_where_used(site):
    figures = run_sync(_phone_figures_both_ways(site))
    in_place_pages = [name for name, (same, _, _) in figures.items() if same]
    assert len(in_place_pages) == 6
    for name in in_place_pages:
        _, in_place, fresh = figures[name]
        assert in_place == fresh, name
    # where the path is not taken, the figures would differ: touch-only styles and the 980 px layout
    for name in ("coarse-pointer.html", "no-viewport.html"):
        same, in_place, fresh = figures[name]
        assert not same and in_place != fresh, name


def test_a_cancelled_run_stops_before_its_next_page(site):
    done: list[str] = []
    pages = ["clean-en.html", "no-alt.html", "contrast.html", "headings.html"]
    with pytest.raises(Cancelled):
        audit([Target(site.url(p)) for p in pages], site.options(parallel=1, mobile=False, screenshots=False),
              progress=lambda _done, _total, url: done.append(url), cancelled=lambda: len(done) >= 1)
    assert done == [site.url("clean-en.html")]
    assert len(done) == 1


def test_pages_that_redirect_in_the_browser_are_audited_where_they_land(site):
    refresh, script, away = audit([Target(site.url(p)) for p in ("refresh.html", "script-redirect.html", "away.html")],
                                  site.options(mobile=False, screenshots=False))
    assert refresh.ok and refresh.final_url == site.url("no-alt.html") and "image-alt" in refresh.rules()
    assert script.ok and script.final_url == site.url("clean-en.html") and script.rules() == set()
    assert not away.ok and away.error.startswith("redirects to another site (http://localhost:")
    assert "\n" not in away.error
    assert [entry for entry in site.log if entry[0].startswith("localhost")] == []  # refused, never loaded


# --- hostile pages ------------------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_bad_pages_fail_alone(site):
    closed = closed_port()
    targets = [
        Target(site.url("slow?s=10")), Target(site.url("clean-en.html")), Target(site.url("big.html")),
        Target(f"http://127.0.0.1:{closed}/refused.html"), Target(site.url("missing.html")),
        Target((SITE_DIR / "no-alt.html").resolve().as_uri()),
    ]
    started = time.perf_counter()
    options = AuditOptions(timeout_ms=5000, max_page_bytes=1_000_000,
                           allowed_hosts=(*site.allowed_hosts, f"127.0.0.1:{closed}"))
    slow, clean, big, refused, missing, local = audit(targets, options)
    assert time.perf_counter() - started < 30
    assert not slow.ok and "timed out" in slow.error
    assert clean.ok and clean.rules("violation") == set() and clean.mobile["horizontal_scroll"] is False
    assert not big.ok and big.error.startswith("page too big") and big.weight["limit_hit"] == "max_page_bytes"
    assert big.duration_ms < 4000  # ended as soon as the limit was crossed, not at the timeout
    assert not refused.ok and refused.status == 502  # the guard's proxy could not connect
    assert not missing.ok and missing.status == 404 and missing.error == "HTTP 404"
    assert all(r.issues == () for r in (slow, big, refused, missing))
    assert local.ok and local.final_url.startswith("file://") and local.rules("violation") == {"image-alt"}


def test_resource_limit_on_a_thousand_images(site):
    before = len(site.requested("pixel.svg"))
    (result,) = audit([Target(site.url("many-images.html"))], site.options(max_resources=50, mobile=False))
    assert result.ok
    weight = result.weight
    assert weight["limit_hit"] == "max_resources"
    assert weight["requests"] == 50  # the page and 49 images
    assert weight["blocked_over_limit"] == 951  # the other 951 images
    assert weight["dom_elements"] > 1000
    assert len(site.requested("pixel.svg")) - before == 49


def test_page_time_budget(site):
    started = time.perf_counter()
    (result,) = audit([Target(site.url("slow?s=8"))], site.options(timeout_ms=10000, page_budget_ms=1500))
    assert not result.ok and "time budget of 1500 ms exceeded" in result.error
    assert result.duration_ms < 3000
    assert time.perf_counter() - started < 7.5  # well before the server answers


# --- determinism --------------------------------------------------------------------------------------------


def comparable(result: PageResult) -> dict:
    return {
        "ok": result.ok, "status": result.status, "title": result.title, "lang_attr": result.lang_attr,
        "issues": [(i.rule, i.kind, i.impact, i.targets, i.html, len(i.screenshots)) for i in result.issues],
        "language": result.language, "forms": result.forms, "mobile": result.mobile,
        "weight": {k: result.weight[k] for k in ("requests", "dom_elements", "blocked_other_origin", "limit_hit")},
    }


def test_parallel_one_gives_the_same_results(pages, site):
    subset = ["no-alt.html", "iframe.html", "registry-form.html"]
    serial = audit([Target(site.url(p), label=p) for p in subset],
                   site.options(parallel=1, registry_held=REGISTRY_HELD))
    for page, result in zip(subset, serial, strict=True):
        assert comparable(result) == comparable(pages[page]), page


# --- journeys -----------------------------------------------------------------------------------------------


def test_journey_fills_submits_and_audits_the_result(site):
    steps = [
        JourneyStep("audit"),
        JourneyStep("fill", "#name", "Анна Иванова"),
        JourneyStep("click", "#submit"),
        JourneyStep("expect", "#greeting", "Анна Иванова"),
        JourneyStep("audit"),
        JourneyStep("audit"),  # the same page again: the screenshot outline must have been removed
        JourneyStep("click", "#no-such-button"),
        JourneyStep("audit"),  # never reached
    ]
    form, result, again, failure = audit_journey(site.url("journey/form.html"), steps,
                                                 site.options(timeout_ms=3000))
    assert form.ok and form.url == site.url("journey/form.html") and form.rules("violation") == set()
    assert form.forms["fields"] == 1 and form.label == "step 1"
    assert result.ok and result.url.startswith(site.url("journey/result.html?name="))
    assert result.status == 200 and result.title == "Journey: application received"
    assert result.rules("violation") == {"image-alt"}
    assert result.issue("image-alt").screenshot_png.startswith(PNG_SIGNATURE)
    assert result.mobile["emulation"] == "viewport" and result.mobile["horizontal_scroll"] is False
    # counted afresh after navigating: the result page, its image and (unless the browser reuses it from memory)
    # the style sheet; without the reset the form page's two requests would be added
    assert result.weight["requests"] in (2, 3)
    assert result.issue("image-alt").html == again.issue("image-alt").html == (
        '<img src="../photo.svg" width="100" height="75">',)
    assert not failure.ok and failure.error.startswith("step 7 (click '#no-such-button') failed")


def test_journey_with_unreachable_start(site):
    (only,) = audit_journey(site.url("missing.html"), [JourneyStep("audit")], site.options(mobile=False))
    assert not only.ok and only.error == f"start page: HTTP 404 at {site.url('missing.html')}"


# --- crawl --------------------------------------------------------------------------------------------------


def crawl_url(site, name: str) -> str:
    return site.url(f"crawl/{name}")


def test_crawl_breadth_first_on_site_within_depth(site):
    found = crawl(crawl_url(site, "index.html"), options=site.options())
    assert found == [crawl_url(site, name) for name in (
        "index.html", "a.html", "sibling-1.html", "sibling-2.html?x=1",  # depth 1, document order
        "b.html", "sibling-1-child.html",  # depth 2
    )]
    assert site.requested("crawl/c.html") == []  # depth 3 was neither listed nor fetched
    assert site.requested("outside.html") == []
    assert [entry for entry in site.log if entry[0].startswith("localhost")] == []


def test_crawl_deeper_and_capped(site):
    deeper = crawl(crawl_url(site, "index.html"), max_depth=3, options=site.options())
    assert deeper[-1] == crawl_url(site, "c.html") and crawl_url(site, "d.html") not in deeper
    assert len(deeper) == 7
    capped = crawl(crawl_url(site, "index.html"), max_depth=5, max_pages=3, options=site.options())
    assert capped == [crawl_url(site, n) for n in ("index.html", "a.html", "sibling-1.html")]
    assert site.requested("outside.html") == []


def test_crawl_saw_and_skipped_other_origins_and_schemes(site):
    """The start page does offer mailto:, tel:, javascript:, an external site and the same server under another
    host name; none is returned by crawl (above), and here we check they were on the rendered page."""

    async def rendered() -> list[str]:
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            try:
                return await links_of(browser, crawl_url(site, "index.html"), site.options())
            finally:
                await browser.close()

    links = run_sync(rendered())
    assert "mailto:help@example.org" in links and "javascript:void(0)" in links
    assert "https://example.org/outside.html" in links
    assert f"http://localhost:{site.port}/crawl/outside.html" in links
    assert crawl_url(site, "a.html#section") in links


def test_contrast_on_a_sample_of_look_alike_rows_still_finds_the_odd_one(site):
    """Long runs of same-styled rows are checked for contrast on a sample (the rule costs seconds on big
    tables); a row styled differently is always in the sample, and the other rules still see every row."""
    sampled, full = (audit([Target(site.url("long-table.html"))], site.options(parallel=1, sample_repeats=sample))[0]
                     for sample in (True, False))
    for result in (sampled, full):
        issue = result.issue("color-contrast", "violation")
        assert issue is not None and "#faint-cell" in issue.targets
    assert severe(sampled) == severe(full) == {"color-contrast"}


def test_every_small_tap_target_is_counted_and_the_first_five_are_listed(site):
    """The phone pass counts every tap target under 24 x 24 px but builds the CSS path of the first five only
    (the examples shown)."""
    result = audit([Target(site.url("many-small.html"))], site.options(parallel=1, screenshots=False))[0]
    assert result.ok, result.error
    assert result.mobile["emulation"] == "viewport"  # measured in place, then the document emptied
    assert result.mobile["small_tap_targets"] == 8
    assert [t["selector"] for t in result.mobile["small_tap_target_examples"]] == ["#s1", "#s2", "#s3", "#s4", "#s5"]
    assert all(t["width"] == 16 and t["height"] == 16 for t in result.mobile["small_tap_target_examples"])


async def _captures_both_ways(site) -> list[tuple[bytes, bytes]]:
    """The same page regions captured from the viewport (:func:`capture`'s path for a region in view) and by a
    full-page capture, at the top of a page and after scrolling it."""
    options = site.options()
    pairs = []
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        lane = Lane(browser, options, NetworkPolicy(allowed_hosts=options.allowed_hosts))
        try:
            context, guard = await lane.context()
            page = await new_guarded_page(context, guard)
            await goto_guarded(page, site.url("long-table.html"), guard, options)
            for scrolled in (False, True):
                if scrolled:  # the faint cell, far down the table, scrolled into the middle of the view
                    await page.evaluate("() => document.getElementById('faint-cell').scrollIntoView({block: 'center'})")
                found = await page.evaluate(checks.DOCUMENT_BOXES_JS, [["#faint-cell"], ["h1"]])
                assert (found["view"]["y"] > 0) is scrolled
                for box in found["boxes"]:
                    (clip,), _ = screenshot_bands([screenshot_clip(box, (found["width"], found["height"]))])
                    if in_view(clip, found["view"]) is None:
                        continue
                    pairs.append((await capture(page, clip, found["view"]),
                                  await capture(page, clip, None)))  # no view: the full-page capture
        finally:
            await lane.recycle()
            await browser.close()
    return pairs


def test_a_region_in_view_captured_from_the_viewport_equals_the_full_page_capture(site):
    from io import BytesIO

    from PIL import Image, ImageChops

    pairs = run_sync(_captures_both_ways(site))
    assert len(pairs) >= 2
    for from_view, from_page in pairs:
        one, other = (Image.open(BytesIO(png)).convert("RGB") for png in (from_view, from_page))
        assert one.size == other.size
        assert ImageChops.difference(one, other).getbbox() is None
