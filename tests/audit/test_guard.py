"""The audit engine's network guard: what an audited page may reach (issue 10, item 1).

Unit tests of the address classifier and the policy (no browser), the pinning proxy (no browser), then real
Chromium on hostile uploaded pages — script navigation, meta refresh and iframe to ``file:``, fetch/XHR/image/
WebSocket to a loopback canary, a redirect from an allowed server to the canary, a host name that Chromium's
``--host-resolver-rules`` maps to loopback — and the refusals of the web app, the API and the CLI.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from govcx.audit.engine import AuditOptions, PageResult, Target, audit, crawl, launcher
from govcx.audit.engine.netguard import Blocked, NetworkPolicy, address_problem, check_start_urls, parse_ip_host
from govcx.audit.engine.proxy import PinningProxy
from govcx.audit.engine.sync import run_sync
from govcx.audit.summary import page_dict

# --- the address classifier ---------------------------------------------------------------------------------

FORBIDDEN = {
    "127.0.0.1": "loopback", "127.255.255.254": "loopback", "::1": "loopback",
    "10.0.0.1": "private", "172.16.0.1": "private", "172.31.255.255": "private", "192.168.1.1": "private",
    "fc00::1": "private", "fd12:3456::1": "private",
    "169.254.169.254": "link-local", "fe80::1": "link-local",
    "100.64.0.1": "shared (CGNAT)", "100.127.255.255": "shared (CGNAT)",
    "0.0.0.0": "unspecified", "::": "unspecified",
    "224.0.0.1": "multicast", "239.255.255.250": "multicast", "ff02::1": "multicast",
    "240.0.0.1": "private", "255.255.255.255": "private",  # reserved 240/4 and broadcast (Python: private)
    "192.0.2.1": "private", "198.18.0.1": "private", "2001:db8::1": "private",  # documentation, benchmarking
    "fec0::1": "site-local",
    "::ffff:127.0.0.1": "loopback (IPv4 inside IPv6)", "::ffff:10.0.0.1": "private (IPv4 inside IPv6)",
    "::ffff:169.254.169.254": "link-local (IPv4 inside IPv6)", "::127.0.0.1": "loopback (IPv4 inside IPv6)",
    "2002:7f00:1::": "loopback (IPv4 inside IPv6)", "2002:a00:1::": "private (IPv4 inside IPv6)",
    "64:ff9b::7f00:1": "loopback (IPv4 inside IPv6)", "64:ff9b::a9fe:a9fe": "link-local (IPv4 inside IPv6)",
}
PUBLIC = ["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::",
          "64:ff9b::808:808", "100.128.0.1", "172.32.0.1", "192.169.0.1"]


@pytest.mark.parametrize(("address", "problem"), sorted(FORBIDDEN.items()))
def test_internal_addresses_are_refused(address, problem):
    assert address_problem(ipaddress.ip_address(address)) == problem


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(("host", "address"), [
    ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("0177.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("017700000001", "127.0.0.1"),
    ("0x7F.0.0.0x1", "127.0.0.1"), ("127.0.0.1.", "127.0.0.1"), ("10.1", "10.0.0.1"), ("0", "0.0.0.0"),
    ("[::1]", "::1"), ("[::ffff:7f00:1]", "::ffff:7f00:1"), ("[0:0:0:0:0:0:0:1]", "::1"),
    ("167772161", "10.0.0.1"), ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
])
def test_numeric_host_spellings_read_as_browsers_read_them(host, address):
    assert parse_ip_host(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["example.org", "256.1.1.1", "0x100000000", "1.2.3.4.5", "", "localhost"])
def test_names_and_invalid_numbers_are_not_addresses(host):
    assert parse_ip_host(host) is None


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/", "http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://0177.0.0.1/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/", "https://192.168.0.1/", "http://100.64.0.1/", "http://0.0.0.0:8000/",
    "http://[fe80::1]/", "http://[fd00::1]/", "ws://127.0.0.1:9/", "http://localhost:8000/",
    "http://name.localhost/",
    "file:///etc/passwd", "chrome://settings", "view-source:http://example.org/", "ftp://example.org/",
    "javascript:alert(1)", "data:text/html,<h1>x</h1>", "blob:http://example.org/x", "gopher://example.org/",
    "http://does-not-resolve.invalid/",
])
def test_urls_refused_as_a_start_or_a_navigation(url):
    with pytest.raises(Blocked):
        check_start_urls([url])


def fake_resolver(table: dict[str, list[str]], calls: list[str] | None = None):
    async def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise OSError("no such host")
        return table[host]

    return resolve


def check(policy: NetworkPolicy, url: str, table: dict[str, list[str]], *, top_level: bool = True) -> None:
    run_sync(policy.check_url(url, top_level=top_level, resolver=fake_resolver(table)))


def test_names_are_judged_by_every_address_they_resolve_to():
    table = {"public.test": ["93.184.216.34"], "split.test": ["93.184.216.34", "10.0.0.1"],
             "inside.test": ["fd00::5"]}
    check(NetworkPolicy(), "https://public.test/", table)
    with pytest.raises(Blocked, match=r"split.test \(10.0.0.1\) is a private address"):
        check(NetworkPolicy(), "https://split.test/", table)
    with pytest.raises(Blocked, match="private"):
        check(NetworkPolicy(), "https://inside.test/", table)
    with pytest.raises(Blocked, match="does not resolve"):
        check(NetworkPolicy(), "https://missing.test/", table)


def test_an_administrator_allows_a_host_or_one_port_of_it():
    table = {"intranet.test": ["10.1.2.3"]}
    check(NetworkPolicy(allowed_hosts=("intranet.test",)), "http://intranet.test:8080/", table)
    check(NetworkPolicy(allowed_hosts=("INTRANET.test:8080",)), "http://intranet.test:8080/", table)
    with pytest.raises(Blocked):
        check(NetworkPolicy(allowed_hosts=("intranet.test:8080",)), "http://intranet.test:9090/", table)
    check(NetworkPolicy(allowed_hosts=("[::1]:8000",)), "http://[::1]:8000/", {})
    check(NetworkPolicy(allowed_hosts=("127.0.0.1:8000",)), "http://127.0.0.1:8000/", {})
    with pytest.raises(Blocked):  # another spelling of the address is a different host: allowed by name only
        check(NetworkPolicy(allowed_hosts=("localhost:8000",)), "http://127.0.0.1:8000/", {})
    with pytest.raises(Blocked, match="scheme"):  # no allowance opens file:
        check(NetworkPolicy(allowed_hosts=("localhost",)), "file://localhost/etc/passwd", {})


def test_the_upload_server_is_reachable_only_under_its_token():
    policy = NetworkPolicy(upload_origin="http://127.0.0.1:4321", upload_token="tok")
    check(policy, "http://127.0.0.1:4321/tok/1/page.html", {})
    for url in ("http://127.0.0.1:4321/", "http://127.0.0.1:4321/other/1/page.html", "http://127.0.0.1:4322/tok/x",
                "https://127.0.0.1:4321/tok/1/page.html", "http://localhost:4321/tok/1/page.html"):
        with pytest.raises(Blocked):
            check(policy, url, {})


def test_inline_sub_resources_pass_but_never_as_the_page():
    for url in ("data:image/png;base64,AAAA", "blob:http://example.org/1", "about:blank"):
        check(NetworkPolicy(), url, {}, top_level=False)
    for url in ("data:text/html,<script>1</script>", "blob:http://example.org/1"):
        with pytest.raises(Blocked, match="cannot be the audited page"):
            check(NetworkPolicy(), url, {})


# --- the pinning proxy --------------------------------------------------------------------------------------


@pytest.fixture
def canary() -> Iterator[Server]:
    server = Server(body=f"CANARY-{secrets.token_hex(8)}")
    yield server
    server.stop()


class Server:
    """A loopback HTTP server that logs every request; ``redirect_to`` turns ``/go`` into a 302 there."""

    def __init__(self, body: str = "", pages: dict[str, str] | None = None, redirect_to: str = "") -> None:
        self.body, self.pages, self.redirect_to = body, pages or {}, redirect_to
        self.log: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
                pass

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                owner.log.append(self.path)
                if self.path == "/go" and owner.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", owner.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = owner.pages.get(self.path, owner.body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


async def through_proxy(proxy: PinningProxy, request: bytes) -> bytes:
    url = await proxy.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", int(url.rsplit(":", 1)[1]))
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await proxy.close()
    return answer


def test_the_proxy_connects_to_the_address_it_checked_and_resolves_once(canary):
    """The name exists only in the guard's resolver: the proxy reaches the canary through the address it
    checked, asking the resolver once — Chromium's resolver is never consulted."""
    calls: list[str] = []
    policy = NetworkPolicy(allowed_hosts=(f"pinned.test:{canary.port}",))
    proxy = PinningProxy(policy, resolver=fake_resolver({"pinned.test": ["127.0.0.1"]}, calls))
    request = f"GET http://pinned.test:{canary.port}/hello HTTP/1.1\r\nHost: pinned.test\r\n\r\n".encode()
    answer = run_sync(through_proxy(proxy, request))
    assert answer.startswith(b"HTTP/1.0 200") and canary.body.encode() in answer
    assert b"Connection: close" in answer and canary.log == ["/hello"]
    assert calls == ["pinned.test"] and proxy.connected == [("pinned.test", canary.port, "127.0.0.1")]


