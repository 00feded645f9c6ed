"""The preview's HTTP side: the built files, the live-reload script and its event stream.

Only files inside the preview folder are served (``..``, encoded slashes and links that point
outside get a 404). HTML responses get a one-line script that listens on a Server-Sent Events
stream and reloads the page when a new build is published; the files on disk never carry it.
While the repo has errors, every HTML request gets a page listing them instead of a stale page.

Any web page the writer has open can make the browser send requests here; with DNS rebinding
(its own host name resolving to 127.0.0.1) it could also read the answers. So a request must
name the server by an address or by one of its own names (``Host``), or it gets 421. Each
connection has a deadline for sending its request, and an over-long one gets 414 or 431.
"""

from __future__ import annotations

import html
import io
import ipaddress
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

PREFIX = "/__gitstatus/"
EVENTS_PATH = PREFIX + "events"
SCRIPT_PATH = PREFIX + "live-reload.js"
KEEPALIVE = 15.0
REQUEST_TIMEOUT = 20.0
"""Seconds a client has to send its request line and headers; a silent or trickling one is dropped."""
SOCKET_TIMEOUT = 60.0
"""Seconds any one read or write may wait; longer than KEEPALIVE, so the event stream's pauses are fine."""
MAX_TARGET = 8192
"""Longest request path (414 past it); the standard library allows 64 KiB per line (414 and 431 past it)."""
_HOST_RE = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[^\s:\[\]/@\\]+)(?::\d{1,5})?")
WILDCARDS = ("", "0.0.0.0", "::")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".ics": "text/calendar; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
}

LIVE_RELOAD_JS = b"""\
(function () {
  var me = document.currentScript, version = me && me.getAttribute("data-version");
  var source = new EventSource("/__gitstatus/events");
  function check(event) {
    if (event.data !== version) { source.close(); location.reload(); }
  }
  source.addEventListener("hello", check);
  source.addEventListener("reload", check);
})();
"""


@dataclass(frozen=True)
class Snapshot:
    """The outcome of one build, as the server shows it."""

    version: str
    ok: bool
    problems: tuple[str, ...] = ()
    """``path:line:col: CODE message`` lines when the build failed."""


class Hub:
    """The latest snapshot, and a way for event streams to wait for the next one."""

    def __init__(self, first: Snapshot) -> None:
        self.snapshot = first
        self.stopped = False
        self._cond = threading.Condition()

    def publish(self, snapshot: Snapshot) -> None:
        with self._cond:
            self.snapshot = snapshot
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self.stopped = True
            self._cond.notify_all()

    def wait(self, version: str, timeout: float) -> Snapshot:
        with self._cond:
            self._cond.wait_for(lambda: self.stopped or self.snapshot.version != version, timeout)
            return self.snapshot


def allowed_hosts(host: str) -> frozenset[str]:
    """The host names a server bound to ``host`` answers to, besides IP addresses and ``*.localhost``.

    A name typed with ``--host`` is its own; bound to every address, the machine's host name (and
    its ``.local`` form) is too, as other machines on the network would call it.
    """
    names = {"localhost", host.lower().strip("[]").rstrip(".")}
    if host in WILDCARDS:
        machine = socket.gethostname().lower()
        names |= {machine, machine.split(".")[0] + ".local"}
    return frozenset(names - {""})


def host_allowed(header: str | None, names: frozenset[str]) -> bool:
    """True when a ``Host`` header names this server: an IP address, localhost, or one of ``names``.

    Any port is fine (an SSH tunnel or a container maps it); what a rebinding attack needs is its own
    host name, and that is never one of these. No header at all comes only from old non-browser clients.
    """
    if header is None:
        return True
    match = _HOST_RE.fullmatch(header.strip())
    if not match:
        return False
    name = match["name"].lower().rstrip(".")
    if name.startswith("["):
        return _is_address(name[1:-1], ipaddress.IPv6Address)
    return _is_address(name, ipaddress.IPv4Address) or name in names or name.endswith(".localhost")


