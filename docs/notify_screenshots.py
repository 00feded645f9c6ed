#!/usr/bin/env python3
"""What one incident's notifications look like on each kind of channel, for docs/notify.md.

    .venv/bin/python docs/notify_screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]
                                                [--messages FILE]

Makes a status repo in git in a temporary folder and runs the real ``gitstatus notify`` (the
command line, in a subprocess) over one incident's life: opened (a Markdown message with a
list and a link), an update, resolved. Its channels point at receivers on 127.0.0.1, which
keep exactly what each channel was sent:

- e-mail: apprise's ``mailto://`` to an SMTP server (aiosmtpd);
- Microsoft Teams (apprise's ``workflows://``, Power Automate) and Slack (``slack://``): apprise
  posts to Microsoft's and Slack's own hosts over HTTPS; the run's ``HTTPS_PROXY`` is a proxy on
  127.0.0.1 that answers the tunnel itself with a throw-away certificate (the URLs say
  ``verify=no``), so nothing leaves the machine and the payload is the one the service would get;
- apprise's ``json://`` and a ``format: webhook`` channel: an HTTP receiver.

Then it photographs, in Chromium, what can be rendered here by the service's own rules: the
e-mail's HTML part under its subject, sender and recipient, as a mail client shows it, and the
Teams Adaptive Cards drawn by Microsoft's renderer (the npm package ``adaptivecards``, installed
with npm into the temporary folder) with the Teams host config of Microsoft's card designer
(``adaptivecards-designer``). Slack has no renderer that runs offline, so its payload is only
printed. ``--messages`` writes every message received, per channel, as Markdown.
Needs Chromium, npm, openssl and the ``test`` extra (Playwright, aiosmtpd).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import email
import email.policy
import html
import http.server
import importlib.resources
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: The npm packages drawn with: Microsoft's Adaptive Cards renderer, the Markdown processor its
#: documentation names for TextBlocks, and the card designer whose Teams host config is used.
NPM_PACKAGES = ["adaptivecards@3.0.6", "markdown-it@15.0.3", "adaptivecards-designer@2.4.4"]
GIT_ENV = {"GIT_AUTHOR_NAME": "Status Writer", "GIT_AUTHOR_EMAIL": "writer@example.invalid",
           "GIT_COMMITTER_NAME": "Status Writer", "GIT_COMMITTER_EMAIL": "writer@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

COMPONENTS = """\
site:
  title: Acme Status
  url: https://status.acme.example/
  timezone: UTC
components:
  - id: api
    name: API
  - id: dashboard
    name: Dashboard
notify:
  - name: email
    url_env: MAIL_URL
    events: [opened, updated, resolved]
  - name: teams
    url_env: TEAMS_URL
    events: [opened, updated, resolved]
  - name: slack
    url_env: SLACK_URL
    events: [opened, updated, resolved]
  - name: json
    url_env: JSON_URL
    events: [opened, updated, resolved]
  - name: hook
    url_env: HOOK_URL
    format: webhook
    secret_env: HOOK_SECRET
    events: [opened, updated, resolved]
"""
INCIDENT = "incidents/2026-06-11-api-errors.md"
HEAD = "---\ntitle: API errors\nimpact: major\ncomponents: [api, dashboard]\n---\n"
UPDATES = [
    ("2026-06-11 14:05 UTC", """
## 2026-06-11 14:02 UTC — Investigating

Requests to the API **fail** for some customers:

- sign-in returns *HTTP 502*
- uploads time out after 30 s