@pytest.mark.parametrize("request_head", [
    "GET http://{target}/secret HTTP/1.1\r\nHost: x\r\n\r\n",
    "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n",
])
def test_the_proxy_refuses_internal_targets_and_reports_them(canary, request_head):
    blocked: list[tuple[str, str]] = []
    rebinding = fake_resolver({"rebind.test": ["93.184.216.34", "127.0.0.1"]})
    for target in (f"127.0.0.1:{canary.port}", f"rebind.test:{canary.port}", f"[::ffff:127.0.0.1]:{canary.port}"):
        proxy = PinningProxy(NetworkPolicy(), on_block=lambda url, reason: blocked.append((url, reason)),
                             resolver=rebinding)
        answer = run_sync(through_proxy(proxy, request_head.format(target=target).encode()))
        assert answer.startswith(b"HTTP/1.1 403") and canary.body.encode() not in answer
    assert canary.log == [] and len(blocked) == 3
    assert all("loopback" in reason for _url, reason in blocked)


@pytest.mark.parametrize("request_head", [
    "CONNECT content-autofill.googleapis.com:443 HTTP/1.1\r\nHost: content-autofill.googleapis.com\r\n\r\n",
    "GET http://update.googleapis.com/service/update2 HTTP/1.1\r\nHost: update.googleapis.com\r\n\r\n",
])
def test_the_browsers_own_background_traffic_is_refused_and_not_listed_as_the_pages(request_head):
    blocked: list[tuple[str, str]] = []
    calls: list[str] = []
    proxy = PinningProxy(NetworkPolicy(), on_block=lambda url, reason: blocked.append((url, reason)),
                         resolver=fake_resolver({}, calls))
    answer = run_sync(through_proxy(proxy, request_head.encode()))
    assert answer.startswith(b"HTTP/1.1 403") and blocked == [] and calls == []


