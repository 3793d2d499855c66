"""Pages of problems: the list with the import form, a problem's summary, and its history of
revisions with their cost chart."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from core.auth import signed_in_user
from core.exceptions import ApplicationError

from ..clock import Clock, problem_clock
from ..models import Course, Problem
from ..selectors.problems import course_list, curriculum_list, problem_list, room_list
from ..selectors.revisions import revision_list
from ..selectors.runs import run_list
from ..services.problems import WEEK_FIELDS, problem_import
from .common import page_url, problem_or_404, render_page, require_scheduler
from .forms import (
    CourseAddForm,
    CurriculumAddForm,
    DiffForm,
    ProblemImportForm,
    RoomAddForm,
    TermCalendarForm,
    TermCreateForm,
    TermWeekForm,
)
from .history import cost_chart


@login_required
@require_http_methods(["GET", "POST"])
def problem_list_page(request: HttpRequest) -> HttpResponse:
    form = ProblemImportForm()
    status = 200
    if request.method == "POST":
        require_scheduler(request)
        form = ProblemImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                problem = problem_import(
                    file=upload.read(),
                    name=form.cleaned_data["name"],
                    filename=upload.name,
                    created_by=signed_in_user(request),
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request, f"Imported {problem.name}: generate a timetable when ready."
                )
                return HttpResponseRedirect(page_url("problem-detail", problem.pk))
        status = 400
    return problem_list_response(request, form=form, status=status)


def problem_list_response(
    request: HttpRequest,
    *,
    form: ProblemImportForm | None = None,
    term_form: TermCreateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The list with its two forms: import a file, or enter a new term."""
    context = {
        "problems": list(problem_list()),
        "form": form or ProblemImportForm(),
        "term_form": term_form or TermCreateForm(prefix="term"),
    }
    return render_page(request, "problem_list.html", context, status=status)


@login_required
def problem_detail_page(request: HttpRequest, problem_id: int) -> HttpResponse:
    return problem_detail_response(request, problem_id)


def problem_detail_response(
    request: HttpRequest,
    problem_id: int,
    *,
    course_form: CourseAddForm | None = None,
    room_form: RoomAddForm | None = None,
    calendar_form: TermCalendarForm | None = None,
    curriculum_form: CurriculumAddForm | None = None,
    week_form: TermWeekForm | None = None,
) -> HttpResponse:
    """A problem's summary with the forms that add courses and rooms (400 with a refused one)."""
    problem = problem_or_404(problem_id)
    courses = list(course_list(problem=problem))
    clock = problem_clock(problem)
    unavailable, matrix = _unavailability(problem, courses, clock)
    return render_page(
        request,
        "problem_detail.html",
        {
            "problem": problem,
            "courses": courses,
            "rooms": list(room_list(problem=problem)),
            "curricula": list(curriculum_list(problem=problem)),
            "periods": problem.days * problem.periods_per_day,
            "unavailability_count": sum(unavailable.values()),
            "days": [clock.day_short(d) for d in range(problem.days)],
            "unavailability_matrix": matrix,
            "first_period": clock.period(0),
            "second_period": clock.period(1),
            "runs": list(run_list(problem=problem)[:10]),
            "course_form": course_form or CourseAddForm(prefix="course"),
            "room_form": room_form or RoomAddForm(prefix="room"),
            "curriculum_form": curriculum_form
            or CurriculumAddForm(prefix="curriculum", courses=[c.code for c in courses]),
            "time_zone": problem.time_zone or settings.SCHEDULING_TIME_ZONE,
            "week_form": week_form
            or TermWeekForm(
                prefix="week", initial={field: getattr(problem, field) for field in WEEK_FIELDS}
            ),
            "calendar_form": calendar_form
            or TermCalendarForm(
                prefix="calendar",
                initial={field: getattr(problem, field) for field in Problem.CALENDAR_FIELDS},
            ),
        },
        status=400
        if course_form or room_form or calendar_form or curriculum_form or week_form
        else 200,
    )


def _unavailability(
    problem: Problem, courses: list[Course], clock: Clock
) -> tuple[Counter[tuple[int, int]], list[tuple[str, list[int]]]]:
    """How many courses may not be taught in each (day, period), and that as rows of a table
    (a period's clock times, a count per day); each course gets its `unavailable_labels`."""
    unavailable = Counter(
        (u.day, u.period) for course in courses for u in course.unavailability.all()
    )
    matrix = [
        (clock.period(p), [unavailable.get((d, p), 0) for d in range(problem.days)])
        for p in range(problem.periods_per_day)
    ]
    for course in courses:  # "Mon 08:00", for the list of every constraint
        course.unavailable_labels = [  # type: ignore[attr-defined]
            clock.when(u.day, u.period) for u in course.unavailability.all()
        ]
    return unavailable, matrix


@login_required
def problem_history_page(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = problem_or_404(problem_id)
    revisions = list(revision_list(problem=problem))
    chart = cost_chart(
        [(f"#{r.number}", r.total_cost, r.hard_violations == 0) for r in reversed(revisions)]
    )
    form = DiffForm(problem=problem)
    if len(revisions) >= 2:
        form.initial = {"against": revisions[1].pk, "revision": revisions[0].pk}
    return render_page(
        request,
        "history.html",
        {
            "problem": problem,
            "revisions": revisions,
            "chart": chart,
            "diff_form": form,
            "published": next(
                (r for r in revisions if r.pk == problem.published_revision_id), None
            ),
        },
    )
