"""Services stay current through cruft: a template change reaches a service made from it, the
service's own edits survive, and conflicts show.

Each test makes a throw-away git repository of the template (version N), creates a service from
it with `cruft create`, commits the service and a local edit, commits a template change N+1 and
runs `cruft update` without prompts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .bakery import TEMPLATE

pytestmark = pytest.mark.slow

CRUFT = Path(sys.executable).parent / "cruft"
SOURCE = "{{cookiecutter.service_slug}}"
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", ".cache", "build", "artifacts", "__pycache__", "*.pyc", ".ruff_cache"
)
# The line of the README that both the service and the template change in N+1.
SHARED_LINE = (
    "make run       # migrates SQLite, serves http://127.0.0.1:8000/ with a Celery worker and beat"
)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=ALF", "-c", "user.email=alf@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def cruft(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CRUFT, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}: the update test is out of date"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def conflicts(service: Path) -> set[str]:
    """Files an update left in conflict: unmerged in git, or with a .rej file beside them."""
    status = git(service, "status", "--porcelain", "--untracked-files=all").splitlines()
    unmerged = {line[3:] for line in status if line[:2] in ("UU", "AA", "DU", "UD")}
    rejected = {str(p.relative_to(service))[: -len(".rej")] for p in service.rglob("*.rej")}
    return unmerged | rejected


@dataclass
class Update:
    service: Path
    template_head: str
    check_before: int
    update: subprocess.CompletedProcess
    check_after: int
    env_before: bytes


def template_at_version_n(root: Path) -> Path:
    repository = root / "template"
    shutil.copytree(TEMPLATE, repository, ignore=LEFT_OUT)
    git(repository, "init", "-q")
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "version N")
    return repository


def change_the_template(repository: Path) -> str:
    """Version N+1: (a) edits a file the service leaves alone, (b) the README line the service
    edits too, (c) adds a file, (d) removes one, (e) adds an answer with a default."""
    tree = repository / SOURCE
    (tree / "docs" / "deploy.md").open("a", encoding="utf-8").write("\nA line from N+1.\n")
    edit(tree / "README.md", SHARED_LINE, "make run       # N+1: serves the service")
    (tree / "docs" / "added.md").write_text(
        "# Added in N+1\n\nTeam: {{ cookiecutter.team_channel }}\n", encoding="utf-8"
    )
    git(repository, "rm", "-q", f"{SOURCE}/LICENSE")
    answers = json.loads((repository / "cookiecutter.json").read_text(encoding="utf-8"))
    answers["team_channel"] = "#alf-services"
    (repository / "cookiecutter.json").write_text(json.dumps(answers, indent=2) + "\n")
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "version N+1")
    return git(repository, "rev-parse", "HEAD")


def run_update(root: Path, tweak_template=None) -> Update:
    repository = template_at_version_n(root)
    if tweak_template is not None:
        tweak_template(repository)
        git(repository, "commit", "-qam", "tweak")
    created = cruft(root, "create", "--no-input", "--output-dir", str(root / "out"),
                    f"file://{repository}")  # fmt: skip
    assert created.returncode == 0, created.stdout + created.stderr
    service = next((root / "out").iterdir())
    git(service, "init", "-q")
    git(service, "add", "-A")
    git(service, "commit", "-qm", "created by cruft")
    edit(service / "README.md", SHARED_LINE, "make run       # our own note on running")
    git(service, "commit", "-qam", "a local edit")
    (service / "db.sqlite3").write_bytes(b"local data")  # git-ignored, like .env
    env_before = (service / ".env").read_bytes()
    head = change_the_template(repository)
    before = cruft(service, "check").returncode
    update = cruft(service, "update", "--skip-apply-ask")
    after = cruft(service, "check").returncode
    return Update(service, head, before, update, after, env_before)


def test_an_update_applies_the_template_change_and_keeps_local_edits(tmp_path: Path):
    result = run_update(tmp_path)
    service = result.service
    assert result.update.returncode == 0, result.update.stdout + result.update.stderr
    assert result.check_before != 0 and result.check_after == 0
    cruft_state = json.loads((service / ".cruft.json").read_text(encoding="utf-8"))
    assert cruft_state["commit"] == result.template_head
    # (a) (c) (d) (e): applied
    assert (service / "docs" / "deploy.md").read_text().endswith("A line from N+1.\n")
    assert (service / "docs" / "added.md").read_text() == "# Added in N+1\n\nTeam: #alf-services\n"
    assert not (service / "LICENSE").exists()
    # (b): a conflict git shows (unmerged, both sides in the file); nothing is lost; and no
    # conflict anywhere else (no .env.rej)
    assert conflicts(service) == {"README.md"}
    assert "UU README.md" in git(service, "status", "--porcelain").splitlines()
    readme = (service / "README.md").read_text()
    assert "<<<<<<<" in readme and "# our own note on running" in readme
    assert "N+1: serves the service" in readme
    # git-ignored files are left alone
    assert (service / ".env").read_bytes() == result.env_before
    assert (service / "db.sqlite3").read_bytes() == b"local data"


def test_a_hook_that_rewrites_a_tracked_file_shows_up_as_a_conflict(tmp_path: Path):
    """The check above can fail: a post-generation hook that writes something new into a
    tracked file on every run makes every update conflict on that file."""

    def restless_hook(repository: Path) -> None:
        hook = repository / "hooks" / "post_gen_project.py"
        edit(
            hook,
            "    write_env_file()\n",
            "    write_env_file()\n"
            "    Path('docs/deploy.md').open('a').write(secrets.token_hex(4) + '\\n')\n",
        )

    result = run_update(tmp_path, restless_hook)
    assert "docs/deploy.md" in conflicts(result.service)


def currency_command(service: Path) -> str:
    """The command of the generated CI's template-currency job."""
    import yaml

    config = yaml.safe_load((service / ".circleci" / "config.yml").read_text(encoding="utf-8"))
    steps = config["jobs"]["template-currency"]["steps"]
    return next(s["run"]["command"] for s in steps if isinstance(s, dict) and "run" in s)


def test_the_ci_currency_job_tells_when_the_template_moved_on(tmp_path: Path):
    repository = template_at_version_n(tmp_path)
    created = cruft(tmp_path, "create", "--no-input", "--output-dir", str(tmp_path / "out"),
                    f"file://{repository}")  # fmt: skip
    assert created.returncode == 0, created.stderr
    service = next((tmp_path / "out").iterdir())
    (service / ".venv").symlink_to(Path(sys.executable).parent.parent)  # a venv with cruft
    command = currency_command(service)

    def job() -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-ec", command], cwd=service, capture_output=True,
                              text=True, timeout=300)  # fmt: skip

    current = job()
    assert current.returncode == 0, current.stdout + current.stderr
    change_the_template(repository)
    behind = job()
    assert behind.returncode != 0 and "out of date" in behind.stdout + behind.stderr
