"""Exports, used alike by the API, the pages and the commands: a problem as ITC-2007 text, a
revision as an ITC-2007 solution, CSV, or iCalendar (weekly recurring events in the term's time
zone, RFC 5545)."""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event

from core.exceptions import ApplicationError

from . import models
from .clock import Clock, problem_clock
from .errors import ErrorCode
from .lectures import Lecture
from .timetabling import Problem, format_problem, format_solution, format_workbook, itc_names

PROBLEM_FORMATS = ("ctt", "ectt", "zip")
REVISION_FORMATS = ("sol", "csv", "ics")
CONTENT_TYPES = {
    "ctt": "text/plain; charset=utf-8",
    "ectt": "text/plain; charset=utf-8",
    "sol": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class Export:
    body: bytes
    content_type: str
    filename: str


DEFAULT_TERM_WEEKS = 14


@dataclass(frozen=True)
class CalendarOptions:
    """Where the weekly timetable sits in real time: day 0 falls on `term_start`, each lecture
    recurs weekly until `term_end` (included), at clock times of `time_zone`."""

    term_start: date
    term_end: date
    time_zone: ZoneInfo
    day_start: time = time(8, 0)  # when period 0 starts
    period_minutes: int = 60


def calendar_options(
    problem: models.Problem,
    *,
    start: date | None = None,
    end: date | None = None,
    weeks: int | None = None,
    day_start: time | None = None,
    period_minutes: int | None = None,
) -> CalendarOptions:
    """The problem's own calendar, with what the caller overrides. With no term dates anywhere,
    the term starts next Monday and lasts DEFAULT_TERM_WEEKS; `weeks` sets the end from the
    start."""
    zone = ZoneInfo(problem.time_zone or settings.SCHEDULING_TIME_ZONE)
    first = start or problem.term_start or next_monday(zone)
    if end is None and weeks is None and problem.term_end and problem.term_end >= first:
        end = problem.term_end
    last = end or first + timedelta(weeks=weeks or DEFAULT_TERM_WEEKS) - timedelta(days=1)
    if last < first:
        raise ApplicationError(
            f"The term cannot end ({last}) before it starts ({first}).", code=ErrorCode.INVALID_TERM
        )
    return CalendarOptions(
        term_start=first,
        term_end=last,
        time_zone=zone,
        day_start=day_start or problem.day_start,
        period_minutes=period_minutes or problem.period_minutes,
    )


def next_monday(zone: ZoneInfo) -> date:
    today = timezone.now().astimezone(zone).date()
    return today + timedelta(days=(7 - today.weekday()) % 7)


def problem_export(*, problem_id: int, problem: Problem, fmt: str) -> Export:
    """The problem as ITC-2007 text (names with blanks as tokens: `itc_names`) or as the zip of
    CSV files (`timetabling.formats.workbook`, names as they are)."""
    if fmt == "zip":
        body = format_workbook(problem)
    else:
        body = format_problem(itc_names(problem).problem(problem), extended=fmt == "ectt").encode()
    return Export(body, CONTENT_TYPES[fmt], f"problem-{problem_id}.{fmt}")


def revision_export(
    *,
    revision: models.Revision,
    lectures: list[Lecture],
    problem: Problem,
    fmt: str,
    calendar: CalendarOptions | None = None,
    view: str = "all",
    key: str = "",
) -> Export:
    """A revision's `lectures` as `fmt`: those of one view (`view` "teacher", "curriculum" or
    "room" and its `key`) or "all". The view is in the calendar's title and the file's name."""
    if fmt == "sol":
        body = export_solution(lectures, problem).encode()
    elif fmt == "csv":
        body = export_csv(lectures, problem, problem_clock(revision.problem)).encode()
    else:
        title = f"{revision.problem.name} #{revision.number}" + (f" ({key})" if key else "")
        body = export_ics(
            lectures,
            problem,
            title=title,
            uid_namespace=uuid.uuid5(revision.problem.uid, str(revision.number)),
            calendar=calendar or calendar_options(revision.problem),
            stamp=revision.created_at,
        )
    return Export(body, CONTENT_TYPES[fmt], f"{export_name(revision, view, key)}.{fmt}")


def export_name(revision: models.Revision, view: str = "all", key: str = "") -> str:
    """A download's name without extension: problem, revision and view, so that downloads of
    different revisions or views never share a name (`comp01-revision-3-teacher-scarlatti`,
    `toyexample-revision-1-all`). A key the slug would change (`Prof. Li`) gets a short digest
    of itself: two keys never share a name."""
    problem = slugify(revision.problem.name)[:60].strip("-") or f"problem-{revision.problem_id}"
    if view == "all" or not key:
        return f"{problem}-revision-{revision.number}-all"
    slug = slugify(key)[:60].strip("-")
    if slug != key.lower():
        slug = f"{slug}-{hashlib.sha256(key.encode()).hexdigest()[:6]}".lstrip("-")
    return f"{problem}-revision-{revision.number}-{view}-{slug}"


def export_solution(lectures: Iterable[Lecture], problem: Problem) -> str:
    """The ITC-2007 solution file, names as the problem's file writes them (`itc_names`)."""
    return format_solution(itc_names(problem).to_tokens(lec.assignment for lec in lectures))


CSV_HEADER = ("course", "teacher", "room", "day", "start", "end", "pinned", "curricula")


def export_csv(lectures: Iterable[Lecture], problem: Problem, clock: Clock) -> str:
    """One row per lecture for people and spreadsheets, in the order of the week: the day's
    name ("Monday", or "Day 1" in a week of more than seven days), the clock times the lecture
    starts and ends (HH:MM, from the problem's `day_start` and `period_minutes`), pinned 0/1 and
    the course's curricula separated by spaces (docs/scheduling.md, Exports)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for lec in sorted(lectures, key=lambda x: (x.day, x.period, x.course, x.room)):
        course = problem.course_by_id.get(lec.course)
        writer.writerow(
            [
                lec.course,
                course.teacher if course else "",
                lec.room,
                clock.day(lec.day),
                clock.start(lec.period),
                clock.end(lec.period),
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
    uid_namespace: uuid.UUID,
    calendar: CalendarOptions,
    stamp: datetime,
) -> bytes:
    """One weekly recurring event per lecture, placed in time by `calendar`.

    Each event's UID is a UUID derived from `uid_namespace` (the problem's own random UUID and
    the revision number) and the lecture: globally unique as RFC 5545 asks, and the same in every
    export of the revision, whole or one teacher's, so calendar programs update rather than
    duplicate."""
    ics = Calendar()
    ics.add("prodid", "-//ALF//Scheduler Service//EN")
    ics.add("version", "2.0")
    ics.add("x-wr-calname", title)
    ics.add("x-wr-timezone", calendar.time_zone.key)
    minutes = calendar.period_minutes
    # RFC 5545: with a zoned DTSTART, UNTIL is given in UTC; the term's last day is included.
    until = datetime.combine(calendar.term_end + timedelta(days=1), time(0), calendar.time_zone)
    seen: Counter[Lecture] = Counter()
    for lec in lectures:
        seen[lec] += 1
        first_day = calendar.term_start + timedelta(days=lec.day)
        if first_day > calendar.term_end:
            continue  # a term shorter than the timetable's week: this lecture never meets
        day = datetime.combine(first_day, calendar.day_start, calendar.time_zone)
        begin = day + timedelta(minutes=lec.period * minutes)
        course = problem.course_by_id.get(lec.course)
        key = f"{lec.course}/{lec.day}/{lec.period}/{lec.room}/{seen[lec]}"
        event = Event()
        event.add("uid", str(uuid.uuid5(uid_namespace, key)))
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=minutes))
        event.add("rrule", {"freq": "weekly", "until": until.astimezone(UTC)})
        event.add("summary", f"{lec.course} ({course.teacher})" if course else lec.course)
        event.add("location", lec.room)
        curricula = problem.curricula_of_course.get(lec.course, ())
        if curricula:
            event.add("description", "Curricula: " + ", ".join(curricula))
        ics.add_component(event)
    # The zone's rules over the term only (the default spans decades of transitions).
    ics.add_missing_timezones(first_date=calendar.term_start, last_date=until.date())
    body: bytes = ics.to_ical()
    return body
