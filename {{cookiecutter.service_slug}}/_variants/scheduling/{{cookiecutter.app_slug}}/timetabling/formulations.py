"""The catalogue of CB-CTT formulations: which terms count, how much, under which name, and
which of them the generator optimises. Every list of formulations and every weight comes from here.

UD1..UD5 are the formulations of Bonutti et al. (2012) as scored by the multi-formulation
validator; "ITC" is UD2 with the ITC-2007 validator's component names. Term order is the order in
which the official validators print their components, so reports line up with theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Measure(StrEnum):
    """What a term counts; the verifier has one routine per measure."""

    LECTURES = "lectures"
    CONFLICTS = "conflicts"
    AVAILABILITY = "availability"
    ROOM_OCCUPATION = "room_occupation"
    ROOM_CAPACITY = "room_capacity"
    MIN_WORKING_DAYS = "min_working_days"
    ISOLATED_LECTURES = "isolated_lectures"
    WINDOWS = "windows"
    ROOM_STABILITY = "room_stability"
    ROOM_SUITABILITY = "room_suitability"
    STUDENT_LOAD = "student_load"
    DOUBLE_LECTURES = "double_lectures"
    TRAVEL_DISTANCE = "travel_distance"


@dataclass(frozen=True, slots=True)
class Term:
    component: str  # the name the official validator prints
    measure: Measure
    hard: bool
    weight: int = 1


def _hard(component: str, measure: Measure) -> Term:
    return Term(component, measure, hard=True)


def _soft(component: str, measure: Measure, weight: int) -> Term:
    return Term(component, measure, hard=False, weight=weight)


_HARD = (
    _hard("Lectures", Measure.LECTURES),
    _hard("Conflicts", Measure.CONFLICTS),
    _hard("Availability", Measure.AVAILABILITY),
    _hard("RoomOccupation", Measure.ROOM_OCCUPATION),
)
_CAPACITY = _soft("RoomCapacity", Measure.ROOM_CAPACITY, 1)

FORMULATIONS: dict[str, tuple[Term, ...]] = {
    "UD1": (
        *_HARD,
        _CAPACITY,
        _soft("MinWorkingDays", Measure.MIN_WORKING_DAYS, 5),
        _soft("IsolatedLectures", Measure.ISOLATED_LECTURES, 1),
    ),
    "UD2": (
        *_HARD,
        _CAPACITY,
        _soft("MinWorkingDays", Measure.MIN_WORKING_DAYS, 5),
        _soft("IsolatedLectures", Measure.ISOLATED_LECTURES, 2),
        _soft("RoomStability", Measure.ROOM_STABILITY, 1),
    ),
    "UD3": (
        *_HARD,
        _CAPACITY,
        _soft("CurriculumCompactness", Measure.WINDOWS, 4),
        _soft("RoomConstraints", Measure.ROOM_SUITABILITY, 3),
        _soft("StudentLoad", Measure.STUDENT_LOAD, 2),
    ),
    "UD4": (
        *_HARD,
        _hard("RoomConstraints", Measure.ROOM_SUITABILITY),
        _CAPACITY,
        _soft("MinWorkingDays", Measure.MIN_WORKING_DAYS, 1),
        _soft("CurriculumCompactness", Measure.WINDOWS, 1),
        _soft("DoubleLectures", Measure.DOUBLE_LECTURES, 1),
        _soft("StudentLoad", Measure.STUDENT_LOAD, 1),
    ),
    "UD5": (
        *_HARD,
        _CAPACITY,
        _soft("MinWorkingDays", Measure.MIN_WORKING_DAYS, 5),
        _soft("CurriculumCompactness", Measure.WINDOWS, 2),
        _soft("StudentLoad", Measure.STUDENT_LOAD, 2),
        _soft("TravelDistance", Measure.TRAVEL_DISTANCE, 2),
        _soft("IsolatedLectures", Measure.ISOLATED_LECTURES, 1),
    ),
    "ITC": (
        *_HARD,
        _CAPACITY,
        _soft("MinWorkingDays", Measure.MIN_WORKING_DAYS, 5),
        _soft("CurriculumCompactness", Measure.ISOLATED_LECTURES, 2),
        _soft("RoomStability", Measure.ROOM_STABILITY, 1),
    ),
}


def formulation_terms(name: str) -> tuple[Term, ...]:
    """Terms of formulation `name` (case-insensitive); ValueError names the valid choices."""
    terms = FORMULATIONS.get(name.upper()) if isinstance(name, str) else None
    if terms is None:
        choices = ", ".join(FORMULATIONS)
        raise ValueError(f"unknown formulation {name!r}: expected one of {choices}")
    return terms


# Formulations that only rename another's components: generating for them is generating for it.
ALIASES = {"ITC": "UD2"}
# The measures the generator's models and moves optimise: every soft term of every formulation.
OPTIMISED = frozenset(
    {
        Measure.ROOM_CAPACITY,
        Measure.MIN_WORKING_DAYS,
        Measure.ISOLATED_LECTURES,
        Measure.ROOM_STABILITY,
        Measure.ROOM_SUITABILITY,
        Measure.WINDOWS,
        Measure.STUDENT_LOAD,
        Measure.DOUBLE_LECTURES,
        Measure.TRAVEL_DISTANCE,
    }
)


def generation_formulations() -> tuple[str, ...]:
    """The formulations a generation run may be asked for (aliases aside)."""
    return tuple(name for name in FORMULATIONS if name not in ALIASES)


def soft_weight(name: str, measure: Measure) -> int:
    """The weight of `measure` as a soft term of formulation `name`, 0 where it is not one."""
    return sum(t.weight for t in formulation_terms(name) if t.measure == measure and not t.hard)


def is_hard(name: str, measure: Measure) -> bool:
    """Whether formulation `name` makes `measure` a hard constraint."""
    return any(t.measure == measure and t.hard for t in formulation_terms(name))
