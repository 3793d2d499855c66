"""Pages that enter and change a term: a new empty term, and adding or removing its courses and
rooms (the services keep revisions as they were: services/problem_parts.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from core.auth import signed_in_user
from core.exceptions import ApplicationError

from ..selectors.problems import course_get, room_get
from ..services.problem_parts import course_create, course_remove, room_create, room_remove
from ..services.problems import problem_create, problem_update
from .common import page_url, problem_or_404, require_scheduler
from .forms import CourseAddForm, RoomAddForm, TermCalendarForm, TermCreateForm
from .problem_views import problem_detail_response, problem_list_response


@login_required
@require_POST
def term_create(request: HttpRequest) -> HttpResponse:
    require_scheduler(request)
    form = TermCreateForm(request.POST, prefix="term")
    if not form.is_valid():
        return problem_list_response(request, term_form=form, status=400)
    problem = problem_create(created_by=signed_in_user(request), **form.cleaned_data)
    messages.success(request, f"Created {problem.name}: add its courses and rooms below.")
    return HttpResponseRedirect(page_url("problem-detail", problem.pk))


@login_required
@require_POST
def course_add(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _add(request, problem_id, CourseAddForm(request.POST, prefix="course"))


@login_required
@require_POST
def room_add(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _add(request, problem_id, RoomAddForm(request.POST, prefix="room"))


def _add(request: HttpRequest, problem_id: int, form: CourseAddForm | RoomAddForm) -> HttpResponse:
    require_scheduler(request)
    problem = problem_or_404(problem_id)
    what = "course" if isinstance(form, CourseAddForm) else "room"
    if form.is_valid():
        create = course_create if what == "course" else room_create
        try:
            create(problem=problem, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, f"Added {what} {form.cleaned_data['code']}.")
            return HttpResponseRedirect(page_url("problem-detail", problem.pk) + f"#{what}s-title")
    if isinstance(form, CourseAddForm):
        return problem_detail_response(request, problem_id, course_form=form)
    return problem_detail_response(request, problem_id, room_form=form)


@login_required
@require_POST
def course_delete(request: HttpRequest, course_id: int) -> HttpResponse:
    require_scheduler(request)
    course = course_get(course_id=course_id)
    if course is None:
        raise Http404("No such course.")
    course_remove(course=course)
    messages.success(request, f"Removed course {course.code}; revisions that placed it keep it.")
    return HttpResponseRedirect(page_url("problem-detail", course.problem_id) + "#courses-title")


@login_required
@require_POST
def room_delete(request: HttpRequest, room_id: int) -> HttpResponse:
    require_scheduler(request)
    room = room_get(room_id=room_id)
    if room is None:
        raise Http404("No such room.")
    room_remove(room=room)
    messages.success(request, f"Removed room {room.code}; revisions that used it keep it.")
    return HttpResponseRedirect(page_url("problem-detail", room.problem_id) + "#rooms-title")


@login_required
@require_POST
def term_calendar(request: HttpRequest, problem_id: int) -> HttpResponse:
    require_scheduler(request)
    problem = problem_or_404(problem_id)
    form = TermCalendarForm(request.POST, prefix="calendar")
    if form.is_valid():
        try:
            problem_update(problem=problem, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Saved the term's calendar: exports follow it.")
            return HttpResponseRedirect(page_url("problem-detail", problem.pk) + "#calendar-title")
    return problem_detail_response(request, problem_id, calendar_form=form)
