"""The preview server against hostile web pages and clients: host names, slow and over-long requests.

A web page the writer visits can make the browser send requests to the preview with its own host
name (DNS rebinding: evil.example resolving to 127.0.0.1) and read the answers; the server must
answer only to its own names. A client that never finishes its request must not hold a thread
forever, and an absurd request gets an HTTP error, not a closed connection. Real sockets talk to a
real server on 127.0.0.1: the ``gitstatus serve`` subprocess of the server tests, or, where a test
needs a shorter timeout than a person would want, the same server class started in this process.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gitstatus.preview import http as preview_http

from .conftest import API_SLOW_INVESTIGATING as INCIDENT
from .conftest import GITSTATUS, WAIT, Preview
from .conftest import PREVIEW_NOW as NOW


@pytest.fixture(name="preview")
def preview_fixture(make_repo: Callable[..., Path]) -> Iterator[Preview]:
    server = Preview(make_repo({"incidents/2026-06-11-api-slow.md": INCIDENT}))
    try:
        yield server
    finally:
        code, log = server.stop()
        assert code == 0 and "Traceback" not in log and "error while answering" not in log, log


def exchange(port: int, request: bytes, timeout: float = WAIT) -> bytes:
    """Send ``request`` as it is and read the whole answer (the server closes after one)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def get(port: int, path: str = "/", host: str | None = "127.0.0.1", extra: str = "") -> tuple[int, bytes]:
    head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "") + extra + "\r\n"
    answer = exchange(port, head.encode("latin-1"))
    assert answer, f"an empty reply to {head[:80]!r}"
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


# --- host names (DNS rebinding) ---------------------------------------------------------------------

@pytest.mark.parametrize("host", [
    "evil.example", "evil.example:{port}", "localhost.evil.example:{port}", "127.0.0.1.evil.example",
    "EVIL.example:{port}", "evil.example:{port}:{port}", "[evil]:{port}", "", "127.0.0.1@evil.example",
])
def test_foreign_host_names_are_refused(preview: Preview, host: str) -> None:
    status, body = get(preview.port, "/", host.format(port=preview.port))
    assert status == 421
    assert b"API responding slowly" not in body and b"DNS rebinding" in body
    status, body = get(preview.port, "/__gitstatus/events", host.format(port=preview.port))
    assert status == 421 and b"event:" not in body


@pytest.mark.parametrize("host", [
    "127.0.0.1:{port}", "127.0.0.1", "localhost:{port}", "LocalHost:{port}", "localhost.:{port}",
    "[::1]:{port}", "preview.localhost:{port}", "192.0.2.7:8080", "[2001:db8::1]", None,
])
def test_own_host_names_and_addresses_are_answered(preview: Preview, host: str | None) -> None:
    status, body = get(preview.port, "/", host.format(port=preview.port) if host is not None else None)
    assert status == 200 and b"API responding slowly" in body


def test_two_host_headers_are_a_bad_request(preview: Preview) -> None:
    status, _ = get(preview.port, "/", "127.0.0.1", extra="Host: evil.example\r\n")
    assert status == 400


def test_names_the_server_answers_to() -> None:
    assert "localhost" in preview_http.allowed_hosts("127.0.0.1")
    assert "status-preview.test" in preview_http.allowed_hosts("status-preview.test")
    machine = socket.gethostname().lower()
    assert machine in preview_http.allowed_hosts("0.0.0.0")
    assert machine in preview_http.allowed_hosts("::")
    assert machine not in preview_http.allowed_hosts("127.0.0.1") or machine == "localhost"


# --- over-long requests ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "expected"), [
    ("/" + "a" * 300, 404),               # one segment longer than a file name may be
    ("/" + "a" * 5000 + ".html", 404),
    ("/" + "a/" * 2500, 404),
    ("/" + "a" * 10_000, 414),
    ("/" + "a" * 100_000, 414),
])
def test_long_paths_get_an_http_answer(preview: Preview, path: str, expected: int) -> None:
    assert get(preview.port, path)[0] == expected


