"""Exports of a revision: ITC-2007 solution text, CSV, and iCalendar (weekly recurring events)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from icalendar import Calendar, Event

from ..selectors import Lecture
from ..timetabling import Problem, format_solution


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
    term_start: date,
    weeks: int,
    day_start: time,
    period_minutes: int,
    stamp: datetime,
) -> bytes:
    """One weekly recurring event per lecture; day 0 is `term_start`, period 0 at `day_start`."""
    calendar = Calendar()
    calendar.add("prodid", "-//ALF//Scheduler Service//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    for lec in lectures:
        course = problem.course_by_id.get(lec.course)
        begin = datetime.combine(term_start + timedelta(days=lec.day), day_start) + timedelta(
            minutes=lec.period * period_minutes
        )
        event = Event()
        event.add("uid", f"{uid_prefix}-{lec.course}-{lec.day}-{lec.period}-{lec.room}")
        event.add("dtstamp", stamp)
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=period_minutes))
        event.add("rrule", {"freq": "weekly", "count": weeks})
        event.add("summary", f"{lec.course} ({course.teacher})" if course else lec.course)
        event.add("location", lec.room)
        curricula = problem.curricula_of_course.get(lec.course, ())
        if curricula:
            event.add("description", "Curricula: " + ", ".join(curricula))
        calendar.add_component(event)
    return calendar.to_ical()
