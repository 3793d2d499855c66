"""Hand-built timetables with hand-counted penalties for every constraint and formulation.

The base timetable below costs nothing under any formulation; each scenario moves, adds or drops a
few lectures and states the raw counts it causes. The weights table is written out from
SCORING.md (not imported from the code), so both the counting and the weighting are checked.
"""

from __future__ import annotations

import dataclasses

import pytest

from ...timetabling.model import Assignment, Course, Curriculum, Problem, Room
from ...timetabling.verifier import verify

# Mon and Tue, four periods each.
BASE_PROBLEM = Problem(
    name="units",
    days=2,
    periods_per_day=4,
    courses=(
        Course("c1", "t1", lectures=2, min_working_days=2, students=30),
        Course("c2", "t2", lectures=2, min_working_days=1, students=10),
        Course("c3", "t1", lectures=1, min_working_days=1, students=10),
        Course("c4", "t3", lectures=2, min_working_days=1, students=10),
        Course("d1", "t4", lectures=2, min_working_days=1, students=10, double_lectures=True),
    ),
    rooms=(Room("rA", 40, site=0), Room("rB", 20, site=0), Room("rC", 40, site=1)),
    curricula=(Curriculum("q1", ("c1", "c2")), Curriculum("q2", ("c2", "c4"))),
    unavailability=frozenset({("c4", 1, 0)}),
    room_constraints=frozenset({("c3", "rB")}),
    min_daily_lectures=1,
    max_daily_lectures=2,
    extended=True,
)

Lecture = tuple[str, str, int, int]
BASE: list[Lecture] = [
    ("c1", "rA", 0, 0),
    ("c1", "rA", 1, 0),
    ("c2", "rB", 0, 1),
    ("c2", "rB", 1, 1),
    ("c4", "rB", 0, 2),
    ("c4", "rB", 1, 2),
    ("c3", "rA", 0, 3),
    ("d1", "rA", 0, 1),
    ("d1", "rA", 0, 2),
]

HARD = ("lectures", "conflicts", "availability", "occupation")
_HARD_TERMS = [
    ("Lectures", "lectures", 1),
    ("Conflicts", "conflicts", 1),
    ("Availability", "availability", 1),
    ("RoomOccupation", "occupation", 1),
]
# (component, raw measure, weight) in the official validators' order, from SCORING.md.
SPEC: dict[str, list[tuple[str, str, int]]] = {
    "ITC": [
        *_HARD_TERMS,
        ("RoomCapacity", "capacity", 1),
        ("MinWorkingDays", "min_days", 5),
        ("CurriculumCompactness", "isolated", 2),
        ("RoomStability", "stability", 1),
    ],
    "UD1": [
        *_HARD_TERMS,
        ("RoomCapacity", "capacity", 1),
        ("MinWorkingDays", "min_days", 5),
        ("IsolatedLectures", "isolated", 1),
    ],
    "UD2": [
        *_HARD_TERMS,
        ("RoomCapacity", "capacity", 1),
        ("MinWorkingDays", "min_days", 5),
        ("IsolatedLectures", "isolated", 2),
        ("RoomStability", "stability", 1),
    ],
    "UD3": [
        *_HARD_TERMS,
        ("RoomCapacity", "capacity", 1),
        ("CurriculumCompactness", "windows", 4),
        ("RoomConstraints", "suitability", 3),
        ("StudentLoad", "load", 2),
    ],
    "UD4": [
        *_HARD_TERMS,
        ("RoomConstraints", "suitability", 1),  # hard in UD4
        ("RoomCapacity", "capacity", 1),
        ("MinWorkingDays", "min_days", 1),
        ("CurriculumCompactness", "windows", 1),
        ("DoubleLectures", "double", 1),
        ("StudentLoad", "load", 1),
    ],
    "UD5": [
        *_HARD_TERMS,
        ("RoomCapacity", "capacity", 1),
        ("MinWorkingDays", "min_days", 5),
        ("CurriculumCompactness", "windows", 2),
        ("StudentLoad", "load", 2),
        ("TravelDistance", "travel", 2),
        ("IsolatedLectures", "isolated", 1),
    ],
}
RAW_MEASURES = {measure for terms in SPEC.values() for _, measure, _ in terms}


def is_hard(formulation: str, measure: str) -> bool:
    return measure in HARD or (formulation == "UD4" and measure == "suitability")


