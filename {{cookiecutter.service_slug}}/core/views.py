import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache

from .exceptions import RETRY_AFTER_SECONDS, UNAVAILABLE, error_body, unavailable_body
from .services import counter_increment

API_PREFIX = "/api/"


@never_cache
def hello(request: HttpRequest) -> HttpResponse:
    """The ALF "Hello, World" page: every visit adds one to a number kept in the database."""
    links = [(text, reverse(name)) for text, name in settings.SERVICE_HOME_LINKS]
    return render(request, "core/hello.html", {"count": counter_increment(), "links": links})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the API answers in its error shape; pages get Django's page."""
    if request.path.startswith(API_PREFIX):
        body = error_body("not_found", f"There is no API endpoint at {request.path}.")
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage of the database or the broker is a 503 "try again", not a 500.

    Renders nothing that reads the database (no user, no session): it may be what failed."""
    unavailable = isinstance(sys.exc_info()[1], UNAVAILABLE)
    status = 503 if unavailable else 500
    if request.path.startswith(API_PREFIX):
        body = unavailable_body() if unavailable else error_body("server_error", "Server error.")
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        template = "core/unavailable.html" if unavailable else "core/server_error.html"
        response = HttpResponse(loader.render_to_string(template), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
