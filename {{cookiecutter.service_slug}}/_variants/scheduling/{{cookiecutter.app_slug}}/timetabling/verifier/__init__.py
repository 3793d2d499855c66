"""Exact verifier for CB-CTT timetables: the oracle every generated timetable must pass.

It reproduces the numbers of the official validators (the ITC-2007 track-3 validator and the
UD1..UD5 multi-formulation validator of Schaerf and Di Gaspero), including their treatment of bad
solution lines: unknown courses or rooms, out-of-range days or periods and a second lecture of a
course in one period are skipped with a warning. Besides the totals it explains every penalty as a
`Violation` naming the courses, rooms, curricula, teachers and the period involved.

Days and periods are 0-based everywhere, as in the file formats. One deliberate difference: a
maximum daily load of 0 (what `.ctt` problems carry) means "no maximum" for StudentLoad.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..formulations import FORMULATIONS, Measure, Term, formulation_terms
from ..model import Assignment, Problem
from . import course_measures, curriculum_measures, lecture_measures
from .results import Component, Verification, Violation
from .timetable import Timetable, problem_index

__all__ = ["FORMULATIONS", "Component", "Verification", "Violation", "verify"]

# One routine per measure; the formulation says which count, how much and under which name.
MEASURES: dict[Measure, Callable[[Timetable, Term], list[Violation]]] = {
    Measure.LECTURES: course_measures.lectures,
    Measure.CONFLICTS: lecture_measures.conflicts,
    Measure.AVAILABILITY: lecture_measures.availability,
    Measure.ROOM_OCCUPATION: lecture_measures.room_occupation,
    Measure.ROOM_CAPACITY: lecture_measures.room_capacity,
    Measure.MIN_WORKING_DAYS: course_measures.min_working_days,
    Measure.ISOLATED_LECTURES: curriculum_measures.isolated_lectures,
    Measure.WINDOWS: curriculum_measures.windows,
    Measure.ROOM_STABILITY: course_measures.room_stability,
    Measure.ROOM_SUITABILITY: lecture_measures.room_suitability,
    Measure.STUDENT_LOAD: curriculum_measures.student_load,
    Measure.DOUBLE_LECTURES: course_measures.double_lectures,
    Measure.TRAVEL_DISTANCE: curriculum_measures.travel_distance,
}


def verify(
    problem: Problem, assignments: Iterable[Assignment], formulation: str = "UD2"
) -> Verification:
    """Score `assignments` against `problem` under `formulation` (UD1..UD5 or ITC)."""
    terms = formulation_terms(formulation)
    tt = Timetable.build(problem_index(problem), assignments)
    components: list[Component] = []
    violations: list[Violation] = []
    for term in terms:
        found = MEASURES[term.measure](tt, term)
        components.append(
            Component(term.component, term.hard, term.weight, sum(v.cost for v in found))
        )
        violations += found
    return Verification(
        formulation=formulation.upper(),
        components=tuple(components),
        violations=tuple(violations),
        warnings=tuple(tt.warnings),
        hard_violations=sum(c.value for c in components if c.hard),
        total_cost=sum(c.value for c in components if not c.hard),
    )
