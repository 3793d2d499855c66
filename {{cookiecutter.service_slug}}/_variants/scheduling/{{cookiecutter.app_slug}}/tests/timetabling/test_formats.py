"""Parsers and writers of the .ctt / .ectt problem formats and the solution format."""

from __future__ import annotations

import dataclasses
import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from ...timetabling import formats
from ...timetabling.formats import (
    MAX_INPUT_BYTES,
    FormatError,
    format_problem,
    format_solution,
    parse_problem,
    parse_solution,
    read_problem,
    read_solution,
)
from ...timetabling.model import Assignment, Course, Curriculum, Problem, Room

FIXTURES = Path(__file__).parent / "fixtures"
INSTANCES = sorted((FIXTURES / "instances").iterdir())
INSTANCE_IDS = [p.name for p in INSTANCES]
TOY_CTT = (FIXTURES / "instances" / "toy.ctt").read_text(encoding="utf-8")
TOY_ECTT = (FIXTURES / "instances" / "toy.ectt").read_text(encoding="utf-8")
COMP01_CTT = (FIXTURES / "instances" / "comp01.ctt").read_text(encoding="utf-8")


def error_of(text: str | bytes, source: str = "t.ctt") -> FormatError:
    with pytest.raises(FormatError) as info:
        parse_problem(text, source=source)
    return info.value


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing `needle`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def replace_line(text: str, number: int, new: str | None) -> str:
    lines = text.split("\n")
    if new is None:
        del lines[number - 1]
    else:
        lines[number - 1] = new
    return "\n".join(lines)


# --------------------------------------------------------------------------- good input


def test_toy_ctt() -> None:
    toy = parse_problem(TOY_CTT)
    assert (toy.name, toy.days, toy.periods_per_day, toy.extended) == ("ToyExample", 5, 4, False)
    assert toy.courses[0] == Course("SceCosC", "Ocra", 3, 3, 30)
    assert toy.rooms == (Room("A", 32), Room("B", 50))
    assert toy.curricula == (
        Curriculum("Cur1", ("SceCosC", "ArcTec", "TecCos")),
        Curriculum("Cur2", ("TecCos", "Geotec")),
    )
    assert len(toy.unavailability) == 8
    assert ("ArcTec", 4, 3) in toy.unavailability
    assert (toy.room_constraints, toy.min_daily_lectures, toy.max_daily_lectures) == (
        frozenset(),
        0,
        0,
    )


def test_toy_ectt() -> None:
    toy = parse_problem(TOY_ECTT)
    assert toy.extended
    assert (toy.min_daily_lectures, toy.max_daily_lectures) == (2, 3)
    assert toy.courses[0] == Course("SceCosC", "Ocra", 3, 3, 30, double_lectures=True)
    assert toy.courses[1].double_lectures is False
    assert toy.rooms == (Room("rA", 32, 1), Room("rB", 50, 0), Room("rC", 40, 0))
    assert toy.room_constraints == {("SceCosC", "rA"), ("Geotec", "rB"), ("TecCos", "rC")}


@pytest.mark.parametrize("path", INSTANCES, ids=INSTANCE_IDS)
def test_round_trip(path: Path) -> None:
    problem = read_problem(path)
    assert problem.extended == (path.suffix == ".ectt")
    assert parse_problem(format_problem(problem)) == problem
    # Written in the other format, the core data survives.
    other = parse_problem(format_problem(problem, extended=not problem.extended))
    assert other.extended != problem.extended
    assert other.curricula == problem.curricula
    assert other.unavailability == problem.unavailability
    assert [(c.id, c.lectures) for c in other.courses] == [
        (c.id, c.lectures) for c in problem.courses
    ]


