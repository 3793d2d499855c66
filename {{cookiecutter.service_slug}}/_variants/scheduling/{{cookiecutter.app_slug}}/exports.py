"""Exports, used alike by the API, the pages and the commands: a problem as ITC-2007 text, a
revision as an ITC-2007 solution, CSV, or iCalendar (weekly recurring events)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from icalendar import Calendar, Event

from .lectures import Lecture
from .models import Revision
from .timetabling import Problem, format_problem, format_solution

PROBLEM_FORMATS = ("ctt", "ectt")
REVISION_FORMATS = ("sol", "csv", "ics")
CONTENT_TYPES = {
    "ctt": "text/plain; charset=utf-8",
    "ectt": "text/plain; charset=utf-8",
    "sol": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
}


@dataclass(frozen=True)
class Export:
    body: bytes
    content_type: str
    filename: str


@dataclass(frozen=True)
class CalendarOptions:
    """Where the weekly timetable sits in real time: day 0 is `term_start`."""

    term_start: date
    weeks: int = 14
    day_start: time = time(8, 0)  # when period 0 starts
    period_minutes: int = 60


def problem_export(*, problem_id: int, problem: Problem, fmt: str) -> Export:
    text = format_problem(problem, extended=fmt == "ectt")
    return Export(text.encode(), CONTENT_TYPES[fmt], f"problem-{problem_id}.{fmt}")


def revision_export(
    *,
    revision: Revision,
    lectures: list[Lecture],
    problem: Problem,
    fmt: str,
    calendar: CalendarOptions | None = None,
    who: str = "",
) -> Export:
    """A revision's `lectures` as `fmt`; `who` names whose lectures they are, for calendars."""
    name = f"revision-{revision.pk}"
    if fmt == "sol":
        body = export_solution(lectures).encode()
    elif fmt == "csv":
        body = export_csv(lectures, problem).encode()
    else:
        title = f"{revision.problem.name} #{revision.number}" + (f" ({who})" if who else "")
        body = export_ics(
            lectures,
            problem,
            title=title,
            uid_prefix=name,
            calendar=calendar or CalendarOptions(term_start=date.today()),
            stamp=revision.created_at,
        )
    return Export(body, CONTENT_TYPES[fmt], f"{name}.{fmt}")


def export_solution(lectures: Iterable[Lecture]) -> str:
    return format_solution(lec.assignment for lec in lectures)


def export_csv(lectures: Iterable[Lecture], problem: Problem) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["course", "teacher", "room", "day", "period", "pinned", "curricula"])
    for lec in lectures:
        course = problem.course_by_id.get(lec.course)
        writer.writerow(
            [
                lec.course,
                course.teacher if course else "",
                lec.room,
                lec.day,
                lec.period,
                int(lec.pinned),
                " ".join(problem.curricula_of_course.get(lec.course, ())),
            ]
        )
    return out.getvalue()


def select_lectures(
    lectures: Iterable[Lecture],
    problem: Problem,
    *,
    teacher: str | None = None,
    curriculum: str | None = None,
    room: str | None = None,
) -> list[Lecture]:
    """The lectures of one teacher, curriculum or room (all of them with no filter)."""
    chosen = list(lectures)
    if teacher:
        chosen = [
            lec
            for lec in chosen
            if lec.course in problem.course_by_id
            and problem.course_by_id[lec.course].teacher == teacher
        ]
    if curriculum:
        members = next((set(q.courses) for q in problem.curricula if q.id == curriculum), set())
        chosen = [lec for lec in chosen if lec.course in members]
    if room:
        chosen = [lec for lec in chosen if lec.room == room]
    return chosen


def export_ics(
    lectures: Iterable[Lecture],
    problem: Problem,
    *,
    title: str,
    uid_prefix: str,
    calendar: CalendarOptions,
    stamp: datetime,
) -> bytes:
    """One weekly recurring event per lecture, placed in time by `calendar`."""
    ics = Calendar()
    ics.add("prodid", "-//ALF//Scheduler Service//EN")
    ics.add("version", "2.0")
    ics.add("x-wr-calname", title)
    minutes = calendar.period_minutes
    for lec in lectures:
        course = problem.course_by_id.get(lec.course)
        day = datetime.combine(calendar.term_start + timedelta(days=lec.day), calendar.day_start)
        begin = day + timedelta(minutes=lec.period * minutes)
        event = Event()
        event.add("uid", f"{uid_prefix}-{lec.course}-{lec.day}-{lec.period}-{lec.room}")
        event.add("dtstamp", stamp)
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=minutes))
        event.add("rrule", {"freq": "weekly", "count": calendar.weeks})
        event.add("summary", f"{lec.course} ({course.teacher})" if course else lec.course)
        event.add("location", lec.room)
        curricula = problem.curricula_of_course.get(lec.course, ())
        if curricula:
            event.add("description", "Curricula: " + ", ".join(curricula))
        ics.add_component(event)
    body: bytes = ics.to_ical()
    return body
