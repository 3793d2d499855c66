"""Test runs (pytest): SQLite and eager tasks unless DATABASE_URL / REDIS_URL say otherwise."""

from ..settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-for-the-test-suite-only"
# A file, not SQLite's shared in-memory database: tests can then close and reopen connections.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user fixtures
# Tasks run eagerly, in the process that enqueues them, right after its commit: the same path
# (on_commit -> delay) with no worker to start. Only a named broker (CI's REDIS_URL) turns that
# off; the tests that need a real worker start one (conftest.py, celery_worker_factory).
CELERY_TASK_ALWAYS_EAGER = env.bool(  # noqa: F405
    "CELERY_TASK_ALWAYS_EAGER",
    default=not env("CELERY_BROKER_URL", default=REDIS_URL),  # noqa: F405
)