@pytest.mark.parametrize("n", ["01", "02", "03", "04", "05", "06", "07"])
def test_ctt_and_ectt_share_core_data(n: str) -> None:
    ctt = read_problem(FIXTURES / "instances" / f"comp{n}.ctt")
    ectt = read_problem(FIXTURES / "instances" / f"comp{n}.ectt")
    core = [dataclasses.replace(c, double_lectures=False) for c in ectt.courses]
    assert list(ctt.courses) == core
    assert [r.id for r in ctt.rooms] == [r.id for r in ectt.rooms]
    assert (ctt.curricula, ctt.unavailability) == (ectt.curricula, ectt.unavailability)


def test_duplicate_unavailability_lines_are_accepted() -> None:
    # test2.ectt, as published, repeats four unavailability lines.
    problem = read_problem(FIXTURES / "instances" / "test2.ectt")
    assert parse_problem(format_problem(problem)) == problem


def test_any_whitespace_crlf_bom_and_trailing_blanks() -> None:
    messy = "\ufeff" + "\r\n".join(
        "\t ".join(line.split()) + "  \t" for line in TOY_ECTT.split("\n")
    )
    assert parse_problem(messy) == parse_problem(TOY_ECTT)
    assert parse_problem(TOY_ECTT.encode("utf-8")) == parse_problem(TOY_ECTT)


def test_format_problem_output() -> None:
    text = format_problem(parse_problem(TOY_CTT))
    assert text.startswith("Name: ToyExample\nCourses: 4\nRooms: 2\n")
    assert "Constraints: 8\n" in text
    assert text.endswith("\nEND.\n")
    ectt = format_problem(parse_problem(TOY_CTT), extended=True)
    assert "Min_Max_Daily_Lectures: 0 0\n" in ectt
    assert "ROOM_CONSTRAINTS:\n" in ectt


# --------------------------------------------------------------------------- malformed problems


def test_error_message_shape() -> None:
    line = line_of(COMP01_CTT, "c0001 ")
    bad = replace_line(COMP01_CTT, line, "c0001 t000 6 4")
    error = error_of(bad, source="comp01.ctt")
    assert isinstance(error, ValueError)
    assert (error.line, error.source) == (line, "comp01.ctt")
    assert str(error) == f"comp01.ctt, line {line}: expected 5 fields for a course, got 4"


def test_fewer_courses_than_the_header_says() -> None:
    line = line_of(COMP01_CTT, "c0001 ")
    error = error_of(replace_line(COMP01_CTT, line, None))
    assert error.message == "header says 30 courses, 29 given"
    assert error.line == line_of(COMP01_CTT, "ROOMS:") - 1


