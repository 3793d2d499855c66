from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .request_context import current_request_id, reset_request_id, set_request_id

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"


class RequestIdMiddleware:
    """Give every request an id (or keep the caller's), log it, and return it in a header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # META, not request.headers: that would parse every header of every request.
        token = set_request_id(request.META.get(META_KEY))
        try:
            response = self.get_response(request)
            response[HEADER] = current_request_id()
            return response
        finally:
            reset_request_id(token)