def moved(old: Lecture, new: Lecture | None, base: list[Lecture] = BASE) -> list[Lecture]:
    """`base` with lecture `old` replaced by `new` (in place) or dropped."""
    assert old in base
    if new is None:
        return [lec for lec in base if lec != old]
    return [new if lec == old else lec for lec in base]


def assignments(lectures: list[Lecture]) -> list[Assignment]:
    return [Assignment(*lec) for lec in lectures]


def check(
    lectures: list[Lecture],
    raw: dict[str, int],
    *,
    problem: Problem = BASE_PROBLEM,
    warnings: int = 0,
) -> None:
    assert set(raw) <= RAW_MEASURES, raw
    for formulation, terms in SPEC.items():
        result = verify(problem, assignments(lectures), formulation)
        expected = {name: raw.get(measure, 0) * weight for name, measure, weight in terms}
        assert result.values == expected, formulation
        hard = sum(raw.get(measure, 0) for _, measure, _ in terms if is_hard(formulation, measure))
        assert result.hard_violations == hard, formulation
        assert result.total_cost == sum(expected.values()) - hard, formulation
        assert len(result.warnings) == warnings, formulation


def test_base_timetable_costs_nothing() -> None:
    check(BASE, {})


def test_curriculum_conflict() -> None:
    # c2 joins c1 (both q1) on Mon 0: both are isolated in q1, c2 and c4 are isolated in q2 and
    # q2 gets a one-period window on Mon.
    lectures = moved(("c2", "rB", 0, 1), ("c2", "rB", 0, 0))
    check(lectures, {"conflicts": 1, "isolated": 4, "windows": 1})
    (conflict,) = [v for v in verify(BASE_PROBLEM, assignments(lectures)).violations if v.hard]
    assert conflict.component == "Conflicts"
    assert conflict.message == "Courses c1 and c2 share curriculum q1 and both meet on Mon period 0"
    assert (conflict.courses, conflict.curricula, conflict.teachers) == (("c1", "c2"), ("q1",), ())
    assert (conflict.rooms, conflict.day, conflict.period) == (("rA", "rB"), 0, 0)


def test_teacher_conflict() -> None:
    lectures = moved(("c3", "rA", 0, 3), ("c3", "rC", 0, 0))
    check(lectures, {"conflicts": 1})
    (conflict,) = verify(BASE_PROBLEM, assignments(lectures)).violations
    assert conflict.teachers == ("t1",)
    assert conflict.curricula == ()
    assert "both taught by t1" in conflict.message


def test_pair_sharing_teacher_and_curriculum_counts_once() -> None:
    courses = tuple(
        dataclasses.replace(c, teacher="t1") if c.id == "c2" else c for c in BASE_PROBLEM.courses
    )
    problem = dataclasses.replace(BASE_PROBLEM, courses=courses)
    lectures = moved(("c2", "rB", 0, 1), ("c2", "rB", 0, 0))
    check(lectures, {"conflicts": 1, "isolated": 4, "windows": 1}, problem=problem)
    (conflict,) = [v for v in verify(problem, assignments(lectures)).violations if v.hard]
    assert (conflict.curricula, conflict.teachers) == (("q1",), ("t1",))


def test_conflicts_count_pairs_of_lectures() -> None:
    # c1, c2 and c3 on Mon 0: c1-c2 share q1, c1-c3 share t1, c2-c3 share nothing.
    lectures = moved(("c2", "rB", 0, 1), ("c2", "rB", 0, 0))
    lectures = moved(("c3", "rA", 0, 3), ("c3", "rC", 0, 0), lectures)
    check(lectures, {"conflicts": 2, "isolated": 4, "windows": 1})


def test_unavailable_period() -> None:
    check(moved(("c4", "rB", 1, 2), ("c4", "rB", 1, 0)), {"availability": 1})


def test_room_occupation_counts_k_minus_one() -> None:
    two = moved(("c4", "rB", 0, 2), ("c4", "rA", 0, 2))  # with d1 in rA
    check(two, {"occupation": 1, "stability": 1})
    three = moved(("c3", "rA", 0, 3), ("c3", "rA", 0, 2), two)
    check(three, {"occupation": 2, "stability": 1})
    (clash,) = [v for v in verify(BASE_PROBLEM, assignments(three)).violations if v.hard]
    assert (clash.courses, clash.rooms, clash.cost) == (("c3", "c4", "d1"), ("rA",), 2)


