"""One error shape for the whole API: {"code", "message", "extra"}.

An outage of the database or the broker is a 503 with Retry-After in that shape, never a 500:
the request may simply be sent again (core.views answers the same outside DRF's views).
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404
from kombu.exceptions import OperationalError as BrokerOperationalError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A business-rule failure raised by services; the API turns it into its status code."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


class NotFoundError(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class ConflictError(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class UnprocessableError(ApplicationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "unprocessable"


# Lost connections, refused connections, lock wait timeouts and deadlocks: worth a retry.
UNAVAILABLE = (DatabaseOperationalError, DatabaseInterfaceError, BrokerOperationalError)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = "The service is briefly unavailable; try again in a few seconds."


def error_body(code: str, message: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "extra": extra or {}}


def unavailable_body() -> dict[str, Any]:
    return error_body("service_unavailable", UNAVAILABLE_MESSAGE)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, UNAVAILABLE):
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return Response(
            unavailable_body(), status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers
        )
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.extra), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's 500 handling and logging take over
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", "The request is not valid.", {"fields": fields})
    else:
        detail: object = exc.detail if isinstance(exc, exceptions.APIException) else ""
        code = getattr(detail, "code", getattr(exc, "default_code", "error"))
        response.data = error_body(str(code), str(detail))
    return response