Our cloud provider reports trouble too, see [its status page](https://status.cloud.example/).
"""),
    ("2026-06-11 14:35 UTC", """
## 2026-06-11 14:30 UTC — Identified

A bad deploy; we are rolling it back.
"""),
    ("2026-06-11 15:15 UTC", """
## 2026-06-11 15:10 UTC — Resolved

The rollback is done and errors are back to normal.
"""),
]
#: The addresses the chat services give; the hosts are answered by the proxy on 127.0.0.1.
SLACK_URL = "slack://T0EXAMPLE/B0EXAMPLE/XXXXXXXXXXXXXXXXXXXXXXXX/?verify=no"
TEAMS_URL = "workflows://prod-00.westeurope.logic.azure.com:443/0a1b2c3d4e5f/sigEXAMPLE/?verify=no"
TEAMS_HOST = urlsplit(TEAMS_URL).hostname or ""
HOOK_SECRET = "a-webhook-key"


# --- the receivers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """One HTTP request a channel made: where to, its headers and its exact body."""

    host: str
    path: str
    headers: Mapping[str, str]
    body: bytes


@dataclass
class Inbox:
    """Everything the receivers got, in order."""

    posts: list[Post] = field(default_factory=list)
    mails: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, host: str, path: str = "") -> list[Post]:
        return [p for p in self.posts if p.host == host and p.path.startswith(path)]


@contextlib.contextmanager
def http_receiver(inbox: Inbox, tls: ssl.SSLContext) -> Iterator[int]:
    """A server on 127.0.0.1 that records every POST, and is also an HTTPS proxy that answers tunnels itself.

    A ``CONNECT host:443`` is accepted, the tunnel's TLS is ended here with a throw-away certificate,
    and the requests in it are recorded under that host and answered ``ok`` (what Slack's webhooks
    answer; Teams' take any 200).
    """

    class Handler(http.server.BaseHTTPRequestHandler):
        host = "127.0.0.1"

        def do_CONNECT(self) -> None:
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            self.host = self.path.rsplit(":", 1)[0]
            wrapped = tls.wrap_socket(self.connection, server_side=True)
            self.connection = wrapped
            self.rfile = wrapped.makefile("rb")
            self.wfile = wrapped.makefile("wb")
            self.close_connection = False  # the requests in the tunnel come next, on this connection

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with inbox.lock:
                inbox.posts.append(Post(self.host, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def smtp_server(inbox: Inbox) -> Iterator[int]:
    """aiosmtpd on 127.0.0.1, keeping every message it accepts."""
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            inbox.mails.append(message)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def throwaway_tls(folder: Path) -> ssl.SSLContext:
    """A self-signed certificate for the proxy's tunnels (the channels' URLs say ``verify=no``)."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


# --- the incident, announced by the real command line ---------------------------------------------------


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=root,
                   env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def commit(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "change")


def run_incident(folder: Path, inbox: Inbox, http_port: int, smtp_port: int) -> list[str]:
    """Commit the incident step by step and run ``gitstatus notify`` after each; returns what it printed."""
    root, state = folder / "repo", folder / "notify-state.json"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, {"components.yaml": COMPONENTS, "incidents/.keep": ""})
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update({
        "MAIL_URL": f"mailto://127.0.0.1:{smtp_port}?from=status@acme.example&to=ops@acme.example&mode=insecure",
        "TEAMS_URL": TEAMS_URL, "SLACK_URL": SLACK_URL,
        "JSON_URL": f"json://127.0.0.1:{http_port}/json",
        "HOOK_URL": f"http://127.0.0.1:{http_port}/hook", "HOOK_SECRET": HOOK_SECRET,
        "HTTPS_PROXY": f"http://127.0.0.1:{http_port}", "https_proxy": f"http://127.0.0.1:{http_port}",
        "NO_PROXY": "", "no_proxy": "", "PYTHONWARNINGS": "ignore",  # urllib3 warns of verify=no on every request
    })
    env.pop("GITHUB_ACTIONS", None)
    env.pop("GITHUB_STEP_SUMMARY", None)
    outputs = []
    text = HEAD
    steps = [("2026-06-11 14:00 UTC", "")] + UPDATES  # the first run starts the record
    for now, update in steps:
        if update:
            text += update
            commit(root, {INCIDENT: text})
        proc = subprocess.run([sys.executable, "-m", "gitstatus", "notify", "--root", str(root), "--now", now,
                               "--state", str(state), "--retries", "0"],
                              env=env, capture_output=True, text=True, check=False)
        outputs.append(f"$ gitstatus notify --now '{now}'\n{proc.stdout}{proc.stderr}")
        if proc.returncode != 0:
            raise SystemExit(f"gitstatus notify failed:\n{outputs[-1]}")
    return outputs


# --- rendering ---------------------------------------------------------------------------------------------


def npm_install(folder: Path) -> Path:
    """The renderer's packages, in ``folder``; the designer is only read (its Teams host config), so its peers
    are not installed (``--legacy-peer-deps``) and no package's install script runs."""
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps",
                    "--loglevel=error", *NPM_PACKAGES], cwd=folder, check=True, capture_output=True)
    return folder / "node_modules"