def _is_address(text: str, kind: type[ipaddress.IPv4Address] | type[ipaddress.IPv6Address]) -> bool:
    try:
        kind(text)
    except ValueError:
        return False
    return True


def is_loopback(address: str) -> bool:
    """True when a bound address is reachable from this machine only."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def safe_target(out: Path, request_path: str) -> tuple[Path, list[str]] | None:
    """The file or folder under ``out`` a request path names, with its decoded segments; ``None`` to refuse.

    Refused: ``..`` (also percent-encoded), encoded slashes and backslashes, NUL, and anything whose
    real path (symlinks followed) lies outside ``out``.
    """
    path = request_path
    if path.lower().startswith(("http://", "https://")):
        path = urlsplit(path).path
    path = path.split("?", 1)[0].split("#", 1)[0]
    lowered = path.lower()
    if "%2f" in lowered or "%5c" in lowered or "\\" in path or "%00" in lowered:
        return None
    try:
        segments = [s for s in unquote(path, errors="strict").split("/") if s and s != "."]
    except UnicodeDecodeError:
        return None
    if any(s == ".." or "\x00" in s or "\\" in s for s in segments):
        return None
    base = out.resolve()
    try:
        target = base.joinpath(*segments).resolve()
    except (OSError, RuntimeError):
        return None
    if target != base and base not in target.parents:
        return None
    return target, segments


def inject(page: bytes, version: str) -> bytes:
    """The page with the live-reload script before its last ``</body>`` (or at the end)."""
    tag = f'<script src="{SCRIPT_PATH}" data-version="{version}"></script>\n'.encode()
    at = page.lower().rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def error_page(snapshot: Snapshot) -> bytes:
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in snapshot.problems)
    count = len(snapshot.problems)
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{count} problem{'' if count == 1 else 's'} · gitstatus preview</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }}
h1 {{ color: #b42318; font-size: 1.5rem; }}
ul {{ padding: 0; list-style: none; }}
li {{ margin: .5rem 0; padding: .5rem .75rem; border-left: 4px solid #b42318; background: #fef3f2; }}
code {{ white-space: pre-wrap; word-break: break-word; color: #1d1d1f; }}
</style>
</head>
<body>
<main>
<h1>The status page cannot be built</h1>
<p>Fix {'this problem' if count == 1 else f'these {count} problems'} and save:
this page returns to the site by itself.</p>
<ul>
{items}
</ul>
</main>
</body>
</html>
"""
    return inject(page.encode("utf-8"), snapshot.version)