def test_more_courses_than_the_header_says() -> None:
    error = error_of(COMP01_CTT.replace("Courses: 30", "Courses: 29"))
    assert error.message == "header says 29 courses, more given"
    assert error.line == line_of(COMP01_CTT, "ROOMS:") - 2


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Cur1 3 SceCosC", "Cur1 3 Nope", "curriculum 'Cur1' lists unknown course 'Nope'"),
        ("Cur2 2 TecCos Geotec", "Cur2 3 TecCos Geotec", "curriculum 'Cur2' says 3 courses"),
        ("Cur2 2 TecCos Geotec", "Cur2 2 TecCos TecCos", "curriculum 'Cur2' lists a course twice"),
        ("Cur2 2 TecCos Geotec", "Cur1 2 TecCos Geotec", "duplicate curriculum id 'Cur1'"),
        ("TecCos 2 0", "Nope 2 0", "unavailability constraint names unknown course 'Nope'"),
        ("TecCos 2 0", "TecCos 5 0", "day 5 out of range 0..4"),
        ("TecCos 2 0", "TecCos 2 4", "period 4 out of range 0..3"),
        ("TecCos 2 0", "TecCos -2 0", "day must be at least 0, got -2"),
        ("TecCos 2 0", "TecCos 2", "expected 3 fields for an unavailability constraint"),
        ("ArcTec Indaco 3 2 42", "SceCosC Indaco 3 2 42", "duplicate course id 'SceCosC'"),
        ("ArcTec Indaco 3 2 42", "ArcTec Indaco x 2 42", "number of lectures must be a whole"),
        ("ArcTec Indaco 3 2 42", "ArcTec Indaco 3 2 -4", "number of students must be at least 0"),
        ("ArcTec Indaco 3 2 42", "ArcTec Indaco 3 2.5 42", "minimum working days must be a whole"),
        (
            "ArcTec Indaco 3 2 42",
            "ArcTec Indaco 3 2 \uff14\uff12",
            "number of students must be a whole",
        ),
        ("ArcTec Indaco 3 2 42", "ArcTec Indaco 3 2 4200000", "number of students must be at most"),
        ("ArcTec Indaco 3 2 42", "ArcTec Indaco 3 2 " + "9" * 5000, "students is out of range"),
        ("B 50", "A 50", "duplicate room id 'A'"),
        ("B 50", "B", "expected 2 fields for a room, got 1"),
        ("Days: 5", "Days: 0", "Days must be at least 1, got 0"),
        ("Days: 5", "Days: 5 6", "'Days:' takes one number, got 2 fields"),
        ("Days: 5", "Dayz: 5", "expected header line 'Days:'"),
        ("Periods_per_day: 4", "Periods_per_day: 20000", "is more than 10000"),
        ("Constraints: 8", "Min_Max: 8", "expected header line 'Constraints:' (.ctt) or"),
        ("Name: ToyExample", "Name:", "'Name:' is empty"),
        ("COURSES:", "COURSE:", "expected section 'COURSES:', got 'COURSE:'"),
        ("END.", "END", "expected 'END.', got 'END'"),
    ],
)
def test_malformed_ctt(old: str, new: str, message: str) -> None:
    assert old in TOY_CTT
    error = error_of(TOY_CTT.replace(old, new, 1))
    assert message in error.message
    assert error.line == line_of(TOY_CTT, old)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("SceCosC rA\n", "SceCosC rZ\n", "room constraint names unknown room 'rZ'"),
        ("SceCosC rA\n", "Nope rA\n", "room constraint names unknown course 'Nope'"),
        ("SceCosC Ocra 3 3 30 1", "SceCosC Ocra 3 3 30 2", "double-lectures flag must be 0 or 1"),
        ("SceCosC Ocra 3 3 30 1", "SceCosC Ocra 3 3 30", "expected 6 fields for a course, got 5"),
        ("rA 32 1", "rA 32", "expected 3 fields for a room, got 2"),
        ("Min_Max_Daily_Lectures: 2 3", "Min_Max_Daily_Lectures: 4 3", "below the minimum daily"),
        ("Min_Max_Daily_Lectures: 2 3", "Min_Max_Daily_Lectures: 2", "takes two numbers"),
        ("RoomConstraints: 3", "Constraints: 3", "expected header line 'RoomConstraints:'"),
        (
            "Min_Max_Daily_Lectures: 2 3",
            "",
            "expected header line 'Constraints:' (.ctt) or 'Min_Max_Daily_Lectures:' (.ectt), "
            "got 'UnavailabilityConstraints: 8'",
        ),
        ("RoomConstraints: 3", "RoomConstraints: 4", "header says 4 room constraints, 3 given"),
    ],
)
def test_malformed_ectt(old: str, new: str, message: str) -> None:
    assert old in TOY_ECTT
    error = error_of(TOY_ECTT.replace(old, new, 1))
    assert message in error.message
    if "given" in message:
        assert error.line == line_of(TOY_ECTT, "END.")
    elif not new:
        assert error.line == line_of(TOY_ECTT, old) + 1
    else:
        assert error.line == line_of(TOY_ECTT, old.strip())


