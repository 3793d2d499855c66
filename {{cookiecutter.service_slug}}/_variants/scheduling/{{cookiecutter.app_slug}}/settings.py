"""Settings of the scheduling application, read from the environment.

The project's settings module imports everything here, so each name is a Django setting
(`django.conf.settings.SCHEDULING_MAX_TIME_LIMIT`) that environments and tests can override.
"""

import environ

env = environ.Env()

# The Hello page's link to the application (the project's SERVICE_HOME_LINKS).
SERVICE_HOME_LINKS = [("Open the scheduler", "{{ cookiecutter.app_slug }}:problem-list")]
SCHEDULING_MAX_UPLOAD_BYTES = env.int("SCHEDULING_MAX_UPLOAD_BYTES", default=2 * 1024 * 1024)
SCHEDULING_MAX_TIME_LIMIT = env.int("SCHEDULING_MAX_TIME_LIMIT", default=3000)  # seconds
SCHEDULING_SOLVER_WORKERS = env.int("SCHEDULING_SOLVER_WORKERS", default=2)  # CP-SAT threads
# The time zone of calendar exports for problems that name none (an IANA name).
SCHEDULING_TIME_ZONE = env("SCHEDULING_TIME_ZONE", default=env("TIME_ZONE", default="UTC"))
# A running generation whose heartbeat is older than this is queued again by the reaper (and
# taken over by a re-delivered task).
SCHEDULING_RUN_STALE_SECONDS = env.int("SCHEDULING_RUN_STALE_SECONDS", default=60)

# Recovery of runs (services/run_recovery.py): the reaper's period on beat, and how long a
# published run may wait before the reaper checks that its message still exists.
SCHEDULING_REAPER_SECONDS = env.int("SCHEDULING_REAPER_SECONDS", default=30)
SCHEDULING_RUN_QUEUED_SECONDS = env.int("SCHEDULING_RUN_QUEUED_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "reap-generation-runs": {
        "task": "{{ cookiecutter.app_slug }}.generation_runs_reap",
        "schedule": SCHEDULING_REAPER_SECONDS,
        # A pass missed while every worker is busy is dropped, not stacked up.
        "options": {"expires": SCHEDULING_REAPER_SECONDS},
    },
}