MISDIRECTED = b"""\
This is a gitstatus preview. It answers only to the names and addresses it listens on (such as
127.0.0.1 or localhost), not to another host name: a web page may be trying to read it through
DNS rebinding. Open the address that 'gitstatus serve' printed instead.
"""


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], out: Path, hub: Hub | None = None) -> None:
        self.out = out
        self.hub = hub
        self.allowed_hosts = allowed_hosts(address[0])
        super().__init__(address, RequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        err = sys.exc_info()[1]
        if isinstance(err, (ConnectionError, TimeoutError)):
            return  # a browser that went away mid-response
        print(f"gitstatus serve: error while answering a request: {err!r}", file=sys.stderr)


class _DeadlineReader(io.RawIOBase):
    """The socket's input, read with a deadline while ``deadline`` is set: a per-read timeout alone
    would let a client that sends a byte now and then keep its thread forever."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request was not sent in time")
            self.sock.settimeout(min(left, SOCKET_TIMEOUT))
        return self.sock.recv_into(buffer)


class RequestHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "gitstatus-preview"
    timeout = SOCKET_TIMEOUT

    def log_message(self, format: str, *args: object) -> None:  # the base class's parameter names
        pass

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the plain reader; the connection itself stays open
        self.reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        """One request; the base class drops the connection when the deadline passes (TimeoutError)."""
        self.reader.deadline = time.monotonic() + REQUEST_TIMEOUT
        super().handle_one_request()

    def parse_request(self) -> bool:
        """The base class's parsing, then this server's limits: the deadline ends, path length, Host."""
        if not super().parse_request():
            return False
        self.reader.deadline = None
        self.connection.settimeout(SOCKET_TIMEOUT)
        if len(self.path) > MAX_TARGET:
            self.send_error(414, f"The path is longer than {MAX_TARGET} characters")
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            self.send_error(400, "More than one Host header")
            return False
        if not host_allowed(hosts[0] if hosts else None, self.server.allowed_hosts):
            self.close_connection = True
            self.send(421, "text/plain; charset=utf-8", MISDIRECTED, self.command == "HEAD")
            return False
        return True

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def do_GET(self) -> None:
        self.respond(head=False)

    def respond(self, head: bool) -> None:
        hub = self.server.hub
        assert hub is not None
        snapshot = hub.snapshot
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH and not head:
            self.stream_events(hub)
            return
        if path == SCRIPT_PATH:
            self.send(200, CONTENT_TYPES[".js"], LIVE_RELOAD_JS, head)
            return
        found = safe_target(self.server.out, self.path)
        if found is None:
            self.not_found(snapshot, head, html_wanted=False)
            return
        target, segments = found
        try:
            is_dir = target.is_dir()
        except OSError:  # e.g. a name longer than the file system allows: no such page
            is_dir = False
        if is_dir:
            if not path.endswith("/"):
                location = "/" + "/".join(quote(s) for s in segments) + "/"
                self.send(301, "text/plain; charset=utf-8", b"", head, {"Location": location})
                return
            target = target / "index.html"
        is_html = target.suffix in (".html", "")
        if is_html and not snapshot.ok:
            self.send(500, CONTENT_TYPES[".html"], error_page(snapshot), head)
            return
        try:
            data = target.read_bytes() if target.is_file() else None
        except OSError:
            data = None
        if data is None:
            self.not_found(snapshot, head, html_wanted=is_html)
            return
        content_type = CONTENT_TYPES.get(target.suffix.lower(), "application/octet-stream")
        if target.suffix.lower() == ".html":
            data = inject(data, snapshot.version)
        self.send(200, content_type, data, head)

    def not_found(self, snapshot: Snapshot, head: bool, html_wanted: bool) -> None:
        if html_wanted and not snapshot.ok:
            self.send(500, CONTENT_TYPES[".html"], error_page(snapshot), head)
            return
        try:
            page = inject((self.server.out / "404.html").read_bytes(), snapshot.version)
        except OSError:
            self.send(404, "text/plain; charset=utf-8", b"Not found\n", head)
            return
        self.send(404, CONTENT_TYPES[".html"], page, head)

    def send(self, code: int, content_type: str, data: bytes, head: bool,
             headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def stream_events(self, hub: Hub) -> None:
        """``hello`` with the current version, then ``reload`` with each new one, until either side leaves."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        snapshot = hub.snapshot
        try:
            self.wfile.write(f"retry: 1000\nevent: hello\ndata: {snapshot.version}\n\n".encode())
            self.wfile.flush()
            while not hub.stopped:
                latest = hub.wait(snapshot.version, KEEPALIVE)
                if hub.stopped:
                    break
                if latest.version == snapshot.version:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    snapshot = latest
                    self.wfile.write(f"event: reload\ndata: {snapshot.version}\n\n".encode())
                self.wfile.flush()
        except (ConnectionError, TimeoutError, OSError):
            pass
        self.close_connection = True


def make_server(host: str, port: int, out: Path) -> PreviewServer:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("PreviewServer", (PreviewServer,), {"address_family": family})
    return server_class((host, port), out)  # type: ignore[no-any-return]


def server_url(host: str, port: int) -> str:
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"
