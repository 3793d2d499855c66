"""What waits in the Celery broker, read straight from Redis (or from the folder broker of a
service run with nothing configured, core.local_broker): the one home of kombu's Redis layout for
this project (core.metrics, the run reaper and deploy/queue_metrics.py read it here).

A queue is a Redis list of JSON messages: producers push on the left and workers pop on the
right, so the last element has waited longest (the service publishes without priorities, which
would add `<queue>\\x06\\x16<n>` lists). A message a worker has taken but not yet acknowledged
sits in the `unacked` hash until it does. Every message carries the `published_at` header
(core.celery_signals). Reads only.

Importable without Django (the queue-metrics sidecar runs it as a plain script); the two
functions at the end read the broker Django's settings name and never raise for an outage:
None means "cannot tell".
"""

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

import redis

from . import local_broker

logger = logging.getLogger(__name__)
UNACKED = "unacked"
PUBLISHED_AT = "published_at"  # message header: when the task was sent (ISO 8601, UTC)
TIMEOUT_SECONDS = 1.0
T = TypeVar("T")


def message_task_id(raw: bytes | str) -> str | None:
    """The task id of a queued message, or of an unacked entry ([message, exchange, key])."""
    try:
        message = json.loads(raw)
        if isinstance(message, list):
            message = message[0]
        return str(message["headers"]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def message_age(raw: bytes | str, *, now: datetime) -> float | None:
    """Seconds since a queued message was published, or None when it does not say."""
    try:
        published = datetime.fromisoformat(json.loads(raw)["headers"][PUBLISHED_AT])
    except (ValueError, KeyError, TypeError):
        return None
    if published.tzinfo is None:  # the header is UTC, whether or not it says so
        published = published.replace(tzinfo=UTC)
    return max(0.0, (now - published).total_seconds())


def read_queue_state(
    client: redis.Redis, queue: str, *, prefix: str = ""
) -> tuple[int, float | None]:
    """The queue's length and its oldest task's age (0 when empty), read in one transaction.
    `prefix` is the broker's `global_keyprefix` transport option, if any."""
    pipe = client.pipeline()
    pipe.llen(prefix + queue)
    pipe.lindex(prefix + queue, -1)
    depth, oldest = pipe.execute()
    if oldest is None:
        return int(depth), 0.0
    return int(depth), message_age(oldest, now=datetime.now(UTC))


def read_waiting_task_ids(client: redis.Redis, queue: str, *, prefix: str = "") -> set[str]:
    """Ids of the tasks waiting in `queue` or held unacknowledged by a worker."""
    raw = [*client.lrange(prefix + queue, 0, -1), *client.hvals(prefix + UNACKED)]
    return {task_id for task_id in map(message_task_id, raw) if task_id is not None}


@contextmanager
def _broker() -> Iterator[tuple[redis.Redis, str] | None]:
    """A client of the configured broker and its key prefix; None unless it is Redis."""
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://")):
        yield None
        return
    client = redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    try:
        yield client, prefix
    finally:
        client.close()


def queue_state(queue: str) -> tuple[int, float | None] | None:
    """`read_queue_state` on the configured broker; None if it is neither Redis nor the folder
    broker, or cannot be read."""
    messages = _folder_messages(queue)
    if messages is not None:
        oldest = messages[0][1] if messages else None
        age = message_age(oldest, now=datetime.now(UTC)) if oldest else None
        return len(messages), local_broker.oldest_age(messages) if age is None else age
    return _read_broker(read_queue_state, queue)


def waiting_task_ids(queue: str) -> set[str] | None:
    """`read_waiting_task_ids` on the configured broker; None if it is neither Redis nor the
    folder broker, or cannot be read. (The folder broker keeps no record of what a worker has
    taken: such a task is not waiting any more.)"""
    messages = _folder_messages(queue)
    if messages is not None:
        ids = (message_task_id(raw) for _, raw in messages)
        return {task_id for task_id in ids if task_id is not None}
    return _read_broker(read_waiting_task_ids, queue)


def _folder_messages(queue: str) -> list[tuple[float, bytes]] | None:
    """The messages waiting in `queue` of the folder broker; None when it is not the broker
    (or cannot be read)."""
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not local_broker.is_folder_broker(url):
        return None
    try:
        return local_broker.queue_messages(settings.CELERY_BROKER_TRANSPORT_OPTIONS, queue)
    except OSError as error:
        logger.warning("broker queue %s unreadable: %s", queue, error)
        return None


def _read_broker(read: Callable[..., T], queue: str) -> T | None:
    with _broker() as broker:
        if broker is None:
            return None
        client, prefix = broker
        try:
            return read(client, queue, prefix=prefix)
        except redis.RedisError as error:
            logger.warning("broker queue %s unreadable: %s", queue, error)
            return None
