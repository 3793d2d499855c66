"""Readers and writers for the ITC-2007 track-3 file formats.

`.ctt` is the competition format and `.ectt` the extended one from the CB-CTT benchmark site; both
are whitespace-separated text. Parsing is strict: anything malformed raises `FormatError` with the
line it was found on, and no partial `Problem` is ever returned. Solutions are parsed leniently
(no cross-check against a problem) because the verifier must report unknown ids the way the
official validator does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .model import Assignment, Course, Curriculum, Problem, Room

# Real instances are below 100 kB; the cap keeps junk uploads from being read in full.
MAX_INPUT_BYTES = 5 * 1024 * 1024
# Bounds any number field so later dense arrays (days x periods) stay small.
MAX_NUMBER = 1_000_000
MAX_SLOTS = 10_000  # days x periods_per_day

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

_COMMON_HEADER = ("Name", "Courses", "Rooms", "Days", "Periods_per_day", "Curricula")
_CTT_HEADER = (*_COMMON_HEADER, "Constraints")
_ECTT_HEADER = (
    *_COMMON_HEADER,
    "Min_Max_Daily_Lectures",
    "UnavailabilityConstraints",
    "RoomConstraints",
)
_EXTENDED_KEYS = frozenset(_ECTT_HEADER) - frozenset(_CTT_HEADER)


class FormatError(ValueError):
    """Malformed problem or solution text; `line` is 1-based when the fault has a place."""

    def __init__(self, message: str, line: int | None = None, source: str | None = None) -> None:
        self.message = message
        self.line = line
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where = f"{where}, line {self.line}"
        return f"{where}: {self.message}"

    def with_source(self, source: str) -> FormatError:
        return FormatError(self.message, line=self.line, source=source)

    def __reduce__(self) -> tuple[type[FormatError], tuple[str, int | None, str | None]]:
        # Keeps the fields when pickled (Celery results, multiprocessing).
        return (FormatError, (self.message, self.line, self.source))


# --------------------------------------------------------------------------- input hygiene


def _decode(data: str | bytes) -> str:
    """Size-check, decode and screen out binary content; raises FormatError without source."""
    size = len(data)
    if size > MAX_INPUT_BYTES:
        unit = "bytes" if isinstance(data, bytes) else "characters"
        raise FormatError(
            f"input is {size} {unit}, larger than the {MAX_INPUT_BYTES // (1024 * 1024)} MB limit"
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise FormatError("not UTF-8 text (binary data?)", line=line) from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    bad = _CONTROL_CHARS.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise FormatError(f"control character {bad.group()!r} (binary data?)", line=line)
    return text


def _check_file_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise FormatError(
            f"file is {size} bytes, larger than the {MAX_INPUT_BYTES // (1024 * 1024)} MB limit",
            source=path.name,
        )


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    tokens: list[str]
    text: str


class _Reader:
    """Cursor over the non-blank lines of a text, remembering line numbers."""

    def __init__(self, text: str) -> None:
        self._lines = [
            _Line(i, raw.split(), raw.strip())
            for i, raw in enumerate(text.split("\n"), start=1)
            if raw.strip()
        ]
        self._pos = 0
        self.last_line = text.count("\n") + 1

    def peek(self) -> _Line | None:
        return self._lines[self._pos] if self._pos < len(self._lines) else None

    def next(self, expecting: str) -> _Line:
        line = self.peek()
        if line is None:
            raise FormatError(f"unexpected end of file: expected {expecting}", line=self.last_line)
        self._pos += 1
        return line


def _is_section_marker(line: _Line) -> bool:
    if len(line.tokens) != 1:
        return False
    tok = line.tokens[0]
    return tok == "END." or (tok.endswith(":") and tok[:-1].replace("_", "").isupper())


def _int(token: str, what: str, line: int, *, minimum: int = 0) -> int:
    # Plain decimal digits only: int() would also take "+5", "1_000" or Unicode digits.
    body = token[1:] if token.startswith("-") else token
    if not (body.isascii() and body.isdigit()):
        raise FormatError(f"{what} must be a whole number, got {token[:20]!r}", line=line)
    if len(body) > len(str(MAX_NUMBER)):
        raise FormatError(f"{what} is out of range, got {token[:20]!r}", line=line)
    value = int(token)
    if value < minimum:
        raise FormatError(f"{what} must be at least {minimum}, got {value}", line=line)
    if value > MAX_NUMBER:
        raise FormatError(f"{what} must be at most {MAX_NUMBER}, got {value}", line=line)
    return value


# --------------------------------------------------------------------------- problems


def _read_header(reader: _Reader) -> tuple[dict[str, list[str]], dict[str, int], bool]:
    """Read `Key: value` lines in the fixed order; detect .ectt from its extra keys."""
    values: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    expected: tuple[str, ...] = _CTT_HEADER
    extended = False
    index = 0
    while index < len(expected):
        key = expected[index]
        if index == len(_COMMON_HEADER):
            hint = "'Constraints:' (.ctt) or 'Min_Max_Daily_Lectures:' (.ectt)"
        else:
            hint = f"'{key}:'"
        line = reader.next(f"header line {hint}")
        found, sep, rest = line.text.partition(":")
        found = found.strip()
        if index == len(_COMMON_HEADER) and found in _EXTENDED_KEYS:
            expected, extended = _ECTT_HEADER, True
            key = expected[index]
        if not sep or found != key:
            raise FormatError(
                f"expected header line {hint}, got {line.text[:60]!r}", line=line.number
            )
        values[key] = rest.split()
        lines[key] = line.number
        index += 1
    return values, lines, extended


def _header_int(values: dict[str, list[str]], lines: dict[str, int], key: str, minimum: int) -> int:
    tokens = values[key]
    if len(tokens) != 1:
        raise FormatError(f"'{key}:' takes one number, got {len(tokens)} fields", line=lines[key])
    return _int(tokens[0], key, lines[key], minimum=minimum)


def _records(
    reader: _Reader, section: str, count: int, noun: str, parse: Callable[[_Line], None]
) -> None:
    marker = reader.next(f"section '{section}:'")
    if marker.tokens != [f"{section}:"]:
        raise FormatError(
            f"expected section '{section}:', got {marker.text[:60]!r}", line=marker.number
        )
    for given in range(count):
        line = reader.peek()
        if line is None or _is_section_marker(line):
            where = line.number if line is not None else reader.last_line
            raise FormatError(f"header says {count} {noun}, {given} given", line=where)
        reader.next(noun)
        parse(line)
    extra = reader.peek()
    # A lone token is more likely a misspelt marker, reported by the caller's next step.
    if extra is not None and len(extra.tokens) > 1:
        raise FormatError(f"header says {count} {noun}, more given", line=extra.number)


def _expect_fields(line: _Line, n: int, noun: str) -> list[str]:
    if len(line.tokens) != n:
        raise FormatError(
            f"expected {n} fields for {noun}, got {len(line.tokens)}", line=line.number
        )
    return line.tokens


def _parse_problem_text(text: str) -> Problem:
    reader = _Reader(text)
    values, lines, extended = _read_header(reader)

    name = " ".join(values["Name"])
    if not name:
        raise FormatError("'Name:' is empty", line=lines["Name"])
    n_courses = _header_int(values, lines, "Courses", 0)
    n_rooms = _header_int(values, lines, "Rooms", 0)
    days = _header_int(values, lines, "Days", 1)
    ppd = _header_int(values, lines, "Periods_per_day", 1)
    if days * ppd > MAX_SLOTS:
        raise FormatError(
            f"{days} days x {ppd} periods exceeds the limit of {MAX_SLOTS} periods",
            line=lines["Periods_per_day"],
        )
    n_curricula = _header_int(values, lines, "Curricula", 0)
    min_daily = max_daily = 0
    if extended:
        key = "Min_Max_Daily_Lectures"
        if len(values[key]) != 2:
            raise FormatError(f"'{key}:' takes two numbers (min max)", line=lines[key])
        min_daily = _int(values[key][0], "minimum daily lectures", lines[key])
        max_daily = _int(values[key][1], "maximum daily lectures", lines[key])
        if min_daily > max_daily:
            raise FormatError(
                f"minimum daily lectures {min_daily} exceeds maximum {max_daily}", line=lines[key]
            )
        n_unavail = _header_int(values, lines, "UnavailabilityConstraints", 0)
        n_room_constraints = _header_int(values, lines, "RoomConstraints", 0)
    else:
        n_unavail = _header_int(values, lines, "Constraints", 0)
        n_room_constraints = 0

    courses: dict[str, Course] = {}
    course_lines: dict[str, int] = {}

    def course(line: _Line) -> None:
        n = 6 if extended else 5
        tok = _expect_fields(line, n, "a course")
        cid = tok[0]
        if cid in courses:
            raise FormatError(
                f"duplicate course id {cid!r} (first on line {course_lines[cid]})", line=line.number
            )
        double = False
        if extended:
            if tok[5] not in ("0", "1"):
                raise FormatError(
                    f"double-lectures flag must be 0 or 1, got {tok[5]!r}", line=line.number
                )
            double = tok[5] == "1"
        courses[cid] = Course(
            id=cid,
            teacher=tok[1],
            lectures=_int(tok[2], "number of lectures", line.number),
            min_working_days=_int(tok[3], "minimum working days", line.number),
            students=_int(tok[4], "number of students", line.number),
            double_lectures=double,
        )
        course_lines[cid] = line.number

    rooms: dict[str, Room] = {}
    room_lines: dict[str, int] = {}

    def room(line: _Line) -> None:
        tok = _expect_fields(line, 3 if extended else 2, "a room")
        rid = tok[0]
        if rid in rooms:
            raise FormatError(
                f"duplicate room id {rid!r} (first on line {room_lines[rid]})", line=line.number
            )
        site = _int(tok[2], "room site", line.number) if extended else 0
        rooms[rid] = Room(id=rid, capacity=_int(tok[1], "room capacity", line.number), site=site)
        room_lines[rid] = line.number

    curricula: dict[str, Curriculum] = {}
    curriculum_lines: dict[str, int] = {}

    def curriculum(line: _Line) -> None:
        tok = line.tokens
        if len(tok) < 2:
            raise FormatError(
                f"expected a curriculum id and a course count, got {len(tok)} fields",
                line=line.number,
            )
        qid = tok[0]
        if qid in curricula:
            raise FormatError(
                f"duplicate curriculum id {qid!r} (first on line {curriculum_lines[qid]})",
                line=line.number,
            )
        n = _int(tok[1], "number of courses in a curriculum", line.number)
        members = tok[2:]
        if len(members) != n:
            raise FormatError(
                f"curriculum {qid!r} says {n} courses but lists {len(members)}", line=line.number
            )
        for cid in members:
            if cid not in courses:
                raise FormatError(
                    f"curriculum {qid!r} lists unknown course {cid!r}", line=line.number
                )
        if len(set(members)) != len(members):
            raise FormatError(f"curriculum {qid!r} lists a course twice", line=line.number)
        curricula[qid] = Curriculum(id=qid, courses=tuple(members))
        curriculum_lines[qid] = line.number

    # Duplicated constraint lines occur in published instances (test2.ectt): accept them.
    unavailability: set[tuple[str, int, int]] = set()

    def unavailable(line: _Line) -> None:
        cid, day_tok, period_tok = _expect_fields(line, 3, "an unavailability constraint")
        if cid not in courses:
            raise FormatError(
                f"unavailability constraint names unknown course {cid!r}", line=line.number
            )
        day = _int(day_tok, "day", line.number)
        period = _int(period_tok, "period", line.number)
        if day >= days:
            raise FormatError(f"day {day} out of range 0..{days - 1}", line=line.number)
        if period >= ppd:
            raise FormatError(f"period {period} out of range 0..{ppd - 1}", line=line.number)
        unavailability.add((cid, day, period))

    room_constraints: set[tuple[str, str]] = set()

    def room_constraint(line: _Line) -> None:
        cid, rid = _expect_fields(line, 2, "a room constraint")
        if cid not in courses:
            raise FormatError(f"room constraint names unknown course {cid!r}", line=line.number)
        if rid not in rooms:
            raise FormatError(f"room constraint names unknown room {rid!r}", line=line.number)
        room_constraints.add((cid, rid))

    _records(reader, "COURSES", n_courses, "courses", course)
    _records(reader, "ROOMS", n_rooms, "rooms", room)
    _records(reader, "CURRICULA", n_curricula, "curricula", curriculum)
    _records(
        reader, "UNAVAILABILITY_CONSTRAINTS", n_unavail, "unavailability constraints", unavailable
    )
    if extended:
        _records(
            reader, "ROOM_CONSTRAINTS", n_room_constraints, "room constraints", room_constraint
        )

    end = reader.next("'END.'")
    if end.tokens != ["END."]:
        raise FormatError(f"expected 'END.', got {end.text[:60]!r}", line=end.number)
    extra = reader.peek()
    if extra is not None:
        raise FormatError("unexpected content after 'END.'", line=extra.number)

    return Problem(
        name=name,
        days=days,
        periods_per_day=ppd,
        courses=tuple(courses.values()),
        rooms=tuple(rooms.values()),
        curricula=tuple(curricula.values()),
        unavailability=frozenset(unavailability),
        room_constraints=frozenset(room_constraints),
        min_daily_lectures=min_daily,
        max_daily_lectures=max_daily,
        extended=extended,
        meta={"format": "ectt" if extended else "ctt"},
    )


def parse_problem(text: str | bytes, *, source: str = "<input>") -> Problem:
    """Parse a `.ctt` or `.ectt` problem (detected from the header)."""
    try:
        return _parse_problem_text(_decode(text))
    except FormatError as exc:
        raise exc.with_source(source) from None


def read_problem(path: str | Path) -> Problem:
    path = Path(path)
    _check_file_size(path)
    return parse_problem(path.read_bytes(), source=path.name)


def _check_token(kind: str, value: str) -> None:
    # The formats are whitespace-separated: such an id would silently shift every field.
    if not value or any(ch.isspace() for ch in value):
        raise ValueError(f"{kind} {value!r} cannot be written: ids must be non-empty, no blanks")


def format_problem(problem: Problem, *, extended: bool | None = None) -> str:
    """Write `problem` as `.ectt` (extended) or `.ctt`; `None` keeps the problem's own format.

    Raises ValueError for data the format cannot carry (ids with blanks, a multi-line name).
    """
    if extended is None:
        extended = problem.extended
    if not problem.name.strip() or "\n" in problem.name or "\r" in problem.name:
        raise ValueError(f"problem name {problem.name!r} cannot be written: one non-blank line")
    for c in problem.courses:
        _check_token("course id", c.id)
        _check_token("teacher id", c.teacher)
    for r in problem.rooms:
        _check_token("room id", r.id)
    for q in problem.curricula:
        _check_token("curriculum id", q.id)
    order = {c.id: i for i, c in enumerate(problem.courses)}
    room_order = {r.id: i for i, r in enumerate(problem.rooms)}
    out = [
        f"Name: {problem.name}",
        f"Courses: {len(problem.courses)}",
        f"Rooms: {len(problem.rooms)}",
        f"Days: {problem.days}",
        f"Periods_per_day: {problem.periods_per_day}",
        f"Curricula: {len(problem.curricula)}",
    ]
    if extended:
        out += [
            f"Min_Max_Daily_Lectures: {problem.min_daily_lectures} {problem.max_daily_lectures}",
            f"UnavailabilityConstraints: {len(problem.unavailability)}",
            f"RoomConstraints: {len(problem.room_constraints)}",
        ]
    else:
        out.append(f"Constraints: {len(problem.unavailability)}")

    out += ["", "COURSES:"]
    for c in problem.courses:
        line = f"{c.id} {c.teacher} {c.lectures} {c.min_working_days} {c.students}"
        out.append(f"{line} {int(c.double_lectures)}" if extended else line)
    out += ["", "ROOMS:"]
    for r in problem.rooms:
        out.append(f"{r.id} {r.capacity} {r.site}" if extended else f"{r.id} {r.capacity}")
    out += ["", "CURRICULA:"]
    for q in problem.curricula:
        out.append(" ".join([q.id, str(len(q.courses)), *q.courses]))
    out += ["", "UNAVAILABILITY_CONSTRAINTS:"]
    for cid, day, period in sorted(
        problem.unavailability, key=lambda u: (order.get(u[0], len(order)), u)
    ):
        out.append(f"{cid} {day} {period}")
    if extended:
        out += ["", "ROOM_CONSTRAINTS:"]
        for cid, rid in sorted(
            problem.room_constraints,
            key=lambda rc: (order.get(rc[0], len(order)), room_order.get(rc[1], 0), rc),
        ):
            out.append(f"{cid} {rid}")
    out += ["", "END.", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- solutions


def _parse_solution_text(text: str) -> list[Assignment]:
    out: list[Assignment] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        tok = raw.split()
        if not tok:
            continue
        if len(tok) != 4:
            raise FormatError(
                f"expected 4 fields (course room day period), got {len(tok)}", line=number
            )
        # Negative or out-of-range days/periods are left to the verifier, which skips them
        # with a warning like the official validator.
        day = _int(tok[2], "day", number, minimum=-MAX_NUMBER)
        period = _int(tok[3], "period", number, minimum=-MAX_NUMBER)
        out.append(Assignment(course=tok[0], room=tok[1], day=day, period=period))
    return out


def parse_solution(text: str | bytes, *, source: str = "<input>") -> list[Assignment]:
    """Parse `CourseID RoomID Day Period` lines, in file order; ids are not checked here."""
    try:
        return _parse_solution_text(_decode(text))
    except FormatError as exc:
        raise exc.with_source(source) from None


def read_solution(path: str | Path) -> list[Assignment]:
    path = Path(path)
    _check_file_size(path)
    return parse_solution(path.read_bytes(), source=path.name)


def format_solution(assignments: Iterable[Assignment]) -> str:
    """One `CourseID RoomID Day Period` line per lecture, sorted, with a trailing newline."""
    lectures = sorted(assignments)
    for a in lectures:
        _check_token("course id", a.course)
        _check_token("room id", a.room)
    return "".join(f"{a.course} {a.room} {a.day} {a.period}\n" for a in lectures)