def test_chromium_starts_with_its_background_services_off():
    from govcx.audit.engine.launcher import CHROMIUM_ARGS

    features = next(arg for arg in CHROMIUM_ARGS if arg.startswith("--disable-features="))
    assert "AutofillServerCommunication" in features and "OptimizationHints" in features
    assert "--disable-client-side-phishing-detection" in CHROMIUM_ARGS


# --- hostile pages in real Chromium -------------------------------------------------------------------------

browser = pytest.mark.browser


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "server-secret.txt"
    path.write_text(f"SECRET-FILE-{secrets.token_hex(8)}\n")
    return path


def hostile(tmp_path: Path, name: str, body: str) -> str:
    page = tmp_path / "uploads" / name
    page.parent.mkdir(exist_ok=True)
    page.write_text(f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{name}</title></head>"
                    f"<body><main><h1>Apply for a permit</h1><p id='out'>Fill in the form.</p>{body}</main>"
                    "</body></html>")
    return page.resolve().as_uri()


SHOW = "document.getElementById('out').textContent += ' ' + "


def stored_text(result: PageResult) -> str:
    return json.dumps(page_dict(result), ensure_ascii=False)


def blocked_urls(result: PageResult) -> list[str]:
    return [entry["url"] for entry in result.blocked_requests]


