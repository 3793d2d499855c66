"""A term as CSV files in one zip: what a spreadsheet user can write and read.

    term.csv              name, days, periods_per_day, min_daily_lectures, max_daily_lectures
    courses.csv           course, teacher, lectures, min_days, students, double_lectures
    rooms.csv             room, capacity, building
    curricula.csv         curriculum, course            (one row per course of a curriculum)
    unavailable.csv       course, day, period           (days and periods count from 1)
    room_constraints.csv  course, room                  (a room the course may not use)

The first three files are required. Names are what people write ("Prof. Li 李", "Room 2.14"):
any text on one line. Every fault raises `FormatError` naming the file, its line and column;
no partial `Problem` is ever returned. UTF-8, with or without the byte-order mark spreadsheets
write; the zip's content is size-checked before it is read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Course, Curriculum, Problem, Room, week_fault
from .text import MAX_INPUT_BYTES, FormatError, decode, integer

COLUMNS = {
    "term.csv": ("name", "days", "periods_per_day", "min_daily_lectures", "max_daily_lectures"),
    "courses.csv": ("course", "teacher", "lectures", "min_days", "students", "double_lectures"),
    "rooms.csv": ("room", "capacity", "building"),
    "curricula.csv": ("curriculum", "course"),
    "unavailable.csv": ("course", "day", "period"),
    "room_constraints.csv": ("course", "room"),
}
REQUIRED = ("term.csv", "courses.csv", "rooms.csv")
OPTIONAL_NUMBERS = {"min_daily_lectures", "max_daily_lectures", "building"}
NAME_LENGTH = 64
YES, NO = {"1", "yes", "y", "true", "x"}, {"", "0", "no", "n", "false"}


@dataclass(frozen=True)
class Row:
    """One data row of a file: its values by column, and where it came from."""

    file: str
    line: int
    values: dict[str, str]

    def fault(self, column: str, message: str) -> FormatError:
        return FormatError(message, line=self.line, source=self.file, column=column)

    def name(self, column: str) -> str:
        value = self.values[column].strip()
        if not value:
            raise self.fault(column, "is empty")
        if len(value) > NAME_LENGTH:
            raise self.fault(column, f"is longer than {NAME_LENGTH} characters")
        return value

    def number(self, column: str, *, minimum: int = 0) -> int:
        value = self.values[column].strip()
        if not value and column in OPTIONAL_NUMBERS:
            return 0
        try:
            return integer(value, column, self.line, minimum=minimum)
        except FormatError as exc:
            raise self.fault(column, exc.message.removeprefix(f"{column} ")) from None

    def flag(self, column: str) -> bool:
        value = self.values[column].strip().lower()
        if value not in YES | NO:
            raise self.fault(column, f"must be yes or no, got {value[:20]!r}")
        return value in YES


def parse_workbook(data: bytes, *, source: str = "<input>") -> Problem:
    """Read a term from the zip `data` (see the module's docstring)."""
    files = _unzip(data, source)
    rows = {name: list(_rows(name, files[name])) for name in COLUMNS if name in files}
    for name in REQUIRED:
        if name not in rows:
            raise FormatError(f"the zip has no {name}", source=source)
    term = _term(rows["term.csv"])
    courses = _unique(rows["courses.csv"], "course", _course)
    rooms = _unique(rows["rooms.csv"], "room", _room)
    known = {"course": {c.id for c in courses}, "room": {r.id for r in rooms}}
    members: dict[str, list[str]] = {}
    for row in rows.get("curricula.csv", []):
        course = _known(row, "course", known)
        members.setdefault(row.name("curriculum"), []).append(course)
    unavailable = {
        (_known(row, "course", known), _slot(row, "day", term["days"]),
         _slot(row, "period", term["periods_per_day"]))
        for row in rows.get("unavailable.csv", [])
    }  # fmt: skip
    forbidden = {
        (_known(row, "course", known), _known(row, "room", known))
        for row in rows.get("room_constraints.csv", [])
    }
    return Problem(
        courses=tuple(courses),
        rooms=tuple(rooms),
        curricula=tuple(Curriculum(q, tuple(dict.fromkeys(cs))) for q, cs in members.items()),
        unavailability=frozenset(unavailable),
        room_constraints=frozenset(forbidden),
        extended=True,
        **term,
    )


def _unzip(data: bytes, source: str) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError):
        raise FormatError("not a zip file", source=source) from None
    # Judge the size by what the entries say they hold, before inflating any of them.
    if sum(i.file_size for i in entries) > MAX_INPUT_BYTES:
        raise FormatError(f"the zip holds more than {MAX_INPUT_BYTES} bytes", source=source)
    files = {}
    for info in entries:
        name = info.filename.rsplit("/", 1)[-1].lower()  # a folder in the zip is fine
        if name in files:
            raise FormatError(f"the zip has two files named {name}", source=source)
        if name in COLUMNS:
            try:
                files[name] = archive.read(info)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
                raise FormatError(f"cannot read {info.filename}: {exc}", source=source) from None
    return files


