"""Where one lecture could go (`timetabling.placement`): every other period of the week, a free
room that seats the course when there is one, and outcomes that are the verifier's difference
between the timetable before and after the move."""

from __future__ import annotations

import dataclasses
import random

import pytest

from ...timetabling.demo import demo_instance_path
from ...timetabling.formats import read_problem, read_solution
from ...timetabling.model import Assignment, Course, Problem, Room
from ...timetabling.placement import best_placements, placement_at, placements, swap
from ...timetabling.verifier import verify

FIXTURES = demo_instance_path("comp01.ectt").parents[2] / "tests" / "timetabling" / "fixtures"


@pytest.fixture(scope="module")
def comp01() -> tuple[Problem, list[Assignment]]:
    problem = read_problem(demo_instance_path("comp01.ectt"))
    solution = read_solution(FIXTURES / "solutions" / "comp01.ud2.sol")
    return problem, list(solution)


def moved(assignments: list[Assignment], index: int, to: Assignment) -> list[Assignment]:
    return [to if i == index else a for i, a in enumerate(assignments)]


@pytest.mark.parametrize("formulation", ["UD2", "UD5"])
def test_each_place_costs_what_the_verifier_says(comp01, formulation):
    problem, timetable = comp01
    before = verify(problem, timetable, formulation)
    for index in random.Random(7).sample(range(len(timetable)), 2):
        lecture = timetable[index]
        found = placements(problem, timetable, index, formulation)
        slots = {(p.day, p.period) for p in found}
        assert len(found) == problem.periods - 1 == len(slots)
        assert (lecture.day, lecture.period) not in slots
        for place in found:
            to = Assignment(lecture.course, place.room, place.day, place.period)
            after = verify(problem, moved(timetable, index, to), formulation)
            assert place.outcome.hard == after.hard_violations - before.hard_violations
            assert place.outcome.cost == after.total_cost - before.total_cost
            assert (
                sum(v.cost for v in place.outcome.added if not v.hard)
                - sum(v.cost for v in place.outcome.removed if not v.hard)
                == place.outcome.cost
            )
            expected = (
                "hard" if place.outcome.hard > 0 else "soft" if place.outcome.cost > 0 else "clean"
            )
            assert place.outcome.kind == expected


def test_a_place_takes_a_free_room_that_seats_the_course(comp01):
    problem, timetable = comp01
    index = 0
    lecture = timetable[index]
    students = problem.course_by_id[lecture.course].students
    for place in placements(problem, timetable, index, "UD2"):
        busy = {
            a.room
            for i, a in enumerate(timetable)
            if i != index and (a.day, a.period) == (place.day, place.period)
        }
        free_seating = [r for r in problem.rooms if r.id not in busy and r.capacity >= students]
        if free_seating:
            assert place.room_free and place.room not in busy
            assert problem.room_by_id[place.room].capacity >= students


def test_the_best_places_come_first_and_a_full_period_names_the_clash():
    problem = Problem(
        name="two rooms",
        days=1,
        periods_per_day=2,
        courses=tuple(Course(name, f"T{name}", 1, 1, 10) for name in "ABC"),
        rooms=(Room("r1", 20), Room("r2", 20)),
        curricula=(),
    )
    timetable = [
        Assignment("A", "r1", 0, 0),
        Assignment("B", "r1", 0, 1),
        Assignment("C", "r2", 0, 1),
    ]
    (place,) = placements(problem, timetable, 0, "UD2")
    assert (place.day, place.period, place.room_free) == (0, 1, False)
    assert place.outcome.kind == "hard" and place.outcome.hard == 1
    assert any("r1" in v.message or "r2" in v.message for v in place.outcome.added if v.hard)
    # With a period free, that one ranks first.
    roomy = dataclasses.replace(problem, periods_per_day=3)
    best = best_placements(placements(roomy, timetable, 0, "UD2"), 1)[0]
    assert (best.period, best.outcome.hard) == (2, 0)
    assert placement_at(roomy, timetable, 0, 0, 2, "UD2") == best


def test_a_swap_costs_what_the_verifier_says(comp01):
    problem, timetable = comp01
    first, second = 0, len(timetable) - 1
    a, b = timetable[first], timetable[second]
    traded = list(timetable)
    traded[first] = Assignment(a.course, b.room, b.day, b.period)
    traded[second] = Assignment(b.course, a.room, a.day, a.period)
    before, after = verify(problem, timetable, "UD2"), verify(problem, traded, "UD2")
    result = swap(problem, timetable, first, second, "UD2")
    assert (result.hard, result.cost) == (
        after.hard_violations - before.hard_violations,
        after.total_cost - before.total_cost,
    )
