"""A fresh render started with `make run` and no services: the web server, a real Celery worker
and beat on the folder broker, sharing one SQLite file. Generation runs take the production path
(202 at once, a worker runs them, progress, cancel) and the database holds up with both writing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .bakery import bake, free_port, installed_python, run
from .servers import wait_for_http

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
SERVICES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL", "VIRTUAL_ENV")


class Service:
    def __init__(self, url: str, token: str, project: Path) -> None:
        self.url, self.token, self.project = url, token, project

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def run_until(self, run_id: int, statuses: set[str], timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = self.call("GET", f"/api/v1/runs/{run_id}/")
            assert status == 200, body
            if body["status"] in statuses:
                return body
            time.sleep(0.3)
        raise AssertionError(f"run {run_id} still {body['status']} after {timeout:g}s")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    project = bake(tmp_path_factory.mktemp("local-run"))
    python = installed_python(project)
    env = {k: v for k, v in os.environ.items() if k not in SERVICES and not k.startswith("DJANGO_")}
    port = free_port()
    log = (project / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "run", f"VENV={python.parent.parent}", f"PORT={port}"],
        cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{port}/readyz", timeout=120, process=process)
        manage = [python, "manage.py"]
        user = {"DJANGO_SUPERUSER_PASSWORD": "pw-for-the-local-run-test"}
        result = run([*manage, "createsuperuser", "--noinput", "--username", "lin",
                      "--email", "lin@example.com"], cwd=project, env=user)  # fmt: skip
        assert result.returncode == 0, result.stderr
        token = run([*manage, "api_token_create", "lin"], cwd=project).stdout.split()[-1]
        yield Service(f"http://127.0.0.1:{port}", token, project)
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # make and `run_all`: it stops all three
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
        finally:
            log.close()
    output = (project / "make-run.log").read_text()
    assert "Traceback" not in output, output[-3000:]
    assert "celery@" in output and "beat: Starting" in output


def problem(service: Service, name: str) -> int:
    data = service.project / "scheduler" / "timetabling" / "data" / name
    result = run([installed_python(service.project), "manage.py", "import_problem", data],
                 cwd=service.project)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[1].rstrip(":"))  # "problem 7: <name>"


def test_readiness_checks_the_folder_broker(service: Service):
    with urllib.request.urlopen(service.url + "/readyz", timeout=5) as response:
        body = json.loads(response.read())
    assert body["checks"]["broker"] == {"ok": True, "ms": body["checks"]["broker"]["ms"],
                                        "note": "folder (no server)"}  # fmt: skip
    assert (service.project / ".broker" / "queue").is_dir()


def test_a_run_answers_202_at_once_and_succeeds_on_the_worker(service: Service):
    comp01 = problem(service, "comp01.ctt")
    started = time.monotonic()
    status, body = service.call("POST", f"/api/v1/problems/{comp01}/runs/", {"time_limit": 4})
    assert status == 202, body
    assert time.monotonic() - started < 3  # not the run's 4 s: the worker has it
    assert body["status"] == "queued" and body["finished"] is False
    # While the worker writes progress, the web server writes too (a counter visit is one
    # UPDATE): the shared SQLite file serves both, no error and no lost write.
    visits = [urllib.request.urlopen(service.url + "/", timeout=30).status for _ in range(40)]
    assert visits == [200] * 40
    done = service.run_until(body["id"], {"succeeded", "failed", "cancelled"}, timeout=60)
    assert done["status"] == "succeeded", done
    assert done["result_revision"] and done["history"]  # the whole best-cost curve is kept
    with urllib.request.urlopen(service.url + "/", timeout=30) as response:
        assert 'data-count="41"' in response.read().decode()


def test_a_cancel_stops_a_running_run(service: Service):
    comp01 = problem(service, "comp01.ctt")
    status, body = service.call("POST", f"/api/v1/problems/{comp01}/runs/", {"time_limit": 120})
    assert status == 202, body
    service.run_until(body["id"], {"running"}, timeout=30)
    status, cancelled = service.call("POST", f"/api/v1/runs/{body['id']}/cancel/")
    assert status == 200, cancelled
    started = time.monotonic()
    done = service.run_until(body["id"], {"succeeded", "failed", "cancelled"}, timeout=30)
    assert done["status"] == "cancelled" and time.monotonic() - started < 10, done


def test_metrics_read_the_folder_queue_and_the_reaper_runs_on_beat(service: Service):
    with urllib.request.urlopen(service.url + "/metrics", timeout=10) as response:
        text = response.read().decode()
    assert 'celery_queue_length{queue="scheduler_service"} 0.0' in text
    log = service.project / "make-run.log"
    deadline = time.monotonic() + 45  # beat's first pass comes SCHEDULING_REAPER_SECONDS in
    while "generation_runs_reap" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(1)
    assert "scheduler.generation_runs_reap" in log.read_text()
    assert "succeeded in" in log.read_text()
