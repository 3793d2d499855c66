"""A bounded schemathesis run against the live Scheduler Service finds no 5xx.

The service runs as a real server on MariaDB + Redis (no worker: started runs stay queued, so
the fuzzer can create them freely), with a scheduler-group user, a token and an imported problem
so that id-based operations reach real rows.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .bakery import free_port, project_python, run, service_env
from .servers import running

pytestmark = pytest.mark.slow

SETUP = """
from django.contrib.auth.models import Group, User
from core.services import api_token_create
user = User.objects.create_user("fuzz", password="pw-for-tests-only")
user.groups.add(Group.objects.get(name="scheduler"))
print(api_token_create(user=user)[1])
"""


def mysql(sql: str) -> None:
    subprocess.run(["mariadb", "-uroot", "-h127.0.0.1", "-e", sql], check=True)


def test_bounded_fuzz_run_finds_no_server_error(default_project: Path, services, tmp_path: Path):
    python = project_python(default_project)
    env = {
        **service_env("fuzz", redis_db=12),
        "DJANGO_SETTINGS_MODULE": "scheduler_service.environments.local",
        "DJANGO_DEBUG": "false",
    }
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    mysql(f"CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        for args in (
            ["migrate", "--noinput", "-v", "0"],
            ["import_problem", "scheduler/timetabling/data/toy.ctt", "--name", "toy"],
        ):
            result = run([python, "manage.py", *args], cwd=default_project, env=env)
            assert result.returncode == 0, result.stdout + result.stderr
        token = run(
            [python, "manage.py", "shell", "--no-imports", "-c", SETUP],
            cwd=default_project,
            env=env,
        ).stdout.split()[-1]
        schema = tmp_path / "schema.yaml"
        result = run(
            [python, "manage.py", "spectacular", "--file", schema], cwd=default_project, env=env
        )
        assert result.returncode == 0, result.stderr

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        with running(server, cwd=default_project, env=env, url=f"{base}/healthz"):
            fuzz = subprocess.run(
                [
                    Path(sys.executable).parent / "schemathesis", "run", str(schema),
                    "--url", base, "--header", f"Authorization: Token {token}",
                    "--checks", "not_a_server_error", "--workers", "1",
                    "--phases", "examples,fuzzing", "--max-examples", "12", "--seed", "7",
                    "--request-timeout", "30", "--suppress-health-check", "all",
                ],
                capture_output=True, text=True, timeout=900, cwd=tmp_path,
            )  # fmt: skip
        log = (default_project / "server.log").read_text()
        assert fuzz.returncode == 0, fuzz.stdout[-6000:] + fuzz.stderr[-2000:]
        cases = re.search(r"(\d+) generated, (\d+) passed", fuzz.stdout)
        assert cases and int(cases.group(1)) >= 200 and cases.group(1) == cases.group(2)
        assert re.search(r"Tested: (\d+)", fuzz.stdout).group(1) == re.search(
            r"Selected: (\d+)/", fuzz.stdout
        ).group(1), "every operation of the schema was exercised"
        assert "Traceback" not in log, log[-4000:]
    finally:
        mysql(f"DROP DATABASE IF EXISTS {database}")
