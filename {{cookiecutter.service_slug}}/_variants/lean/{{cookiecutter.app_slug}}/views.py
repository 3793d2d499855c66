"""Web pages of the application (server-rendered; the REST API is in apis.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import note_list


@login_required
def note_list_page(request: HttpRequest) -> HttpResponse:
    return render(request, "{{ cookiecutter.app_slug }}/notes/list.html", {"notes": note_list()})
