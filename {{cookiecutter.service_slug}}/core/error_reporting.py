"""Error reporting to Sentry: on only when SENTRY_DSN is set (settings call `start`).

Django and Celery errors are sent with the release and environment, tagged with the request
id (the same id as in the logs), and without personal data: no cookies, no user, no client IP
(sentry-sdk's default while neither `send_default_pii` nor `data_collection` asks for more;
core/tests/test_observability.py checks it) and no request bodies.
"""

from typing import TYPE_CHECKING

from .request_context import current_request_id

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint


def start(*, dsn: str, environment: str, release: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        max_request_body_size="never",
        before_send=tag_request_id,
    )


def tag_request_id(event: "Event", _hint: "Hint") -> "Event":
    request_id = current_request_id()
    if request_id != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return event
