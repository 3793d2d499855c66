"""The locks of every render are in sync with their .in files: the render's own `make lock`
rewrites each of them byte for byte (it asks the package index, with the locks' pins preferred),
and an edited .in file does change its lock."""

import shutil
import subprocess
from pathlib import Path

import pytest

from .bakery import locks, project_python

pytestmark = pytest.mark.slow


def make_lock(project: Path, venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "lock", f"VENV={venv}"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )


def requirements_copy(project: Path, tmp_path: Path) -> Path:
    copy = tmp_path / project.name
    shutil.copytree(project / "requirements", copy / "requirements")
    shutil.copy(project / "Makefile", copy / "Makefile")
    return copy


@pytest.mark.parametrize("which", ["default_project", "lean_project"])
def test_make_lock_reproduces_every_lock(which: str, request, tmp_path: Path):
    project = request.getfixturevalue(which)
    venv = project_python(project).parent.parent
    copy = requirements_copy(project, tmp_path)
    result = make_lock(copy, venv)
    assert result.returncode == 0, result.stdout + result.stderr
    for lock in locks(project):
        relocked = (copy / "requirements" / lock.name).read_text(encoding="utf-8")
        assert relocked == lock.read_text(encoding="utf-8"), f"{lock.name} is out of sync"
    assert "{{" not in "".join(lock.read_text(encoding="utf-8") for lock in locks(project))


def test_an_edited_in_file_changes_its_lock(lean_project: Path, tmp_path: Path):
    venv = project_python(lean_project).parent.parent
    copy = requirements_copy(lean_project, tmp_path)
    app_in = copy / "requirements" / "app.in"
    app_in.write_text(app_in.read_text(encoding="utf-8") + "six\n", encoding="utf-8")
    result = make_lock(copy, venv)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "six==" in (copy / "requirements" / "app.txt").read_text(encoding="utf-8")
    assert "six==" not in (lean_project / "requirements" / "app.txt").read_text(encoding="utf-8")
