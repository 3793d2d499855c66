"""Liveness (/healthz) and readiness (/readyz) probes.

Served by a middleware placed first, so a load balancer probing with a bare IP as Host header
(not in ALLOWED_HOSTS) or over plain HTTP (behind an HTTPS redirect) still gets its answer.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from kombu import Connection

from . import local_broker

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 1.0


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> str | None:
    """Reach the configured broker with short timeouts; a note instead when tasks run eagerly.

    Redis is pinged; the folder broker of a service run with nothing configured must exist and
    be writable; any other broker is connected to through kombu."""
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url:
        return "not used (tasks run eagerly)"
    if local_broker.is_folder_broker(url):
        local_broker.folders_check(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
        return "folder (no server)"
    if not url.startswith(("redis://", "rediss://")):
        with Connection(url, connect_timeout=TIMEOUT_SECONDS) as connection:
            connection.ensure_connection(max_retries=1, timeout=int(TIMEOUT_SECONDS) or 1)
        return None
    client = redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return None


def readiness() -> tuple[int, dict[str, Any]]:
    checks: dict[str, dict[str, Any]] = {}
    for name, check in (("database", check_database), ("broker", check_broker)):
        started = time.monotonic()
        try:
            note = check()
        except Exception as error:  # any failure means "not ready": report it, never raise
            logger.warning("readiness check %s failed: %s", name, error)
            checks[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        else:
            checks[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
            if note:
                checks[name]["note"] = note
    if not checks["database"]["ok"]:
        connections["default"].close()  # start from a fresh connection on the next probe
    ready = all(c["ok"] for c in checks.values())
    failed = [name for name, c in checks.items() if not c["ok"]]
    body = {"status": "ready" if ready else "unavailable", "failed": failed, "checks": checks}
    return (200 if ready else 503), body


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            status, body = readiness()
            return JsonResponse(body, status=status)
        return self.get_response(request)
