"""Log records of every process (web, worker, gunicorn) carry the request id and, inside a
Celery task, the task id; `JSON_FORMATTER` is the one JSON layout (one object per line) that
Django's LOGGING and gunicorn's logs both use when LOG_FORMAT=json."""

import logging
from typing import Any

from .request_context import current_request_id

JSON_FORMATTER: dict[str, Any] = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(task_id)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}


def _current_task_id() -> str | None:
    from celery import current_task

    return current_task.request.id if current_task else None


class RequestIdFilter(logging.Filter):
    """Stamp every record with the current request id (one id ties web and worker logs) and the
    running task's id, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        record.task_id = _current_task_id()
        return True


class AccessLogFilter(logging.Filter):
    """gunicorn's access records: the request id is the response's X-Request-ID header."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args if isinstance(record.args, dict) else {}
        record.request_id = atoms.get("{x-request-id}o") or "-"
        record.task_id = None
        return True
