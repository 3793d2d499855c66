"""Reads of the scheduling app: keyword-only, typed, no writes."""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from . import timetabling as core
from .models import Assignment as AssignmentRow
from .models import (
    Course,
    Curriculum,
    GenerationRun,
    Problem,
    Revision,
    Room,
    RoomConstraint,
    Unavailability,
)

CORE_CACHE_SECONDS = 60 * 60
REVISION_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class Lecture:
    """One lecture of a stored revision, as the domain core sees it, plus its pin flag."""

    course: str
    room: str
    day: int
    period: int
    pinned: bool = False

    @property
    def assignment(self) -> core.Assignment:
        return core.Assignment(self.course, self.room, self.day, self.period)

    def to_dict(self) -> dict[str, Any]:
        return {
            "course": self.course,
            "room": self.room,
            "day": self.day,
            "period": self.period,
            "pinned": self.pinned,
        }


# ------------------------------------------------------------------------------ problems
def _count_of(model: type, field: str = "problem") -> Coalesce:
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def problem_list() -> QuerySet[Problem]:
    lectures = (
        Course.objects.filter(problem=OuterRef("pk"))
        .order_by()
        .values("problem")
        .annotate(n=Sum("lectures"))
        .values("n")
    )
    latest = Revision.objects.filter(problem=OuterRef("pk")).order_by("-number").values("pk")[:1]
    return Problem.objects.select_related("created_by").annotate(
        courses_count=_count_of(Course),
        rooms_count=_count_of(Room),
        curricula_count=_count_of(Curriculum),
        lectures_count=Coalesce(Subquery(lectures, output_field=IntegerField()), 0),
        latest_revision_id=Subquery(latest, output_field=IntegerField()),
    )


def problem_get(*, problem_id: int) -> Problem | None:
    return problem_list().filter(pk=problem_id).first()


def _core_cache_key(problem: Problem) -> str:
    return f"scheduling:core:{problem.pk}:{problem.version}:{problem.created_at.timestamp()}"


def problem_to_core(*, problem: Problem) -> core.Problem:
    """The domain core's view of a stored problem: one query per table, cached per version."""
    key = _core_cache_key(problem)
    cached = cache.get(key)
    if cached is not None:
        return cached
    courses = list(
        Course.objects.filter(problem=problem)
        .order_by("id")
        .values_list(
            "code", "teacher", "lectures", "min_working_days", "students", "double_lectures"
        )
    )
    rooms = list(
        Room.objects.filter(problem=problem).order_by("id").values_list("code", "capacity", "site")
    )
    members: dict[str, list[str]] = {
        code: []
        for code in Curriculum.objects.filter(problem=problem).values_list("code", flat=True)
    }
    through = Curriculum.courses.through.objects.filter(curriculum__problem=problem).order_by("id")
    for curriculum, course in through.values_list("curriculum__code", "course__code"):
        members[curriculum].append(course)
    unavailability = Unavailability.objects.filter(course__problem=problem).values_list(
        "course__code", "day", "period"
    )
    constraints = RoomConstraint.objects.filter(course__problem=problem).values_list(
        "course__code", "room__code"
    )
    result = core.Problem(
        name=problem.name,
        days=problem.days,
        periods_per_day=problem.periods_per_day,
        courses=tuple(core.Course(*row) for row in courses),
        rooms=tuple(core.Room(*row) for row in rooms),
        curricula=tuple(core.Curriculum(code, tuple(cs)) for code, cs in members.items()),
        unavailability=frozenset(unavailability),
        room_constraints=frozenset(constraints),
        min_daily_lectures=problem.min_daily_lectures,
        max_daily_lectures=problem.max_daily_lectures,
        extended=problem.extended,
    )
    cache.set(key, result, CORE_CACHE_SECONDS)
    return result


def course_list(*, problem: Problem) -> QuerySet[Course]:
    return Course.objects.filter(problem=problem).prefetch_related("curricula", "unavailability")


def course_get(*, course_id: int) -> Course | None:
    return Course.objects.select_related("problem").filter(pk=course_id).first()


def room_list(*, problem: Problem) -> QuerySet[Room]:
    return Room.objects.filter(problem=problem)


def room_get(*, room_id: int) -> Room | None:
    return Room.objects.select_related("problem").filter(pk=room_id).first()


def curriculum_list(*, problem: Problem) -> QuerySet[Curriculum]:
    return Curriculum.objects.filter(problem=problem).prefetch_related("courses")


def curriculum_get(*, curriculum_id: int) -> Curriculum | None:
    return (
        Curriculum.objects.select_related("problem")
        .prefetch_related("courses")
        .filter(pk=curriculum_id)
        .first()
    )


# ------------------------------------------------------------------------------ revisions
def revision_list(*, problem: Problem) -> QuerySet[Revision]:
    return Revision.objects.filter(problem=problem).select_related("author").order_by("-number")


def revision_get(*, revision_id: int) -> Revision | None:
    return Revision.objects.select_related("problem", "author").filter(pk=revision_id).first()


def revision_latest_id(*, problem_id: int) -> int | None:
    return (
        Revision.objects.filter(problem_id=problem_id)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )


def revision_lectures(*, revision: Revision) -> list[Lecture]:
    rows = (
        AssignmentRow.objects.filter(revision=revision)
        .order_by("day", "period", "course__code", "room__code")
        .values_list("course__code", "room__code", "day", "period", "pinned")
    )
    return [Lecture(*row) for row in rows]