def teams_host_config(modules: Path) -> dict[str, Any]:
    """Microsoft Teams' host config (light), as Microsoft's card designer ships it in its bundle."""
    bundle = (modules / "adaptivecards-designer/dist/adaptivecards-designer-standalone.js").read_text("utf-8")
    found = re.search(r'"\./src/hostConfigs/microsoft-teams-light\.json":.*?'
                      r"module\.exports = JSON\.parse\('((?:[^'\\]|\\.)*)'\)", bundle, re.S)
    if found is None:
        raise SystemExit("the Teams host config is not in adaptivecards-designer's bundle any more")
    loaded: dict[str, Any] = json.loads(ast.literal_eval("'" + found.group(1) + "'"))
    return loaded


MAIL_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
.mail {{ border-bottom: 6px solid #eef0f3; }}
.head {{ padding: 14px 20px 10px; border-bottom: 1px solid #dfe3e8; background: #f7f8fa; }}
.subject {{ font-size: 18px; font-weight: 600; margin-bottom: 6px; }}
.head div.field {{ color: #4a5360; }}
.head b {{ color: #1f2328; font-weight: 600; display: inline-block; width: 3.5em; }}
iframe {{ display: block; border: 0; width: 100%; }}
</style></head><body>{mails}</body></html>"""


def mail_page(mails: list[EmailMessage]) -> str:
    """Each message as a mail client shows it: its header fields, and its HTML part in a frame of its own."""
    parts = []
    for mail in mails:
        body = mail.get_body(("html",))
        assert body is not None, "the e-mail has no HTML part"
        content = body.get_content()
        head = "".join(f'<div class="field"><b>{name}:</b> {html.escape(str(mail[name]))}</div>'
                       for name in ("From", "To"))
        subject = html.escape(str(mail["Subject"]))
        parts.append(f'<div class="mail"><div class="head"><div class="subject">{subject}</div>{head}</div>'
                     f'<iframe sandbox="allow-same-origin" srcdoc="{html.escape(content)}"></iframe></div>')
    return MAIL_PAGE.format(mails="".join(parts))


TEAMS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
body { margin: 0; padding: 16px; background: #F6F6F6; }
.teams-inner-frame { margin-bottom: 16px; }
</style></head><body><div id="cards"></div></body></html>"""

RENDER_CARDS = """([cards, hostConfig]) => {
    AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
        result.outputHtml = markdownit().render(text);
        result.didProcess = true;
    };
    for (const content of cards) {
        const card = new AdaptiveCards.AdaptiveCard();
        card.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
        card.parse(content);
        const frame = document.createElement("div");
        frame.className = "teams-inner-frame";
        const host = document.createElement("div");
        host.className = "teams-card";
        host.appendChild(card.render());
        frame.appendChild(host);
        document.getElementById("cards").appendChild(frame);
    }
}"""


def apprise_icon(url: str) -> bytes | None:
    """apprise's notification icons (in the card) come from its own package, not from the network."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    icon = importlib.resources.files("apprise") / "assets" / "themes" / "default" / name
    return icon.read_bytes() if name.startswith("apprise-") and icon.is_file() else None


def photograph(chromium: str, out: Path, mails: list[EmailMessage], cards: list[dict[str, Any]],
               modules: Path) -> list[Path]:
    from playwright.sync_api import Route, sync_playwright

    def offline(route: Route) -> None:
        body = apprise_icon(route.request.url)
        if body is None:
            route.abort()
        else:
            route.fulfill(status=200, content_type="image/png", body=body)

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 640, "height": 400}, color_scheme="light",
                                          timezone_id="UTC", locale="en-US")
            context.route("**/*", offline)
            page = context.new_page()
            page.set_content(mail_page(mails))
            page.evaluate("""() => document.querySelectorAll('iframe').forEach(frame => {
                frame.style.height = frame.contentDocument.documentElement.scrollHeight + 'px'; })""")
            written.append(shoot(page, out / "notify-email.png"))

            page = context.new_page()
            page.set_content(TEAMS_PAGE)
            page.add_style_tag(path=str(modules / "adaptivecards-designer/dist/containers/teams-container-light.css"))
            page.add_script_tag(path=str(modules / "markdown-it/dist/browser/markdown-it.umd.min.js"))
            page.add_script_tag(path=str(modules / "adaptivecards/dist/adaptivecards.min.js"))
            page.evaluate(RENDER_CARDS, [cards, teams_host_config(modules)])
            page.wait_for_load_state("networkidle")
            page.wait_for_function("[...document.images].every(i => i.complete)")
            written.append(shoot(page, out / "notify-teams.png"))
            context.close()
        finally:
            browser.close()
    return written


def shoot(page: Any, target: Path) -> Path:
    height = page.evaluate("document.scrollingElement.scrollHeight")
    page.screenshot(path=str(target), full_page=True, animations="disabled", caret="hide",
                    clip={"x": 0, "y": 0, "width": 640, "height": height})
    return target


# --- the messages as text --------------------------------------------------------------------------------


def pretty(body: bytes) -> str:
    return json.dumps(json.loads(body), indent=2, ensure_ascii=False)


def messages_markdown(inbox: Inbox, outputs: list[str]) -> str:
    """Every message of the incident, per channel kind, as received: for a closing note."""
    lines = ["# What one incident sent to each kind of channel", "",
             "Made by `docs/notify_screenshots.py`: the real `gitstatus notify` over an incident's life "
             "(opened, an update, resolved), each channel pointing at a receiver on 127.0.0.1.", ""]
    lines += ["## The runs", "", "```", *"\n".join(outputs).rstrip().split("\n"), "```", ""]
    lines += ["## E-mail (`mailto://`, format auto = HTML; the text part is apprise's)", ""]
    for mail in inbox.mails:
        lines += ["```", f"Subject: {mail['Subject']}", f"From: {mail['From']}", f"To: {mail['To']}", ""]
        for kind in ("plain", "html"):
            part = mail.get_body((kind,))
            if part is not None:
                lines += [f"--- text/{kind} ---", part.get_content().rstrip()]
        lines += ["```", ""]
    sections = [("Microsoft Teams (`workflows://`, Adaptive Card)", TEAMS_HOST, ""),
                ("Slack (`slack://`, incoming webhook)", "hooks.slack.com", ""),
                ("apprise JSON (`json://`)", "127.0.0.1", "/json"),
                ("Webhook (`format: webhook`, signed)", "127.0.0.1", "/hook")]
    for title, host, path in sections:
        lines += [f"## {title}", ""]
        for post in inbox.to(host, path):
            shown = {k: v for k, v in post.headers.items() if k.startswith("x-gitstatus") or k == "content-type"}
            lines += [f"POST https://{host}{post.path.split('?')[0]}" if host != "127.0.0.1" else f"POST {post.path}",
                      *(f"{k}: {v}" for k, v in shown.items()), "", "```json", pretty(post.body), "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots", help="folder for the PNG files")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium executable")
    parser.add_argument("--messages", type=Path, help="also write every message received, as Markdown, to this file")
    args = parser.parse_args(argv)
    if not Path(args.chromium).exists():
        print(f"{args.chromium} not found: install Chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    missing = [tool for tool in ("npm", "openssl", "git") if shutil.which(tool) is None]
    if missing:
        print(f"{', '.join(missing)} not found: install them (apt-get install npm openssl git)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    inbox = Inbox()
    with tempfile.TemporaryDirectory(prefix="gitstatus-notify-shots-") as tmp:
        folder = Path(tmp)
        modules = npm_install(folder)
        with http_receiver(inbox, throwaway_tls(folder)) as http_port, smtp_server(inbox) as smtp_port:
            outputs = run_incident(folder, inbox, http_port, smtp_port)
        cards = [json.loads(p.body)["attachments"][0]["content"] for p in inbox.to(TEAMS_HOST)]
        if not (len(inbox.mails) == len(cards) == len(inbox.to("hooks.slack.com")) == len(UPDATES)):
            raise SystemExit(f"expected {len(UPDATES)} messages per channel:\n" + "\n".join(outputs))
        for path in photograph(args.chromium, args.out, inbox.mails, cards, modules):
            shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
            print(f"wrote {shown} ({path.stat().st_size // 1024} KB)")
    if args.messages is not None:
        args.messages.write_text(messages_markdown(inbox, outputs), encoding="utf-8")
        print(f"wrote {args.messages}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