def test_missing_section() -> None:
    start, end = line_of(TOY_CTT, "ROOMS:"), line_of(TOY_CTT, "CURRICULA:")
    lines = TOY_CTT.split("\n")
    error = error_of("\n".join(lines[: start - 1] + lines[end - 1 :]))
    assert error.message == "expected section 'ROOMS:', got 'CURRICULA:'"
    assert error.line == start


def test_missing_end_and_trailing_content() -> None:
    error = error_of(TOY_CTT.replace("END.", ""))
    assert error.message == "unexpected end of file: expected 'END.'"
    assert error.line == TOY_CTT.count("\n") + 1
    error = error_of(TOY_CTT + "\nmore\n")
    assert error.message == "unexpected content after 'END.'"
    assert error.line == TOY_CTT.count("\n") + 2


def test_empty_input() -> None:
    assert error_of("").line == 1
    assert error_of("  \n\n").message == "unexpected end of file: expected header line 'Name:'"


@pytest.mark.parametrize("text", [TOY_CTT, TOY_ECTT], ids=["ctt", "ectt"])
def test_truncated_at_every_line(text: str) -> None:
    lines = text.split("\n")
    last = max(i for i, line in enumerate(lines) if line.strip() == "END.")
    for keep in range(last + 1):
        error = error_of("\n".join(lines[:keep]))
        assert error.line is not None, keep
        assert "unexpected end of file" in error.message or "given" in error.message, keep


@pytest.mark.parametrize("text", [TOY_CTT, TOY_ECTT], ids=["ctt", "ectt"])
def test_truncated_at_every_character(text: str) -> None:
    end = text.index("END.") + len("END.")
    for cut in range(end):
        assert error_of(text[:cut]).line is not None, cut
    parse_problem(text[:end])


def test_binary_junk() -> None:
    error = error_of(b"Name: x\nCourses: \xff\xfe\x00\n")
    assert (error.line, error.message) == (2, "not UTF-8 text (binary data?)")
    error = error_of("Name: x\nCourses: 1\x00\n")
    assert error.line == 2
    assert "control character" in error.message


def test_random_junk_never_raises_anything_else() -> None:
    rng = random.Random(20071)
    for _ in range(300):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        with pytest.raises(FormatError):
            parse_problem(junk)
        with pytest.raises(FormatError):
            parse_problem(junk.decode("latin-1"))


def test_mutated_instances_parse_or_raise_format_error() -> None:
    rng = random.Random(3)
    tokens = TOY_ECTT.replace("\n", " \n ").split(" ")
    for _ in range(500):
        mutated = list(tokens)
        for _ in range(rng.randrange(1, 4)):
            i = rng.randrange(len(mutated))
            op = rng.randrange(3)
            if op == 0:
                del mutated[i]
            elif op == 1:
                mutated.insert(i, rng.choice(tokens))
            else:
                mutated[i] = rng.choice(["-1", "0", "99", "x", "END.", "COURSES:", ":", ""])
        try:
            problem = parse_problem(" ".join(mutated))
        except FormatError as error:
            assert error.line is not None
        else:
            assert parse_problem(format_problem(problem)) == problem


def test_oversized_input_is_rejected_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "junk.ctt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB of NUL bytes, sparse on disk

    def no_read(self: Path) -> bytes:
        raise AssertionError("the file should not be read")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    for reader in (read_problem, read_solution):
        with pytest.raises(FormatError) as info:
            reader(path)
        assert str(info.value) == "junk.ctt: file is 52428800 bytes, larger than the 5 MB limit"


def test_oversized_text_is_rejected() -> None:
    error = error_of("x" * (MAX_INPUT_BYTES + 1))
    assert "larger than the 5 MB limit" in error.message
    with pytest.raises(FormatError, match="5 MB limit"):
        parse_solution(b"\0" * (MAX_INPUT_BYTES + 1))


def test_read_problem_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.ectt"
    path.write_text(TOY_ECTT.replace("rC 40 0", "rC 40 -1"), encoding="utf-8")
    with pytest.raises(FormatError, match=r"^bad\.ectt, line 20: room site must be at least 0"):
        read_problem(path)


