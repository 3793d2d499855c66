"""Carry the web request id into the tasks it enqueues, and into their logs; stamp each task
message with the time it was published, so the age of the oldest waiting task can be measured
from the queue itself (deploy/queue_metrics.py, core.queues)."""

from datetime import UTC, datetime
from typing import Any

from celery import signals

from .queues import PUBLISHED_AT
from .request_context import current_request_id, reset_request_id, set_request_id

HEADER = "request_id"
_tokens: dict[str, Any] = {}


@signals.before_task_publish.connect
def add_request_id(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    if headers is None:
        return
    headers.setdefault(HEADER, current_request_id())
    headers.setdefault(PUBLISHED_AT, datetime.now(UTC).isoformat())


@signals.task_prerun.connect
def restore_request_id(task_id: str | None = None, task: Any = None, **_kwargs: Any) -> None:
    if task_id is not None and task is not None:
        # Eager tasks carry no header: they keep the id of the request running them.
        value = getattr(task.request, HEADER, None) or current_request_id()
        _tokens[task_id] = set_request_id(value)


@signals.task_postrun.connect
def forget_request_id(task_id: str | None = None, **_kwargs: Any) -> None:
    token = _tokens.pop(task_id or "", None)
    if token is not None:
        reset_request_id(token)