def revision_verify(
    *, revision: Revision, formulation: str | None = None, lectures: list[Lecture] | None = None
) -> core.Verification:
    problem = problem_to_core(problem=revision.problem)
    lectures = revision_lectures(revision=revision) if lectures is None else lectures
    return core.verify(
        problem, [lec.assignment for lec in lectures], formulation or revision.formulation
    )


def assignments_verify(
    *, problem: Problem, assignments: list[core.Assignment], formulation: str
) -> core.Verification:
    return core.verify(problem_to_core(problem=problem), assignments, formulation)


def revision_cache_key(*, revision_id: int) -> str:
    return f"scheduling:revision:{revision_id}"


class _LocalBodies:
    """A small per-process cache in front of the shared one: immutable revision bodies are
    served without a Redis round trip. Entries live LOCAL_SECONDS, so another process's deletion
    of a problem is seen here within that time (this process's own deletions at once)."""

    LOCAL_SECONDS = 5.0
    SIZE = 128

    def __init__(self) -> None:
        self.entries: OrderedDict[int, tuple[float, tuple[str, bytes]]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, revision_id: int) -> tuple[str, bytes] | None:
        with self.lock:
            entry = self.entries.get(revision_id)
            if entry is None or entry[0] < time.monotonic():
                return None
            return entry[1]

    def put(self, revision_id: int, value: tuple[str, bytes]) -> None:
        with self.lock:
            self.entries[revision_id] = (time.monotonic() + self.LOCAL_SECONDS, value)
            self.entries.move_to_end(revision_id)
            while len(self.entries) > self.SIZE:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def forget(self, revision_ids: list[int]) -> None:
        with self.lock:
            for revision_id in revision_ids:
                self.entries.pop(revision_id, None)


LOCAL_BODIES = _LocalBodies()


def revision_cached_body(*, revision_id: int) -> tuple[str, bytes] | None:
    """(ETag, JSON body) of a revision from the caches, or None when neither holds it."""
    value = LOCAL_BODIES.get(revision_id)
    if value is None:
        value = cache.get(revision_cache_key(revision_id=revision_id))
        if value is not None:
            LOCAL_BODIES.put(revision_id, value)
    return value


def revision_cache_body(*, revision_id: int, etag: str, body: bytes) -> None:
    LOCAL_BODIES.put(revision_id, (etag, body))
    cache.set(revision_cache_key(revision_id=revision_id), (etag, body), REVISION_CACHE_SECONDS)


def revision_forget_bodies(*, revision_ids: list[int]) -> None:
    LOCAL_BODIES.forget(revision_ids)
    cache.delete_many([revision_cache_key(revision_id=pk) for pk in revision_ids])


def revision_etag(*, revision: Revision) -> str:
    """Revisions are immutable: (id, creation time) names their content for good."""
    return f'"rev-{revision.pk}-{int(revision.created_at.timestamp() * 1_000_000)}"'


def revision_cache_meta(*, revision_id: int) -> tuple[str, str] | None:
    """(cache key, ETag) of a stored revision from one indexed read; None if it does not exist.

    The key includes the creation time, so a recreated database reusing an id cannot serve
    another revision's cached content.
    """
    created_at = (
        Revision.objects.filter(pk=revision_id).values_list("created_at", flat=True).first()
    )
    if created_at is None:
        return None
    stamp = int(created_at.timestamp() * 1_000_000)
    return f"scheduling:revision:{revision_id}:{stamp}", f'"rev-{revision_id}-{stamp}"'


def revision_diff(*, revision: Revision, against: Revision) -> dict[str, Any]:
    """What changed from `against` to `revision`: moved, added and removed lectures."""
    old = Counter(lec.assignment for lec in revision_lectures(revision=against))
    new = Counter(lec.assignment for lec in revision_lectures(revision=revision))
    gone_by_course: dict[str, list[core.Assignment]] = defaultdict(list)
    came_by_course: dict[str, list[core.Assignment]] = defaultdict(list)
    for a in sorted((old - new).elements()):
        gone_by_course[a.course].append(a)
    for a in sorted((new - old).elements()):
        came_by_course[a.course].append(a)

    def slot(a: core.Assignment) -> dict[str, Any]:
        return {"day": a.day, "period": a.period, "room": a.room}

    moved, added, removed = [], [], []
    for course in sorted(set(gone_by_course) | set(came_by_course)):
        gone, came = gone_by_course[course], came_by_course[course]
        # A lecture that keeps its period (room change) pairs first, then the rest in order.
        for a in list(gone):
            twin = next((b for b in came if (b.day, b.period) == (a.day, a.period)), None)
            if twin is not None:
                moved.append({"course": course, "from": slot(a), "to": slot(twin)})
                gone.remove(a)
                came.remove(twin)
        for a, b in zip(gone, came, strict=False):
            moved.append({"course": course, "from": slot(a), "to": slot(b)})
        removed += [{"course": course, **slot(a)} for a in gone[len(came) :]]
        added += [{"course": course, **slot(b)} for b in came[len(gone) :]]
    return {
        "revision": revision.pk,
        "against": against.pk,
        "moved": moved,
        "added": added,
        "removed": removed,
        "unchanged": sum((old & new).values()),
        "cost_change": {
            "total_cost": revision.total_cost - against.total_cost,
            "hard_violations": revision.hard_violations - against.hard_violations,
        },
    }


# ------------------------------------------------------------------------------ runs
def run_list(*, problem: Problem) -> QuerySet[GenerationRun]:
    return GenerationRun.objects.filter(problem=problem).select_related("created_by")


def run_get(*, run_id: int) -> GenerationRun | None:
    return GenerationRun.objects.select_related("created_by", "problem").filter(pk=run_id).first()