def _rows(name: str, data: bytes) -> Iterator[Row]:
    try:
        text = decode(data)
    except FormatError as exc:
        raise exc.with_source(name) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    expected = COLUMNS[name]
    unknown = [h for h in header if h not in expected]
    missing = [c for c in expected if c not in header and c not in OPTIONAL_NUMBERS]
    if unknown:
        fault = f"unknown column {unknown[0]!r}"
    elif missing:
        fault = f"no column {missing[0]!r}"
    elif len(set(header)) != len(header):
        fault = "a column appears twice"
    else:
        fault = ""
    if fault:
        raise FormatError(f"{fault}; expected {', '.join(expected)}", line=1, source=name)
    for values in reader:
        if not any(v.strip() for v in values):
            continue  # spreadsheets leave blank rows
        line = reader.line_num
        if len(values) > len(header):
            raise FormatError(f"{len(values)} fields, the header has {len(header)}", line, name)
        padded = dict(zip(header, [*values, *[""] * (len(header) - len(values))], strict=True))
        yield Row(name, line, {c: padded.get(c, "") for c in expected})


def _term(rows: list[Row]) -> dict[str, Any]:
    if len(rows) != 1:
        raise FormatError(f"expected one row, got {len(rows)}", line=2, source="term.csv")
    row = rows[0]
    days, periods = row.number("days", minimum=1), row.number("periods_per_day", minimum=1)
    low, high = row.number("min_daily_lectures"), row.number("max_daily_lectures")
    fault = week_fault(days, periods, low, high)
    if fault is not None:
        raise row.fault(*fault)
    return {
        "name": row.name("name"),
        "days": days,
        "periods_per_day": periods,
        "min_daily_lectures": low,
        "max_daily_lectures": high,
    }


def _course(row: Row) -> Course:
    return Course(
        row.name("course"),
        row.name("teacher"),
        row.number("lectures", minimum=1),
        row.number("min_days"),
        row.number("students"),
        row.flag("double_lectures"),
    )


def _room(row: Row) -> Room:
    return Room(row.name("room"), row.number("capacity"), row.number("building"))


def _unique(rows: list[Row], column: str, build: Callable[[Row], Any]) -> list[Any]:
    seen: set[str] = set()
    built = []
    for row in rows:
        item = build(row)
        if item.id in seen:
            raise row.fault(column, f"{item.id!r} appears twice")
        seen.add(item.id)
        built.append(item)
    return built


def _known(row: Row, column: str, known: dict[str, set[str]]) -> str:
    name = row.name(column)
    if name not in known[column]:
        listed = "courses.csv" if column == "course" else "rooms.csv"
        raise row.fault(column, f"{name!r} is not in {listed}")
    return name


def _slot(row: Row, column: str, count: int) -> int:
    value = row.number(column, minimum=1)
    if value > count:
        raise row.fault(column, f"must be at most {count}, got {value}")
    return value - 1


def format_workbook(problem: Problem) -> bytes:
    """The term as a zip of CSV files, the same each time for the same problem."""
    order = {c.id: i for i, c in enumerate(problem.courses)}
    courses = [
        (
            c.id,
            c.teacher,
            c.lectures,
            c.min_working_days,
            c.students,
            "yes" if c.double_lectures else "no",
        )
        for c in problem.courses
    ]
    unavailable = sorted(problem.unavailability, key=lambda u: (order.get(u[0], 0), u))
    forbidden = sorted(problem.room_constraints, key=lambda pair: (order.get(pair[0], 0), pair))
    tables: dict[str, Sequence[Sequence[object]]] = {
        "term.csv": [
            (
                problem.name,
                problem.days,
                problem.periods_per_day,
                problem.min_daily_lectures,
                problem.max_daily_lectures,
            )
        ],
        "courses.csv": courses,
        "rooms.csv": [(r.id, r.capacity, r.site) for r in problem.rooms],
        "curricula.csv": [(q.id, c) for q in problem.curricula for c in q.courses],
        "unavailable.csv": [(c, d + 1, p + 1) for c, d, p in unavailable],
        "room_constraints.csv": forbidden,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(COLUMNS[name])
            writer.writerows(rows)
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.getvalue().encode("utf-8"))
    return out.getvalue()
