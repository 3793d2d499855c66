"""Pin or unpin many lectures of a timetable at once, from the grid page's "Pin or unpin
several" panel: the lectures of the curriculum or teacher shown, of a day, or those ticked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError

from ..selectors.lecture_choice import revision_lecture_choice
from ..services.bulk_pins import pin_edit_build
from .common import require_scheduler, revision_or_404
from .draft_views import shown_timetable
from .timetable_views import edit_failure, edit_result


class BulkPinForm(forms.Form):
    """Pin or unpin many lectures: those of the view shown (`show`, a curriculum or teacher),
    of a day, or the ones ticked on the grid (`lecture`, their keys)."""

    CHOOSE = "Choose which lectures: those shown, a day's or the ticked ones."
    scope = forms.ChoiceField(
        label="Which lectures",
        choices=[("shown", "Of the view shown"), ("day", "On a day"), ("ticked", "Ticked")],
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )
    show = forms.CharField(required=False)
    day = forms.IntegerField(
        label="Day", min_value=0, required=False, error_messages={"invalid": "Choose a day."}
    )
    lecture = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    pinned = forms.TypedChoiceField(
        label="Pinned",
        choices=[("1", "Pin"), ("0", "Unpin")],
        coerce=lambda v: v == "1",
        error_messages={"required": "Choose Pin or Unpin.", "invalid_choice": "Pin or Unpin?"},
    )

    def choice(self) -> dict[str, Any]:
        """The keyword arguments of selectors.lecture_choice.revision_lecture_choice."""
        data = self.cleaned_data
        if data["scope"] == "day":
            return {"day": data["day"]}
        if data["scope"] == "ticked":
            return {"keys": data["lecture"]}
        kind, _, key = data["show"].partition(":")
        return {kind: key}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        scope = data.get("scope")
        if scope == "day" and data.get("day") is None:
            self.add_error("day", "Choose a day.")
        elif scope == "ticked" and not data.get("lecture"):
            self.add_error("lecture", "Tick the lectures first (the box on each lecture).")
        elif scope == "shown" and data.get("show", "").partition(":")[0] not in (
            "curriculum",
            "teacher",
        ):
            self.add_error("scope", "Show a curriculum or a teacher to choose all its lectures.")
        return data


@login_required
@require_POST
def revision_pin_bulk(request: HttpRequest, revision_id: int) -> HttpResponse:
    """A new revision (or an edit of the person's draft) with the chosen lectures pinned (or
    unpinned); answered like a single pin: a redirect to the grid with a message, or JSON."""
    require_scheduler(request)
    revision = revision_or_404(revision_id)
    show = request.POST.get("show", "")
    form = BulkPinForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return edit_failure(request, revision, f"Not saved: {errors}", 400, show, None)
    try:
        lectures, _, _ = shown_timetable(request, revision)  # a draft's, when one is open
        choice = revision_lecture_choice(revision=revision, lectures=lectures, **form.choice())
        edit = pin_edit_build(choice=choice, pinned=form.cleaned_data["pinned"])
    except ApplicationError as exc:
        return edit_failure(
            request, revision, f"Not saved: {exc.message}", exc.status_code, show, None
        )
    return edit_result(request, revision, pins=edit.pins, note=edit.note)
