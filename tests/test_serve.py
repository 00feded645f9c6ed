"""``gitstatus serve`` end to end: the real command in a subprocess, read with plain HTTP clients.

Each test starts ``gitstatus serve --port 0`` on a temporary status repo, reads the URL it
prints, listens to its Server-Sent Events stream in a thread, changes files and watches the
page follow. Raw sockets send the request paths a browser would normalise away.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from gitstatus.preview import http as preview_http
from gitstatus.preview import serve

from .conftest import API_SLOW_INVESTIGATING as INCIDENT
from .conftest import WAIT, Preview, run_gitstatus


def test_serves_the_site_with_the_live_reload_script(preview: Preview) -> None:
    status, headers, body = preview.get("/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "API responding slowly" in body
    assert f'<script src="/__gitstatus/live-reload.js" data-version="{preview.version}"></script>\n</body>' in body
    status, headers, script = preview.get("/__gitstatus/live-reload.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert 'EventSource("/__gitstatus/events")' in script
    # the files themselves never carry the script, and feeds use the server's own URL
    built = preview.out / "index.html"
    assert built.is_file() and "__gitstatus" not in built.read_text(encoding="utf-8")
    assert preview.url + "history.atom" in preview.get("/history.atom")[2]
    assert not (preview.root / "site").exists()  # the writer's own output folder is never touched


def test_a_saved_change_reloads_and_shows_the_new_content(preview: Preview) -> None:
    path = preview.root / "incidents/2026-06-11-api-slow.md"
    preview.change(lambda: path.write_text(INCIDENT + "\n## 2026-06-11 14:40 UTC — Identified\n\nThe pool is full.\n"))
    status, _, body = preview.get("/incidents/2026-06-11-api-slow.html")
    assert status == 200 and "The pool is full." in body
    assert f'data-version="{preview.version}"' in body
    preview.wait_for_log(r"Rebuilt in [\d.]+ s \(incidents/2026-06-11-api-slow\.md changed\)")
    new = preview.root / "incidents/2026-06-11-new-one.md"
    preview.change(lambda: new.write_text(INCIDENT.replace("API responding slowly", "A brand new one")))
    assert "A brand new one" in preview.get("/")[2]
    preview.change(new.unlink)
    assert preview.get("/incidents/2026-06-11-new-one.html")[0] == 404


def test_errors_show_on_every_html_page_until_fixed(preview: Preview) -> None:
    path = preview.root / "incidents/2026-06-11-api-slow.md"
    good = path.read_text()
    preview.change(lambda: path.write_text(good.replace("Investigating", "<b>Fixd</b>")))
    for page in ("/", "/index.html", "/incidents/2026-06-11-api-slow.html", "/history/", "/no-such-page"):
        status, headers, body = preview.get(page)
        assert status == 500 and headers["content-type"] == "text/html; charset=utf-8", page
        assert "incidents/2026-06-11-api-slow.md:7:27: E204 unknown status &#x27;&lt;b&gt;Fixd&lt;/b&gt;&#x27;" in body
        assert "<b>Fixd" not in body
        assert f'data-version="{preview.version}"' in body  # the error page reloads itself too
    assert preview.get("/static/style.css")[0] == 200  # the last good build's assets are still served
    preview.wait_for_log("the browser lists them")
    preview.change(lambda: path.write_text(good))
    status, _, body = preview.get("/")
    assert status == 200 and "API responding slowly" in body


def test_the_server_survives_broken_settings_and_templates(preview: Preview) -> None:
    components = preview.root / "components.yaml"
    settings = components.read_text()
    preview.change(components.unlink)
    status, _, body = preview.get("/")
    assert status == 500 and "components.yaml" in body
    preview.change(lambda: components.write_text(settings))
    assert preview.get("/")[0] == 200

    template = preview.root / "theme/templates/index.html"
    preview.change(lambda: template.parent.mkdir(parents=True))  # a new theme/ is watched from now on
    preview.change(lambda: template.write_text("{% extends 'base.html' %}\n{% block main %}{% if %}{% endblock %}\n"))
    status, _, body = preview.get("/")
    assert status == 500 and "theme/templates/index.html:2" in body
    preview.change(lambda: template.write_text(
        "{% extends 'base.html' %}\n{% block main %}<p>Own index: {{ state.indicator.value }}</p>{% endblock %}\n"))
    status, _, body = preview.get("/")
    assert status == 200 and "<p>Own index: major</p>" in body
    preview.change(template.unlink)
    assert "Own index" not in preview.get("/")[2]


def test_editor_temporary_files_are_ignored(preview: Preview) -> None:
    folder = preview.root / "incidents"
    for name in (".2026-06-11-api-slow.md.swp", "2026-06-11-api-slow.md~", "#2026-06-11-api-slow.md#",
                 ".#2026-06-11-api-slow.md"):
        (folder / name).write_text("junk")
    path = folder / "2026-06-11-api-slow.md"
    preview.change(lambda: path.write_text(INCIDENT.replace("slow API", "very slow API")))
    line = preview.wait_for_log("Rebuilt .*changed")
    assert "(incidents/2026-06-11-api-slow.md changed)" in line
    assert not any("~" in line or ".swp" in line or "#" in line for line in preview.lines if "changed" in line)
    assert "very slow API" in preview.get("/")[2]


def test_paths_outside_the_site_are_not_served(preview: Preview, tmp_path: Path) -> None:
    secret = preview.out.parent / "secret.txt"  # next to the output folder
    secret.write_text("top secret")
    (preview.out / "inside.txt").symlink_to(secret)
    (preview.out / "outside-dir").symlink_to(preview.root, target_is_directory=True)
    for target in (
        "/../secret.txt", "/../../../../../../etc/passwd", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/etc/passwd",
        "/static/..%2f..%2fsecret.txt", "/static/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt",
        "/static/%252e%252e/secret.txt", "//etc/passwd", "/etc/passwd", str(secret), "/inside.txt",
        "/outside-dir/components.yaml", "/static/..\\..\\secret.txt", "/%00", "/%ff%fe",
        "http://example.com/../secret.txt",
    ):
        status, body = preview.raw(target)
        assert status == 404, target
        assert "top secret" not in body and "root:" not in body and "title: Test Status" not in body, target


def test_content_types_folders_and_not_found(preview: Preview) -> None:
    expected = {
        "/index.html": "text/html; charset=utf-8",
        "/static/style.css": "text/css; charset=utf-8",
        "/static/local-time.js": "text/javascript; charset=utf-8",
        "/static/favicon.svg": "image/svg+xml",
        "/api/v2/summary.json": "application/json",
        "/sitemap.xml": "application/xml",
        "/history.atom": "application/atom+xml",
        "/history.rss": "application/rss+xml",
        "/maintenance.ics": "text/calendar; charset=utf-8",
    }
    for path, content_type in expected.items():
        status, headers, _ = preview.get(path)
        assert (status, headers["content-type"]) == (200, content_type), path
        assert headers["cache-control"] == "no-store"
    status, headers, body = preview.get("/history")
    assert status == 301 and headers["location"] == "/history/"
    status, headers, body = preview.get("/history/")
    assert status == 200 and "<html" in body
    status, headers, body = preview.get("/no/such/page.html")
    assert status == 404 and "Page not found" in body and "/__gitstatus/live-reload.js" in body
    status, headers, body = preview.get("/index.html", method="HEAD")
    assert status == 200 and body == "" and int(headers["content-length"]) > 0


def test_a_busy_port_is_a_clear_error(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_gitstatus("serve", "--root", root, "--port", str(port), timeout=WAIT)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


# --- the pure parts ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "kind"), [
    ("components.yaml", "components"),
    ("incidents", "incident"),
    ("incidents/2026-06-11-x.md", "incident"),
    ("incidents/.2026-06-11-x.md.swp", None),
    ("incidents/2026-06-11-x.md~", None),
    ("incidents/#2026-06-11-x.md#", None),
    ("incidents/.#2026-06-11-x.md", None),
    ("incidents/.2026-06-11-x.md.1a2b3c4d.tmp", None),
    ("incidents/4913", None),
    ("incidents/notes.txt", None),
    ("theme/templates/index.html", "theme"),
    ("theme/static/style.css", "theme"),
    ("theme/templates/.index.html.swp", None),
    ("site/index.html", None),
    (".git/index", None),
    ("README.md", None),
])
def test_classify(path: str, kind: str | None) -> None:
    assert serve.classify(path) == kind


def test_a_burst_of_saves_is_one_rebuild() -> None:
    batches: list[list[str]] = []
    done = threading.Event()
    debouncer = serve.Debouncer(lambda batch: (batches.append(batch), done.set()))
    debouncer.thread.start()
    for n in range(20):
        debouncer.add(f"incidents/{n % 4}.md")
    assert done.wait(WAIT)
    debouncer.stop()
    assert batches == [[f"incidents/{n}.md" for n in range(4)]]


def test_inject_only_adds_the_script() -> None:
    page = b"<html><body><p>x</p></BODY></html>"
    assert preview_http.inject(page, "v-1") == (b'<html><body><p>x</p><script src="/__gitstatus/live-reload.js" '
                                         b'data-version="v-1"></script>\n</BODY></html>')
    assert preview_http.inject(b"no body", "v").startswith(b"no body<script")
