"""Shipped demo data, the public API and the verifier benchmark entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from ... import timetabling
from ...timetabling.demo import demo_instance_path, demo_instances
from ...timetabling.formats import read_problem
from ...timetabling.tools.bench_verify import greedy_timetable, main

FIXTURES = Path(__file__).parent / "fixtures" / "instances"
SHIPPED = ["comp01.ctt", "comp01.ectt", "comp07.ctt", "comp07.ectt", "toy.ctt", "toy.ectt"]


def test_demo_instances_are_shipped_unchanged() -> None:
    assert demo_instances() == SHIPPED
    for name in SHIPPED:
        path = demo_instance_path(name)
        assert path.read_bytes() == (FIXTURES / name).read_bytes()
        assert read_problem(path).extended == name.endswith(".ectt")


def test_demo_instance_path_prefers_ectt_without_extension() -> None:
    assert demo_instance_path("comp07").name == "comp07.ectt"


@pytest.mark.parametrize("name", ["comp02", "../data/toy.ctt", "toy.txt", ""])
def test_unknown_demo_instance(name: str) -> None:
    with pytest.raises(ValueError, match="unknown demo instance"):
        demo_instance_path(name)


def test_public_api() -> None:
    for name in timetabling.__all__:
        assert getattr(timetabling, name) is not None
    assert set(timetabling.FORMULATIONS) == {"UD1", "UD2", "UD3", "UD4", "UD5", "ITC"}
    assert issubclass(timetabling.FormatError, ValueError)


def test_greedy_timetable_places_every_lecture_of_comp01() -> None:
    problem = read_problem(demo_instance_path("comp01.ectt"))
    lectures = greedy_timetable(problem)
    result = timetabling.verify(problem, lectures)
    assert len(lectures) == problem.total_lectures
    assert result.values["Lectures"] == 0
    assert result.values["RoomOccupation"] == 0
    assert result.values["Availability"] == 0


def test_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    main([str(demo_instance_path("toy.ectt")), "--repeat", "1"])
    out = capsys.readouterr().out
    assert out.startswith("toy.ectt: ")
    assert sum(line.startswith("  ") for line in out.splitlines()) == 6
