"""The application's vocabulary for timetable entries: where a lecture is held (`Slot`), one
lecture of a stored revision (`Lecture`), and the edits of a revision (`Move`, `Pin`, and `Edit`,
what a person changes at once).

Fields always come in one order, the order of the ITC-2007 solution files and of the domain's
`Assignment`: course, room, day, period. Days and periods are 0-based.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from .timetabling import Assignment

KEY_SEPARATOR = "|"


class Slot(NamedTuple):
    """Where a lecture is held. In a move's target, room None keeps the lecture's room."""

    day: int
    period: int
    room: str | None


@dataclass(frozen=True, slots=True)
class Lecture:
    """One lecture of a stored revision, plus whether generations must keep it (pinned)."""

    course: str
    room: str
    day: int
    period: int
    pinned: bool = False

    @property
    def slot(self) -> Slot:
        return Slot(self.day, self.period, self.room)

    @property
    def assignment(self) -> Assignment:
        return Assignment(self.course, self.room, self.day, self.period)

    @property
    def key(self) -> str:
        """The lecture's name in forms and pages, `course|day|period|room` (the form fields'
        wire format: pages and scripts post it back as they received it)."""
        return KEY_SEPARATOR.join((self.course, str(self.day), str(self.period), self.room))

    @classmethod
    def from_key(cls, key: str) -> Lecture | None:
        """The (unpinned) lecture a `key` names, or None when it names none."""
        parts = key.split(KEY_SEPARATOR)
        if len(parts) != 4:
            return None
        course, day, period, room = parts
        try:
            return cls(course, room, int(day), int(period))
        except ValueError:
            return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "course": self.course,
            "room": self.room,
            "day": self.day,
            "period": self.period,
            "pinned": self.pinned,
        }


def _as_slot(value: tuple[int, int, str | None]) -> Slot:
    return value if isinstance(value, Slot) else Slot(*value)


@dataclass(frozen=True)
class Move:
    """Move a lecture of `course` from `source` to `target` (target room None: same room)."""

    course: str
    source: Slot
    target: Slot

    def __post_init__(self) -> None:  # plain (day, period, room) tuples are welcome
        object.__setattr__(self, "source", _as_slot(self.source))
        object.__setattr__(self, "target", _as_slot(self.target))


@dataclass(frozen=True)
class Pin:
    """Pin (or unpin) the lecture of `course` held at `slot`."""

    course: str
    slot: Slot
    pinned: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "slot", _as_slot(self.slot))


class LectureNotFound(LookupError):
    """An edit names a lecture the timetable does not hold (`course` at `slot`)."""

    def __init__(self, course: str, slot: Slot) -> None:
        super().__init__(f"no lecture of {course} in {slot.room} on day {slot.day} {slot.period}")
        self.course, self.slot = course, slot


@dataclass(frozen=True)
class Edit:
    """One change a person makes at once (a move, a swap, a pin, a bulk pin): its moves, then
    its pins, and the sentence that says what it did."""

    moves: tuple[Move, ...] = ()
    pins: tuple[Pin, ...] = ()
    note: str = ""

    def apply(self, lectures: list[Lecture]) -> list[Lecture]:
        """`lectures` with this edit made (a new list); LectureNotFound when one is missing."""
        out = list(lectures)

        def find(course: str, slot: Slot) -> int:
            for i, lec in enumerate(out):
                if lec.course == course and lec.slot == slot:
                    return i
            raise LectureNotFound(course, slot)

        for move in self.moves:
            i = find(move.course, move.source)
            day, period, room = move.target
            out[i] = replace(out[i], day=day, period=period, room=room or out[i].room)
        for pin in self.pins:
            i = find(pin.course, pin.slot)
            out[i] = replace(out[i], pinned=pin.pinned)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON a draft keeps: slots as [day, period, room] lists."""
        return {
            "moves": [[m.course, list(m.source), list(m.target)] for m in self.moves],
            "pins": [[p.course, list(p.slot), p.pinned] for p in self.pins],
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edit:
        return cls(
            moves=tuple(Move(c, Slot(*s), Slot(*t)) for c, s, t in data.get("moves", ())),
            pins=tuple(Pin(c, Slot(*s), bool(p)) for c, s, p in data.get("pins", ())),
            note=str(data.get("note", "")),
        )


def apply_edits(lectures: list[Lecture], edits: Iterable[Edit]) -> list[Lecture]:
    """`lectures` with `edits` made in order (a new list); LectureNotFound when one is missing."""
    for edit in edits:
        lectures = edit.apply(lectures)
    return lectures
