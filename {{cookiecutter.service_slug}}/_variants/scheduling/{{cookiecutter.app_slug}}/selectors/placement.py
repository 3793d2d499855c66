"""Reads for guided moves: where a lecture of a revision could go and what trading places with
another lecture would do, each measured by the verifier (`timetabling.placement`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..lectures import Lecture
from ..models import Revision
from ..timetabling import placement
from .problems import problem_to_core
from .revisions import revision_verification


@dataclass(frozen=True)
class LecturePlaces:
    lecture: Lecture  # as stored (with its pin)
    placements: list[placement.Placement]  # every other period of the week
    swaps: dict[str, placement.Outcome]  # another lecture's key -> trading places with it


def lecture_places(
    *, revision: Revision, lecture: Lecture, swap_keys: Collection[str] = ()
) -> LecturePlaces | None:
    """Where `lecture` could go in `revision`, and the swaps with the lectures `swap_keys`
    name (in other periods); None when the revision holds no such lecture."""
    lectures, verification = revision_verification(revision=revision)
    index = _index(lectures, lecture.key)
    if index is None:
        return None
    problem = problem_to_core(problem=revision.problem)
    assignments = [lec.assignment for lec in lectures]
    formulation = verification.formulation
    found = placement.placements(problem, assignments, index, formulation, verification)
    swaps = {}
    for key in swap_keys:
        other = _index(lectures, key)
        if other is None or lectures[other].slot[:2] == lectures[index].slot[:2]:
            continue
        swaps[key] = placement.swap(problem, assignments, index, other, formulation, verification)
    return LecturePlaces(lectures[index], found, swaps)


def lecture_place_at(
    *, revision: Revision, lecture: Lecture, day: int, period: int
) -> placement.Placement | None:
    """`lecture` moved to one period in the best room there; None when it is not in
    `revision`."""
    lectures, verification = revision_verification(revision=revision)
    index = _index(lectures, lecture.key)
    if index is None:
        return None
    problem = problem_to_core(problem=revision.problem)
    assignments = [lec.assignment for lec in lectures]
    return placement.placement_at(
        problem, assignments, index, day, period, verification.formulation
    )


def _index(lectures: list[Lecture], key: str) -> int | None:
    return next((i for i, lec in enumerate(lectures) if lec.key == key), None)
