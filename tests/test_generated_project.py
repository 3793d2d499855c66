"""Run each generated project's own checks and tests, on SQLite and on MariaDB + Redis."""

import subprocess
from pathlib import Path

import pytest

from .bakery import bake, project_python, run, service_env

pytestmark = pytest.mark.slow


def settings_env(project: Path, environment: str) -> dict[str, str]:
    return {"DJANGO_SETTINGS_MODULE": f"{project.name}.environments.{environment}"}


def assert_ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def planner_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(tmp_path_factory.mktemp("planner"), app_slug="planner", service_name="Room Booking")


@pytest.mark.parametrize("which", ["default_project", "lean_project", "planner_project"])
def test_suite_passes_on_sqlite(which: str, request: pytest.FixtureRequest):
    project = request.getfixturevalue(which)
    python = project_python(project)
    result = run(
        [python, "-m", "pytest", "-m", "not integration", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=settings_env(project, "test"),
    )
    assert_ok(result)
    assert " passed" in result.stdout and " failed" not in result.stdout


@pytest.mark.parametrize("which", ["default_project", "lean_project"])
def test_suite_passes_on_mariadb_and_redis(which: str, request: pytest.FixtureRequest, services):
    project = request.getfixturevalue(which)
    python = project_python(project)
    env = {**settings_env(project, "ci"), **service_env(project.name[:8], redis_db=5)}
    result = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env)
    assert_ok(result)
    assert " passed" in result.stdout and " failed" not in result.stdout


@pytest.mark.parametrize("which", ["default_project", "lean_project"])
def test_migrations_schema_and_import_contracts(which: str, request: pytest.FixtureRequest):
    project = request.getfixturevalue(which)
    python = project_python(project)
    env = settings_env(project, "test")
    assert_ok(
        run([python, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=project, env=env)
    )
    assert_ok(
        run(
            [
                python,
                "manage.py",
                "spectacular",
                "--validate",
                "--fail-on-warn",
                "--file",
                "/dev/null",
            ],
            cwd=project,
            env=env,
        )
    )
    assert_ok(run([python.parent / "lint-imports"], cwd=project, env=env))


@pytest.mark.parametrize("which", ["default_project", "lean_project"])
def test_deploy_checks_pass_with_production_settings(which: str, request: pytest.FixtureRequest):
    project = request.getfixturevalue(which)
    python = project_python(project)
    env = {
        **settings_env(project, "production"),
        "DJANGO_SECRET_KEY": "k" * 10 + "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b",
        "DJANGO_ALLOWED_HOSTS": "scheduler.example.com",
        "DATABASE_URL": "mysql://app:pw@db.internal:3306/app",
        "REDIS_URL": "rediss://cache.internal:6379/0",
    }
    assert_ok(
        run(
            [python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=project,
            env=env,
        )
    )