@browser
def test_hostile_uploads_never_read_local_files_or_loopback(tmp_path, secret_file, canary):
    secret = secret_file.resolve().as_uri()
    loopback = f"http://127.0.0.1:{canary.port}"
    pages = {
        "script.html": f"<script>setTimeout(() => {{ location = '{secret}'; }}, 50);</script>",
        "passwd.html": "<script>location.href = 'file:///etc/passwd';</script>",
        "refresh.html": f"<meta http-equiv='refresh' content='0; url={secret}'>",
        "iframe.html": f"<iframe src='{secret}' title='secret'></iframe><iframe src='file:///etc/passwd' "
                       "title='passwd'></iframe>",
        "fetch.html": (
            f"<img src='{loopback}/img' alt=''>"
            "<script>"
            f"fetch('{loopback}/fetch').then(r => r.text()).then(t => {{ {SHOW} t; }}).catch(() => {{}});"
            f"const x = new XMLHttpRequest(); x.open('GET', '{loopback}/xhr');"
            f"x.onload = () => {{ {SHOW} x.responseText; }}; x.send();"
            f"fetch('{secret}').then(r => r.text()).then(t => {{ {SHOW} t; }}).catch(() => {{}});"
            f"try {{ const w = new WebSocket('ws://127.0.0.1:{canary.port}/ws'); }} catch (e) {{}}"
            "</script>"
        ),
        "numeric.html": (
            f"<script>for (const u of ['http://2130706433:{canary.port}/n1', 'http://0x7f.1:{canary.port}/n2', "
            f"'http://127.1:{canary.port}/n3', 'http://[::ffff:127.0.0.1]:{canary.port}/n4', "
            f"'http://localhost:{canary.port}/n5']) {{ fetch(u).then(r => r.text()).then(t => {{ {SHOW} t; }})"
            ".catch(() => {}); }</script>"
        ),
    }
    targets = [Target(hostile(tmp_path, name, body), label=name) for name, body in pages.items()]
    results = dict(zip(pages, audit(targets, AuditOptions(timeout_ms=8000, same_site_only=False, mobile=False)),
                       strict=True))
    file_text = secret_file.read_text().strip()
    for name, result in results.items():
        text = stored_text(result)
        assert result.ok, (name, result.error)
        assert file_text not in text and "root:x:0:0" not in text and canary.body not in text, name
        assert result.title == name and result.final_url == targets[list(pages).index(name)].url
    assert canary.log == []
    assert secret in blocked_urls(results["script.html"])
    assert "file:///etc/passwd" in blocked_urls(results["passwd.html"])
    assert secret in blocked_urls(results["refresh.html"])
    assert {secret, "file:///etc/passwd"} <= set(blocked_urls(results["iframe.html"]))
    fetched = blocked_urls(results["fetch.html"])
    expected = {f"{loopback}/img", f"{loopback}/fetch", f"{loopback}/xhr", f"ws://127.0.0.1:{canary.port}/ws"}
    assert expected <= set(fetched)
    assert all("loopback" in e["reason"] for e in results["fetch.html"].blocked_requests if "127.0.0.1" in e["url"])
    assert len(results["numeric.html"].blocked_requests) == 5


@browser
def test_a_redirect_from_an_allowed_server_to_loopback_is_refused(canary):
    """Playwright's route sees only the first request of a redirect chain; the proxy checks every hop."""
    external = Server(pages={"/page.html": (
        "<!DOCTYPE html><html lang='en'><head><title>External</title></head><body><main><h1>External</h1>"
        "<p id='out'>x</p><script>fetch('/go').then(r => r.text()).then(t => { "
        "document.getElementById('out').textContent = t; }).catch(() => {});</script></main></body></html>")},
        redirect_to=f"http://127.0.0.1:{canary.port}/secret")
    try:
        options = AuditOptions(timeout_ms=8000, mobile=False, allowed_hosts=(f"127.0.0.1:{external.port}",))
        page, navigation = audit([Target(f"{external.base}/page.html"), Target(f"{external.base}/go")], options)
    finally:
        external.stop()
    assert page.ok and canary.body not in stored_text(page)
    assert not navigation.ok and canary.body not in stored_text(navigation)
    assert canary.log == [] and external.log.count("/go") == 2
    for result in (page, navigation):
        assert f"http://127.0.0.1:{canary.port}/secret" in blocked_urls(result)


