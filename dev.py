#!/usr/bin/env python3
"""Set-up and everyday commands for working on gitstatus, with nothing but Python 3.11+ and git.

    python3 dev.py site            build the example status page into site/ (add --serve to preview it live)
    python3 dev.py test            run the whole test suite (extra arguments go to pytest)
    python3 dev.py templates       remake gitstatus/compiled_theme.py after changing theme/templates/

The example is built as of the moment its incidents were written for (EXAMPLE_NOW), so it
shows an incident in progress and maintenance ahead whenever you build it; pass
--now TIME (or --now "now") to build it for another moment.

Each command creates .venv/ on first use and installs gitstatus into it (editable), so
the two commands above are the whole set-up. Later runs reuse the environment and only
reinstall when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE_NOW = "2026-11-26 15:00 UTC"
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(extra: str) -> None:
    """Create .venv and install gitstatus with ``extra`` unless the same install is already there."""
    if sys.version_info < (3, 11):
        sys.exit(f"gitstatus needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    stamp = VENV / f".installed-{extra or 'base'}"
    digest = hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    print(f"Installing gitstatus{f'[{extra}]' if extra else ''} into .venv ...", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=HERE)
    stamp.write_text(digest)


def run(args: list[str]) -> int:
    return subprocess.run(args, cwd=HERE).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("site", "test", "templates"):
        print(__doc__.strip())
        return 2
    command, rest = argv[0], argv[1:]
    if command == "test":
        ensure_environment("test")
        return run([str(PYTHON), "-m", "pytest", *rest])
    ensure_environment("")
    if command == "templates":  # the built-in templates compiled ahead of time (gitstatus/make_compiled_theme.py)
        return run([str(PYTHON), "-m", "gitstatus.make_compiled_theme", *rest])
    gitstatus = [str(PYTHON), "-m", "gitstatus"]
    if "--now" not in rest:
        rest += ["--now", EXAMPLE_NOW]
    elif rest[rest.index("--now") + 1:][:1] == ["now"]:  # the clock: drop the option
        index = rest.index("--now")
        del rest[index:index + 2]
    if "--serve" in rest:
        rest.remove("--serve")
        return run([*gitstatus, "serve", *rest])
    return run([*gitstatus, "build", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
