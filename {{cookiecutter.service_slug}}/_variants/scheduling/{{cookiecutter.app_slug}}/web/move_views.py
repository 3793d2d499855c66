"""Guided moves on the grid: where a picked-up lecture could go (JSON for the grid's script),
and two lectures trading places as one revision."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from ..clock import problem_clock
from ..lectures import Lecture, Move
from ..selectors.placement import lecture_places
from ..selectors.problems import problem_to_core
from .common import require_scheduler, revision_or_404
from .draft_views import shown_timetable
from .forms import SwapForm
from .grid import view_keys, view_parse
from .places import places_payload
from .timetable_views import edit_failure, edit_result


@login_required
@require_GET
def revision_places(request: HttpRequest, revision_id: int) -> JsonResponse:
    """Every period `?lecture=` could move to, each with its room and what it would change;
    the swaps with the lectures the view `?show=` shows (none in the view of every lecture,
    whose cells hold too many to choose from)."""
    require_scheduler(request)
    revision = revision_or_404(revision_id)
    lecture = Lecture.from_key(request.GET.get("lecture", ""))
    if lecture is None:
        return JsonResponse({"error": "Name a lecture: course|day|period|room."}, status=400)
    problem = problem_to_core(problem=revision.problem)
    kind, key = view_parse(request.GET.get("show"), problem)
    lectures, verification, draft = shown_timetable(request, revision)
    swap_keys = view_keys(problem, lectures, kind, key) if kind != "all" else []
    places = lecture_places(
        problem=revision.problem,
        lectures=lectures,
        verification=verification,
        lecture=lecture,
        swap_keys=swap_keys,
    )
    if places is None:
        here = draft is not None and draft.base_id == revision.pk
        where = "Your draft" if here else f"Revision #{revision.number}"
        message = f"{where} has no such lecture of {lecture.course}."
        return JsonResponse({"error": message}, status=404)
    return JsonResponse(places_payload(places, problem_clock(revision.problem)))


@login_required
@require_POST
def revision_swap(request: HttpRequest, revision_id: int) -> HttpResponse:
    """Two lectures trade places (period and room): one new revision."""
    require_scheduler(request)
    revision = revision_or_404(revision_id)
    show = request.POST.get("show", "")
    form = SwapForm(request.POST)
    if not form.is_valid():
        return edit_failure(request, revision, "Not saved: unknown lecture.", 400, show, None)
    first: Lecture = form.cleaned_data["lecture"]
    second: Lecture = form.cleaned_data["other"]
    if first.slot == second.slot or (first.day, first.period) == (second.day, second.period):
        message = "Not saved: the two lectures are at the same time already."
        return edit_failure(request, revision, message, 400, show, None)
    clock = problem_clock(revision.problem)
    moves = [
        Move(first.course, first.slot, second.slot),
        Move(second.course, second.slot, first.slot),
    ]
    note = (
        f"Swapped {first.course} ({clock.when(first.day, first.period)}) and "
        f"{second.course} ({clock.when(second.day, second.period)})"
    )
    return edit_result(request, revision, moves=moves, note=note)
