"""Forms of the scheduler's pages: they validate input, services do the work."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..clock import Clock
from ..lectures import Lecture
from ..models import Revision
from ..services.runs import REPAIR_WEIGHT, RunMode
from ..timetabling.formulations import generation_formulations
from .wording import formulation_label


class FastSelect(forms.Select):
    """A select rendered in Python: hundreds of options without a template render for each."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (v, mark_safe(" selected") if str(v) in chosen else "", label)
                for v, label in self.choices
            ),
        )
        final = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


class RevisionChoice(forms.ModelChoiceField[Revision]):
    """A revision of the form's problem, named by its number and origin."""

    widget = FastSelect  # a long history must not cost a template render per option

    def label_from_instance(self, obj: Revision) -> str:
        return f"#{obj.number} ({obj.origin})"


class BaseRevisionChoice(RevisionChoice):
    """A revision to start from, named with its cost too."""

    def label_from_instance(self, obj: Revision) -> str:
        hard = f", {obj.hard_violations} hard" if obj.hard_violations else ""
        return f"#{obj.number} ({obj.origin}, cost {obj.total_cost}{hard})"


class ProblemImportForm(forms.Form):
    file = forms.FileField(
        label="Problem file",
        help_text="An ITC-2007 .ctt file, an extended .ectt file, or a zip of CSV files.",
        widget=forms.ClearableFileInput(attrs={"accept": ".ctt,.ectt,.zip,text/plain"}),
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        help_text="Optional; the file's own name by default.",
    )


