"""What every API view of the application shares: authentication and permissions, lookups that
answer 404, input validation, upload limits and file responses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from core.exceptions import NotFoundError
from core.token_auth import CachedTokenAuthentication

from ..errors import too_large
from ..exports import Export
from ..permissions import IsSchedulerOrReadOnly

ERROR = OpenApiResponse(description="Error: {code, message, extra}")
MAX_ID = 2**63 - 1  # ids beyond a BIGINT cannot exist (and SQLite cannot even compare them)
MULTIPART_OVERHEAD = 64 * 1024  # room for the form's other fields and boundaries
T = TypeVar("T")


class SchedulingApi(APIView):
    # Token first (its record cached, core/token_auth.py): an anonymous request gets 401 with
    # `WWW-Authenticate: Token`.
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]
    permission_classes = [IsSchedulerOrReadOnly]
    read_only_post = False  # True: POST computes without writing (open to every reader)


class IgnoreFormatParameter(DefaultContentNegotiation):
    """`?format=` names the export's file format here, not a DRF renderer."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: Any = None
    ) -> tuple[BaseRenderer, str]:
        first = next(iter(renderers))
        return first, first.media_type


def get_or_404(getter: Callable[..., T | None], what: str, **kwargs: Any) -> T:
    """The object `getter(**kwargs)` finds, or a 404 naming `what` and the id (the first
    keyword argument)."""
    value = next(iter(kwargs.values()))
    obj = getter(**kwargs) if 0 < value <= MAX_ID else None
    if obj is None:
        raise NotFoundError(f"{what} {value} does not exist.")
    return obj


def valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    validated: dict[str, Any] = serializer.validated_data
    return validated


def check_upload_size(request: Request) -> None:
    """413 for a file over SCHEDULING_MAX_UPLOAD_BYTES: from Content-Length before the body is
    read when it already says so, else from the uploaded file's size, never by parsing it."""
    limit = settings.SCHEDULING_MAX_UPLOAD_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    upload = None if declared > limit + MULTIPART_OVERHEAD else request.FILES.get("file")
    if declared > limit + MULTIPART_OVERHEAD or (upload is not None and upload.size > limit):
        raise too_large(limit)


def file_response(export: Export) -> HttpResponse:
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
