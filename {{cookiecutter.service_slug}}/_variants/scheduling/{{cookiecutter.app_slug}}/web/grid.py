"""Page builder of the timetable grid: days x periods of one view (a curriculum, a teacher, a
room, or every lecture), each cell with its lectures and the violations that touch it, and, on
the comparison page, what moved. Presentation only: no queries, no writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import timetabling
from ..clock import Clock
from ..lectures import Lecture

HARD_TAG = mark_safe(
    '<span class="tag hard"><span aria-hidden="true">⚠</span>'
    '<span class="sr-only">hard violation</span></span>'
)
SOFT_TAG = mark_safe(
    '<span class="tag soft"><span aria-hidden="true">◆</span>'
    '<span class="sr-only">soft violation</span></span>'
)
PIN_TAG = mark_safe(
    '<span class="tag pin" title="Pinned: generations keep it here">⚑ pinned</span>'
)


@dataclass
class IssueView:
    """One verifier violation as the page shows it: anchor id, sentence, and the cell it marks."""

    id: str
    hard: bool
    component: str
    cost: int
    message: str
    cell_id: str | None = None


@dataclass
class LectureView:
    course: str
    teacher: str
    room: str
    day: int
    period: int
    pinned: bool
    key: str
    students: int = 0
    issues: list[IssueView] = field(default_factory=list)
    moved_from: str = ""  # diff: where it was ("Mon 10:00, room A")
    when: str = ""  # "Mon 10:00"
    added: bool = False

    @property
    def hard(self) -> bool:
        return any(i.hard for i in self.issues)

    @property
    def soft(self) -> bool:
        return any(not i.hard for i in self.issues)

    @property
    def title(self) -> str:
        return " ".join(
            f"{'Hard' if i.hard else 'Soft'}: {i.message}." for i in self.issues
        ).strip()

    @property
    def who(self) -> str:
        """What the chip shows on hover and focus: its teacher and students."""
        students = f"{self.students} student{'' if self.students == 1 else 's'}"
        return f"{self.teacher} · {students}" if self.teacher else students

    @property
    def css(self) -> str:
        classes = ["lecture"]
        if self.hard:
            classes.append("hard")
        elif self.soft:
            classes.append("soft")
        classes += [name for name, on in (("moved", self.moved_from), ("added", self.added),
                    ("pinned", self.pinned)) if on]  # fmt: skip
        return " ".join(classes)

    @property
    def marks(self) -> str:
        """The chip's labels (never colour alone): violation icon, pin, diff note."""
        parts = []
        if self.hard:
            parts.append(HARD_TAG)
        elif self.soft:
            parts.append(SOFT_TAG)
        if self.pinned:
            parts.append(PIN_TAG)
        if self.moved_from:
            parts.append(format_html('<span class="change">moved from {}</span>', self.moved_from))
        elif self.added:
            parts.append(mark_safe('<span class="change">new</span>'))
        return mark_safe(" ".join(parts))


class _SplitIssues:
    """`hard_issues` and `soft_issues` of an object with `issues`."""

    issues: list[IssueView]

    @property
    def hard_issues(self) -> list[IssueView]:
        return [i for i in self.issues if i.hard]

    @property
    def soft_issues(self) -> list[IssueView]:
        return [i for i in self.issues if not i.hard]


@dataclass
class CellView(_SplitIssues):
    day: int
    period: int
    id: str
    lectures: list[LectureView] = field(default_factory=list)
    issues: list[IssueView] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # courses of the view barred here
    moved_out: list[str] = field(default_factory=list)  # diff: "SceCosC to Tue period 1"

    @property
    def hard_title(self) -> str:
        return " ".join(f"{i.message}." for i in self.hard_issues)

    @property
    def soft_title(self) -> str:
        return " ".join(f"{i.message}." for i in self.soft_issues)


@dataclass
class Grid(_SplitIssues):
    view: str
    key: str
    label: str
    days: list[str]
    rows: list[tuple[str, list[CellView]]]  # (the period's clock times, cells of each day)
    issues: list[IssueView]  # of this view: hard first
    other_issues: int  # violations of the timetable outside this view
    lectures: list[LectureView]  # of this view, for the move form


