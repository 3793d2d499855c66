"""Reads of problems (terms) and their courses, rooms and curricula."""

from __future__ import annotations

from django.db.models import (
    Count,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from .. import timetabling
from ..caching import PROBLEM_SECONDS, problem_key, remembered
from ..models import Course, Curriculum, Problem, Revision, Room, RoomConstraint, Unavailability


def _count_of(model: type[Model], field: str = "problem", **live: bool) -> Coalesce:
    rows = (
        model._default_manager.filter(**{field: OuterRef("pk")}, **live)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def problem_list() -> QuerySet[Problem]:
    lectures = (
        Course.objects.filter(problem=OuterRef("pk"), removed=False)
        .order_by()
        .values("problem")
        .annotate(n=Sum("lectures"))
        .values("n")
    )
    latest = Revision.objects.filter(problem=OuterRef("pk")).order_by("-number").values("pk")[:1]
    return Problem.objects.select_related("created_by").annotate(
        courses_count=_count_of(Course, removed=False),
        rooms_count=_count_of(Room, removed=False),
        curricula_count=_count_of(Curriculum),
        lectures_count=Coalesce(Subquery(lectures, output_field=IntegerField()), 0),
        latest_revision_id=Subquery(latest, output_field=IntegerField()),
    )


def problem_get(*, problem_id: int) -> Problem | None:
    return problem_list().filter(pk=problem_id).first()


def problem_to_core(*, problem: Problem) -> timetabling.Problem:
    """The domain core's view of a stored problem: one query per table, cached per version."""
    return remembered(problem_key(problem), lambda: _problem_from_rows(problem), PROBLEM_SECONDS)


def _problem_from_rows(problem: Problem) -> timetabling.Problem:
    courses = list(
        Course.objects.filter(problem=problem, removed=False)
        .order_by("id")
        .values_list(
            "code", "teacher", "lectures", "min_working_days", "students", "double_lectures"
        )
    )
    rooms = list(
        Room.objects.filter(problem=problem, removed=False)
        .order_by("id")
        .values_list("code", "capacity", "site")
    )
    members: dict[str, list[str]] = {
        code: []
        for code in Curriculum.objects.filter(problem=problem).values_list("code", flat=True)
    }
    through = Curriculum.courses.through.objects.filter(
        curriculum__problem=problem, course__removed=False
    ).order_by("id")
    for curriculum, course in through.values_list("curriculum__code", "course__code"):
        members[curriculum].append(course)
    unavailability = Unavailability.objects.filter(
        course__problem=problem, course__removed=False
    ).values_list("course__code", "day", "period")
    constraints = RoomConstraint.objects.filter(
        course__problem=problem, course__removed=False, room__removed=False
    ).values_list("course__code", "room__code")
    return timetabling.Problem(
        name=problem.name,
        days=problem.days,
        periods_per_day=problem.periods_per_day,
        courses=tuple(timetabling.Course(*row) for row in courses),
        rooms=tuple(timetabling.Room(*row) for row in rooms),
        curricula=tuple(timetabling.Curriculum(code, tuple(cs)) for code, cs in members.items()),
        unavailability=frozenset(unavailability),
        room_constraints=frozenset(constraints),
        min_daily_lectures=problem.min_daily_lectures,
        max_daily_lectures=problem.max_daily_lectures,
        extended=problem.extended,
    )


def course_list(*, problem: Problem) -> QuerySet[Course]:
    """The problem's courses (not those removed: revisions keep them)."""
    return Course.objects.filter(problem=problem, removed=False).prefetch_related(
        "curricula",
        "unavailability",
        Prefetch("room_constraints", RoomConstraint.objects.select_related("room")),
    )


def course_get(*, course_id: int) -> Course | None:
    return Course.objects.select_related("problem").filter(pk=course_id, removed=False).first()


def room_list(*, problem: Problem) -> QuerySet[Room]:
    return Room.objects.filter(problem=problem, removed=False)


def room_get(*, room_id: int) -> Room | None:
    return Room.objects.select_related("problem").filter(pk=room_id, removed=False).first()


def curriculum_list(*, problem: Problem) -> QuerySet[Curriculum]:
    return Curriculum.objects.filter(problem=problem).prefetch_related("courses")


def curriculum_get(*, curriculum_id: int) -> Curriculum | None:
    return (
        Curriculum.objects.select_related("problem")
        .prefetch_related("courses")
        .filter(pk=curriculum_id)
        .first()
    )
