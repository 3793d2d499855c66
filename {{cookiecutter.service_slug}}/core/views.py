from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .services import counter_increment


@never_cache
def hello(request: HttpRequest) -> HttpResponse:
    """The ALF "Hello, World" page: every visit adds one to a number kept in the database."""
    return render(request, "core/hello.html", {"count": counter_increment()})
