"""Solutions: `CourseID RoomID Day Period` lines. Parsed leniently (no cross-check against a
problem), because the verifier must report unknown ids the way the official validator does."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model import Assignment
from .text import MAX_NUMBER, FormatError, check_file_size, check_token, decode, integer


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
        day = integer(tok[2], "day", number, minimum=-MAX_NUMBER)
        period = integer(tok[3], "period", number, minimum=-MAX_NUMBER)
        out.append(Assignment(course=tok[0], room=tok[1], day=day, period=period))
    return out


def parse_solution(text: str | bytes, *, source: str = "<input>") -> list[Assignment]:
    """Parse `CourseID RoomID Day Period` lines, in file order; ids are not checked here."""
    try:
        return _parse_solution_text(decode(text))
    except FormatError as exc:
        raise exc.with_source(source) from None


def read_solution(path: str | Path) -> list[Assignment]:
    path = Path(path)
    check_file_size(path)
    return parse_solution(path.read_bytes(), source=path.name)


def format_solution(assignments: Iterable[Assignment]) -> str:
    """One `CourseID RoomID Day Period` line per lecture, sorted, with a trailing newline."""
    lectures = sorted(assignments)
    for a in lectures:
        check_token("course id", a.course)
        check_token("room id", a.room)
    return "".join(f"{a.course} {a.room} {a.day} {a.period}\n" for a in lectures)