def view_choices(problem: timetabling.Problem) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options of the view select, grouped: (group label, [(value, label)])."""
    teachers = sorted({c.teacher for c in problem.courses})
    return [
        ("Everything", [("all:", "Every lecture")]),
        ("Curricula", [(f"curriculum:{q.id}", q.id) for q in problem.curricula]),
        ("Teachers", [(f"teacher:{t}", t) for t in teachers]),
        ("Rooms", [(f"room:{r.id}", f"{r.id} ({r.capacity} seats)") for r in problem.rooms]),
    ]


def view_parse(value: str | None, problem: timetabling.Problem) -> tuple[str, str]:
    """`kind:key` from the query string, checked against the problem; a sensible default."""
    kind, _, key = (value or "").partition(":")
    if kind == "all":
        return "all", ""
    if kind == "curriculum" and any(q.id == key for q in problem.curricula):
        return kind, key
    if kind == "teacher" and any(c.teacher == key for c in problem.courses):
        return kind, key
    if kind == "room" and key in problem.room_by_id:
        return kind, key
    if problem.curricula:
        return "curriculum", problem.curricula[0].id
    return "all", ""


def view_keys(
    problem: timetabling.Problem, lectures: list[Lecture], view: str, key: str
) -> list[str]:
    """Keys of the lectures one view shows: those a drop in it can trade places with."""
    view_of = _ViewOf(problem, view, key)
    return [lec.key for lec in lectures if view_of.shows(lec)]


def _view_label(kind: str, key: str) -> str:
    return {"curriculum": "Curriculum", "teacher": "Teacher", "room": "Room"}.get(
        kind, "Every lecture"
    ) + (f" {key}" if key else "")


def grid_build(
    *,
    problem: timetabling.Problem,
    lectures: list[Lecture],
    verification: timetabling.Verification,
    view: str,
    key: str,
    clock: Clock,
    diff: dict[str, Any] | None = None,
    component_labels: dict[str, str] | None = None,
) -> Grid:
    """Days x periods of one view, each cell with its lectures and the violations that touch it;
    days and periods named by `clock`, components by `component_labels`."""
    days = problem.days
    view_of = _ViewOf(problem, view, key)
    cells = {
        (d, p): CellView(d, p, f"cell-{d}-{p}")
        for d in range(days)
        for p in range(problem.periods_per_day)
    }
    shown, by_course = _place_lectures(problem, lectures, view_of, cells, clock)
    if view in ("curriculum", "teacher"):
        for course, day, period in problem.unavailability:
            if course in view_of.members and (day, period) in cells:
                cells[day, period].unavailable.append(course)
    issues, other = _attach_issues(verification, view_of, cells, by_course)
    for issue in issues:
        issue.message = clock.relabel(issue.message)
        issue.component = (component_labels or {}).get(issue.component, issue.component)
    if diff:
        _apply_diff(diff, cells, by_course, clock.when, view_of.shows)
    return Grid(
        view=view,
        key=key,
        label=_view_label(view, key),
        days=[clock.day_short(d) for d in range(days)],
        rows=[
            (clock.period(p), [cells[d, p] for d in range(days)])
            for p in range(problem.periods_per_day)
        ],
        issues=issues,
        other_issues=other,
        lectures=sorted(shown, key=lambda x: (x.course, x.day, x.period)),
    )


class _ViewOf:
    """Which lectures and violations one view shows; `members`: the courses it is about."""

    def __init__(self, problem: timetabling.Problem, view: str, key: str) -> None:
        self.view, self.key = view, key
        if view == "curriculum":
            self.members = next((set(q.courses) for q in problem.curricula if q.id == key), set())
        elif view == "teacher":
            self.members = {c.id for c in problem.courses if c.teacher == key}
        elif view == "room":
            self.members = set()
        else:
            self.members = set(problem.course_by_id)

    def shows(self, lec: Lecture) -> bool:
        if self.view == "room":
            return lec.room == self.key
        return self.view == "all" or lec.course in self.members

    def concerns(self, v: timetabling.Violation, by_course: dict[str, list[LectureView]]) -> bool:
        view, key, members = self.view, self.key, self.members
        if view == "all":
            return True
        if view == "curriculum":
            return key in v.curricula or (not v.curricula and bool(members & set(v.courses)))
        if view == "teacher":
            return key in v.teachers or bool(members & set(v.courses))
        return key in v.rooms or any(
            lec.room == key for c in v.courses for lec in by_course.get(c, ())
        )


def _place_lectures(
    problem: timetabling.Problem,
    lectures: list[Lecture],
    view_of: _ViewOf,
    cells: dict[tuple[int, int], CellView],
    clock: Clock,
) -> tuple[list[LectureView], dict[str, list[LectureView]]]:
    shown: list[LectureView] = []
    by_course: dict[str, list[LectureView]] = {}
    for lec in lectures:
        if not view_of.shows(lec) or (lec.day, lec.period) not in cells:
            continue
        course = problem.course_by_id.get(lec.course)
        view_lec = LectureView(
            course=lec.course,
            teacher=course.teacher if course else "",
            students=course.students if course else 0,
            room=lec.room,
            day=lec.day,
            period=lec.period,
            pinned=lec.pinned,
            key=lec.key,
            when=clock.when(lec.day, lec.period),
        )
        cells[lec.day, lec.period].lectures.append(view_lec)
        shown.append(view_lec)
        by_course.setdefault(lec.course, []).append(view_lec)
    return shown, by_course


def _attach_issues(
    verification: timetabling.Verification,
    view_of: _ViewOf,
    cells: dict[tuple[int, int], CellView],
    by_course: dict[str, list[LectureView]],
) -> tuple[list[IssueView], int]:
    """The violations this view concerns (hard first), each marking its cell and lectures; and
    how many others the timetable has."""
    issues: list[IssueView] = []
    other = 0
    ordered = sorted(verification.violations, key=lambda v: (not v.hard, v.day is None))
    for n, v in enumerate(ordered, start=1):
        if not view_of.concerns(v, by_course):
            other += 1
            continue
        issue = IssueView(f"issue-{n}", v.hard, v.component, v.cost, v.message)
        issues.append(issue)
        if v.day is not None and v.period is not None and (v.day, v.period) in cells:
            cell = cells[v.day, v.period]
            issue.cell_id = cell.id
            cell.issues.append(issue)
            for lec in cell.lectures:
                if lec.course in v.courses:
                    lec.issues.append(issue)
        else:  # a fact about whole courses: it marks one lecture of each (its first in the
            # view), so one cost is counted once on the grid, not on every lecture of a course
            for course in v.courses:
                shown = sorted(by_course.get(course, ()), key=lambda x: (x.day, x.period))
                for lec in shown[:1]:
                    lec.issues.append(issue)
                    cell = cells[lec.day, lec.period]
                    cell.issues.append(issue)
                    issue.cell_id = issue.cell_id or cell.id
    return issues, other


def _apply_diff(
    diff: dict[str, Any],
    cells: dict[tuple[int, int], CellView],
    by_course: dict[str, list[LectureView]],
    when: Callable[[int, int], str],
    in_view: Callable[[Lecture], bool],
) -> None:
    def find(course: str, slot: dict[str, Any]) -> LectureView | None:
        for lec in by_course.get(course, ()):
            if (lec.day, lec.period, lec.room) == (slot["day"], slot["period"], slot["room"]):
                return lec
        return None

    def note_left(course: str, slot: dict[str, Any], text: str) -> None:
        """Note in the cell a lecture left that it is gone, when this view shows that cell."""
        probe = Lecture(course, slot["room"], slot["day"], slot["period"])
        if in_view(probe) and (slot["day"], slot["period"]) in cells:
            cells[slot["day"], slot["period"]].moved_out.append(text)

    for move in diff["moved"]:
        old, new = move["from"], move["to"]
        lec = find(move["course"], new)
        if lec is not None:
            lec.moved_from = f"{when(old['day'], old['period'])}, room {old['room']}"
        where = f"{when(new['day'], new['period'])}, room {new['room']}"
        note_left(move["course"], old, f"{move['course']} moved to {where}")
    for added in diff["added"]:
        lec = find(added["course"], added)
        if lec is not None:
            lec.added = True
    for removed in diff["removed"]:
        note_left(removed["course"], removed, f"{removed['course']} removed")
