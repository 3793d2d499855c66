"""The image's entrypoint, run outside a container: every role against real MariaDB and Redis.

The generated docker-entrypoint.sh runs with the project's locked virtualenv first on PATH and
the production settings (dummy but valid secrets, plain HTTP), exactly as the container runs it:
`migrate` migrates a fresh utf8mb4 database (and keeps the smoke test's user when given its
secret), `web` serves /readyz through gunicorn and stops on
SIGTERM, `worker` processes a heartbeat, `beat` starts and stops, and with the database down the
wait ends after DB_WAIT_TIMEOUT with one clear line. Static files: the web role collects them
itself when the manifest is missing (a checkout outside the image has none yet).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .bakery import MYSQL_URL, bake, free_port, project_python, service_env
from .servers import (
    command_line,
    entrypoint,
    log_of,
    production_env,
    readiness,
    role,
    stop,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REDIS_DB = 11  # the generated projects' own suites use 5


def mariadb(sql: str) -> str:
    parts = urlsplit(MYSQL_URL)
    args = ["mariadb", "--batch", "--skip-column-names", "-h", parts.hostname or "127.0.0.1",
            "-P", str(parts.port or 3306), "-u", parts.username or "root"]  # fmt: skip
    if parts.password:
        args.append(f"-p{parts.password}")
    result = subprocess.run([*args, "-e", sql], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(tmp_path_factory.mktemp("entrypoint"))


@pytest.fixture(scope="module")
def env(project: Path, services) -> Iterator[dict[str, str]]:
    """Production settings on a fresh database of its own, with the venv first on PATH."""
    variables = service_env("ep", redis_db=REDIS_DB)
    database = urlsplit(variables["DATABASE_URL"]).path.lstrip("/")
    mariadb(
        f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )  # fmt: skip
    yield production_env(project, project_python(project), variables)
    mariadb(f"DROP DATABASE IF EXISTS `{database}`")


@pytest.fixture(scope="module")
def migrated(project: Path, env: dict[str, str]):
    return entrypoint(project, "migrate", env=env)


def test_migrate_role_migrates_a_fresh_database(project: Path, env, migrated):
    result, seconds = migrated
    assert result.returncode == 0, result.stdout + result.stderr
    assert "database ready" in result.stdout
    assert "Applying core.0001_initial... OK" in result.stdout
    assert seconds < 120
    again, _ = entrypoint(project, "migrate", env=env)
    assert again.returncode == 0 and "No migrations to apply" in again.stdout


def test_migrate_role_keeps_the_smoke_test_user_when_given_its_secret(project: Path, env, migrated):
    """On ECS the migrate task gets the smoke-test secret: after migrating, the user the pipeline's
    smoke test signs in as exists with that password (and no staff rights), every release."""
    smoke = {**env, "SMOKE_TEST_USERNAME": "smoke-test", "SMOKE_TEST_PASSWORD": "from-the-secret"}
    for _ in range(2):  # created, then kept
        result, _ = entrypoint(project, "migrate", env=smoke)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "smoke test user smoke-test ready" in result.stdout
    probe = (
        "import django; django.setup(); from django.contrib.auth.models import User; "
        "u = User.objects.get(username='smoke-test'); "
        "print(u.check_password('from-the-secret'), u.is_staff, u.is_superuser)"
    )
    checked, _ = entrypoint(project, "python", "-c", probe, env=env)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.split()[-3:] == ["True", "False", "False"]


def test_web_role_serves_readiness_through_gunicorn_and_stops_on_sigterm(
    project: Path, env, migrated
):
    port = free_port()
    web_env = {**env, "PORT": str(port), "RUN_MIGRATIONS_ON_START": "1"}
    with role(project, "web", env=web_env) as process:
        assert wait_until(lambda: readiness(port), timeout=120, process=process), log_of(
            project, "web"
        )
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            body = json.load(response)
        assert body["status"] == "ready" and body["failed"] == []
        # The page (and its hashed static files) works through gunicorn with production settings.
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": "localhost"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        assert (project / "staticfiles/staticfiles.json").is_file()
        # exec handed the process over: the entrypoint's pid is now gunicorn's master.
        assert "gunicorn" in command_line(process.pid)
        code, seconds = stop(process)
    log = log_of(project, "web")
    assert code == 0, log
    assert seconds < 30
    assert "No migrations to apply" in log  # RUN_MIGRATIONS_ON_START=1 ran them first
    assert "Shutting down" in log or "Handling signal: term" in log


def test_worker_role_processes_a_heartbeat(project: Path, env, migrated):
    with role(project, "worker", "--pool", "solo", "--without-mingle", "--without-gossip",
              env=env) as process:  # fmt: skip
        assert wait_until(lambda: " ready." in log_of(project, "worker"), timeout=60,
                          process=process), log_of(project, "worker")  # fmt: skip
        assert "celery" in command_line(process.pid)
        created, _ = entrypoint(
            project, "python", "manage.py", "shell", "-c",
            "from core.services import heartbeat_create; "
            "print('heartbeat', heartbeat_create(message='entrypoint test').pk)",
            env=env,
        )  # fmt: skip
        assert created.returncode == 0, created.stdout + created.stderr
        heartbeat_id = int(created.stdout.split("heartbeat", 1)[1].split()[0])
        database = urlsplit(env["DATABASE_URL"]).path.lstrip("/")

        def processed() -> bool:
            table = f"`{database}`.core_heartbeat"
            return (
                mariadb(f"SELECT processed_at IS NOT NULL FROM {table} WHERE id = {heartbeat_id}")
                == "1"
            )

        assert wait_until(processed, timeout=30, process=process), log_of(project, "worker")
        code, seconds = stop(process)
    assert code == 0, log_of(project, "worker")
    assert seconds < 30


def test_web_reload_role_migrates_and_serves_with_runserver(project: Path, env, migrated):
    """The development compose file's web role (docker-compose.dev.yml)."""
    port = free_port()
    with role(project, "web-reload", env={**env, "PORT": str(port)}) as process:
        assert wait_until(lambda: readiness(port), timeout=120, process=process), log_of(
            project, "web-reload"
        )
        assert "runserver" in command_line(process.pid)
        stop(process)
    assert "No migrations to apply" in log_of(project, "web-reload")