def test_missing_lecture() -> None:
    check(moved(("c3", "rA", 0, 3), None), {"lectures": 1, "min_days": 1})


def test_extra_lecture() -> None:
    check([*BASE, ("c3", "rA", 1, 3)], {"lectures": 1})


def test_repeated_lecture_is_skipped_and_counts_as_missing() -> None:
    # c1's Tue lecture becomes a second c1 line for Mon 0: the validator drops it.
    lectures = moved(("c1", "rA", 1, 0), ("c1", "rC", 0, 0))
    check(lectures, {"lectures": 1, "min_days": 1, "isolated": 1}, warnings=1)
    (warning,) = verify(BASE_PROBLEM, assignments(lectures)).warnings
    assert "already has a lecture" in warning


def test_unknown_ids_and_out_of_range_lines_are_skipped() -> None:
    junk = [
        ("cX", "rA", 0, 0),
        ("c1", "rZ", 0, 0),
        ("c1", "rA", 2, 0),
        ("c1", "rA", 0, 4),
        ("c1", "rA", -1, 0),
    ]
    check([*BASE, *junk], {}, warnings=5)
    warnings = verify(BASE_PROBLEM, assignments([*BASE, *junk])).warnings
    assert "unknown course 'cX'" in warnings[0]
    assert "unknown room 'rZ'" in warnings[1]
    assert "day 2 out of range" in warnings[2]
    assert "period 4 out of range" in warnings[3]


def test_room_capacity() -> None:
    # 30 students in rB (20 seats).
    check(moved(("c1", "rA", 0, 0), ("c1", "rB", 0, 0)), {"capacity": 10, "stability": 1})


def test_min_working_days_student_load_maximum_and_travel() -> None:
    # c1 twice on Mon: one working day short; q1 has 3 lectures on Mon (max 2), moves from rB
    # (site 0) to rC (site 1) between periods 1 and 2, and c2 is left isolated on Tue.
    lectures = moved(("c1", "rA", 1, 0), ("c1", "rC", 0, 2))
    check(
        lectures,
        {"min_days": 1, "stability": 1, "load": 1, "isolated": 1, "travel": 1},
    )


def test_isolated_lectures_count_once_per_curriculum() -> None:
    # On Tue c2 (in q1 and q2) sits alone at period 3: isolated in both curricula, as are c1
    # and c4; windows: q1 has periods 1-2 empty, q2 period 2.
    lectures = moved(("c2", "rB", 1, 1), ("c2", "rB", 1, 3))
    lectures = moved(("c4", "rB", 1, 2), ("c4", "rB", 1, 1), lectures)
    check(lectures, {"isolated": 4, "windows": 3})


def test_student_load_minimum() -> None:
    problem = dataclasses.replace(BASE_PROBLEM, min_daily_lectures=2)
    check(BASE, {}, problem=problem)
    # q2 keeps a single lecture (c2) on Tue.
    check(
        moved(("c4", "rB", 1, 2), None),
        {"lectures": 1, "load": 1, "isolated": 1},
        problem=problem,
    )


def test_double_lectures() -> None:
    # One lecture per day needs no partner.
    check(moved(("d1", "rA", 0, 2), ("d1", "rA", 1, 3)), {})
    # Same day, not adjacent.
    check(moved(("d1", "rA", 0, 2), ("d1", "rC", 0, 3)), {"double": 2, "stability": 1})
    # Adjacent but in different rooms.
    check(moved(("d1", "rA", 0, 2), ("d1", "rC", 0, 2)), {"double": 2, "stability": 1})


def test_room_suitability() -> None:
    lectures = moved(("c3", "rA", 0, 3), ("c3", "rB", 0, 3))
    check(lectures, {"suitability": 1})
    (ud4,) = verify(BASE_PROBLEM, assignments(lectures), "UD4").violations
    assert ud4.hard
    (ud3,) = verify(BASE_PROBLEM, assignments(lectures), "UD3").violations
    assert (ud3.hard, ud3.cost) == (False, 3)


