"""Reads for guided moves: where a lecture of a timetable (a revision's, or a draft's) could go
and what trading places with another lecture would do, each measured by the verifier
(`timetabling.placement`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .. import timetabling
from ..lectures import Lecture
from ..models import Problem
from ..timetabling import placement
from .problems import problem_to_core


@dataclass(frozen=True)
class LecturePlaces:
    lecture: Lecture  # as the timetable holds it (with its pin)
    placements: list[placement.Placement]  # every other period of the week
    swaps: dict[str, placement.Outcome]  # another lecture's key -> trading places with it


def lecture_places(
    *,
    problem: Problem,
    lectures: list[Lecture],
    verification: timetabling.Verification,
    lecture: Lecture,
    swap_keys: Collection[str] = (),
) -> LecturePlaces | None:
    """Where `lecture` could go in the timetable `lectures` (verified as `verification`), and
    the swaps with the lectures `swap_keys` name (in other periods); None when the timetable
    holds no such lecture."""
    index = _index(lectures, lecture.key)
    if index is None:
        return None
    core = problem_to_core(problem=problem)
    assignments = [lec.assignment for lec in lectures]
    formulation = verification.formulation
    found = placement.placements(core, assignments, index, formulation, verification)
    swaps = {}
    for key in swap_keys:
        other = _index(lectures, key)
        if other is None or lectures[other].slot[:2] == lectures[index].slot[:2]:
            continue
        swaps[key] = placement.swap(core, assignments, index, other, formulation, verification)
    return LecturePlaces(lectures[index], found, swaps)


def lecture_place_at(
    *,
    problem: Problem,
    lectures: list[Lecture],
    formulation: str,
    lecture: Lecture,
    day: int,
    period: int,
) -> placement.Placement | None:
    """`lecture` moved to one period in the best room there; None when the timetable does not
    hold it."""
    index = _index(lectures, lecture.key)
    if index is None:
        return None
    core = problem_to_core(problem=problem)
    assignments = [lec.assignment for lec in lectures]
    return placement.placement_at(core, assignments, index, day, period, formulation)


def _index(lectures: list[Lecture], key: str) -> int | None:
    return next((i for i, lec in enumerate(lectures) if lec.key == key), None)
