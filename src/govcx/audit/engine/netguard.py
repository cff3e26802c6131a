"""The network guard of the audit browser: which URLs an audited page may reach, and at which address.

One policy (:class:`NetworkPolicy`) is applied at every point where the engine could reach something:

- the start URL of a run (URL, crawl and journey modes), before the browser starts;
- every request and navigation of the audited page, top level included (the Playwright route of
  :mod:`~govcx.audit.engine.browser`), and every link the crawler follows;
- every connection the browser opens (:mod:`~govcx.audit.engine.proxy`): Chromium reaches the network only
  through the engine's proxy, which resolves the host once, checks every address it got and connects to the
  checked one — so a name cannot answer with a public address to the check and a private one to the browser
  (DNS rebinding), and Chromium's own resolver (or ``--host-resolver-rules``) is never consulted.

Refused: every scheme but ``http``/``https``/``ws``/``wss`` (``file:``, ``chrome:``, ``view-source:``,
``ftp:``...) — ``data:``/``blob:``/``about:`` only as sub-resources of a page, never as a top-level document —
and any host whose address is not globally routable: loopback, private (10/8, 172.16/12, 192.168/16,
fc00::/7), link-local (169.254/16, fe80::/10), shared CGNAT space (100.64/10), unspecified, multicast,
reserved, documentation and benchmarking ranges, site-local IPv6, and the IPv6 forms that carry such an IPv4
address (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, 6to4 ``2002::/16``, NAT64
``64:ff9b::/96``, Teredo). IPv4 hosts are read as browsers read them (WHATWG URL): ``2130706433``,
``0x7f.1``, ``0177.0.0.1`` and ``127.1`` are all 127.0.0.1.

Exceptions, and there are only two: hosts an administrator allowed (``allowed_hosts``: ``name`` or
``name:port``; the name is still resolved once and pinned), and the run's own upload server
(``upload_origin``, loopback, reachable only under its random path token).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .sync import run_sync

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss"})
SUBRESOURCE_SCHEMES = frozenset({"data", "blob", "about"})
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


# Hosts only Chromium itself calls (form-field predictions, Safe Browsing, updates, optimisation hints, network
# time), never a web page: the launch flags switch this traffic off (launcher.CHROMIUM_ARGS); what still comes is
# refused without being listed among the page's blocked requests, which are the page's own.
BROWSER_SERVICE_HOSTS = frozenset({
    "content-autofill.googleapis.com", "safebrowsing.googleapis.com", "sb-ssl.google.com",
    "update.googleapis.com", "clients2.google.com", "clients2.googleusercontent.com",
    "clientservices.googleapis.com", "optimizationguide-pa.googleapis.com", "redirector.gvt1.com",
    "edgedl.me.gvt1.com", "android.clients.google.com",
})


def is_browser_service(host: str) -> bool:
    """Whether ``host`` is one Chromium calls on its own behalf (:data:`BROWSER_SERVICE_HOSTS`)."""
    return host.lower().rstrip(".") in BROWSER_SERVICE_HOSTS


class Blocked(Exception):
    """The guard refused a URL or an address; the message says why, in words a user understands."""


# --- addresses ----------------------------------------------------------------------------------------------


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # ::a.b.c.d, the deprecated IPv4-compatible form
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public internet address (``"loopback"``, ``"private"``...), or ``None`` if it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = address_problem(embedded)
            return f"{inner} (IPv4 inside IPv6)" if inner else None
        if ip.teredo is not None:
            server, client = ip.teredo
            inner = address_problem(server) or address_problem(client)
            if inner:
                return f"{inner} (Teredo)"
        if ip.is_site_local:
            return "site-local"
        if ip in NAT64_LOCAL:
            return "private"
    checks = (
        ("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared (CGNAT)", isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT),
        ("private", ip.is_private), ("reserved", ip.is_reserved), ("not globally routable", not ip.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


def _ipv4_number(part: str) -> int | None:
    """One dotted part as the WHATWG URL parser reads it: decimal, ``0x`` hex or leading-zero octal."""
    try:
        if part.lower().startswith("0x"):
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a URL host names literally — ``[v6]``, dotted quads and the WHATWG IPv4 shorthands
    (``2130706433``, ``0x7f.1``, ``127.1``) — or ``None`` for a domain name."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    parts = host.split(".")
    if not host or not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if any(number is None for number in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    value = values[-1]
    for index, number in enumerate(values[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (A and AAAA)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# --- URLs ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """Where a URL leads: its scheme, host (lower case, IPv6 without brackets), port and path."""

    scheme: str
    host: str
    port: int
    path: str


def endpoint(url: str) -> Endpoint:
    """The endpoint of a network URL; :class:`Blocked` for other schemes or a URL without a usable host."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in NETWORK_SCHEMES:
        raise Blocked(f"the {scheme or 'missing'}: scheme is not allowed (only http and https)")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Blocked("the address has no host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise Blocked("the address has an invalid port") from exc
    return Endpoint(scheme, host.lower(), port, parts.path or "/")


def _split_host_entry(entry: str) -> tuple[str, str]:
    """``host``, ``host:port``, ``[v6]``, ``[v6]:port`` or a bare IPv6 address as (host, port or "")."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, rest.removeprefix(":")
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, port
    return entry, ""


@dataclass(frozen=True)
class NetworkPolicy:
    """What the audited page may reach (see the module docstring).

    ``allowed_hosts``: host names or addresses an administrator allowed although they are internal, each as
    ``host`` (any port) or ``host:port`` (``[v6]:port`` for IPv6). ``upload_origin``/``upload_token``: the run's
    upload server, ``http://127.0.0.1:<port>`` reachable only under ``/<token>/``.
    """

    allowed_hosts: tuple[str, ...] = ()
    upload_origin: str = ""
    upload_token: str = ""

    def host_allowed(self, host: str, port: int) -> bool:
        host = host.lower().strip("[]")
        for entry in self.allowed_hosts:
            name, entry_port = _split_host_entry(entry.strip().lower())
            if name and name == host and (not entry_port or entry_port == str(port)):
                return True
        return False

    def is_upload(self, point: Endpoint) -> bool:
        if not (self.upload_origin and self.upload_token):
            return False
        upload = urlsplit(self.upload_origin)
        return (point.scheme == "http" and point.host == upload.hostname and point.port == upload.port
                and point.path.startswith(f"/{self.upload_token}/"))

    def check_scheme(self, url: str, *, top_level: bool) -> str | None:
        """``"pass"`` for ``data:``/``blob:``/``about:`` sub-resources that need no network, ``None`` when the
        URL must go on to the address check; :class:`Blocked` for everything else."""
        scheme = urlsplit(url).scheme.lower()
        if scheme in SUBRESOURCE_SCHEMES:
            if top_level and url != "about:blank":
                raise Blocked(f"a {scheme}: URL cannot be the audited page")
            return "pass"
        endpoint(url)
        return None

    async def resolve(self, host: str, port: int, resolver: Resolver = system_resolver) -> str:
        """The one address to connect to for ``host:port``, checked: every address the host resolves to must be
        public unless an administrator allowed the host. :class:`Blocked` otherwise."""
        literal = parse_ip_host(host)
        allowed = self.host_allowed(host, port)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                addresses = await resolver(host, port)
            except OSError as exc:
                raise Blocked(f"{host} does not resolve") from exc
            if not addresses:
                raise Blocked(f"{host} does not resolve")
        if not allowed:
            for address in addresses:
                problem = address_problem(ipaddress.ip_address(address.split("%", 1)[0]))
                if problem:
                    shown = host if literal is not None else f"{host} ({address})"
                    raise Blocked(f"{shown} is a {problem} address; an administrator can allow the host "
                                  f"(GOVCX_AUDIT_ALLOWED_HOSTS)")
        return addresses[0]

    async def check_url(self, url: str, *, top_level: bool = True, resolver: Resolver = system_resolver) -> None:
        """Refuse ``url`` (:class:`Blocked`) unless the audited page may load it (see the module docstring)."""
        if self.check_scheme(url, top_level=top_level) == "pass":
            return
        point = endpoint(url)
        if self.is_upload(point):
            return
        await self.resolve(point.host, point.port, resolver)


def check_start_urls(urls: Sequence[str], allowed_hosts: Sequence[str] = ()) -> None:
    """Refuse (:class:`Blocked`, naming the URL) the first start URL the guard would not let the browser open;
    for callers outside an event loop (the web app, the CLI) before a run is queued."""
    policy = NetworkPolicy(allowed_hosts=tuple(allowed_hosts))

    async def check_all() -> None:
        for url in urls:
            try:
                await policy.check_url(url)
            except Blocked as exc:
                raise Blocked(f"{url}: {exc}") from exc

    run_sync(check_all())
