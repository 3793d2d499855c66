from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from .selectors import note_list


@login_required
def note_list_page(request: HttpRequest) -> HttpResponse:
    return render(request, "{{ cookiecutter.app_slug }}/notes/list.html", {"notes": note_list()})


app_name = "{{ cookiecutter.app_slug }}"
urlpatterns = [path("", note_list_page, name="note-list")]
