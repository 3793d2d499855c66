"""Reads of revisions: lists, lectures, their verification and what changed between two."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

from .. import timetabling
from ..caching import (
    REVISION_SECONDS,
    local_revision_body,
    remember_revision_body,
    remembered,
    shared_revision_body,
    verification_key,
)
from ..lectures import Lecture
from ..models import Assignment as AssignmentRow
from ..models import Problem, Revision
from .problems import problem_to_core


def revision_list(*, problem: Problem) -> QuerySet[Revision]:
    return Revision.objects.filter(problem=problem).select_related("author").order_by("-number")


def revision_get(*, revision_id: int) -> Revision | None:
    return Revision.objects.select_related("problem", "author").filter(pk=revision_id).first()


def revision_body(
    *, revision_id: int, render: Callable[[Revision], bytes]
) -> tuple[str, bytes] | None:
    """(ETag, body) of a revision, `render`ed once and then cached; None if it does not exist.

    A fresh copy in this process answers with no query; otherwise one indexed read of the
    creation time names the shared cache entry, and only a miss there reads the revision."""
    cached = local_revision_body(revision_id)
    if cached is not None:
        return cached
    created_at = (
        Revision.objects.filter(pk=revision_id).values_list("created_at", flat=True).first()
    )
    if created_at is None:
        return None
    cached = shared_revision_body(revision_id, created_at)
    if cached is None:
        revision = revision_get(revision_id=revision_id)
        if revision is None:  # deleted meanwhile
            return None
        cached = remember_revision_body(revision.pk, revision.created_at, render(revision))
    return cached


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


def timetable_verify(
    *, problem: Problem, assignments: Iterable[timetabling.Assignment], formulation: str
) -> timetabling.Verification:
    """The verifier's report on a timetable of a stored problem: every verification the
    application makes goes through here."""
    return timetabling.verify(problem_to_core(problem=problem), assignments, formulation)


def revision_verification(
    *, revision: Revision, formulation: str | None = None
) -> tuple[list[Lecture], timetabling.Verification]:
    """The lectures of a stored revision and their verification (under its own formulation
    by default), cached: revisions never change."""
    formulation = (formulation or revision.formulation).upper()

    def verified() -> tuple[list[Lecture], timetabling.Verification]:
        lectures = revision_lectures(revision=revision)
        assignments = [lec.assignment for lec in lectures]
        return lectures, timetable_verify(
            problem=revision.problem, assignments=assignments, formulation=formulation
        )

    return remembered(verification_key(revision, formulation), verified, REVISION_SECONDS)


def revision_diff(*, revision: Revision, against: Revision) -> dict[str, Any]:
    """What changed from `against` to `revision`: moved, added and removed lectures."""
    old = Counter(lec.assignment for lec in revision_lectures(revision=against))
    new = Counter(lec.assignment for lec in revision_lectures(revision=revision))
    gone_by_course: dict[str, list[timetabling.Assignment]] = defaultdict(list)
    came_by_course: dict[str, list[timetabling.Assignment]] = defaultdict(list)
    for a in sorted((old - new).elements()):
        gone_by_course[a.course].append(a)
    for a in sorted((new - old).elements()):
        came_by_course[a.course].append(a)
    moved, added, removed = [], [], []
    for course in sorted(set(gone_by_course) | set(came_by_course)):
        pairs, gone, came = _pair_moves(gone_by_course[course], came_by_course[course])
        moved += [{"course": course, "from": _slot(a), "to": _slot(b)} for a, b in pairs]
        removed += [{"course": course, **_slot(a)} for a in gone]
        added += [{"course": course, **_slot(b)} for b in came]
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


def _slot(a: timetabling.Assignment) -> dict[str, Any]:
    return {"day": a.day, "period": a.period, "room": a.room}


def _pair_moves(
    gone: list[timetabling.Assignment], came: list[timetabling.Assignment]
) -> tuple[
    list[tuple[timetabling.Assignment, timetabling.Assignment]],
    list[timetabling.Assignment],
    list[timetabling.Assignment],
]:
    """One course's lectures that left and arrived, paired into moves: a lecture that keeps
    its period (a room change) pairs first, then the rest in order. The unpaired ones are
    removed or added lectures."""
    gone, came = list(gone), list(came)
    pairs = []
    for a in list(gone):
        twin = next((b for b in came if (b.day, b.period) == (a.day, a.period)), None)
        if twin is not None:
            pairs.append((a, twin))
            gone.remove(a)
            came.remove(twin)
    pairs += list(zip(gone, came, strict=False))
    return pairs, gone[len(came) :], came[len(gone) :]
