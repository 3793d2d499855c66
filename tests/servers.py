"""Run a generated project's processes for real: its server, and its image's entrypoint roles
(outside a container, with the production settings), and wait until they answer."""

import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def wait_for_http(
    url: str, *, timeout: float = 60.0, process: subprocess.Popen | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:g}s")


@contextmanager
def running(args: list, *, cwd: Path, env: dict[str, str], url: str) -> Iterator[subprocess.Popen]:
    """Run `args` until the block ends; its output goes to cwd/server.log for post-mortems."""
    log = (cwd / "server.log").open("w")
    process = subprocess.Popen(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_http(url, process=process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def production_env(project: Path, python: Path, variables: dict[str, str]) -> dict[str, str]:
    """The container's environment: production settings (dummy but valid secrets, plain HTTP),
    the project's virtualenv first on PATH, and `variables` (database, Redis, queue)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    for name in ("REDIS_URL", "VIRTUAL_ENV", "CELERY_BROKER_URL", "CACHE_URL", "PORT"):
        base.pop(name, None)
    return {
        **base,
        **variables,
        "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "DJANGO_SETTINGS_MODULE": f"{project.name}.environments.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DB_WAIT_TIMEOUT": "30",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "LOG_FORMAT": "console",
    }


def entrypoint(project: Path, *args: str, env: dict[str, str], timeout: float = 300):
    started = time.monotonic()
    result = subprocess.run(
        [str(project / "docker-entrypoint.sh"), *args], cwd=project, env=env,
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    return result, time.monotonic() - started


@contextmanager
def role(project: Path, name: str, *args: str, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """A long-running role; its output goes to <project>/<name>.log. Killed if still running."""
    log_path = project / f"{name}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(project / "docker-entrypoint.sh"), name, *args], cwd=project, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def log_of(project: Path, name: str) -> str:
    return (project / f"{name}.log").read_text(errors="replace")


def wait_until(condition, *, timeout: float, process: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return bool(condition())
        if condition():
            return True
        time.sleep(0.2)
    return False


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def stop(process: subprocess.Popen, *, timeout: float = 30) -> tuple[int, float]:
    """SIGTERM to the role's own process (the server, after exec); exit code and seconds taken."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=timeout)
    return code, time.monotonic() - started


def readiness(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False
