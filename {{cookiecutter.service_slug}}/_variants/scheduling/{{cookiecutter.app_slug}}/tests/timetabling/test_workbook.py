"""A term as CSV files in a zip (`formats.workbook`), and names with blanks in the ITC files
(`formats.itc_names`)."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest

from ...timetabling.formats import (
    MAX_INPUT_BYTES,
    FormatError,
    format_problem,
    format_solution,
    format_workbook,
    itc_names,
    parse_problem,
    parse_solution,
    parse_workbook,
)
from ...timetabling.model import Assignment

INSTANCES = Path(__file__).parent / "fixtures" / "instances"
COMP01 = parse_problem((INSTANCES / "comp01.ectt").read_bytes())

TERM = "name,days,periods_per_day,min_daily_lectures,max_daily_lectures\r\nAutumn,5,4,1,3\r\n"
COURSES = (
    "course,teacher,lectures,min_days,students,double_lectures\n"
    "Intro to Physics,Prof. Li 李,3,2,40,yes\n"
    "Algebra I,Dr. Ana Ruiz,2,2,35,\n"
)
ROOMS = "room,capacity,building\nRoom 2.14,50,1\nLab B,30,\n"
CURRICULA = "curriculum,course\nYear 1,Intro to Physics\nYear 1,Algebra I\n"
UNAVAILABLE = "course,day,period\nAlgebra I,1,1\nAlgebra I,5,4\n"
ROOM_CONSTRAINTS = "course,room\nIntro to Physics,Lab B\n"


def zipped(**files: str | bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name.replace("_csv", ".csv"), content)
    return out.getvalue()


def term(**changes: str | None) -> bytes:
    files = {
        "term_csv": TERM,
        "courses_csv": COURSES,
        "rooms_csv": ROOMS,
        "curricula_csv": CURRICULA,
        "unavailable_csv": UNAVAILABLE,
        "room_constraints_csv": ROOM_CONSTRAINTS,
        **changes,
    }
    return zipped(**{k: v for k, v in files.items() if v is not None})


def fault(data: bytes) -> FormatError:
    with pytest.raises(FormatError) as info:
        parse_workbook(data, source="term.zip")
    return info.value


def test_a_term_in_csv_files_keeps_the_names_people_write():
    problem = parse_workbook(term())
    assert (problem.name, problem.days, problem.periods_per_day) == ("Autumn", 5, 4)
    physics, algebra = problem.courses
    assert (physics.id, physics.teacher, physics.double_lectures) == (
        "Intro to Physics",
        "Prof. Li 李",
        True,
    )
    assert (algebra.lectures, algebra.double_lectures) == (2, False)
    assert [(r.id, r.capacity, r.site) for r in problem.rooms] == [
        ("Room 2.14", 50, 1),
        ("Lab B", 30, 0),
    ]
    assert problem.curricula[0].courses == ("Intro to Physics", "Algebra I")
    assert problem.unavailability == {("Algebra I", 0, 0), ("Algebra I", 4, 3)}  # 1-based in
    assert problem.room_constraints == {("Intro to Physics", "Lab B")}
    assert problem.extended


def test_the_zip_round_trips_a_benchmark_instance_and_is_the_same_every_time():
    data = format_workbook(COMP01)
    assert parse_workbook(data) == COMP01
    assert format_workbook(COMP01) == data


def test_spreadsheet_habits_are_accepted():
    """A byte-order mark, a folder in the zip, upper-case headers, blank rows, no optional files."""
    data = zipped(
        **{
            "Term/term.csv": "\ufeff" + TERM.upper().replace("AUTUMN", "Autumn"),
            "Term/courses.csv": COURSES + ",,,,,\n",
            "Term/rooms.csv": ROOMS.replace("room,capacity,building", "ROOM,Capacity,building"),
        }
    )
    problem = parse_workbook(data)
    assert len(problem.courses) == 2 and not problem.curricula and not problem.unavailability


@pytest.mark.parametrize(
    ("changes", "file", "line", "column", "message"),
    [
        ({"courses_csv": COURSES.replace("40", "forty")}, "courses.csv", 2, "students", "whole"),
        ({"courses_csv": COURSES.replace("yes", "maybe")}, "courses.csv", 2, "double_lectures",
         "yes or no"),
        ({"courses_csv": COURSES + "Algebra I,X,1,1,1,no\n"}, "courses.csv", 4, "course", "twice"),
        ({"curricula_csv": CURRICULA + "Year 1,Chemistry\n"}, "curricula.csv", 4, "course",
         "not in courses.csv"),
        ({"unavailable_csv": UNAVAILABLE + "Algebra I,6,1\n"}, "unavailable.csv", 4, "day",
         "at most 5"),
        ({"unavailable_csv": UNAVAILABLE + "Algebra I,0,1\n"}, "unavailable.csv", 4, "day",
         "at least 1"),
        ({"room_constraints_csv": "course,room\nAlgebra I,Hall\n"}, "room_constraints.csv", 2,
         "room", "not in rooms.csv"),
        ({"rooms_csv": "room,seats\nA,1\n"}, "rooms.csv", 1, None, "unknown column 'seats'"),
        ({"rooms_csv": "room\nA\n"}, "rooms.csv", 1, None, "no column 'capacity'"),
        ({"courses_csv": COURSES.replace(",40,", ",,")}, "courses.csv", 2, "students", "whole"),
        ({"rooms_csv": ROOMS + "  ,10,\n"}, "rooms.csv", 4, "room", "empty"),
        ({"term_csv": TERM + "Spring,5,4,0,0\n"}, "term.csv", 2, None, "one row"),
        ({"rooms_csv": ROOMS + "A,1,2,3\n"}, "rooms.csv", 4, None, "4 fields"),
        ({"courses_csv": b"course,teacher\n\xff\xfe"}, "courses.csv", 2, None, "UTF-8"),
        ({"rooms_csv": None}, "term.zip", None, None, "no rooms.csv"),
    ],
)  # fmt: skip
def test_every_fault_names_its_file_line_and_column(changes, file, line, column, message):
    error = fault(term(**changes))
    assert (error.source, error.line, error.column) == (file, line, column), str(error)
    assert message in error.message


def test_what_is_not_a_term_zip_is_refused_without_inflating_it():
    assert "not a zip" in fault(b"PK\x03\x04 but no more").message
    bomb = zipped(term_csv=TERM, courses_csv=b"0" * (MAX_INPUT_BYTES + 1), rooms_csv=ROOMS)
    assert len(bomb) < MAX_INPUT_BYTES // 100  # small on the wire...
    assert "more than" in fault(bomb).message  # ...refused by what it says it holds


def test_names_with_blanks_travel_as_tokens_in_the_itc_files():
    problem = parse_workbook(term(rooms_csv=ROOMS + "Room_2.14,20,0\n"))
    names = itc_names(problem)
    assert names.room == {"Room 2.14": "Room_2.14~2", "Lab B": "Lab_B", "Room_2.14": "Room_2.14"}
    assert names.teacher["Prof. Li 李"] == "Prof._Li_李"
    text = format_problem(names.problem(problem))
    back = parse_problem(text)
    assert [c.id for c in back.courses] == ["Intro_to_Physics", "Algebra_I"]
    lectures = [
        Assignment("Intro to Physics", "Room 2.14", 0, 1),
        Assignment("Algebra I", "Lab B", 2, 2),
    ]
    solution = format_solution(names.to_tokens(lectures))
    assert "Intro_to_Physics Room_2.14~2 0 1" in solution
    assert names.to_names(parse_solution(solution)) == sorted(lectures)
    assert not names.identity and itc_names(COMP01).identity


def test_a_problem_without_blanks_is_written_as_before():
    assert format_problem(itc_names(COMP01).problem(COMP01)) == format_problem(COMP01)
    assert dataclasses.replace(itc_names(COMP01).problem(COMP01), meta={}) == COMP01
