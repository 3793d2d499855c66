"""Logs are one JSON object per line with the request and task ids; errors reach Sentry (when
SENTRY_DSN is set) tagged with the request id and without personal data."""

import gzip
import json
import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
import sentry_sdk
from django.test import Client

from core import error_reporting
from core.testing import ROOT, RecordingServer, wait_until

LOG_SCRIPT = """
import django, logging
django.setup()
from celery import shared_task
from core.request_context import set_request_id

@shared_task(name="test.log_something")
def log_something():
    logging.getLogger("core.example").info("inside a task")

set_request_id("req-1234")
logging.getLogger("core.example").warning("outside a task")
log_something.apply(task_id="task-5678")
"""


def test_json_logs_are_one_object_per_line_with_request_and_task_ids():
    env = {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO", "PATH": "/usr/bin:/bin"}
    env["DJANGO_SETTINGS_MODULE"] = "{{ cookiecutter.service_slug }}.environments.test"
    result = subprocess.run(
        [sys.executable, "-c", LOG_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    mine = {line["message"]: line for line in lines if line["logger"] == "core.example"}
    assert mine["outside a task"]["level"] == "WARNING"
    assert mine["outside a task"]["request_id"] == "req-1234"
    assert mine["outside a task"]["task_id"] is None
    assert mine["inside a task"]["task_id"] == "task-5678"
    assert mine["inside a task"]["request_id"] == "req-1234"
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)


@pytest.fixture
def sentry_server() -> Iterator[RecordingServer]:
    """A local server standing in for Sentry's ingestion."""
    server = RecordingServer()
    yield server
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off again for the other tests
    server.close()


def events(server: RecordingServer) -> list[dict]:
    """The error events in Sentry envelopes (a header line, then item header and payload)."""
    found = []
    for _method, _path, body in list(server.requests):
        envelope = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body  # sent gzipped
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


@pytest.mark.django_db
def test_an_error_reaches_sentry_with_the_request_id_and_no_personal_data(
    sentry_server, monkeypatch
):
    dsn = sentry_server.url.replace("http://", "http://publickey@") + "/42"
    error_reporting.start(dsn=dsn, environment="drill", release="1.2.3")

    def broken() -> int:
        raise RuntimeError("the counter broke")

    monkeypatch.setattr("core.views.counter_increment", broken)
    client = Client(raise_request_exception=False)
    cookie = secrets.token_hex(12)  # made here, so it cannot appear in the code Sentry quotes
    client.cookies["sessionid"] = cookie
    response = client.get("/", HTTP_X_REQUEST_ID="drill-request-1")
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    assert wait_until(lambda: events(sentry_server), timeout=10)
    (event,) = events(sentry_server)
    assert event["tags"]["request_id"] == "drill-request-1" == response["X-Request-ID"]
    assert (event["release"], event["environment"]) == ("1.2.3", "drill")
    assert event["exception"]["values"][-1]["value"] == "the counter broke"
    assert cookie not in json.dumps(event)
    assert "user" not in event or not event["user"].get("ip_address")