def test_long_or_many_headers_get_431(preview: Preview) -> None:
    assert get(preview.port, "/", "a" * 100_000)[0] == 431
    assert get(preview.port, "/", "127.0.0.1", extra="X-Long: " + "b" * 100_000 + "\r\n")[0] == 431
    assert get(preview.port, "/", "127.0.0.1", extra="".join(f"X-{n}: 1\r\n" for n in range(150)))[0] == 431
    assert get(preview.port, "/", "a" * 10_000)[0] == 421  # long, but within limits: just not our name


# --- slow clients --------------------------------------------------------------------------------------------

@pytest.fixture
def quick_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, preview_http.Hub]]:
    """The preview's HTTP server in this process, with a one-second deadline for requests."""
    monkeypatch.setattr(preview_http, "REQUEST_TIMEOUT", 1.0)
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("<html><body>hello</body></html>")
    server = preview_http.make_server("127.0.0.1", 0, out)
    hub = preview_http.Hub(preview_http.Snapshot("v-1", True))
    server.hub = hub
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hub
    finally:
        hub.stop()
        server.shutdown()
        server.server_close()
        thread.join(WAIT)


def closed_after(sock: socket.socket, trickle: bytes = b"") -> float:
    """Seconds until the server closes ``sock``, sending ``trickle`` a byte at a time meanwhile."""
    started = time.monotonic()
    sock.settimeout(0.2)
    sent = 0
    while time.monotonic() - started < 10:
        if sent < len(trickle):
            try:
                sock.sendall(trickle[sent:sent + 1])
            except OSError:
                return time.monotonic() - started
            sent += 1
        try:
            if sock.recv(65536) == b"":
                return time.monotonic() - started
        except TimeoutError:
            continue
        except OSError:
            return time.monotonic() - started
    raise AssertionError("the server kept the connection open for 10 s")


def test_a_silent_client_is_dropped(quick_server: tuple[int, preview_http.Hub]) -> None:
    port, _ = quick_server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        assert closed_after(sock) < 5


def test_a_trickling_client_is_dropped(quick_server: tuple[int, preview_http.Hub]) -> None:
    port, _ = quick_server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n")
        assert closed_after(sock, trickle=b"X-Slow: " + b"z" * 200) < 5


def test_the_event_stream_outlives_the_request_deadline(quick_server: tuple[int, preview_http.Hub]) -> None:
    port, hub = quick_server
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(b"GET /__gitstatus/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        reader = sock.makefile("rb")
        assert reader.readline().startswith(b"HTTP/1.0 200")
        while b"data: v-1" not in reader.readline():
            pass
        time.sleep(2.5)  # well past the request deadline
        hub.publish(preview_http.Snapshot("v-2", True))
        while (line := reader.readline()) != b"data: v-2\n":
            assert line, "the stream was closed"
    status, body = get(port, "/")
    assert status == 200 and b"hello" in body  # and the server still answers


# --- listening on the network ------------------------------------------------------------------------------

def serve_log(root: Path, *args: str) -> str:
    """The output of ``gitstatus serve`` up to its 'Serving' line; the server is stopped then."""
    with subprocess.Popen([*GITSTATUS, "serve", "--root", str(root), "--port", "0", "--now", NOW, *args],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"}) as proc:
        assert proc.stdout is not None
        lines = []
        try:
            for line in proc.stdout:
                lines.append(line)
                if "Serving the preview" in line:
                    break
        finally:
            proc.send_signal(signal.SIGINT)
            lines += proc.stdout.read().splitlines(keepends=True)
            assert proc.wait(timeout=WAIT) == 0
    return "".join(lines)


def test_listening_beyond_this_machine_warns(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"incidents/2026-06-11-api-slow.md": INCIDENT})
    log = serve_log(root, "--host", "0.0.0.0")
    assert re.search(r"gitstatus: warning: the preview listens on 0\.0\.0\.0, .*reach this machine", log), log
    assert "warning" not in serve_log(root, "--host", "127.0.0.1")
