"""Test helpers: API clients, real processes (a Celery worker), a recording stand-in for remote
HTTP endpoints, and polling. Used by tests only."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parent.parent


def signed_in_client(user: AbstractBaseUser) -> APIClient:
    """An API client with a real API token of `user`, already in use (its record cached, as
    after its first request, so query counts are the requests' own): its requests take the
    token path of the service's clients (core/token_api.py, core/token_auth.py)."""
    from knox.models import AuthToken

    from .token_auth import remember_token

    record, token = AuthToken.objects.create(user)
    remember_token(record.digest, record)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def database_url_for_worker() -> str:
    """The URL of the database this test run uses (pytest-django's test database)."""
    from django.db import connection

    s = connection.settings_dict
    password = s.get("PASSWORD") or ""
    credentials = f"{s['USER']}:{password}" if password else f"{s['USER']}"
    return f"mysql://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 3306}/{s['NAME']}"


class WorkerProcess:
    """A real `celery worker` process serving this test run's queue and test database."""

    def __init__(self, env: dict[str, str], *, queue: str, pool: str = "solo") -> None:
        """`pool="prefork"` runs tasks in a child process with one slot, as deployed workers do."""
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "{{ cookiecutter.service_slug }}", "worker",
             "--pool", pool, "--concurrency", "1", "--loglevel", "INFO", "--without-mingle",
             "--without-gossip", "--queues", queue],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # its own process group: stop() ends the pool's children too
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if " ready." in line:
                self.ready.set()

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_ready(self, timeout: float = 60) -> None:
        if not self.ready.wait(timeout=timeout):
            pytest.fail(f"celery worker did not start:\n{self.log}")

    def stop(self) -> None:
        """At once, children included: the test is over, a warm shutdown would only cost time."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)


def metric_value(name: str, **labels: str) -> float:
    """A sample of this process's metrics (all processes' with PROMETHEUS_MULTIPROC_DIR); 0 if
    it was never counted."""
    from core.metrics import process_registry

    return process_registry().get_sample_value(name, labels) or 0.0


def wait_until(
    condition: Callable[[], object], *, timeout: float = 30.0, interval: float = 0.1
) -> bool:
    """Poll `condition` until it returns something true or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


class RecordingServer:
    """A local HTTP server that records every request it gets (method, path, body) and answers
    200: it stands in for an endpoint this machine cannot reach (Sentry, the ECS agent)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        recorded = self.requests

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                recorded.append((self.command, self.path, self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_PUT = _record

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
