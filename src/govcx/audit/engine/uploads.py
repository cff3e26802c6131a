"""Uploaded HTML files served to the audit browser from an isolated origin, never as ``file:``.

A page opened as ``file:`` shares its origin with every file of the machine and may navigate to them (script,
meta refresh, iframe). So each run that audits local files starts its own server: ``127.0.0.1`` on a random
port, every URL under a random token (``http://127.0.0.1:<port>/<token>/<n>/<name>``), serving the listed files
and nothing else (no directory listing, no sibling files, no ``..``), stopped when the run ends. The network
guard lets the browser reach exactly this origin and token (:class:`~govcx.audit.engine.netguard.NetworkPolicy`).
"""

from __future__ import annotations

import mimetypes
import secrets
import threading
from collections.abc import Iterable
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname


def file_path(url: str) -> Path:
    """The local path of a ``file:`` URL."""
    return Path(url2pathname(unquote(urlsplit(url).path)))


class _Handler(BaseHTTPRequestHandler):
    def __init__(self, *args: object, files: dict[str, Path], **kwargs: object) -> None:
        self.files = files
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
        self._answer(body=False)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._answer(body=True)

    def _answer(self, *, body: bool) -> None:
        path = self.files.get(urlsplit(self.path).path)
        try:
            data = path.read_bytes() if path is not None else b"not found\n"
        except OSError:
            path, data = None, b"not found\n"
        content_type = (mimetypes.guess_type(path.name)[0] if path is not None else None) or "text/plain"
        self.send_response(200 if path is not None else 404)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8" if content_type.startswith("text/")
                         else content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)


class UploadServer:
    """Serves ``file:`` targets over http on 127.0.0.1 for one run (see the module docstring)."""

    def __init__(self, file_urls: Iterable[str]) -> None:
        self.token = secrets.token_urlsafe(24)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, files={}))
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.served: dict[str, str] = {}  # file: URL -> http URL
        files: dict[str, Path] = {}
        folders: dict[Path, int] = {}
        for url in file_urls:
            path = file_path(url).resolve()
            folder = folders.setdefault(path.parent, len(folders) + 1)
            served_path = f"/{self.token}/{folder}/{quote(path.name)}"
            files[served_path] = path
            self.served[url] = self.origin + served_path
        self._server.RequestHandlerClass = partial(_Handler, files=files)
        self._thread = threading.Thread(target=self._server.serve_forever, name="govcx-audit-uploads",
                                        daemon=True)

    def __enter__(self) -> UploadServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def original(self, url: str) -> str:
        """The ``file:`` URL a served URL stands for (other URLs unchanged)."""
        for file_url, served in self.served.items():
            if url.split("#", 1)[0] == served:
                return file_url
        return url
