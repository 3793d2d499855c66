"""Scheduling data: problems (terms), their timetable revisions and the runs that generate them.

A `Problem` is one term's curriculum-based course timetabling instance (ITC-2007 track 3). A
`Revision` is one complete timetable of a problem; revisions are immutable: an edit or a
generation makes a new one, numbered 1, 2, 3... per problem. A `GenerationRun` records one
request to the solver and its lifecycle (queued -> running -> succeeded/failed/cancelled).
"""

import uuid
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(name: str) -> None:
    """An IANA time zone name this machine knows (blank is allowed: the default zone)."""
    if not name:
        return
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"Unknown time zone {name!r}: give an IANA name such as Europe/Rome."
        raise ValidationError(message, code="invalid_time_zone") from None


class Problem(models.Model):
    class SourceFormat(models.TextChoices):
        CTT = "ctt", "ITC-2007 .ctt"
        ECTT = "ectt", "Extended .ectt"
        ZIP = "zip", "CSV files in a zip"
        ENTERED = "web", "Entered in the service"

    name = models.CharField(max_length=200)
    days = models.PositiveSmallIntegerField()
    periods_per_day = models.PositiveSmallIntegerField()
    min_daily_lectures = models.PositiveSmallIntegerField(default=0)
    max_daily_lectures = models.PositiveSmallIntegerField(default=0)
    source_format = models.CharField(max_length=4, choices=SourceFormat.choices)
    # Bumped by every edit of the problem's data: keys the cached core model.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scheduling_problems",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Where the weekly timetable sits in real time, for calendar exports (exports.py): the term's
    # dates (its first day is the timetable's day 0), the clock time of period 0 and the length of
    # a period, in `time_zone` (an IANA name; blank: SCHEDULING_TIME_ZONE). None of it changes
    # what is solved, so editing it makes no new version.
    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)  # calendar UIDs
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    term_start = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True)
    day_start = models.TimeField(default=time(8, 0))
    period_minutes = models.PositiveSmallIntegerField(default=60)
    CALENDAR_FIELDS = ("time_zone", "term_start", "term_end", "day_start", "period_minutes")
    # The revision the team has published (at most one at a time; services/revision_actions.py).
    published_revision = models.ForeignKey(
        "Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def extended(self) -> bool:
        """Whether it carries the extended data (.ectt, or a zip of CSV files)."""
        return self.source_format != self.SourceFormat.CTT


class Course(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="courses")
    code = models.CharField(max_length=64)
    teacher = models.CharField(max_length=64, db_index=True)
    lectures = models.PositiveSmallIntegerField()
    min_working_days = models.PositiveSmallIntegerField()
    students = models.PositiveIntegerField()
    double_lectures = models.BooleanField(default=False)
    # Removed from the problem, kept for the revisions that placed it (they stay as they were);
    # creating a course of the same code brings this row back.
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "code"], name="course_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


class Room(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="rooms")
    code = models.CharField(max_length=64)
    capacity = models.PositiveIntegerField()
    site = models.PositiveSmallIntegerField(default=0)
    removed = models.BooleanField(default=False)  # as Course.removed

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "code"], name="room_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


class Curriculum(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="curricula")
    code = models.CharField(max_length=64)
    courses = models.ManyToManyField(Course, related_name="curricula")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "curricula"
        constraints = [
            models.UniqueConstraint(fields=["problem", "code"], name="curriculum_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


class Unavailability(models.Model):
    """The course may not be taught at (day, period)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="unavailability")
    day = models.PositiveSmallIntegerField()
    period = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "unavailability"
        constraints = [
            models.UniqueConstraint(
                fields=["course", "day", "period"], name="unavailability_unique_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}@{self.day}.{self.period}"


class RoomConstraint(models.Model):
    """The room is unsuitable for the course (extended formulations)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="room_constraints")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="room_constraints")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "room"], name="room_constraint_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} not in {self.room_id}"


class Revision(models.Model):
    """One complete timetable of a problem. Immutable once written."""

    class Origin(models.TextChoices):
        GENERATED = "generated"
        EDITED = "edited"
        IMPORTED = "imported"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    origin = models.CharField(max_length=16, choices=Origin.choices)
    formulation = models.CharField(max_length=8, default="UD2")
    # The verifier's components at creation: {"hard": {name: count}, "soft": {name: cost}}.
    cost = models.JSONField(default=dict)
    hard_violations = models.PositiveIntegerField(default=0)
    total_cost = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scheduling_revisions",
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The problem's version it was made and verified for: after an edit of the problem's data it
    # stays as it was (its stored cost too), marked as made for an earlier version.
    problem_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["problem_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}#{self.number}"

    @property
    def for_earlier_version(self) -> bool:
        """Made for a problem version that edits have since replaced."""
        return self.problem_version != self.problem.version


class Assignment(models.Model):
    """One lecture of a revision: `course` in `room` at (`day`, `period`)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="assignments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="assignments")
    day = models.PositiveSmallIntegerField()
    period = models.PositiveSmallIntegerField()
    pinned = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["revision", "day", "period"], name="assignment_revision_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.room_id} {self.day} {self.period}"


class GenerationRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="runs")
    # No index of its own: with one, MySQL may lock the status index before the primary key in
    # `UPDATE ... WHERE id = %s AND status = %s` and deadlock with `SELECT ... FOR UPDATE`.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # Parameters
    formulation = models.CharField(max_length=8, default="UD2")
    time_limit = models.PositiveIntegerField()
    seed = models.PositiveIntegerField(default=0)
    base_revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    min_change_weight = models.PositiveIntegerField(null=True, blank=True)
    # Progress (written by the worker at a bounded rate; updated_at doubles as its heartbeat)
    phase = models.CharField(max_length=16, blank=True)
    best_cost = models.PositiveIntegerField(null=True, blank=True)
    bound = models.PositiveIntegerField(null=True, blank=True)
    elapsed = models.FloatField(default=0.0)
    # The best cost over time, [[elapsed seconds, best cost, bound or null], ...]: one point per
    # improvement (at most HISTORY_POINTS), so a chart opened at any time shows the whole curve.
    history = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    # Delivery (services/run_recovery.py): the task last published for the run and when, and the
    # delivery running it; every write of a running run is conditional on its owner.
    task_id = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    owner = models.CharField(max_length=64, blank=True)
    # Outcome
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.TextField(blank=True)
    error_extra = models.JSONField(default=dict, blank=True)
    result_revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Lectures of the base revision the result does not keep where they were (moved, or given
    # another room); None without a base.
    moved_lectures = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scheduling_runs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["problem", "status"], name="run_problem_status")]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class Draft(models.Model):
    """One person's working set on a revision: edits not yet saved. Saved as one revision (and
    then deleted) or discarded. `edits` lists each edit in order (`lectures.Edit.to_dict`);
    the first `position` of them count, the rest can be redone."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="drafts")
    base = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="drafts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scheduling_drafts"
    )
    edits = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["problem", "author"], name="draft_one_per_author"),
        ]

    def __str__(self) -> str:
        return f"draft of {self.base} by {self.author_id}"