def test_travel_distance() -> None:
    # c2 in rC (site 1) on Mon 1: q1 travels from c1 in rA and q2 travels on to c4 in rB.
    lectures = moved(("c2", "rB", 0, 1), ("c2", "rC", 0, 1))
    check(lectures, {"travel": 2, "stability": 1})
    travels = [v for v in verify(BASE_PROBLEM, assignments(lectures), "UD5").violations]
    assert {v.curricula for v in travels if v.component == "TravelDistance"} == {
        ("q1",),
        ("q2",),
    }


def test_empty_timetable() -> None:
    # Nothing placed: every lecture missing and every course short of working days.
    check([], {"lectures": 9, "min_days": 6})


def test_unknown_formulation() -> None:
    with pytest.raises(ValueError, match=r"unknown formulation 'UD9': expected one of UD1"):
        verify(BASE_PROBLEM, [], "UD9")


def test_formulation_name_is_case_insensitive() -> None:
    assert verify(BASE_PROBLEM, assignments(BASE), "ud2").formulation == "UD2"


def test_format_text_and_to_dict() -> None:
    lectures = moved(("c3", "rA", 0, 3), ("c3", "rB", 0, 3))
    result = verify(BASE_PROBLEM, assignments([*lectures, ("cX", "rA", 0, 0)]), "UD4")
    assert result.format_text() == (
        "Violations of Lectures (hard) : 0\n"
        "Violations of Conflicts (hard) : 0\n"
        "Violations of Availability (hard) : 0\n"
        "Violations of RoomOccupation (hard) : 0\n"
        "Violations of RoomConstraints (hard) : 1\n"
        "Cost of RoomCapacity (soft) : 0\n"
        "Cost of MinWorkingDays (soft) : 0\n"
        "Cost of CurriculumCompactness (soft) : 0\n"
        "Cost of DoubleLectures (soft) : 0\n"
        "Cost of StudentLoad (soft) : 0\n"
        "\n"
        "Summary: Violations = 1, Total Cost = 0\n"
    )
    detailed = result.format_text(details=True).splitlines()
    assert detailed[0].startswith("[W] lecture 10 (cX rA 0 0): unknown course")
    assert detailed[1] == (
        "[H] Course c3 meets in room rB, which is unsuitable for it (Mon period 3)"
    )
    payload = result.to_dict()
    assert payload["feasible"] is False
    assert payload["components"][4] == {
        "name": "RoomConstraints",
        "hard": True,
        "weight": 1,
        "value": 1,
    }
    assert payload["violations"][0]["rooms"] == ["rB"]
    assert payload["hard"] == {
        "Lectures": 0,
        "Conflicts": 0,
        "Availability": 0,
        "RoomOccupation": 0,
        "RoomConstraints": 1,
    }
    assert list(payload["soft"]) == [
        "RoomCapacity",
        "MinWorkingDays",
        "CurriculumCompactness",
        "DoubleLectures",
        "StudentLoad",
    ]
    assert (payload["violations"][0]["day"], payload["violations"][0]["period"]) == (0, 3)
    clean = verify(BASE_PROBLEM, assignments(BASE), "UD2")
    assert clean.feasible
    assert clean.format_text().endswith("\n\nSummary: Total Cost = 0\n")


def test_index_is_reused_for_the_same_problem() -> None:
    problem = dataclasses.replace(BASE_PROBLEM)
    first = verify(problem, assignments(BASE))
    second = verify(problem, assignments(moved(("c3", "rA", 0, 3), None)))
    assert first.values != second.values
    assert verify(problem, assignments(BASE)) == first


def test_non_integer_day_or_period_is_skipped() -> None:
    odd = [Assignment("c3", "rA", "0", 3), Assignment("c3", "rA", 0, 3.0)]  # type: ignore[arg-type]
    result = verify(BASE_PROBLEM, [*assignments(moved(("c3", "rA", 0, 3), None)), *odd])
    assert len(result.warnings) == 2
    assert "day '0' out of range" in result.warnings[0]
    assert "period 3.0 out of range" in result.warnings[1]
    assert result.values["Lectures"] == 1


def test_problem_without_daily_bounds_has_no_student_load() -> None:
    # .ctt problems carry min = max = 0: no maximum is enforced rather than "every lecture over".
    problem = dataclasses.replace(
        BASE_PROBLEM, min_daily_lectures=0, max_daily_lectures=0, extended=False
    )
    assert verify(problem, assignments(BASE), "UD3").values["StudentLoad"] == 0
