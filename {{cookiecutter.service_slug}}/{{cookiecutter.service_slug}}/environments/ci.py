"""CI runs: the test settings against real MySQL and Redis, both required."""

from django.core.exceptions import ImproperlyConfigured

from ..settings import DATABASES, env
from .test import *  # noqa: F403

for _name in ("DATABASE_URL", "REDIS_URL"):
    if not env(_name, default=""):
        raise ImproperlyConfigured(f"Set the {_name} environment variable (CI needs it).")
if DATABASES["default"]["ENGINE"] != "django.db.backends.mysql":
    raise ImproperlyConfigured("DATABASE_URL must point at MySQL in CI (mysql://...).")
