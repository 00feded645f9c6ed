"""``gitstatus init``: a new status repo that checks clean, and never clobbers what is there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from gitstatus import write
from gitstatus.commands import hosting
from gitstatus.commands.build import check
from gitstatus.project import load
from gitstatus.read.document import parse_incident
from gitstatus.source import Disk

from .conftest import run_cli, site_files

NOW = "2026-06-12 12:00 UTC"
NOW_DT = dt.datetime(2026, 6, 12, 12, tzinfo=dt.UTC)
EXPECTED = [
    ".gitattributes",
    ".github/workflows/publish.yml",
    ".github/workflows/status-check.yml",
    ".gitignore",
    "README.md",
    "components.yaml",
    "incidents/2026-06-11-example-slow-api-responses.md",
]


def run(*args: str) -> tuple[int, str, str]:
    result = run_cli(*args)
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_a_status_repo_that_checks_clean(tmp_path: Path) -> None:
    root = tmp_path / "status"
    code, out, err = run("init", str(root), "--now", NOW)
    assert code == 0, err
    assert sorted(site_files(root)) == EXPECTED
    for relpath in EXPECTED:
        assert f"wrote {root / relpath}" in out
    code, out, _ = run("check", "--root", str(root), "--now", NOW, "--format", "text")
    # clean but for its placeholders, the address and the incident, warned about until they are replaced
    assert code == 0 and [line.split(" ")[1] for line in out.splitlines()[:-1]] == ["W110", "W103"], out
    assert out.splitlines()[-1] == "2 warnings in components.yaml and 1 incident."
    assert run("check", "--root", str(root), "--now", NOW, "--strict")[0] == 1  # --strict holds a publish back
    result = check(root, NOW_DT + dt.timedelta(days=30))  # and later on, too
    assert [d.code for d in result.diagnostics] == ["W110", "W103"]
    assert [i.is_final for i in result.page.incidents] == [True]
    assert len(result.page.components) >= 2


def test_init_output_builds(tmp_path: Path) -> None:
    root = tmp_path / "status"
    assert run("init", str(root), "--now", NOW)[0] == 0
    code, out, err = run("build", "--root", str(root), "--now", NOW)
    assert code == 0, out + err
    page = (root / "site/index.html").read_text(encoding="utf-8")
    assert "Example Status" in page


def test_init_is_deterministic(tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "a"), "--now", NOW)[0] == 0
    assert run("init", str(tmp_path / "b"), "--now", NOW)[0] == 0
    assert site_files(tmp_path / "a") == site_files(tmp_path / "b")


def test_init_uses_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW_DT.timestamp())))
    assert run("init", str(tmp_path / "a"))[0] == 0
    assert (tmp_path / "a/incidents/2026-06-11-example-slow-api-responses.md").is_file()


def test_init_in_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("init", "--now", NOW)
    assert code == 0 and "wrote components.yaml" in out
    assert sorted(site_files(tmp_path)) == EXPECTED


def test_init_refuses_to_overwrite_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "status"
    (root / "incidents").mkdir(parents=True)
    (root / "components.yaml").write_text("Our own settings\n", encoding="utf-8")
    (root / ".gitignore").write_text("*.pyc\n", encoding="utf-8")
    (root / "incidents/keep.md").write_text("mine\n", encoding="utf-8")
    before = site_files(root)
    code, out, err = run("init", str(root), "--now", NOW)
    assert code == 1 and out == ""
    assert err == (f"gitstatus: {root} already has components.yaml, with other contents than init would write; "
                   "nothing was written (pass --force to overwrite them)\n")
    assert site_files(root) == before  # not even the .gitignore it would have added to
    assert sorted(p.name for p in root.rglob("*")) == [".gitignore", "components.yaml", "incidents", "keep.md"]


def test_init_force_overwrites_and_keeps_other_files(tmp_path: Path) -> None:
    root = tmp_path / "status"
    assert run("init", str(root), "--now", NOW)[0] == 0
    (root / "components.yaml").write_text("edited\n", encoding="utf-8")
    (root / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert run("init", str(root), "--now", NOW)[0] == 1
    assert (root / "components.yaml").read_text(encoding="utf-8") == "edited\n"
    code, _, _ = run("init", str(root), "--now", NOW, "--force")
    assert code == 0
    assert (root / "components.yaml").read_text(encoding="utf-8").startswith("# Settings of the status page")
    assert (root / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_init_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    code, _, err = run("init", str(target))
    assert code == 2 and "is not a folder" in err


def test_failed_staging_removes_every_temp_file_and_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails midway (disk full) leaves the folder exactly as it was."""
    root = tmp_path / "status"
    root.mkdir()
    (root / "mine.txt").write_text("mine\n", encoding="utf-8")
    real = write._temp_beside
    calls = []

    def failing(target: Path, data: bytes, durable: bool = True) -> Path:
        calls.append(target)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real(target, data, durable)

    monkeypatch.setattr(write, "_temp_beside", failing)
    code, _, err = run("init", str(root), "--now", NOW)
    assert code == 1
    assert err == f"gitstatus: cannot write into {root}: No space left on device; nothing was written\n"
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == ["mine.txt"]


