"""What waits in the Celery broker, read straight from Redis: the one home of kombu's Redis
layout for this project (core.metrics, the run reaper and deploy/queue_metrics.py read it here).

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
    """`read_queue_state` on the configured broker; None if it is not Redis or is down."""
    return _read_broker(read_queue_state, queue)


def waiting_task_ids(queue: str) -> set[str] | None:
    """`read_waiting_task_ids` on the configured broker; None if it is not Redis or is down."""
    return _read_broker(read_waiting_task_ids, queue)


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
