"""CI runs: the test settings against real MySQL and Redis, both required."""

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from ..settings import (
    CACHES,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CELERY_TASK_DEFAULT_QUEUE,
    DATABASES,
    env,
)
from .test import *  # noqa: F403

for _name in ("DATABASE_URL", "REDIS_URL"):
    if not env(_name, default=""):
        raise ImproperlyConfigured(f"Set the {_name} environment variable (CI needs it).")
if DATABASES["default"]["ENGINE"] != "django.db.backends.mysql":
    raise ImproperlyConfigured("DATABASE_URL must point at MySQL in CI (mysql://...).")


def redis_database(url: str, offset: int) -> str:
    """`url` with its database number moved on by `offset` (redis://host:6379/5 -> /6)."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + offset
    return urlunsplit(parts._replace(path=f"/{number}"))


# Parallel test processes (pytest-xdist names them gw0, gw1, ...) each get their own test
# database (pytest-django), cache database (never the broker's: clearing a cache empties its
# whole database), Celery queue and broker keys (kombu's `unacked` hash is shared by every queue,
# and a worker restores what it finds there past its own visibility timeout): one process never
# touches another's data. A Celery worker a test starts inherits the variable, so it computes
# the same names.
_process = os.environ.get("PYTEST_XDIST_WORKER", "")
if _process:
    CACHES["default"]["LOCATION"] = redis_database(
        CACHES["default"]["LOCATION"], 1 + int(_process.removeprefix("gw"))
    )
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = f"{_process}:"
    if not CELERY_TASK_DEFAULT_QUEUE.endswith(f"-{_process}"):
        CELERY_TASK_DEFAULT_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-{_process}"