class GenerateForm(forms.Form):
    formulation = forms.ChoiceField(
        label="What to optimise (formulation)",
        choices=[(f, formulation_label(f)) for f in generation_formulations()],
        initial="UD2",
        help_text="Which soft costs count and how much; UD2 is the ITC-2007 competition's.",
    )
    time_limit = forms.IntegerField(
        label="Time limit (seconds)",
        min_value=1,
        initial=30,
        help_text="How long the solver searches; longer usually finds a lower cost.",
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        max_value=2**31 - 1,
        initial=0,
        required=False,
        help_text="Where the solver's random choices start. Another seed gives another "
        "timetable of about the same cost; keep 0 unless you want a different one.",
    )
    base_revision = BaseRevisionChoice(
        label="Base revision",
        queryset=Revision.objects.none(),
        required=False,
        empty_label="None: start from scratch",
        help_text="The timetable to start from; its pinned lectures stay where they are.",
    )
    mode = forms.ChoiceField(
        label="What to do with the base revision",
        choices=[
            (RunMode.REPAIR.value, "Repair: move as little as possible"),
            (RunMode.IMPROVE.value, "Improve: keep the pinned lectures, move the rest freely"),
            (RunMode.START_OVER.value, "Start over: ignore the base revision"),
        ],
        initial=RunMode.REPAIR.value,
        widget=forms.RadioSelect,
    )
    min_change_weight = forms.IntegerField(
        label="Minimal-change weight (repair)",
        min_value=0,
        max_value=1000,
        required=False,
        help_text=f"Cost of each lecture a repair moves away from the base revision; "
        f"blank: {REPAIR_WEIGHT}, enough that only hard violations and pins move lectures.",
    )
    ADVANCED = ("seed", "min_change_weight")
    CHOICES = ("mode",)

    def __init__(self, *args: Any, problem: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.SCHEDULING_MAX_TIME_LIMIT
        time_limit = cast(forms.IntegerField, self.fields["time_limit"])
        time_limit.max_value = limit
        time_limit.validators.append(MaxValueValidator(limit))
        time_limit.widget.attrs["max"] = limit
        revisions = Revision.objects.filter(problem=problem).order_by("-number")
        cast(BaseRevisionChoice, self.fields["base_revision"]).queryset = revisions
        if not revisions.exists():  # nothing to start from: a first timetable
            for name in ("base_revision", "mode", "min_change_weight"):
                del self.fields[name]

    def main_fields(self) -> list[forms.BoundField]:
        hidden = (*self.ADVANCED, *self.CHOICES)
        return [self[name] for name in self.fields if name not in hidden]

    def choice_fields(self) -> list[forms.BoundField]:
        """Radio buttons, shown as a fieldset (_choices.html)."""
        return [self[name] for name in self.CHOICES if name in self.fields]

    def advanced_fields(self) -> list[forms.BoundField]:
        """Folded under "Advanced" on the page: few people need them."""
        return [self[name] for name in self.ADVANCED if name in self.fields]

    def advanced_errors(self) -> bool:
        return any(name in self.errors for name in self.ADVANCED)

    def clean(self) -> dict[str, Any]:
        """`mode` as the run options (services.runs.run_mode_options); no base: start over."""
        data = super().clean() or self.cleaned_data
        if "mode" not in self.fields:
            data["mode"] = RunMode.START_OVER.value
        elif not data.get("base_revision") or data.get("mode") == RunMode.START_OVER:
            data.update(mode=RunMode.START_OVER.value, base_revision=None)
            if data.get("min_change_weight"):
                self.add_error("min_change_weight", "Only a repair takes a minimal-change weight.")
        elif data.get("mode") == RunMode.IMPROVE and data.get("min_change_weight"):
            self.add_error("min_change_weight", "Only a repair takes a minimal-change weight.")
        return data


class MoveForm(forms.Form):
    """The keyboard way to move a lecture (drag and drop posts the same fields)."""

    lecture = forms.ChoiceField(label="Lecture", widget=FastSelect)
    day = forms.TypedChoiceField(label="Day", coerce=int, widget=FastSelect)
    period = forms.TypedChoiceField(label="Time", coerce=int, widget=FastSelect)
    room = forms.ChoiceField(label="Room", required=False, widget=FastSelect)
    note = forms.CharField(label="Note", max_length=500, required=False)

    def __init__(
        self, *args: Any, problem: Any, clock: Clock, lectures: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = {name: cast(forms.ChoiceField, field) for name, field in self.fields.items()}
        choices["lecture"].choices = lecture_choices(lectures, clock)
        choices["day"].choices = [(d, clock.day(d)) for d in range(problem.days)]
        choices["period"].choices = [(p, clock.period(p)) for p in range(problem.periods_per_day)]
        choices["room"].choices = [("", "A free room that fits (its own if free)")] + [
            (r.id, f"{r.id} ({r.capacity} seats)") for r in problem.rooms
        ]

    def clean_lecture(self) -> Lecture:
        return _lecture(self.cleaned_data["lecture"], "Choose a lecture.")


def lecture_choices(lectures: list[Any], clock: Clock) -> list[tuple[str, str]]:
    """A select's options for lectures: "course · Mon 08:00 · room B (pinned)"."""
    return [
        (
            lec.key,
            f"{lec.course} · {clock.when(lec.day, lec.period)} · room {lec.room}"
            + (" (pinned)" if lec.pinned else ""),
        )
        for lec in lectures
    ]


class PlaceForm(forms.Form):
    """The "Find a place" form: the lecture to find the best few places for."""

    place = forms.ChoiceField(label="Find a place for", widget=FastSelect)

    def __init__(self, *args: Any, clock: Clock, lectures: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["place"]).choices = lecture_choices(lectures, clock)

    def clean_place(self) -> Lecture:
        return _lecture(self.cleaned_data["place"], "Choose a lecture.")


class SwapForm(forms.Form):
    """Two lectures of one revision that trade places (period and room)."""

    lecture = forms.CharField(label="Lecture")
    other = forms.CharField(label="Swap with")

    def clean_lecture(self) -> Lecture:
        return _lecture(self.cleaned_data["lecture"], "Unknown lecture.")

    def clean_other(self) -> Lecture:
        return _lecture(self.cleaned_data["other"], "Unknown lecture to swap with.")


class PinForm(forms.Form):
    lecture = forms.CharField(label="Lecture")
    pinned = forms.TypedChoiceField(
        label="Pinned", choices=[("1", "Pin"), ("0", "Unpin")], coerce=lambda v: v == "1"
    )

    def clean_lecture(self) -> Lecture:
        return _lecture(self.cleaned_data["lecture"], "Unknown lecture.")


def _lecture(key: str, error: str) -> Lecture:
    """The lecture a form's `lecture` field names (its key), or the error."""
    lecture = Lecture.from_key(key)
    if lecture is None:
        raise forms.ValidationError(error)
    return lecture


class DiffForm(forms.Form):
    against = RevisionChoice(label="Compare", queryset=Revision.objects.none())
    revision = RevisionChoice(label="with", queryset=Revision.objects.none())

    def __init__(self, *args: Any, problem: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        revisions = Revision.objects.filter(problem=problem).order_by("-number")
        for name in ("against", "revision"):
            cast(RevisionChoice, self.fields[name]).queryset = revisions


class TermCreateForm(forms.Form):
    """A new term entered in the service: its week; courses and rooms are added next."""

    name = forms.CharField(label="Name", max_length=200)
    days = forms.IntegerField(label="Days per week", min_value=1, max_value=7, initial=5)
    periods_per_day = forms.IntegerField(
        label="Periods per day", min_value=1, max_value=24, initial=4
    )


class CourseAddForm(forms.Form):
    code = forms.CharField(label="Course", max_length=64)
    teacher = forms.CharField(label="Teacher", max_length=64)
    lectures = forms.IntegerField(label="Lectures per week", min_value=1, max_value=1000)
    min_working_days = forms.IntegerField(label="Spread over at least (days)", min_value=0,
                                          max_value=1000, initial=1)  # fmt: skip
    students = forms.IntegerField(label="Students", min_value=0, max_value=1_000_000)
    double_lectures = forms.BooleanField(label="Prefers double lectures", required=False)


class RoomAddForm(forms.Form):
    code = forms.CharField(label="Room", max_length=64)
    capacity = forms.IntegerField(label="Seats", min_value=0, max_value=1_000_000)
    site = forms.IntegerField(
        label="Building number", min_value=0, max_value=1000, initial=0,
        help_text="For travel distance between consecutive lectures.",
    )  # fmt: skip


class TermCalendarForm(forms.Form):
    """Where the week sits in real time, for calendar exports (docs/scheduling.md, Calendars)."""

    time_zone = forms.CharField(
        label="Time zone", max_length=64, required=False,
        help_text="An IANA name such as Europe/Rome; blank: the service's default.",
    )  # fmt: skip
    term_start = forms.DateField(
        label="First day of the term", required=False, help_text="The timetable's first day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    term_end = forms.DateField(
        label="Last day of the term", required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    day_start = forms.TimeField(
        label="First period starts at", widget=forms.TimeInput(attrs={"type": "time"})
    )
    period_minutes = forms.IntegerField(label="Minutes per period", min_value=5, max_value=600)


class CourseEditForm(forms.Form):
    """A course's fields and constraints, on its own page."""

    teacher = forms.CharField(label="Teacher", max_length=64)
    lectures = forms.IntegerField(label="Lectures per week", min_value=1, max_value=1000)
    min_working_days = forms.IntegerField(
        label="Spread over at least (days)", min_value=0, max_value=1000
    )
    students = forms.IntegerField(label="Students", min_value=0, max_value=1_000_000)
    double_lectures = forms.BooleanField(label="Prefers double lectures", required=False)
    unavailable = forms.MultipleChoiceField(
        label="May not be taught in", required=False, widget=forms.CheckboxSelectMultiple
    )
    forbidden_rooms = forms.MultipleChoiceField(
        label="May not use", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, clock: Clock, periods: int, rooms: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["unavailable"]).choices = [
            (f"{d}-{p}", clock.when(d, p)) for d in range(clock.days) for p in range(periods)
        ]
        cast(forms.MultipleChoiceField, self.fields["forbidden_rooms"]).choices = [
            (r, r) for r in rooms
        ]

    def slots(self) -> list[tuple[int, int]]:
        pairs = (value.split("-") for value in self.cleaned_data["unavailable"])
        return [(int(d), int(p)) for d, p in pairs]


class CurriculumAddForm(forms.Form):
    code = forms.CharField(label="Curriculum", max_length=64)
    courses = forms.MultipleChoiceField(
        label="Its courses (they may not overlap)", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, courses: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["courses"]).choices = [(c, c) for c in courses]


class TermWeekForm(forms.Form):
    """The week and the daily limits of a term (a new version: timetables made before stay)."""

    days = forms.IntegerField(label="Days per week", min_value=1, max_value=7)
    periods_per_day = forms.IntegerField(label="Periods per day", min_value=1, max_value=24)
    min_daily_lectures = forms.IntegerField(
        label="Fewest lectures a day per curriculum", min_value=0, max_value=1000
    )
    max_daily_lectures = forms.IntegerField(
        label="Most lectures a day per curriculum", min_value=0, max_value=1000,
        help_text="0: no limit. Unavailable periods outside a shorter week are dropped.",
    )  # fmt: skip


class RoomEditForm(forms.Form):
    capacity = forms.IntegerField(label="Seats", min_value=0, max_value=1_000_000)
    site = forms.IntegerField(
        label="Building number", min_value=0, max_value=1000,
        help_text="For travel distance between consecutive lectures.",
    )  # fmt: skip