def test_example_incident_is_resolved_and_canonical(tmp_path: Path) -> None:
    root = tmp_path / "status"
    run("init", str(root), "--now", NOW)
    (path,) = sorted(p.relative_to(root).as_posix() for p in (root / "incidents").iterdir())
    incident, problems = parse_incident((root / path).read_text(encoding="utf-8"), path)
    assert problems == [] and [d.code for d in load(Disk(root)).diagnostics] == ["W110", "W103"]
    assert [s.heading for s in incident.sections] == [
        "2026-06-11 12:00 UTC — Investigating", "2026-06-11 12:18 UTC — Identified", "2026-06-11 12:41 UTC — Resolved"]


def gitstatus_uses(root: Path) -> list[tuple[str, dict[str, str]]]:
    """(uses, with) of every step of the status repo's workflows that runs gitstatus."""
    found = []
    for path in sorted((root / ".github/workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [(s["uses"], s["with"]) for job in workflow["jobs"].values() for s in job["steps"]
                  if s.get("uses", "").startswith("gitstatus/") or s.get("uses", "").startswith("acme/")]
    return found


def test_workflows_use_the_gitstatus_action_at_its_major_version(tmp_path: Path) -> None:
    root = tmp_path / "status"
    run("init", str(root), "--now", NOW)
    found = gitstatus_uses(root)
    assert len(found) == 6 and {uses for uses, _ in found} == {"gitstatus/gitstatus@v1"}
    assert not any("install" in inputs for _, inputs in found)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert 'python3 -m pip install "gitstatus-page @ git+https://github.com/gitstatus/gitstatus@v1"' in readme
    assert "incidents/2026-06-11-example-slow-api-responses.md" in readme


def test_the_default_ref_is_the_major_version_tag() -> None:
    assert hosting.default_ref("1.4.2") == "v1"
    assert hosting.default_ref("2.0.0rc1") == "v2"
    assert hosting.default_ref("1.0.1.dev3+g1234567") == "v1"
    assert hosting.default_ref("0.0.1.dev73+g953784b") == "v1"  # a clone without tags: there is no v0
    assert hosting.default_ref("0.0.0+unknown") == "v1"


def test_action_option_names_the_action_and_what_other_hosts_install(tmp_path: Path) -> None:
    code, _, err = run("init", str(tmp_path / "gh"), "--now", NOW, "--action", "acme/gitstatus-fork@v2.1.0")
    assert code == 0, err
    assert {uses for uses, _ in gitstatus_uses(tmp_path / "gh")} == {"acme/gitstatus-fork@v2.1.0"}
    code, _, err = run("init", str(tmp_path / "gl"), "--now", NOW, "--host", "gitlab", "--action", "acme/fork@main")
    assert code == 0, err
    ci = yaml.safe_load((tmp_path / "gl/.gitlab-ci.yml").read_text(encoding="utf-8"))
    assert ci["variables"]["GITSTATUS"] == "gitstatus-page @ git+https://github.com/acme/fork@main"


def test_install_option_sets_what_ci_installs(tmp_path: Path) -> None:
    root = tmp_path / "status"
    spec = "gitstatus-page @ git+https://git.example.org/ops/gitstatus@v1.0.0"
    code, _, _ = run("init", str(root), "--now", NOW, "--install", spec)
    assert code == 0
    found = gitstatus_uses(root)
    assert found and all(inputs["install"] == spec for _, inputs in found)
    assert f'python3 -m pip install "{spec}"' in (root / "README.md").read_text(encoding="utf-8")
    code, _, _ = run("init", str(tmp_path / "nl"), "--now", NOW, "--host", "netlify", "--install", spec)
    assert code == 0
    assert f'GITSTATUS = "{spec}"' in (tmp_path / "nl/netlify.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", ['gitstatus"; curl evil | sh; "', "two\nlines", "  ", "a\\b", "x${{ github.token }}"])
def test_install_option_refuses_what_would_break_the_workflow(tmp_path: Path, spec: str) -> None:
    root = tmp_path / "status"
    code, _, err = run("init", str(root), "--now", NOW, "--install", spec)
    assert code == 2
    assert "--install must be one pip requirement" in err
    assert not root.exists() or not any(root.iterdir())


@pytest.mark.parametrize("action", ["gitstatus", "acme/gitstatus@v1; curl evil", "acme/x@", "-acme/x@v1",
                                    "acme/x@../../y", "acme/x@${{ github.token }}", "a/b/c@v1", "acme/x@v1\n"])
def test_action_option_refuses_what_is_not_a_repository_and_ref(tmp_path: Path, action: str) -> None:
    root = tmp_path / "status"
    code, _, err = run("init", str(root), "--now", NOW, "--action", action)
    assert code == 2
    assert "--action must be OWNER/REPO@REF" in err
    assert not root.exists()


def test_gitignore_ignores_the_build_output(tmp_path: Path) -> None:
    root = tmp_path / "status"
    run("init", str(root), "--now", NOW)
    assert "/site/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_example_address_is_warned_about_until_it_is_changed(tmp_path: Path) -> None:
    root = tmp_path / "status"
    run("init", str(root), "--now", NOW)
    components = root / "components.yaml"
    text = components.read_text(encoding="utf-8")
    assert "  url: https://status.example.com/  # the example address: put your page's here\n" in text
    for url_line in ("  url: https://status.acme.test/  # the example address: put your page's here\n",
                     "  url: https://status.example.com/\n"):  # a new address, or the comment gone: looked at
        components.write_text(text.replace(
            "  url: https://status.example.com/  # the example address: put your page's here\n", url_line),
            encoding="utf-8")
        code, out, _ = run("check", "--root", str(root), "--now", NOW, "--format", "text")
        assert code == 0 and " W110 " not in out and " W103 " in out, out
