import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .bakery import MYSQL_URL, REDIS_URL, TEMPLATE, bake, port_is_open

CACHE_DIRS = ("__pycache__", ".ruff_cache", ".pytest_cache", ".mypy_cache")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Drop tool caches left inside the template by working on it: verbatim-copied directories
    (timetabling/) would carry them into every bake."""
    project = TEMPLATE / "{{cookiecutter.service_slug}}"
    for name in CACHE_DIRS:
        for path in sorted(project.rglob(name), reverse=True):
            shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="session")
def lean_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(
        tmp_path_factory.mktemp("lean"), service_name="Lean Service", scheduling_domain="no"
    )


@pytest.fixture(scope="session")
def services() -> None:
    """MariaDB and Redis must be up: a missing service fails the test, it never skips it."""
    for name, url in (("MariaDB/MySQL", MYSQL_URL), ("Redis", REDIS_URL)):
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 0
        if not port_is_open(host, port):
            pytest.fail(f"{name} is not reachable at {host}:{port}; start it (see .ci/run)")
