"""The broker's queue read straight from Redis (core.queues): what waits, for how long, and
which task ids a worker holds; nothing at all when tasks run eagerly."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.conf import settings

from core.queues import (
    message_age,
    message_task_id,
    queue_state,
    read_queue_state,
    read_waiting_task_ids,
    waiting_task_ids,
)
from core.tasks import heartbeat_process


def message(task_id: str, published_at: str | None) -> str:
    headers = {"id": task_id, **({"published_at": published_at} if published_at else {})}
    return json.dumps({"body": "", "headers": headers, "properties": {}})


def test_a_message_says_its_task_id_and_age():
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    sent = (now - timedelta(seconds=90)).isoformat()
    assert message_task_id(message("t-1", sent)) == "t-1"
    assert message_task_id(json.dumps([json.loads(message("t-2", sent)), "", "q"])) == "t-2"
    assert message_age(message("t-1", sent), now=now) == 90.0
    assert message_age(message("t-1", "2026-12-01T11:59:00"), now=now) == 60.0  # naive is UTC
    assert message_age(message("t-1", None), now=now) is None
    assert message_task_id("not json") is None and message_age("{}", now=now) is None


def test_with_eager_tasks_there_is_no_queue_to_read(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert queue_state("any") is None and waiting_task_ids("any") is None


def test_an_unreachable_broker_reads_as_unknown(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert queue_state("any") is None and waiting_task_ids("any") is None


@pytest.mark.integration
def test_published_tasks_are_seen_in_the_queue_with_their_age():
    from {{ cookiecutter.service_slug }}.celery import app as celery_app

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    celery_app.control.purge()
    assert queue_state(queue) == (0, 0.0)
    first = heartbeat_process.apply_async(args=(1,))
    second = heartbeat_process.apply_async(args=(2,))
    try:
        depth, age = queue_state(queue) or (None, None)
        assert depth == 2 and age is not None and 0 <= age < 30
        assert {first.id, second.id} <= (waiting_task_ids(queue) or set())
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
        assert read_queue_state(client, queue, prefix=prefix)[0] == 2
        assert first.id in read_waiting_task_ids(client, queue, prefix=prefix)
        client.close()
    finally:
        celery_app.control.purge()


@pytest.fixture
def folder_broker(settings, tmp_path):
    """The folder broker of a service run with nothing configured (core.local_broker)."""
    from core import local_broker

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = local_broker.URL
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = local_broker.transport_options(tmp_path)
    local_broker.folders_create(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    return settings.CELERY_BROKER_TRANSPORT_OPTIONS


def test_tasks_published_to_the_folder_broker_are_seen_waiting_with_their_age(folder_broker):
    from kombu import Connection

    from {{ cookiecutter.service_slug }}.celery import app as celery_app

    assert queue_state("q") == (0, 0.0) and waiting_task_ids("q") == set()
    with Connection(settings.CELERY_BROKER_URL, transport_options=folder_broker) as connection:
        for task_id in ("t-1", "t-2"):
            celery_app.send_task(
                heartbeat_process.name, args=(1,), task_id=task_id, queue="q", connection=connection
            )
    depth, age = queue_state("q") or (None, None)
    assert depth == 2 and age is not None and 0 <= age < 30
    assert waiting_task_ids("q") == {"t-1", "t-2"}
    assert queue_state("another") == (0, 0.0)


def test_a_missing_broker_folder_reads_as_unknown(folder_broker, tmp_path):
    import shutil

    shutil.rmtree(tmp_path / "queue")
    assert queue_state("q") is None and waiting_task_ids("q") is None
