"""Fixtures shared by every test of the service.

Tests marked `integration` need real MySQL and Redis: without them they fail (never skip), so a
CI job that forgot a service cannot pass by testing less.
"""

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from core.testing import WorkerProcess, database_url_for_worker, signed_in_client

from {{ cookiecutter.service_slug }}.celery import app as celery_app


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("integration") is None:
        return
    missing = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql":
        missing.append("DATABASE_URL=mysql://...")
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        missing.append("REDIS_URL=redis://...")
    if missing:
        pytest.fail(f"integration test needs {' and '.join(missing)}; run `make test-integration`")


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="ada", password="pw-for-tests-only")


@pytest.fixture
def api_client(user) -> APIClient:
    return signed_in_client(user)


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run tasks in-process for this test even when a broker is configured."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[WorkerProcess]:
    """Start a worker on the test database; tests using it must commit (transactional_db)."""
    celery_app.control.purge()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "{{ cookiecutter.service_slug }}.environments.ci"
        ),
        "DATABASE_URL": database_url_for_worker(),
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "DATABASE_CONN_MAX_AGE": "0",
    }
    worker = WorkerProcess(env, queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    if not worker.ready.wait(timeout=60):
        worker.stop()
        pytest.fail(f"celery worker did not start:\n{worker.log}")
    yield worker
    worker.stop()
