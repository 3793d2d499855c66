"""Settings of the scheduling application, read from the environment.

The project's settings module imports everything here, so each name is a Django setting
(`django.conf.settings.SCHEDULING_MAX_TIME_LIMIT`) that environments and tests can override.
"""

import environ

env = environ.Env()

SCHEDULING_MAX_UPLOAD_BYTES = env.int("SCHEDULING_MAX_UPLOAD_BYTES", default=2 * 1024 * 1024)
SCHEDULING_MAX_TIME_LIMIT = env.int("SCHEDULING_MAX_TIME_LIMIT", default=3000)  # seconds
SCHEDULING_SOLVER_WORKERS = env.int("SCHEDULING_SOLVER_WORKERS", default=2)  # CP-SAT threads
# A running generation whose heartbeat is older than this is taken over on re-delivery.
SCHEDULING_RUN_STALE_SECONDS = env.int("SCHEDULING_RUN_STALE_SECONDS", default=60)
