"""Render the template and prepare what generated projects need to run their own tests.

Virtual environments are shared between bakes whose locked requirements are identical (keyed by
a hash of the lock files), and kept under .cache/ between runs, so the suite installs each
dependency set once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
CACHE = TEMPLATE / ".cache"
VENVS = CACHE / "venvs"
ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", TEMPLATE / "artifacts"))
MYSQL_URL = os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def bake(output_dir: Path, **answers: str) -> Path:
    """Render with the given answers (the rest default) and return the project directory."""
    output_dir.mkdir(parents=True, exist_ok=True)
    return Path(
        cookiecutter(
            str(TEMPLATE), no_input=True, extra_context=answers, output_dir=str(output_dir)
        )
    )


def locks(project: Path) -> list[Path]:
    """Every lock a render installs (base, application, test), in install order."""
    return [project / "requirements" / f"{name}.txt" for name in ("base", "app", "test")]


def lock_hash(project: Path) -> str:
    digest = hashlib.sha256()
    for lock in locks(project):
        digest.update(lock.name.encode() + b"\0" + lock.read_bytes())
    return digest.hexdigest()[:16]


def project_python(project: Path) -> Path:
    """A virtualenv with the project's locked test requirements, shared by identical locks."""
    venv = VENVS / lock_hash(project)
    python = venv / "bin" / "python"
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "uv",
                "pip",
                "install",
                "--quiet",
                "--require-hashes",
                "--python",
                str(python),
                *(arg for lock in locks(project) for arg in ("-r", str(lock))),
            ],
            check=True,
            cwd=project,
        )
        (venv / ".complete").touch()
    return python


_WARMED: set[Path] = set()


def installed_python(project: Path) -> Path:
    """What `make install` leaves: `project_python` and the caches `manage.py warm_up` fills
    (the annealing kernel, compiled once here rather than in every test process)."""
    python = project_python(project)
    if project not in _WARMED:
        subprocess.run(
            [python, "manage.py", "warm_up"], check=True, cwd=project, capture_output=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": f"{project.name}.environments.test"},
        )  # fmt: skip
        _WARMED.add(project)
    return python


def port_is_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_env(tag: str, redis_db: int) -> dict[str, str]:
    """Variables pointing a generated project at MariaDB and Redis, isolated by `tag`."""
    name = f"t_{tag}_{uuid.uuid4().hex[:6]}"
    return {
        "DATABASE_URL": f"{MYSQL_URL}/{name}",
        "REDIS_URL": f"{REDIS_URL}/{redis_db}",
        "CELERY_TASK_DEFAULT_QUEUE": name,
    }


def run(
    args: list[str | Path],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 900,
    stdin: str | None = None,
) -> subprocess.CompletedProcess:
    """Run a command in a generated project with a clean, explicit environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    base.pop("REDIS_URL", None)
    base.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )
