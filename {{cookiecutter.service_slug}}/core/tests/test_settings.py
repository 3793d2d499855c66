import os
import subprocess
import sys

import pytest
from django.conf import settings

from core import local_broker

BROKER = ("CELERY_BROKER_URL", "CACHE_URL")
PRODUCTION = "{{ cookiecutter.service_slug }}.environments.production"
COMPLETE = {
    "DJANGO_SETTINGS_MODULE": PRODUCTION,
    "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-looking-secret-for-the-check-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "service.example.com",
    "DATABASE_URL": "mysql://user:pw@127.0.0.1:3306/app",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in COMPLETE and k not in BROKER}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR, env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
)
def test_production_names_the_missing_variable(missing):
    env = {k: v for k, v in COMPLETE.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: Set the {missing} environment variable (production has no default)."
    ]


@pytest.mark.slow
def test_production_passes_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=COMPLETE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_local_defaults_need_no_services(tmp_path):
    """SQLite shared safely by the web server and the worker, and a folder for the broker."""
    code = (
        "from django.conf import settings as s; from django.db import connection as c; "
        "c.ensure_connection(); o = s.DATABASES['default']['OPTIONS']; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL,"
        " o['transaction_mode'], c.cursor().execute('PRAGMA journal_mode').fetchone()[0],"
        " c.cursor().execute('PRAGMA busy_timeout').fetchone()[0])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "{{ cookiecutter.service_slug }}.environments.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'local.sqlite3'}",
        "CELERY_BROKER_FOLDER": str(tmp_path / "broker"),
    }
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    engine, eager, broker, *sqlite = result.stdout.split()
    assert (engine, eager, broker) == ("django.db.backends.sqlite3", "False", local_broker.URL)
    assert sqlite == ["IMMEDIATE", "wal", "20000"]  # WAL, writers take turns, a 20 s wait
    assert (tmp_path / "broker" / "queue").is_dir()  # made as the app starts


def test_the_test_settings_run_tasks_eagerly_unless_a_broker_is_named():
    named = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    assert settings.CELERY_TASK_ALWAYS_EAGER is not bool(named)
