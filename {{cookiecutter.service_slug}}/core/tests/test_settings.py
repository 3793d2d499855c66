import os
import subprocess
import sys

import pytest
from django.conf import settings

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


def test_local_defaults_need_no_services():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "{{ cookiecutter.service_slug }}.environments.local"}
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]
