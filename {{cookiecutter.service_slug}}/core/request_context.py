"""The id of the request (or of the task's originating request) being served right now."""

import contextvars
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token[str]:
    """Use `value` when it is a sane id (from a proxy or a caller), else a fresh one."""
    if not value or not VALID_ID.match(value):
        value = uuid.uuid4().hex
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)
