"""Pages that enter and change a term: a new empty term; its week and calendar; adding and
removing its courses, rooms and curricula; a course's and a room's own page. Every change goes
through the services, which keep revisions as they were (services/problem_parts.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.views.decorators.http import require_http_methods, require_POST

from core.auth import signed_in_user
from core.exceptions import ApplicationError

from ..clock import problem_clock
from ..selectors.problems import course_list, room_list
from ..services.problem_parts import (
    COURSE_FIELDS,
    course_constraints_set,
    course_create,
    course_remove,
    course_update,
    curriculum_create,
    curriculum_remove,
    room_create,
    room_remove,
    room_update,
)
from ..services.problems import problem_create, problem_update
from .common import (
    course_or_404,
    curriculum_or_404,
    page_url,
    problem_or_404,
    render_page,
    require_scheduler,
    room_or_404,
)
from .forms import (
    CourseAddForm,
    CourseEditForm,
    CurriculumAddForm,
    RoomAddForm,
    RoomEditForm,
    TermCalendarForm,
    TermCreateForm,
    TermWeekForm,
)
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
            added = f"Added {what} {form.cleaned_data['code']}."
            return _back(request, problem.pk, f"{what}s", added)
    if isinstance(form, CourseAddForm):
        return problem_detail_response(request, problem_id, course_form=form)
    return problem_detail_response(request, problem_id, room_form=form)


@login_required
@require_POST
def course_delete(request: HttpRequest, course_id: int) -> HttpResponse:
    require_scheduler(request)
    course = course_or_404(course_id)
    course_remove(course=course)
    return _back(request, course.problem_id, "courses",
                 f"Removed course {course.code}; revisions that placed it keep it.")  # fmt: skip


@login_required
@require_POST
def room_delete(request: HttpRequest, room_id: int) -> HttpResponse:
    require_scheduler(request)
    room = room_or_404(room_id)
    room_remove(room=room)
    return _back(request, room.problem_id, "rooms",
                 f"Removed room {room.code}; revisions that used it keep it.")  # fmt: skip


def _back(request: HttpRequest, problem_id: int, section: str, done: str) -> HttpResponse:
    """Say what was done, and go back to the problem's page at `section` ("" for its top)."""
    messages.success(request, done)
    anchor = f"#{section}-title" if section else ""
    return HttpResponseRedirect(page_url("problem-detail", problem_id) + anchor)


@login_required
@require_POST
def term_calendar(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _save_term(request, problem_id, TermCalendarForm(request.POST, prefix="calendar"))


@login_required
@require_POST
def term_week(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _save_term(request, problem_id, TermWeekForm(request.POST, prefix="week"))


def _save_term(
    request: HttpRequest, problem_id: int, form: TermCalendarForm | TermWeekForm
) -> HttpResponse:
    """The term's calendar or its week (`problem_update` tells which is problem data)."""
    require_scheduler(request)
    problem = problem_or_404(problem_id)
    if form.is_valid():
        try:
            problem_update(problem=problem, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if isinstance(form, TermCalendarForm):
                return _back(request, problem.pk, "calendar",
                             "Saved the term's calendar: exports follow it.")  # fmt: skip
            return _back(request, problem.pk, "",
                         "Saved the week: timetables made before stay as they were.")  # fmt: skip
    if isinstance(form, TermCalendarForm):
        return problem_detail_response(request, problem_id, calendar_form=form)
    return problem_detail_response(request, problem_id, week_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def course_page(request: HttpRequest, course_id: int) -> HttpResponse:
    """A course's fields, unavailable periods and forbidden rooms; schedulers change them."""
    problem = course_or_404(course_id).problem
    course = course_list(problem=problem).get(pk=course_id)
    rooms = [r.code for r in room_list(problem=problem)]
    clock = problem_clock(problem)

    def make_form(data: QueryDict | None = None, **kwargs: Any) -> CourseEditForm:
        return CourseEditForm(
            data, clock=clock, periods=problem.periods_per_day, rooms=rooms, **kwargs
        )

    initial = {
        **{field: getattr(course, field) for field in COURSE_FIELDS},
        "unavailable": [f"{u.day}-{u.period}" for u in course.unavailability.all()],
        "forbidden_rooms": [c.room.code for c in course.room_constraints.all()],
    }
    form = make_form(initial=initial)
    if request.method == "POST":
        require_scheduler(request)
        form = make_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():  # the fields and the constraints, or neither
                course_update(course=course, **{field: data[field] for field in COURSE_FIELDS})
                course_constraints_set(
                    course=course, unavailable=form.slots(), forbidden_rooms=data["forbidden_rooms"]
                )
            return _back(request, problem.pk, "courses", f"Saved course {course.code}.")
    status = 400 if form.errors else 200
    unavailable = [clock.when(u.day, u.period) for u in course.unavailability.all()]
    context = {"problem": problem, "course": course, "form": form, "unavailable": unavailable}
    return render_page(request, "course.html", context, status=status)


@login_required
@require_POST
def curriculum_add(request: HttpRequest, problem_id: int) -> HttpResponse:
    require_scheduler(request)
    problem = problem_or_404(problem_id)
    courses = [c.code for c in course_list(problem=problem)]
    form = CurriculumAddForm(request.POST, prefix="curriculum", courses=courses)
    if form.is_valid():
        try:
            curriculum_create(problem=problem, code=form.cleaned_data["code"],
                              course_codes=form.cleaned_data["courses"])  # fmt: skip
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            return _back(request, problem.pk, "curricula",
                         f"Added curriculum {form.cleaned_data['code']}.")  # fmt: skip
    return problem_detail_response(request, problem_id, curriculum_form=form)


@login_required
@require_POST
def curriculum_delete(request: HttpRequest, curriculum_id: int) -> HttpResponse:
    require_scheduler(request)
    curriculum = curriculum_or_404(curriculum_id)
    curriculum_remove(curriculum=curriculum)
    return _back(request, curriculum.problem_id, "curricula",
                 f"Removed curriculum {curriculum.code}.")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def room_page(request: HttpRequest, room_id: int) -> HttpResponse:
    room = room_or_404(room_id)
    form = RoomEditForm(initial={"capacity": room.capacity, "site": room.site})
    if request.method == "POST":
        require_scheduler(request)
        form = RoomEditForm(request.POST)
        if form.is_valid():
            room_update(room=room, **form.cleaned_data)
            return _back(request, room.problem_id, "rooms", f"Saved room {room.code}.")
    context = {"problem": room.problem, "room": room, "form": form}
    return render_page(request, "room.html", context, status=400 if form.errors else 200)
