"""Metrics and logs under several processes: the default render's web role (gunicorn, 2 workers) and
worker role (prefork pool), production settings, MariaDB and Redis. Every scrape must give the
container's whole count, whichever gunicorn worker answers it; the Celery worker's own endpoint
counts the tasks its pool processes ran."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .bakery import bake, free_port, project_python, service_env
from .servers import entrypoint, log_of, production_env, role, wait_until
from .test_entrypoint import mariadb

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
REQUESTS = 30
TASKS = 3


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def sample(text: str, name: str, labels: str) -> float:
    match = re.search(rf"^{name}\{{{re.escape(labels)}\}} (\S+)$", text, re.MULTILINE)
    return float(match[1]) if match else 0.0


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(tmp_path_factory.mktemp("metrics"))


def test_scrapes_sum_every_process(project: Path, services):
    variables = service_env("metrics", redis_db=12)
    database = urlsplit(variables["DATABASE_URL"]).path.lstrip("/")
    mariadb(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        port, worker_port = free_port(), free_port()
        env = production_env(project, project_python(project), variables) | {
            "PORT": str(port),
            "GUNICORN_WORKERS": "2",
            "CELERY_METRICS_PORT": str(worker_port),
            "CELERY_WORKER_CONCURRENCY": "2",
            "LOG_FORMAT": "json",
        }
        result, _ = entrypoint(project, "migrate", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        base = f"http://127.0.0.1:{port}"
        with role(project, "web", env=env) as web, role(project, "worker", env=env) as worker:
            assert wait_until(lambda: readiness_ok(base), timeout=90, process=web), log_of(
                project, "web"
            )
            for _ in range(REQUESTS):
                assert get(f"{base}/")[0] == 200
            started = time.monotonic()
            scrapes = [get(f"{base}/metrics")[1] for _ in range(6)]
            scrape_ms = (time.monotonic() - started) / len(scrapes) * 1000
            labels = 'method="GET",route="/",status="200"'
            counts = {sample(text, "http_requests_total", labels) for text in scrapes}
            assert counts == {REQUESTS}, counts
            assert all("celery_queue_length{" in text for text in scrapes)

            assert wait_until(lambda: " ready." in log_of(project, "worker"), timeout=60,
                              process=worker), log_of(project, "worker")  # fmt: skip
            for n in range(TASKS):
                entrypoint(project, "python", "manage.py", "shell", "-c",
                           f"from core.services import heartbeat_create; "
                           f"heartbeat_create(message='m{n}')", env=env)  # fmt: skip
            task = 'outcome="success",task="core.heartbeat_process"'

            def worker_count() -> float:
                return sample(get(f"http://127.0.0.1:{worker_port}/metrics")[1],
                              "celery_tasks_total", task)  # fmt: skip

            assert wait_until(lambda: worker_count() == TASKS, timeout=60), log_of(
                project, "worker"
            )
            assert_json_logs(log_of(project, "web"))
            print(
                f"\n{REQUESTS} requests over 2 gunicorn workers: every scrape counts them all; "
                f"a scrape takes {scrape_ms:.1f} ms; the worker counted {TASKS} tasks"
            )
    finally:
        mariadb(f"DROP DATABASE IF EXISTS `{database}`")


def assert_json_logs(log: str) -> None:
    """gunicorn logs in the application's JSON layout: one object per line, access lines with
    the request id of their response (probes and scrapes are answered before ids are given)."""
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    pages = [r for r in records if r["logger"] == "gunicorn.access" and '"GET / ' in r["message"]]
    assert len(pages) == REQUESTS and all(len(r["request_id"]) == 32 for r in pages), pages[:2]
    errors = [r for r in records if r["logger"] == "gunicorn.error"]
    assert any("Booting worker" in r["message"] for r in errors), errors
    assert "[INFO] Booting worker" not in log  # no line left in gunicorn's own format


def readiness_ok(base: str) -> bool:
    try:
        return get(f"{base}/readyz")[0] == 200
    except OSError:
        return False
