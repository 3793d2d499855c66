"""Fixtures shared by every test of the service.

Tests marked `integration` need real MySQL and Redis: without them they fail (never skip), so a
CI job that forgot a service cannot pass by testing less.
"""

import os
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
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
def celery_worker_factory(transactional_db) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real workers on the test database (tests using them must commit, hence
    transactional_db); each is stopped when the test ends. `pool` as in WorkerProcess."""
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
    started: list[WorkerProcess] = []

    def start(*, pool: str = "solo", wait: bool = True, **extra_env: str) -> WorkerProcess:
        """`wait=False` returns at once (start several in parallel, then `wait_ready()` each)."""
        worker = WorkerProcess(
            {**env, **extra_env}, queue=settings.CELERY_TASK_DEFAULT_QUEUE, pool=pool
        )
        started.append(worker)
        if wait:
            worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def celery_worker(celery_worker_factory) -> WorkerProcess:
    """One worker on the test database (see celery_worker_factory)."""
    return celery_worker_factory()


@pytest.fixture
def unreachable_database() -> Iterator[None]:
    """Point the default connection at a database that cannot be reached, then restore it."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":  # the test database is a file (environments/test.py)
        connection.settings_dict["NAME"] = "/nonexistent-directory/db.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=1)  # nothing listens on port 1
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.fixture(autouse=True)
def fresh_process_caches() -> Iterator[None]:
    """Each test starts as a new process would: no token copies, no remembered answers."""
    from core.token_api import ANSWERS
    from core.token_auth import LOCAL_TOKENS

    LOCAL_TOKENS.clear()
    ANSWERS.clear()
    yield
    LOCAL_TOKENS.clear()
    ANSWERS.clear()