@browser
def test_a_name_mapped_to_loopback_by_chromium_is_resolved_by_the_guard(canary, monkeypatch, tmp_path):
    """Chromium would send canary.test to 127.0.0.1 (--host-resolver-rules); the guard resolves the name itself
    (it does not exist) and the browser only reaches what the guard connected, so nothing gets through —
    even with the name allowed by an administrator."""
    monkeypatch.setattr(launcher, "CHROMIUM_ARGS",
                        (*launcher.CHROMIUM_ARGS, "--host-resolver-rules=MAP canary.test 127.0.0.1"))
    mapped = f"http://canary.test:{canary.port}/mapped"
    page = hostile(tmp_path, "mapped.html", f"<img src='{mapped}' alt=''><script>fetch('{mapped}')"
                   f".then(r => r.text()).then(t => {{ {SHOW} t; }}).catch(() => {{}});</script>")
    for allowed in ((), (f"canary.test:{canary.port}",)):
        options = AuditOptions(timeout_ms=8000, mobile=False, same_site_only=False, allowed_hosts=allowed)
        direct, embedded = audit([Target(f"http://canary.test:{canary.port}/"), Target(page)], options)
        assert not direct.ok and "does not resolve" in direct.error
        assert embedded.ok and canary.body not in stored_text(embedded)
        assert f"http://canary.test:{canary.port}/mapped" in blocked_urls(embedded)
    assert canary.log == []


@browser
def test_crawl_and_url_mode_refuse_internal_starts(canary):
    with pytest.raises(Blocked, match="loopback"):
        crawl(f"{canary.base}/")
    (result,) = audit([Target(f"{canary.base}/")], AuditOptions(mobile=False))
    assert not result.ok and result.error.startswith("refused by the network guard") and "loopback" in result.error
    assert canary.log == []


@browser
def test_the_browser_runs_sandboxed_and_unprivileged():
    """No ``--no-sandbox`` anywhere, every Chromium process unprivileged when we are root, and the renderers
    really confined: a seccomp-bpf filter (``Seccomp: 2``) is what Chromium's sandbox puts on them."""
    options = launcher.launch_options()
    assert options["chromium_sandbox"] is True and "--no-sandbox" not in options["args"]
    processes = run_sync(processes_of_a_sandboxed_page(options))
    assert processes, "no Chromium process found under this test"
    for arguments, status in processes:
        assert "--no-sandbox" not in arguments
        if os.geteuid() == 0:
            assert status["Uid"].split()[0] != "0", arguments[:3]
    renderers = [status for arguments, status in processes if "--type=renderer" in arguments]
    assert renderers and all(status["Seccomp"] == "2" for status in renderers)


async def processes_of_a_sandboxed_page(options: dict) -> list[tuple[list[str], dict[str, str]]]:
    """Chromium's processes while it shows a page (the async API through `run_sync`, so the test holds when an
    earlier test left Playwright's loop running in this thread)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**options)
        try:
            page = await browser.new_page()
            await page.set_content("<p>sandboxed</p>")
            assert await page.inner_text("p") == "sandboxed"
            return chromium_processes()
        finally:
            await browser.close()


def chromium_processes() -> list[tuple[list[str], dict[str, str]]]:
    """(arguments, /proc status fields) of every process descended from this one whose command names Chromium
    (Chromium rewrites its command line into one string, so arguments are split on spaces)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    mine = {os.getpid()}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                changed = True
    found = []
    for pid in mine - {os.getpid()}:
        try:
            cmdline = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
            status_text = (Path("/proc") / str(pid) / "status").read_text()
        except OSError:
            continue
        arguments = cmdline.decode(errors="replace").split()
        if arguments and "chrom" in Path(arguments[0]).name:
            status = dict(line.split(":\t", 1) for line in status_text.splitlines() if ":\t" in line)
            found.append((arguments, status))
    return found
