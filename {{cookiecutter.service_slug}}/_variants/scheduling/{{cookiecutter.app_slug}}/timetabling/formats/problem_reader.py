"""Reading problems: `.ctt` (the competition format) and `.ectt` (the extended one from the CB-CTT
benchmark site), detected from the header.

Parsing is strict: anything malformed raises `FormatError` with the line it was found on, and no
partial `Problem` is ever returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import Course, Curriculum, Problem, Room, week_fault
from .text import (
    FormatError,
    Line,
    Reader,
    check_file_size,
    decode,
    integer,
    is_section_marker,
)

_COMMON_HEADER = ("Name", "Courses", "Rooms", "Days", "Periods_per_day", "Curricula")
_CTT_HEADER = (*_COMMON_HEADER, "Constraints")
_ECTT_HEADER = (
    *_COMMON_HEADER,
    "Min_Max_Daily_Lectures",
    "UnavailabilityConstraints",
    "RoomConstraints",
)
_EXTENDED_KEYS = frozenset(_ECTT_HEADER) - frozenset(_CTT_HEADER)


def parse_problem(text: str | bytes, *, source: str = "<input>") -> Problem:
    """Parse a `.ctt` or `.ectt` problem (detected from the header)."""
    try:
        return _ProblemReader(decode(text)).read()
    except FormatError as exc:
        raise exc.with_source(source) from None


def read_problem(path: str | Path) -> Problem:
    path = Path(path)
    check_file_size(path)
    return parse_problem(path.read_bytes(), source=path.name)


@dataclass
class _Header:
    """The `Key: value` lines, with the line each came from."""

    values: dict[str, list[str]]
    lines: dict[str, int]
    extended: bool

    def number(self, key: str, minimum: int) -> int:
        tokens = self.values[key]
        if len(tokens) != 1:
            raise FormatError(
                f"'{key}:' takes one number, got {len(tokens)} fields", line=self.lines[key]
            )
        return integer(tokens[0], key, self.lines[key], minimum=minimum)


class _ProblemReader:
    """Reads the header, then each section in order, checking every cross-reference."""

    def __init__(self, text: str) -> None:
        self.reader = Reader(text)
        self.courses: dict[str, Course] = {}
        self.rooms: dict[str, Room] = {}
        self.curricula: dict[str, Curriculum] = {}
        self.unavailability: set[tuple[str, int, int]] = set()
        self.room_constraints: set[tuple[str, str]] = set()
        self.first_line: dict[tuple[str, str], int] = {}  # (kind, id) -> where it was defined

    def read(self) -> Problem:
        header = _read_header(self.reader)
        self.extended = header.extended
        name = " ".join(header.values["Name"])
        if not name:
            raise FormatError("'Name:' is empty", line=header.lines["Name"])
        counts = self._counts(header)
        self._records("COURSES", counts["courses"], "courses", self._course)
        self._records("ROOMS", counts["rooms"], "rooms", self._room)
        self._records("CURRICULA", counts["curricula"], "curricula", self._curriculum)
        self._records(
            "UNAVAILABILITY_CONSTRAINTS",
            counts["unavailability"],
            "unavailability constraints",
            self._unavailable,
        )
        if self.extended:
            count = counts["room_constraints"]
            self._records("ROOM_CONSTRAINTS", count, "room constraints", self._room_constraint)
        self._end()
        return Problem(
            name=name,
            days=self.days,
            periods_per_day=self.ppd,
            courses=tuple(self.courses.values()),
            rooms=tuple(self.rooms.values()),
            curricula=tuple(self.curricula.values()),
            unavailability=frozenset(self.unavailability),
            room_constraints=frozenset(self.room_constraints),
            min_daily_lectures=self.min_daily,
            max_daily_lectures=self.max_daily,
            extended=self.extended,
            meta={"format": "ectt" if self.extended else "ctt"},
        )

    def _counts(self, header: _Header) -> dict[str, int]:
        """The header's numbers, checked; the week's size and daily loads are kept."""
        counts = {
            "courses": header.number("Courses", 0),
            "rooms": header.number("Rooms", 0),
        }
        self.days = header.number("Days", 1)
        self.ppd = header.number("Periods_per_day", 1)
        self.min_daily = self.max_daily = 0
        _check_week(self, header)
        counts["curricula"] = header.number("Curricula", 0)
        if not self.extended:
            counts["unavailability"] = header.number("Constraints", 0)
            counts["room_constraints"] = 0
            return counts
        key = "Min_Max_Daily_Lectures"
        line = header.lines[key]
        if len(header.values[key]) != 2:
            raise FormatError(f"'{key}:' takes two numbers (min max)", line=line)
        self.min_daily = integer(header.values[key][0], "minimum daily lectures", line)
        self.max_daily = integer(header.values[key][1], "maximum daily lectures", line)
        _check_week(self, header)
        counts["unavailability"] = header.number("UnavailabilityConstraints", 0)
        counts["room_constraints"] = header.number("RoomConstraints", 0)
        return counts

    def _records(self, section: str, count: int, noun: str, parse: Callable[[Line], None]) -> None:
        reader = self.reader
        marker = reader.next(f"section '{section}:'")
        if marker.tokens != [f"{section}:"]:
            raise FormatError(
                f"expected section '{section}:', got {marker.text[:60]!r}", line=marker.number
            )
        for given in range(count):
            line = reader.peek()
            if line is None or is_section_marker(line):
                where = line.number if line is not None else reader.last_line
                raise FormatError(f"header says {count} {noun}, {given} given", line=where)
            reader.next(noun)
            parse(line)
        extra = reader.peek()
        # A lone token is more likely a misspelt marker, reported by the caller's next step.
        if extra is not None and len(extra.tokens) > 1:
            raise FormatError(f"header says {count} {noun}, more given", line=extra.number)

    def _new_id(self, kind: str, ident: str, line: Line) -> None:
        first = self.first_line.setdefault((kind, ident), line.number)
        if first != line.number:
            raise FormatError(
                f"duplicate {kind} id {ident!r} (first on line {first})", line=line.number
            )

    def _course(self, line: Line) -> None:
        tok = _fields(line, 6 if self.extended else 5, "a course")
        self._new_id("course", tok[0], line)
        double = False
        if self.extended:
            if tok[5] not in ("0", "1"):
                raise FormatError(
                    f"double-lectures flag must be 0 or 1, got {tok[5]!r}", line=line.number
                )
            double = tok[5] == "1"
        self.courses[tok[0]] = Course(
            id=tok[0],
            teacher=tok[1],
            lectures=integer(tok[2], "number of lectures", line.number),
            min_working_days=integer(tok[3], "minimum working days", line.number),
            students=integer(tok[4], "number of students", line.number),
            double_lectures=double,
        )

    def _room(self, line: Line) -> None:
        tok = _fields(line, 3 if self.extended else 2, "a room")
        self._new_id("room", tok[0], line)
        site = integer(tok[2], "room site", line.number) if self.extended else 0
        capacity = integer(tok[1], "room capacity", line.number)
        self.rooms[tok[0]] = Room(id=tok[0], capacity=capacity, site=site)

    def _curriculum(self, line: Line) -> None:
        tok = line.tokens
        if len(tok) < 2:
            raise FormatError(
                f"expected a curriculum id and a course count, got {len(tok)} fields",
                line=line.number,
            )
        qid = tok[0]
        self._new_id("curriculum", qid, line)
        n = integer(tok[1], "number of courses in a curriculum", line.number)
        members = tok[2:]
        if len(members) != n:
            raise FormatError(
                f"curriculum {qid!r} says {n} courses but lists {len(members)}", line=line.number
            )
        for cid in members:
            if cid not in self.courses:
                raise FormatError(
                    f"curriculum {qid!r} lists unknown course {cid!r}", line=line.number
                )
        if len(set(members)) != len(members):
            raise FormatError(f"curriculum {qid!r} lists a course twice", line=line.number)
        self.curricula[qid] = Curriculum(id=qid, courses=tuple(members))

    def _unavailable(self, line: Line) -> None:
        # Duplicated constraint lines occur in published instances (test2.ectt): accept them.
        cid, day_tok, period_tok = _fields(line, 3, "an unavailability constraint")
        if cid not in self.courses:
            raise FormatError(
                f"unavailability constraint names unknown course {cid!r}", line=line.number
            )
        day = integer(day_tok, "day", line.number)
        period = integer(period_tok, "period", line.number)
        if day >= self.days:
            raise FormatError(f"day {day} out of range 0..{self.days - 1}", line=line.number)
        if period >= self.ppd:
            raise FormatError(f"period {period} out of range 0..{self.ppd - 1}", line=line.number)
        self.unavailability.add((cid, day, period))

    def _room_constraint(self, line: Line) -> None:
        """A room constraint: the room is unsuitable for the course."""
        cid, rid = _fields(line, 2, "a room constraint")
        if cid not in self.courses:
            raise FormatError(f"room constraint names unknown course {cid!r}", line=line.number)
        if rid not in self.rooms:
            raise FormatError(f"room constraint names unknown room {rid!r}", line=line.number)
        self.room_constraints.add((cid, rid))

    def _end(self) -> None:
        end = self.reader.next("'END.'")
        if end.tokens != ["END."]:
            raise FormatError(f"expected 'END.', got {end.text[:60]!r}", line=end.number)
        extra = self.reader.peek()
        if extra is not None:
            raise FormatError("unexpected content after 'END.'", line=extra.number)


_WEEK_FIELDS = {  # week_fault's fields: their header line and their name there
    "days": "Days",
    "periods_per_day": "Periods_per_day",
    "max_daily_lectures": "Min_Max_Daily_Lectures",
}


def _check_week(read: _ProblemReader, header: _Header) -> None:
    """The model's rule for a week (`week_fault`), at the header line it concerns."""
    fault = week_fault(read.days, read.ppd, read.min_daily, read.max_daily)
    if fault is not None:
        field, reason = fault
        key = _WEEK_FIELDS[field]
        raise FormatError(f"{key}: {reason}", line=header.lines[key])


def _read_header(reader: Reader) -> _Header:
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
    return _Header(values, lines, extended)


def _fields(line: Line, n: int, noun: str) -> list[str]:
    if len(line.tokens) != n:
        raise FormatError(
            f"expected {n} fields for {noun}, got {len(line.tokens)}", line=line.number
        )
    return line.tokens
