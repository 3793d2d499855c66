"""Fault drills: the default render's web, worker and beat (entrypoint roles, production
settings) on private Redis and MariaDB instances, which the drills stop and start again.

- Redis down: readiness 503 within 2 s; reads and pages answer (a cache failure is a miss);
  creating a run answers 202 and keeps the run, which is delivered once Redis is back; throttles
  let it through, and a repeat with its Idempotency-Key answers with the same run.
- MariaDB down: readiness 503 within 2 s; the API answers 503 in its error shape with
  Retry-After, pages a plain "try again" 503; unknown API routes stay a 404 in the error shape.
- Both: web and worker recover without a restart.
The figures (reaction and recovery times) are printed; `pytest -s` shows them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from .bakery import bake, free_port, project_python
from .private_services import PrivateMariaDB, PrivateRedis
from .servers import entrypoint, log_of, production_env, role, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
REACTION_LIMIT = 2.0  # seconds from an outage to readiness answering 503
APP = "scheduler"  # the default answers' app slug


@dataclass
class Stack:
    project: Path
    env: dict[str, str]
    base: str
    api: requests.Session
    browser: requests.Session
    redis: PrivateRedis
    mariadb: PrivateMariaDB
    web_pid: int

    def ready(self) -> int:
        try:
            return requests.get(f"{self.base}/readyz", timeout=3).status_code
        except requests.RequestException:
            return 0

    def logs(self) -> str:
        return "\n".join(log_of(self.project, n)[-3000:] for n in ("web", "worker", "beat"))


def manage(project: Path, env: dict[str, str], *args: str) -> str:
    result, _ = entrypoint(project, "python", "manage.py", *args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def signed_in_browser(project: Path, env: dict[str, str], username: str) -> requests.Session:
    """A browser session of `username`. Production cookies are HTTPS-only and the drills speak
    plain HTTP, so the session is made on the server side and its cookie set by hand."""
    key = manage(project, env, "shell", "-c", (
        "from django.contrib.auth.models import User; from django.test import Client; "
        f"c = Client(); c.force_login(User.objects.get(username='{username}')); "
        "print(c.cookies['sessionid'].value)"
    )).split()[-1]  # fmt: skip
    session = requests.Session()
    session.cookies.set("sessionid", key)
    return session


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    project = bake(tmp_path_factory.mktemp("drills"))
    python = project_python(project)
    with ExitStack() as cleanup:
        redis = PrivateRedis().start()
        cleanup.callback(redis.remove)
        mariadb = PrivateMariaDB().install().start()
        cleanup.callback(mariadb.remove)
        mariadb.sql("CREATE DATABASE drills CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        port = free_port()
        variables = {
            "DATABASE_URL": f"{mariadb.url}/drills",
            "REDIS_URL": f"{redis.url}/0",
            "PORT": str(port),
            "SCHEDULING_REAPER_SECONDS": "1",  # the reaper's period and its grace for new runs
            "CACHE_RETRY_SECONDS": "1",
            "DATABASE_CONNECT_TIMEOUT": "1",
            "CELERY_WORKER_CONCURRENCY": "1",
        }
        env = production_env(project, python, variables)
        result, _ = entrypoint(project, "migrate", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        manage(project, env, "shell", "-c", (
            "from django.contrib.auth.models import Group, User; "
            "u = User.objects.create_user('officer', password='drill-password-1'); "
            "u.groups.add(Group.objects.get(name='scheduler'))"
        ))  # fmt: skip
        token = manage(project, env, "api_token_create", "officer").split()[-1]
        web = cleanup.enter_context(role(project, "web", env=env))
        cleanup.enter_context(role(project, "worker", env=env))
        cleanup.enter_context(role(project, "beat", "--schedule", str(project / "beat"), env=env))
        base = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: requests_ok(f"{base}/readyz"), timeout=90, process=web), log_of(
            project, "web"
        )
        api = requests.Session()
        api.headers["Authorization"] = f"Token {token}"
        browser = signed_in_browser(project, env, "officer")
        yield Stack(project, env, base, api, browser, redis, mariadb, web.pid)


def requests_ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=3).status_code == 200
    except requests.RequestException:
        return False


def seconds_until(condition, *, timeout: float) -> float:
    started = time.monotonic()
    assert wait_until(condition, timeout=timeout), f"not within {timeout}s"
    return time.monotonic() - started


@pytest.fixture(scope="module")
def revision(stack: Stack) -> dict:
    """A problem with one generated revision, made while everything is up."""
    toy = stack.project / f"{APP}/timetabling/data/toy.ectt"
    with toy.open("rb") as file:
        created = stack.api.post(f"{stack.base}/api/v1/problems/", files={"file": file}, timeout=30)
    assert created.status_code == 201, created.text
    problem = created.json()["id"]
    run = generate(stack, problem)
    assert wait_until(lambda: run_of(stack, run)["finished"], timeout=90), stack.logs()
    body = run_of(stack, run)
    assert body["status"] == "succeeded", body
    return {"problem": problem, "revision": body["result_revision"]}


def generate(stack: Stack, problem: int, key: str | None = None) -> int:
    response = stack.api.post(
        f"{stack.base}/api/v1/problems/{problem}/runs/",
        json={"time_limit": 2},
        headers={"Idempotency-Key": key} if key else {},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    return response.json()["id"]


def run_of(stack: Stack, run: int) -> dict:
    return stack.api.get(f"{stack.base}/api/v1/runs/{run}/", timeout=10).json()


def read_everything(stack: Stack, revision: dict) -> dict[str, int]:
    """Status of every read a scheduling team makes: API and pages."""
    problem, rev = revision["problem"], revision["revision"]
    api = [
        "/api/v1/problems/",
        f"/api/v1/problems/{problem}/",
        f"/api/v1/problems/{problem}/revisions/",
        f"/api/v1/revisions/{rev}/",
        f"/api/v1/problems/{problem}/runs/",
    ]
    pages = [
        f"/{APP}/",
        f"/{APP}/problems/{problem}/",
        f"/{APP}/revisions/{rev}/",
        f"/{APP}/problems/{problem}/history/",
    ]
    statuses = {p: stack.api.get(stack.base + p, timeout=10).status_code for p in api}
    statuses |= {p: stack.browser.get(stack.base + p, timeout=10).status_code for p in pages}
    return statuses


def test_redis_outage_keeps_reads_working_and_runs_safe(stack: Stack, revision: dict):
    assert read_everything(stack, revision) == dict.fromkeys(read_everything(stack, revision), 200)
    stack.redis.stop()
    try:
        reaction = seconds_until(lambda: stack.ready() == 503, timeout=10)
        print(f"\nRedis down: readiness 503 after {reaction:.2f}s")
        assert reaction < REACTION_LIMIT
        body = requests.get(f"{stack.base}/readyz", timeout=5).json()
        assert body["failed"] == ["broker"]

        statuses = read_everything(stack, revision)
        assert statuses == dict.fromkeys(statuses, 200), statuses
        started = time.monotonic()
        run = generate(stack, revision["problem"], key="drill-1")  # 202, not 500: the run is kept
        print(f"Redis down: run created in {time.monotonic() - started:.2f}s")
        assert run_of(stack, run)["status"] == "queued"
        # Throttles fail open and the idempotency key lives in the database: a double submit
        # during the outage still makes one run.
        assert generate(stack, revision["problem"], key="drill-1") == run
    finally:
        stack.redis.start()
    recovery = seconds_until(lambda: stack.ready() == 200, timeout=30)
    delivered = seconds_until(lambda: run_of(stack, run)["finished"], timeout=120)
    print(
        f"Redis back: ready after {recovery:.2f}s, the queued run finished {delivered:.1f}s later"
    )
    body = run_of(stack, run)
    assert body["status"] == "succeeded", (body, stack.logs())
    assert body["attempts"] == 1
    assert "cache unreachable" in log_of(stack.project, "web")


def test_database_outage_answers_try_again_and_recovers(stack: Stack, revision: dict):
    stack.mariadb.stop()
    try:
        reaction = seconds_until(lambda: stack.ready() == 503, timeout=10)
        print(f"\nMariaDB down: readiness 503 after {reaction:.2f}s")
        assert reaction < REACTION_LIMIT
        assert requests.get(f"{stack.base}/readyz", timeout=5).json()["failed"] == ["database"]

        response = stack.api.get(f"{stack.base}/api/v1/problems/", timeout=10)
        assert response.status_code == 503, response.text[:300]
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Retry-After"] == "5"
        assert response.json()["code"] == "service_unavailable"

        page = stack.browser.get(f"{stack.base}/{APP}/", timeout=10)
        assert page.status_code == 503
        assert page.headers["Content-Type"].startswith("text/html")
        assert "Try again in a moment" in page.text

        missing = stack.api.get(f"{stack.base}/api/v1/no-such-route/", timeout=10)
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    finally:
        stack.mariadb.start()
    recovery = seconds_until(lambda: stack.ready() == 200, timeout=30)
    print(f"MariaDB back: ready after {recovery:.2f}s")
    statuses = read_everything(stack, revision)
    assert statuses == dict.fromkeys(statuses, 200), statuses
    run = generate(stack, revision["problem"])  # the worker reconnected too
    assert wait_until(lambda: run_of(stack, run)["finished"], timeout=120), stack.logs()
    assert run_of(stack, run)["status"] == "succeeded"
    assert Path(f"/proc/{stack.web_pid}").exists()  # the same web process: no restart
