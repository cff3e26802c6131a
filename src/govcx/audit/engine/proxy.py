"""The pinning proxy: the audit browser's only way onto the network.

Each browser context is given its own proxy (``http://127.0.0.1:<port>``, loopback included in what is proxied:
Playwright's ``<-loopback>`` bypass rule). For every connection the proxy asks the :class:`NetworkPolicy` for
the one checked address of the host and connects to exactly that address: the name is resolved once, here, so
neither DNS rebinding nor Chromium's resolver (``--host-resolver-rules``) can point the browser elsewhere.

- ``CONNECT host:port`` (https, wss, and ws — Chromium tunnels WebSockets): checked, then a blind tunnel; TLS
  stays end to end between Chromium and the server (the certificate is checked against the name).
- ``GET http://host/path`` (plain http): checked with its path (the upload server's token), sent upstream with
  ``Connection: close``; the response goes back with ``Connection: close`` too, so one client connection
  carries one request and every request is checked.

A refused request gets ``403`` and is reported through ``on_block(url, reason)``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from urllib.parse import urlsplit

from .netguard import Blocked, NetworkPolicy, Resolver, endpoint, is_browser_service, system_resolver

HEAD_LIMIT = 64 * 1024
HOP_BY_HOP = frozenset({b"connection", b"proxy-connection", b"keep-alive", b"proxy-authorization", b"te",
                        b"trailer", b"upgrade"})
CONNECT_TIMEOUT_S = 15.0


class PinningProxy:
    """An HTTP proxy on 127.0.0.1 that enforces ``policy`` on every connection (see the module docstring)."""

    def __init__(self, policy: NetworkPolicy, on_block: Callable[[str, str], None] | None = None,
                 resolver: Resolver = system_resolver) -> None:
        self.policy = policy
        self.on_block = on_block
        self.resolver = resolver
        self.connected: list[tuple[str, int, str]] = []  # (host, port, address it was pinned to)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=HEAD_LIMIT)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            await self._handle(head, reader, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if task is not None:
                self._tasks.discard(task)
            writer.close()

    async def _pinned(self, url: str, host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        address = await self.policy.resolve(host, port, self.resolver)
        self.connected.append((host, port, address))
        return await asyncio.wait_for(asyncio.open_connection(address, port), CONNECT_TIMEOUT_S)

    async def _refuse(self, writer: asyncio.StreamWriter, url: str, reason: str) -> None:
        if self.on_block is not None and not is_browser_service(urlsplit(url).hostname or ""):
            self.on_block(url, reason)
        body = f"blocked by the audit network guard: {reason}\n".encode()
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        with contextlib.suppress(ConnectionError):
            await writer.drain()

    async def _handle(self, head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line, _, header_block = head.partition(b"\r\n")
        parts = request_line.decode("latin-1").split(" ")
        if len(parts) != 3:
            return
        method, target, version = parts
        if method.upper() == "CONNECT":
            host, _, port_text = target.rpartition(":")
            host = host.strip("[]")
            url = f"https://{target}"
            if is_browser_service(host):
                await self._refuse(writer, url, "the browser's own background traffic")
                return
            try:
                upstream_reader, upstream_writer = await self._pinned(url, host, int(port_text))
            except (Blocked, ValueError) as exc:
                await self._refuse(writer, url, str(exc) or "invalid target")
                return
            except (OSError, TimeoutError):
                writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await _pipe_both(reader, writer, upstream_reader, upstream_writer)
            return
        try:
            point = endpoint(target)
            if is_browser_service(point.host):
                raise Blocked("the browser's own background traffic")
            if point.scheme != "http":
                raise Blocked(f"{point.scheme}: cannot be proxied in the clear")
            if self.policy.is_upload(point):
                upstream_reader, upstream_writer = await asyncio.wait_for(
                    asyncio.open_connection(point.host, point.port), CONNECT_TIMEOUT_S)
            else:
                upstream_reader, upstream_writer = await self._pinned(target, point.host, point.port)
        except Blocked as exc:
            await self._refuse(writer, target, str(exc))
            return
        except (OSError, TimeoutError) as exc:
            body = f"cannot connect to {target}: {exc.strerror or type(exc).__name__}\n".encode()
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            return
        split = urlsplit(target)
        path = (split.path or "/") + (f"?{split.query}" if split.query else "")
        headers = [line for line in header_block.split(b"\r\n") if line and
                   line.split(b":", 1)[0].strip().lower() not in HOP_BY_HOP]
        upstream_writer.write(f"{method} {path} {version}\r\n".encode("latin-1") + b"\r\n".join(headers)
                              + b"\r\nConnection: close\r\n\r\n")
        await _relay_response(reader, writer, upstream_reader, upstream_writer)


async def _copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    with contextlib.suppress(OSError, RuntimeError):
        if sink.can_write_eof():
            sink.write_eof()


async def _pipe_both(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter,
                     upstream_reader: asyncio.StreamReader, upstream_writer: asyncio.StreamWriter) -> None:
    try:
        await asyncio.gather(_copy(client_reader, upstream_writer), _copy(upstream_reader, client_writer))
    finally:
        upstream_writer.close()


async def _relay_response(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter,
                          upstream_reader: asyncio.StreamReader, upstream_writer: asyncio.StreamWriter) -> None:
    """The request body goes up while the response comes down, its head rewritten to ``Connection: close``;
    done when the server closes (it was asked to)."""
    uploading = asyncio.ensure_future(_copy(client_reader, upstream_writer))
    try:
        head = await upstream_reader.readuntil(b"\r\n\r\n")
        status_line, _, header_block = head[:-4].partition(b"\r\n")
        headers = [line for line in header_block.split(b"\r\n") if line and
                   line.split(b":", 1)[0].strip().lower() not in HOP_BY_HOP]
        client_writer.write(b"\r\n".join([status_line, *headers, b"Connection: close", b"", b""]))
        while chunk := await upstream_reader.read(65536):
            client_writer.write(chunk)
            await client_writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        uploading.cancel()
        upstream_writer.close()
