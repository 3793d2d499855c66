"""Names as identifiers of the ITC-2007 formats, which split fields on blanks.

People name things "Prof. Li 李" or "Room 2.14"; the `.ctt`, `.ectt` and `.sol` files cannot
carry such a name. Only where those files are written or read, each name becomes a token: its
blanks turned into underscores, then a number added if another name already has that token. The
tokens depend on the problem alone, so a problem file and a solution file written for it agree,
and a solution file read back maps to the names again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Assignment, Problem


def _tokens(names: Iterable[str]) -> dict[str, str]:
    """name -> token, unique per kind; names that are tokens already keep themselves."""
    names = list(dict.fromkeys(names))
    token_of = {n: n for n in names if n and not any(ch.isspace() for ch in n)}
    taken = set(token_of.values())
    for name in names:
        if name in token_of:
            continue
        base = "_".join(name.split()) or "_"
        token, n = base, 1
        while token in taken:
            n += 1
            token = f"{base}~{n}"
        token_of[name] = token
        taken.add(token)
    return token_of


@dataclass(frozen=True)
class ItcNames:
    course: dict[str, str]
    room: dict[str, str]
    teacher: dict[str, str]
    curriculum: dict[str, str]

    @property
    def identity(self) -> bool:
        return all(k == v for kind in (self.course, self.room, self.teacher, self.curriculum)
                   for k, v in kind.items())  # fmt: skip

    def problem(self, problem: Problem) -> Problem:
        """`problem` with every name replaced by its token."""
        course, room = self.course, self.room
        return dataclasses.replace(
            problem,
            courses=tuple(
                dataclasses.replace(c, id=course[c.id], teacher=self.teacher[c.teacher])
                for c in problem.courses
            ),
            rooms=tuple(dataclasses.replace(r, id=room[r.id]) for r in problem.rooms),
            curricula=tuple(
                dataclasses.replace(
                    q, id=self.curriculum[q.id], courses=tuple(course[c] for c in q.courses)
                )
                for q in problem.curricula
            ),
            unavailability=frozenset((course[c], d, p) for c, d, p in problem.unavailability),
            room_constraints=frozenset((course[c], room[r]) for c, r in problem.room_constraints),
        )

    def to_tokens(self, assignments: Iterable[Assignment]) -> list[Assignment]:
        return [
            Assignment(
                self.course.get(a.course, a.course), self.room.get(a.room, a.room), a.day, a.period
            )
            for a in assignments
        ]

    def to_names(self, assignments: Iterable[Assignment]) -> list[Assignment]:
        """Assignments read from a solution file, with the problem's names again (a token the
        problem does not know stays as it is, for the verifier to report)."""
        course = {t: n for n, t in self.course.items()}
        room = {t: n for n, t in self.room.items()}
        return [
            Assignment(course.get(a.course, a.course), room.get(a.room, a.room), a.day, a.period)
            for a in assignments
        ]


def itc_names(problem: Problem) -> ItcNames:
    return ItcNames(
        course=_tokens(c.id for c in problem.courses),
        room=_tokens(r.id for r in problem.rooms),
        teacher=_tokens(c.teacher for c in problem.courses),
        curriculum=_tokens(q.id for q in problem.curricula),
    )