def test_format_error_without_line() -> None:
    error = FormatError("boom", source="x.ctt")
    assert (str(error), error.line) == ("x.ctt: boom", None)
    assert str(FormatError("boom", line=3)) == "<input>, line 3: boom"


def test_format_error_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(FormatError("boom", line=3, source="x.ctt")))
    assert (error.message, error.line, error.source) == ("boom", 3, "x.ctt")
    assert str(error) == "x.ctt, line 3: boom"


# --------------------------------------------------------------------------- solutions


def test_parse_solution() -> None:
    text = "c1 rA 0 1\n\n  c2\trB 4 3  \r\n\n"
    assert parse_solution(text) == [Assignment("c1", "rA", 0, 1), Assignment("c2", "rB", 4, 3)]
    # Ids and ranges are the verifier's business, not the parser's.
    assert parse_solution("ghost nowhere -1 99\n") == [Assignment("ghost", "nowhere", -1, 99)]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("c1 rA 0 1\nc2 rB 0\n", 2, "expected 4 fields (course room day period), got 3"),
        ("c1 rA 0 1 9\n", 1, "expected 4 fields (course room day period), got 5"),
        ("\n\nc1 rA x 1\n", 3, "day must be a whole number, got 'x'"),
        ("c1 rA 0 1.5\n", 1, "period must be a whole number, got '1.5'"),
        ("c1 rA 0 1\n\x00\x01", 2, "control character"),
    ],
)
def test_malformed_solution(text: str, line: int, message: str) -> None:
    with pytest.raises(FormatError) as info:
        parse_solution(text, source="s.sol")
    assert (info.value.line, info.value.source) == (line, "s.sol")
    assert message in info.value.message


def test_format_solution_sorts_and_round_trips() -> None:
    lectures = [Assignment("c2", "rB", 1, 0), Assignment("c1", "rA", 0, 1)]
    text = format_solution(lectures)
    assert text == "c1 rA 0 1\nc2 rB 1 0\n"
    assert parse_solution(text) == sorted(lectures)
    assert format_solution([]) == ""


@pytest.mark.parametrize("path", sorted((FIXTURES / "solutions").glob("*.sol")), ids=str)
def test_fixture_solutions_round_trip(path: Path) -> None:
    lectures = read_solution(path)
    assert lectures
    assert parse_solution(format_solution(lectures)) == sorted(lectures)


def test_problem_built_in_code_writes_valid_files() -> None:
    problem = Problem(
        name="Two words",
        days=1,
        periods_per_day=2,
        courses=(Course("a", "t", 1, 1, 5),),
        rooms=(Room("r", 10),),
        curricula=(Curriculum("empty", ()),),
    )
    assert parse_problem(format_problem(problem)) == problem
    assert parse_problem(format_problem(problem, extended=True)) == dataclasses.replace(
        problem, extended=True
    )


def test_limits_are_module_constants() -> None:
    assert formats.MAX_INPUT_BYTES == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "two\nlines"}, "problem name"),
        ({"name": " "}, "problem name"),
        ({"rooms": (Room("room 1", 10),)}, "room id 'room 1' cannot be written"),
        ({"courses": (Course("a", "", 1, 1, 5),)}, "teacher id '' cannot be written"),
        ({"curricula": (Curriculum("q\t1", ()),)}, "curriculum id"),
    ],
)
def test_format_problem_refuses_data_the_format_cannot_carry(
    change: dict[str, Any], message: str
) -> None:
    problem = dataclasses.replace(parse_problem(TOY_CTT), **change)
    with pytest.raises(ValueError, match=message):
        format_problem(problem)


def test_format_solution_refuses_ids_with_blanks() -> None:
    with pytest.raises(ValueError, match="course id 'c 1' cannot be written"):
        format_solution([Assignment("c 1", "rA", 0, 0)])