def test_worker_reload_role_restarts_the_worker_when_python_changes(project: Path, env, migrated):
    """The development compose file's worker role: a saved Python file restarts the worker."""
    tasks = project / "core" / "tasks.py"
    original = tasks.read_text(encoding="utf-8")
    with role(project, "worker-reload", "--pool", "solo", "--without-mingle", "--without-gossip",
              env=env) as process:  # fmt: skip

        def ready_lines() -> int:
            return log_of(project, "worker-reload").count(" ready.")

        assert wait_until(lambda: ready_lines() == 1, timeout=60, process=process), log_of(
            project, "worker-reload"
        )
        assert "watchfiles" in command_line(process.pid)
        try:
            tasks.write_text(original + "\n# saved while the worker runs\n", encoding="utf-8")
            assert wait_until(lambda: ready_lines() >= 2, timeout=60, process=process), log_of(
                project, "worker-reload"
            )
        finally:
            tasks.write_text(original, encoding="utf-8")
        _, seconds = stop(process)
    assert seconds < 30
    assert "change detected" in log_of(project, "worker-reload")  # watchfiles says what it saw


def test_beat_role_starts_and_stops(project: Path, env, tmp_path: Path, migrated):
    beat_env = {**env, "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "celerybeat-schedule")}
    with role(project, "beat", env=beat_env) as process:
        assert wait_until(lambda: "beat: Starting" in log_of(project, "beat"), timeout=60,
                          process=process), log_of(project, "beat")  # fmt: skip
        assert process.poll() is None and "celery" in command_line(process.pid)
        code, seconds = stop(process)
    assert code == 0, log_of(project, "beat")
    assert seconds < 30


@pytest.mark.parametrize("name", ["web", "worker", "migrate"])
def test_a_role_gives_up_when_the_database_stays_down(project: Path, env, name):
    down = {**env, "DATABASE_URL": "mysql://root@127.0.0.1:1/unreachable", "DB_WAIT_TIMEOUT": "3"}
    result, seconds = entrypoint(project, name, env=down, timeout=120)
    report = f"{seconds:.1f}s, exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert result.returncode != 0, report
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any("database not reachable after 3s:" in line for line in lines), report
    assert "Traceback" not in result.stderr, report
    # The wait itself takes the 3 s; Django's start-up comes on top (slow on a loaded machine).
    assert 3 <= seconds < 60, report
    assert "Booting worker" not in result.stdout + result.stderr  # the server never started


def test_other_commands_pass_through_with_a_database_url_built_from_its_parts(project: Path, env):
    parts = {k: v for k, v in env.items() if k != "DATABASE_URL"}
    parts.update(
        DATABASE_HOST="db.internal", DATABASE_PORT="3307", DATABASE_NAME="app",
        DATABASE_USER="app", DATABASE_PASSWORD="p@ss:w/rd#?%&",
    )  # fmt: skip
    result, _ = entrypoint(
        project, "python", "-c",
        "import os, environ; c = environ.Env.db_url_config(os.environ['DATABASE_URL']); "
        "print(c['USER'], c['PASSWORD'], c['HOST'], c['PORT'], c['NAME'])",
        env=parts,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["app", "p@ss:w/rd#?%&", "db.internal", "3307", "app"]


def build_env(dockerfile: str) -> dict[str, str]:
    """The Dockerfile's build-time values (ARG BUILD_ENV) and its XDG_CACHE_HOME."""
    arg = re.search(r'ARG BUILD_ENV="([^"]*)"', dockerfile, re.S)
    cache = re.search(r"ENV XDG_CACHE_HOME=(\S+)", dockerfile)
    assert arg and cache, "the Dockerfile's build steps changed: update this test"
    values = dict(pair.split("=", 1) for pair in arg.group(1).replace("\\\n", " ").split())
    return {**values, "XDG_CACHE_HOME": cache.group(1)}


def test_image_warm_up_fills_a_cache_its_user_reads(project: Path, tmp_path: Path):
    """The image's last build step, outside Docker: `manage.py warm_up` with the code read-only
    (as the image's code is to its user) writes the compiled annealer into XDG_CACHE_HOME, and a
    later process (a container) loads it from there instead of compiling."""
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.index("USER ${APP_UID}") < dockerfile.index("python manage.py warm_up")
    python = project_python(project)
    code = tmp_path / "app"
    shutil.copytree(project, code, ignore=shutil.ignore_patterns(".env", "*.sqlite3"))
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {
        "PATH": f"{python.parent}{os.pathsep}/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": f"{project.name}.environments.production",
        **build_env(dockerfile),
        "XDG_CACHE_HOME": str(cache),  # the image's cache folder, in this test's folder
    }

    def read_only_code(*args: str) -> subprocess.CompletedProcess:
        """Run in a mount namespace where the code folder is mounted read-only."""
        mount = f'mount --bind "{code}" "{code}" && mount -o remount,bind,ro "{code}"'
        command = f'{mount} && exec "$@"'
        namespace = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "-rm"]
        return subprocess.run(
            [*namespace, "sh", "-c", command, "sh", *args],
            cwd=code, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    built = read_only_code(str(python), "manage.py", "warm_up")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "annealer compiled" in built.stdout
    assert list((cache / "numba").rglob("*.nbi")), "no compiled code in the cache"
    assert not list(code.rglob("*.nbi")), "the code is read-only: nothing may land there"
    probe = (
        "from scheduler.timetabling.generator import annealing_kernel as k; k.warm_up(); "
        "print(sum(k._kernel.stats.cache_hits.values()), "
        "sum(k._kernel.stats.cache_misses.values()))"
    )
    loaded = read_only_code(str(python), "-c", probe)
    assert loaded.returncode == 0, loaded.stderr
    hits, misses = map(int, loaded.stdout.split())
    assert hits >= 1 and misses == 0, loaded.stdout
