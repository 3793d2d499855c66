"""gunicorn settings, read from the environment (the entrypoint's `web` role uses this file).

Threads keep a worker busy while it waits on MySQL or Redis; max_requests recycles workers to
bound slow memory growth, with jitter so they do not all restart at once. keepalive is longer than
the load balancer's idle timeout (60 s on an ALB), so the balancer never reuses a closed socket.
"""

import os
from typing import Any


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 25)  # below ECS's 30 s stopTimeout
keepalive = _int("GUNICORN_KEEPALIVE", 75)
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
# Heartbeat files in memory, not on the container's overlay filesystem.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (
    "/dev/shm" if os.path.isdir("/dev/shm") else None
)

# Logs go to stdout/stderr for the container runtime to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT",
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s',
)

# With LOG_FORMAT=json, gunicorn logs in the application's JSON layout (core/logging.py): one
# object per line, the request id of an access line taken from its X-Request-ID header.
if os.environ.get("LOG_FORMAT") == "json":
    from core.logging import JSON_FORMATTER

    def _stream(stream: str, log_filter: str) -> dict[str, object]:
        return {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": [log_filter],
            "stream": f"ext://sys.{stream}",
        }

    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": JSON_FORMATTER},
        "filters": {
            "context": {"()": "core.logging.RequestIdFilter"},
            "access": {"()": "core.logging.AccessLogFilter"},
        },
        "handlers": {
            "error": _stream("stderr", "context"),
            "access": _stream("stdout", "access"),
        },
        "root": {"handlers": ["error"], "level": loglevel.upper()},  # gunicorn configures it
        "loggers": {
            "gunicorn.error": {
                "handlers": ["error"],
                "level": loglevel.upper(),
                "propagate": False,
            },
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


def child_exit(_server: object, worker: Any) -> None:
    """A dead worker's metric files stay (its counts are kept); mark it dead for live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


# Only the load balancer reaches the containers (security groups), so trust its X-Forwarded-*.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
