"""Reads shaped for the web pages: the timetable grid, its violations, charts and the diff.

Pure presentation helpers over selectors and the domain core: no writes, no requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import timetabling as core
from ..models import Revision
from ..selectors import Lecture, problem_to_core, revision_lectures

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
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
VIEW_KINDS = ("curriculum", "teacher", "room", "all")
VERIFICATION_CACHE_SECONDS = 24 * 60 * 60


def day_name(day: int, days: int) -> str:
    """The verifier's names: Mon..Sun for a week of up to seven days, else `day N`."""
    return DAY_NAMES[day] if days <= len(DAY_NAMES) else f"day {day}"


def lecture_key(course: str, day: int, period: int, room: str) -> str:
    return f"{course}|{day}|{period}|{room}"


def parse_lecture_key(value: str) -> tuple[str, int, int, str] | None:
    parts = value.split("|")
    if len(parts) != 4:
        return None
    course, day, period, room = parts
    try:
        return course, int(day), int(period), room
    except ValueError:
        return None


# ------------------------------------------------------------------------------ verification
def revision_verification(*, revision: Revision) -> tuple[list[Lecture], core.Verification]:
    """The lectures of a stored revision and their verification, cached (revisions are immutable).

    The key names the revision by id and creation time, so a recreated database never serves
    another revision's result, and by the problem's version (edits of courses or rooms).
    """
    stamp = int(revision.created_at.timestamp() * 1_000_000)
    key = (
        f"scheduling:ui:verification:{revision.pk}:{stamp}:{revision.formulation}:"
        f"{revision.problem.version}"
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    lectures = revision_lectures(revision=revision)
    problem = problem_to_core(problem=revision.problem)
    verification = core.verify(problem, [lec.assignment for lec in lectures], revision.formulation)
    cache.set(key, (lectures, verification), VERIFICATION_CACHE_SECONDS)
    return lectures, verification


# ------------------------------------------------------------------------------ grid
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
    issues: list[IssueView] = field(default_factory=list)
    moved_from: str = ""  # diff: where it was ("Mon period 2, room A")
    when: str = ""  # "Mon period 2"
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


@dataclass
class CellView:
    day: int
    period: int
    id: str
    lectures: list[LectureView] = field(default_factory=list)
    issues: list[IssueView] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # courses of the view barred here
    moved_out: list[str] = field(default_factory=list)  # diff: "SceCosC to Tue period 1"

    @property
    def hard_issues(self) -> list[IssueView]:
        return [i for i in self.issues if i.hard]

    @property
    def soft_issues(self) -> list[IssueView]:
        return [i for i in self.issues if not i.hard]

    @property
    def hard_title(self) -> str:
        return " ".join(f"{i.message}." for i in self.hard_issues)

    @property
    def soft_title(self) -> str:
        return " ".join(f"{i.message}." for i in self.soft_issues)


@dataclass
class Grid:
    view: str
    key: str
    label: str
    days: list[str]
    rows: list[tuple[int, list[CellView]]]  # (period, cells of each day)
    issues: list[IssueView]  # of this view: hard first
    other_issues: int  # violations of the timetable outside this view
    lectures: list[LectureView]  # of this view, for the move form

    @property
    def hard_issues(self) -> list[IssueView]:
        return [i for i in self.issues if i.hard]

    @property
    def soft_issues(self) -> list[IssueView]:
        return [i for i in self.issues if not i.hard]


def view_choices(problem: core.Problem) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options of the view select, grouped: (group label, [(value, label)])."""
    teachers = sorted({c.teacher for c in problem.courses})
    return [
        ("Everything", [("all:", "Every lecture")]),
        ("Curricula", [(f"curriculum:{q.id}", q.id) for q in problem.curricula]),
        ("Teachers", [(f"teacher:{t}", t) for t in teachers]),
        ("Rooms", [(f"room:{r.id}", f"{r.id} ({r.capacity} seats)") for r in problem.rooms]),
    ]


def view_parse(value: str | None, problem: core.Problem) -> tuple[str, str]:
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


def _view_label(kind: str, key: str) -> str:
    return {"curriculum": "Curriculum", "teacher": "Teacher", "room": "Room"}.get(
        kind, "Every lecture"
    ) + (f" {key}" if key else "")


def grid_build(
    *,
    problem: core.Problem,
    lectures: list[Lecture],
    verification: core.Verification,
    view: str,
    key: str,
    diff: dict[str, Any] | None = None,
) -> Grid:
    """Days x periods of one view, each cell with its lectures and the violations that touch it."""
    days = problem.days
    teacher_of = {c.id: c.teacher for c in problem.courses}
    if view == "curriculum":
        members = next((set(q.courses) for q in problem.curricula if q.id == key), set())
        in_view = lambda lec: lec.course in members  # noqa: E731
    elif view == "teacher":
        members = {c.id for c in problem.courses if c.teacher == key}
        in_view = lambda lec: lec.course in members  # noqa: E731
    elif view == "room":
        members = set()
        in_view = lambda lec: lec.room == key  # noqa: E731
    else:
        members = set(problem.course_by_id)
        in_view = lambda lec: True  # noqa: E731

    def when(day: int, period: int) -> str:
        return f"{day_name(day, days)} period {period}"

    cells = {
        (d, p): CellView(d, p, f"cell-{d}-{p}")
        for d in range(days)
        for p in range(problem.periods_per_day)
    }
    shown: list[LectureView] = []
    by_course: dict[str, list[LectureView]] = {}
    for lec in lectures:
        if not in_view(lec) or (lec.day, lec.period) not in cells:
            continue
        view_lec = LectureView(
            course=lec.course,
            teacher=teacher_of.get(lec.course, ""),
            room=lec.room,
            day=lec.day,
            period=lec.period,
            pinned=lec.pinned,
            key=lecture_key(lec.course, lec.day, lec.period, lec.room),
            when=when(lec.day, lec.period),
        )
        cells[lec.day, lec.period].lectures.append(view_lec)
        shown.append(view_lec)
        by_course.setdefault(lec.course, []).append(view_lec)

    if view in ("curriculum", "teacher"):
        for course, day, period in problem.unavailability:
            if course in members and (day, period) in cells:
                cells[day, period].unavailable.append(course)

    def relevant(v: core.Violation) -> bool:
        if view == "all":
            return True
        if view == "curriculum":
            return key in v.curricula or (not v.curricula and bool(members & set(v.courses)))
        if view == "teacher":
            return key in v.teachers or bool(members & set(v.courses))
        return key in v.rooms or any(
            lec.room == key for c in v.courses for lec in by_course.get(c, ())
        )

    issues: list[IssueView] = []
    other = 0
    ordered = sorted(verification.violations, key=lambda v: (not v.hard, v.day is None))
    for n, v in enumerate(ordered, start=1):
        if not relevant(v):
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
        else:  # a fact about whole courses: mark every lecture of them in this view
            for course in v.courses:
                for lec in by_course.get(course, ()):
                    lec.issues.append(issue)
                    cell = cells[lec.day, lec.period]
                    if issue not in cell.issues:
                        cell.issues.append(issue)
                    issue.cell_id = issue.cell_id or cell.id

    if diff:
        _apply_diff(diff, cells, by_course, when, in_view)

    return Grid(
        view=view,
        key=key,
        label=_view_label(view, key),
        days=[day_name(d, days) for d in range(days)],
        rows=[(p, [cells[d, p] for d in range(days)]) for p in range(problem.periods_per_day)],
        issues=issues,
        other_issues=other,
        lectures=sorted(shown, key=lambda x: (x.course, x.day, x.period)),
    )


def _apply_diff(
    diff: dict[str, Any],
    cells: dict[tuple[int, int], CellView],
    by_course: dict[str, list[LectureView]],
    when: Any,
    in_view: Any,
) -> None:
    def find(course: str, slot: dict[str, Any]) -> LectureView | None:
        for lec in by_course.get(course, ()):
            if (lec.day, lec.period, lec.room) == (slot["day"], slot["period"], slot["room"]):
                return lec
        return None

    for move in diff["moved"]:
        old, new = move["from"], move["to"]
        lec = find(move["course"], new)
        if lec is not None:
            lec.moved_from = f"{when(old['day'], old['period'])}, room {old['room']}"
        probe = Lecture(move["course"], old["room"], old["day"], old["period"])
        if in_view(probe) and (old["day"], old["period"]) in cells:
            cells[old["day"], old["period"]].moved_out.append(
                f"{move['course']} moved to {when(new['day'], new['period'])}, room {new['room']}"
            )
    for added in diff["added"]:
        lec = find(added["course"], added)
        if lec is not None:
            lec.added = True
    for removed in diff["removed"]:
        probe = Lecture(removed["course"], removed["room"], removed["day"], removed["period"])
        if in_view(probe) and (removed["day"], removed["period"]) in cells:
            cells[removed["day"], removed["period"]].moved_out.append(
                f"{removed['course']} removed"
            )


# ------------------------------------------------------------------------------ charts
@dataclass
class Chart:
    """An inline SVG line chart: points already scaled to the view box."""

    width: int
    height: int
    points: str
    dots: list[dict[str, Any]]
    y_max: int
    y_min: int
    label: str


def cost_chart(
    values: list[tuple[str, int, bool]], *, width: int = 480, height: int = 140
) -> Chart:
    """Cost per revision, oldest first: values are (label, total cost, feasible)."""
    pad = 24
    if not values:
        return Chart(width, height, "", [], 0, 0, "No revisions yet.")
    costs = [v[1] for v in values]
    lo, hi = min(costs), max(costs)
    span = max(hi - lo, 1)
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    dots = []
    for i, (label, cost, feasible) in enumerate(values):
        x = pad + i * step
        y = height - pad - (cost - lo) / span * (height - 2 * pad)
        dots.append(
            {"x": round(x, 1), "y": round(y, 1), "label": label, "cost": cost, "ok": feasible}
        )
    points = " ".join(f"{d['x']},{d['y']}" for d in dots)
    summary = ", ".join(f"{d['label']}: {d['cost']}" for d in dots[-12:])
    return Chart(width, height, points, dots, hi, lo, f"Total cost per revision: {summary}.")


def diff_changes(diff: dict[str, Any], *, days: int) -> list[dict[str, Any]]:
    """One plain sentence per change of a diff, with the cell it links to (day names)."""

    def where(slot: dict[str, Any]) -> str:
        return f"{day_name(slot['day'], days)} period {slot['period']}, room {slot['room']}"

    def cell(slot: dict[str, Any]) -> str:
        return f"cell-{slot['day']}-{slot['period']}"

    changes = [
        {
            "course": m["course"],
            "moved": True,
            "cell_id": cell(m["to"]),
            "text": f"{where(m['from'])} → {where(m['to'])}",
        }
        for m in diff["moved"]
    ]
    changes += [
        {"course": a["course"], "moved": False, "cell_id": cell(a), "text": f"added at {where(a)}"}
        for a in diff["added"]
    ]
    changes += [
        {"course": r["course"], "moved": False, "cell_id": "", "text": f"removed from {where(r)}"}
        for r in diff["removed"]
    ]
    return changes
