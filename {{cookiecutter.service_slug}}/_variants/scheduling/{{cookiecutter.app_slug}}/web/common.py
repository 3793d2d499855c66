"""What every page of the scheduler shares: rendering with the app's context, the scheduler-group
check, lookups that answer 404, and the URLs pages link to."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ..exports import REVISION_FORMATS
from ..models import Course, Curriculum, GenerationRun, Problem, Revision, Room
from ..permissions import DENIED_MESSAGE, user_is_scheduler
from ..selectors.problems import course_get, curriculum_get, problem_get, room_get
from ..selectors.revisions import revision_get
from ..selectors.runs import run_get

NS = "{{ cookiecutter.app_slug }}"
TEMPLATES = "{{ cookiecutter.app_slug }}/scheduling/"


def render_page(
    request: HttpRequest, name: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault("ns", NS)
    context.setdefault("can_edit", user_is_scheduler(request.user))
    return render(request, TEMPLATES + name, context, status=status)


def require_scheduler(request: HttpRequest) -> None:
    if not user_is_scheduler(request.user):
        raise PermissionDenied(DENIED_MESSAGE)


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def problem_or_404(problem_id: int) -> Problem:
    problem = problem_get(problem_id=problem_id)
    if problem is None:
        raise Http404("No such problem.")
    return problem


def course_or_404(course_id: int) -> Course:
    course = course_get(course_id=course_id)
    if course is None:
        raise Http404("No such course.")
    return course


def room_or_404(room_id: int) -> Room:
    room = room_get(room_id=room_id)
    if room is None:
        raise Http404("No such room.")
    return room


def curriculum_or_404(curriculum_id: int) -> Curriculum:
    curriculum = curriculum_get(curriculum_id=curriculum_id)
    if curriculum is None:
        raise Http404("No such curriculum.")
    return curriculum


def revision_or_404(revision_id: int) -> Revision:
    revision = revision_get(revision_id=revision_id)
    if revision is None:
        raise Http404("No such revision.")
    return revision


def run_or_404(run_id: int) -> GenerationRun:
    run = run_get(run_id=run_id)
    if run is None:
        raise Http404("No such run.")
    return run


def page_url(name: str, *args: int) -> str:
    return reverse(f"{NS}:{name}", args=args)


def grid_url(revision_id: int, show: str = "") -> str:
    url = page_url("revision-grid", revision_id)
    return f"{url}?{urlencode({'show': show})}" if show else url


def export_links(revision: Revision, show_kind: str, show_key: str) -> list[dict[str, str]]:
    base = reverse("revision-export", args=[revision.pk])
    labels = {"sol": "Solution file (.sol)", "csv": "CSV", "ics": "iCalendar (all)"}
    links = [{"label": labels[fmt], "url": f"{base}?format={fmt}"} for fmt in REVISION_FORMATS]
    if show_kind in ("curriculum", "teacher", "room"):
        links.append(
            {
                "label": f"iCalendar ({show_key})",
                "url": f"{base}?{urlencode({'format': 'ics', show_kind: show_key})}",
            }
        )
    return links
