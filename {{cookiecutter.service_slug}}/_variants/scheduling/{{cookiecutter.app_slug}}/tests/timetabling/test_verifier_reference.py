"""The verifier against the official validators' numbers for every fixture solution."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from ...timetabling.formats import read_problem, read_solution
from ...timetabling.model import Assignment, Problem
from ...timetabling.verifier import verify

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED: dict[str, dict] = json.loads(
    (FIXTURES / "solutions" / "expected.json").read_text(encoding="utf-8")
)
FORMULATION_NAMES = ("ITC", "UD1", "UD2", "UD3", "UD4", "UD5")

# The order in which the official validators print their components.
OFFICIAL_ORDER = {
    "ITC": ["Lectures", "Conflicts", "Availability", "RoomOccupation", "RoomCapacity",
            "MinWorkingDays", "CurriculumCompactness", "RoomStability"],
    "UD1": ["Lectures", "Conflicts", "Availability", "RoomOccupation", "RoomCapacity",
            "MinWorkingDays", "IsolatedLectures"],
    "UD2": ["Lectures", "Conflicts", "Availability", "RoomOccupation", "RoomCapacity",
            "MinWorkingDays", "IsolatedLectures", "RoomStability"],
    "UD3": ["Lectures", "Conflicts", "Availability", "RoomOccupation", "RoomCapacity",
            "CurriculumCompactness", "RoomConstraints", "StudentLoad"],
    "UD4": ["Lectures", "Conflicts", "Availability", "RoomOccupation", "RoomConstraints",
            "RoomCapacity", "MinWorkingDays", "CurriculumCompactness", "DoubleLectures",
            "StudentLoad"],
    "UD5": ["Lectures", "Conflicts", "Availability", "RoomOccupation", "RoomCapacity",
            "MinWorkingDays", "CurriculumCompactness", "StudentLoad", "TravelDistance",
            "IsolatedLectures"],
}  # fmt: skip


@cache
def problem(instance: str, formulation: str) -> Problem:
    # The ITC-2007 validator reads .ctt files, the multi-formulation one .ectt files.
    name = f"{instance}.ctt" if formulation == "ITC" else f"{instance}.ectt"
    return read_problem(FIXTURES / "instances" / name)


@cache
def solution(name: str) -> tuple[Assignment, ...]:
    return tuple(read_solution(FIXTURES / "solutions" / name))


def test_fixture_set_is_complete() -> None:
    files = sorted(p.name for p in (FIXTURES / "solutions").glob("comp*.sol"))
    assert files == sorted(EXPECTED)
    assert len(files) == 49


@pytest.mark.parametrize("formulation", FORMULATION_NAMES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matches_official_validator(name: str, formulation: str) -> None:
    expected = EXPECTED[name][formulation]
    result = verify(problem(EXPECTED[name]["instance"], formulation), solution(name), formulation)

    assert result.values == expected["components"]
    assert list(result.values) == OFFICIAL_ORDER[formulation]
    assert result.hard_violations == expected["hard_violations"]
    assert result.total_cost == expected["total_cost"]
    assert len(result.warnings) == expected["warnings"]


@pytest.mark.parametrize("formulation", FORMULATION_NAMES)
@pytest.mark.parametrize("name", ["comp01.2st.mixed.sol", "comp07.2st.conflicts.sol"])
def test_violations_add_up_to_components(name: str, formulation: str) -> None:
    result = verify(problem(EXPECTED[name]["instance"], formulation), solution(name), formulation)
    for component in result.components:
        mine = [v for v in result.violations if v.component == component.name]
        assert sum(v.cost for v in mine) == component.value
        assert all(v.hard == component.hard for v in mine)
    payload = result.to_dict()
    assert json.loads(json.dumps(payload)) == payload
    assert payload["total_cost"] == EXPECTED[name][formulation]["total_cost"]


def test_spec_toy_solution_scores_as_printed() -> None:
    # ITC-2007 track 3: the toy solution on the output-format page scores
    # "Violations = 5, Total Cost = 30".
    toy = read_problem(FIXTURES / "instances" / "toy.ctt")
    result = verify(toy, read_solution(FIXTURES / "solutions" / "toy.spec.sol"), "ITC")
    assert result.values == {
        "Lectures": 0,
        "Conflicts": 3,
        "Availability": 0,
        "RoomOccupation": 2,
        "RoomCapacity": 8,
        "MinWorkingDays": 15,
        "CurriculumCompactness": 4,
        "RoomStability": 3,
    }
    assert result.format_text().endswith("\nSummary: Violations = 5, Total Cost = 30\n")
