"""Prometheus metrics: requests, Celery tasks and the broker's queue, served on /metrics.

Each gunicorn worker and each Celery pool process counts on its own. With
PROMETHEUS_MULTIPROC_DIR set (the entrypoint gives web and worker a fresh folder under /tmp),
prometheus_client keeps every process's values in files there and a scrape sums them, so the
answer covers the whole container whichever process serves it.

Who may scrape: a direct loopback connection (a scraper in the same task or pod) without
credentials; anyone else only with `Authorization: Bearer <METRICS_TOKEN>`. A request carrying a
forwarding header came through a proxy, so it is not direct, whatever address it claims.
Celery workers serve the same text on 127.0.0.1:CELERY_METRICS_PORT (loopback only).
"""

import hmac
import os
import time
from collections.abc import Callable, Iterator
from ipaddress import ip_address
from typing import Any

from celery import signals
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .exceptions import error_body
from .queues import queue_state

PATH = "/metrics"
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
TASK_BUCKETS = (0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600)

REQUESTS = Counter(
    "http_requests_total", "HTTP requests answered, by route, method and status",
    ["route", "method", "status"],
)  # fmt: skip
REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds", "Time to answer an HTTP request, by route and method",
    ["route", "method"], buckets=LATENCY_BUCKETS,
)  # fmt: skip
TASKS = Counter(
    "celery_tasks_total", "Celery tasks run, by task and outcome (success, failure, retry)",
    ["task", "outcome"],
)  # fmt: skip
TASK_SECONDS = Histogram(
    "celery_task_duration_seconds", "Run time of a Celery task, by task",
    ["task"], buckets=TASK_BUCKETS,
)  # fmt: skip


class QueueCollector(Collector):
    """The broker's queue, read at scrape time: its length and the age of its oldest task."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        state = queue_state(queue)
        if state is None:  # no Redis broker, or it cannot be reached: no sample, not a zero
            return
        depth, oldest_age = state
        length = GaugeMetricFamily(
            "celery_queue_length", "Tasks waiting in the broker's queue", labels=["queue"]
        )
        length.add_metric([queue], depth)
        yield length
        if oldest_age is not None:
            age = GaugeMetricFamily(
                "celery_queue_oldest_task_age_seconds",
                "How long the task at the head of the queue has waited",
                labels=["queue"],
            )
            age.add_metric([queue], oldest_age)
            yield age


QUEUE_REGISTRY = CollectorRegistry(auto_describe=False)
QUEUE_REGISTRY.register(QueueCollector())


def process_registry() -> CollectorRegistry:
    """What every process of this container has counted (one process's own without the folder)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def exposition() -> bytes:
    return generate_latest(process_registry()) + generate_latest(QUEUE_REGISTRY)


def scrape_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if any(header in request.META for header in FORWARDING_HEADERS):
        return False
    try:
        return ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


class MetricsMiddleware:
    """Serves /metrics (placed first, like the probes: the scraper speaks plain HTTP with any
    Host) and counts every other request by its route pattern, never by its raw path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == PATH:
            if not scrape_allowed(request):
                body = error_body("forbidden", "Metrics need a loopback connection or the token.")
                return JsonResponse(body, status=403)
            return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = f"/{match.route}" if match is not None else "unmatched"
        method = request.method or ""
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route, method).observe(time.perf_counter() - started)
        return response


# --- Celery ---------------------------------------------------------------------------------
_started: dict[str, float] = {}


@signals.task_prerun.connect
def _task_started(task_id: str | None = None, **_kwargs: Any) -> None:
    if task_id is not None:
        _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_finished(
    task_id: str | None = None, task: Any = None, state: str | None = None, **_kwargs: Any
) -> None:
    started = _started.pop(task_id or "", None)
    name = getattr(task, "name", "unknown")
    outcome = {"SUCCESS": "success", "FAILURE": "failure", "RETRY": "retry"}.get(state or "")
    TASKS.labels(name, outcome or (state or "unknown").lower()).inc()
    if started is not None:
        TASK_SECONDS.labels(name).observe(time.perf_counter() - started)


@signals.worker_ready.connect
def _serve_worker_metrics(**_kwargs: Any) -> None:
    """The worker's own /metrics, on loopback only (nothing else may reach it)."""
    if settings.CELERY_METRICS_PORT:
        start_http_server(
            settings.CELERY_METRICS_PORT, addr="127.0.0.1", registry=process_registry()
        )
