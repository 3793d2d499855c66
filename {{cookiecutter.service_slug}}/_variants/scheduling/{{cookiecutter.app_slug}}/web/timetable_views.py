"""Pages of one timetable: the grid of a revision (one curriculum, teacher or room at a time),
its edits (move, pin) and their outcome, and the comparison of two revisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_POST

from core.auth import signed_in_user
from core.exceptions import ApplicationError, ConflictError

from .. import timetabling
from ..clock import Clock, problem_clock
from ..lectures import Edit, Lecture, Move, Pin, Slot
from ..models import Draft, Revision
from ..permissions import user_is_scheduler
from ..selectors.drafts import draft_get, draft_timetable
from ..selectors.placement import lecture_place_at
from ..selectors.problems import problem_to_core
from ..selectors.publishing import problem_revision_state
from ..selectors.revisions import revision_diff, revision_latest_id, revision_verification
from ..services.drafts import draft_add, draft_begin
from ..services.revisions import revision_create_edited
from .common import (
    export_links,
    grid_url,
    page_url,
    problem_or_404,
    render_page,
    require_scheduler,
    revision_or_404,
    wants_json,
)
from .draft_views import draft_context, edits_in_draft, shown_timetable
from .forms import DiffForm, MoveForm, PinForm, PlaceForm
from .grid import Grid, grid_build, view_choices, view_parse
from .history import diff_changes
from .places import find_a_place
from .wording import component_labels, components_view, formulation_label


@login_required
def revision_grid_page(request: HttpRequest, revision_id: int) -> HttpResponse:
    revision = revision_or_404(revision_id)
    state = problem_revision_state(problem_id=revision.problem_id)
    return _grid_response(request, revision, extra={"revision_state": state})


def _grid_response(
    request: HttpRequest,
    revision: Revision,
    *,
    against: Revision | None = None,
    template: str = "grid.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    problem = problem_to_core(problem=revision.problem)
    kind, key = view_parse(request.GET.get("show"), problem)
    show = f"{kind}:{key}"
    draft = None
    if against is None:
        lectures, verification, draft = shown_timetable(request, revision)
    else:
        lectures, verification = revision_verification(revision=revision)
    diff = revision_diff(revision=revision, against=against) if against is not None else None
    clock = problem_clock(revision.problem)
    grid = grid_build(
        problem=problem,
        lectures=lectures,
        verification=verification,
        view=kind,
        key=key,
        clock=clock,
        diff=diff,
        component_labels=component_labels(verification),
    )
    latest_id = revision_latest_id(problem_id=revision.problem_id)
    is_latest = latest_id == revision.pk
    # A person's draft is edited on its base's page (saving it tells when that is not the
    # latest any more); otherwise only the latest revision is.
    draft_here = draft is not None and draft.base_id == revision.pk
    editable = against is None and (is_latest or draft_here) and user_is_scheduler(request.user)
    context = {
        "revision": revision,
        "problem": revision.problem,
        "grid": grid,
        "show": show,
        "view_choices": view_choices(problem),
        "verification": verification,
        "components": components_view(verification),
        "formulation": formulation_label(verification.formulation),
        "is_latest": is_latest,
        "for_earlier_version": revision.for_earlier_version,
        "latest_url": grid_url(latest_id, show) if latest_id and not is_latest else "",
        "editable": editable,
        **(
            _edit_forms(request, revision, problem, lectures, verification, grid, clock)
            if editable
            else {}
        ),
        **(draft_context(request, draft, revision) if against is None else {}),
        "exports": export_links(revision, kind, key),
        "diff": diff,
        "changes": diff_changes(diff, clock=clock) if diff else [],
        "against": against,
    }
    context.update(extra or {})
    return render_page(request, template, context)


def _edit_forms(
    request: HttpRequest,
    revision: Revision,
    problem: timetabling.Problem,
    lectures: list[Lecture],
    verification: timetabling.Verification,
    grid: Grid,
    clock: Clock,
) -> dict[str, Any]:
    """The Move form and the "Find a place" form (for the lectures the grid shows), and with
    `?place=` the best places for one of them in the timetable `lectures`."""
    move_form = MoveForm(problem=problem, clock=clock, lectures=grid.lectures, auto_id="move_%s")
    form = PlaceForm(
        request.GET if "place" in request.GET else None,
        clock=clock,
        lectures=grid.lectures,
        auto_id="place_%s",
    )
    found = None
    if form.is_bound and form.is_valid():
        found = find_a_place(
            revision.problem, lectures, verification, form.cleaned_data["place"], clock
        )
    return {"move_form": move_form, "place_form": form, "places": found}


def edit_result(
    request: HttpRequest,
    revision: Revision,
    *,
    moves: Sequence[Move] = (),
    pins: Sequence[Pin] = (),
    note: str = "",
) -> HttpResponse:
    show = request.POST.get("show", "")
    draft = draft_get(problem_id=revision.problem_id, author=request.user)
    edit = Edit(tuple(moves), tuple(pins), note)
    if draft is not None and draft.base_id == revision.pk:
        return _draft_edit_result(request, revision, edit, show, draft)
    if edits_in_draft(request):
        if draft is not None:  # on an older revision: one draft at a time
            message = (
                f"Not done: your draft on revision #{draft.base.number} is still open. Open it "
                "to save or discard it first."
            )
            return edit_failure(request, revision, message, 409, show, None)  # the page links it
        if revision_latest_id(problem_id=revision.problem_id) == revision.pk:
            return _draft_edit_result(request, revision, edit, show, None)  # starts one
    try:
        new = revision_create_edited(
            base=revision, moves=moves, pins=pins, author=signed_in_user(request), note=note
        )
    except ConflictError as exc:
        message = (
            f"Not saved: revision #{revision.number} is no longer the latest, someone saved a "
            "newer revision meanwhile. Open the latest revision and make the change again."
        )
        latest = exc.extra.get("latest_revision")
        return edit_failure(request, revision, message, 409, show, latest)
    except ApplicationError as exc:
        return edit_failure(request, revision, f"Not saved: {exc.message}", 400, show, None)
    delta = new.total_cost - revision.total_cost
    summary = (
        f"Saved revision #{new.number}: {new.hard_violations} hard violation"
        f"{'' if new.hard_violations == 1 else 's'}, total cost {new.total_cost} ({delta:+d})."
    )
    return _edit_done(request, summary, grid_url(new.pk, show), revision=new.pk)


def _draft_edit_result(
    request: HttpRequest, revision: Revision, edit: Edit, show: str, draft: Draft | None
) -> HttpResponse:
    """An edit made in the person's draft (started by it when `draft` is None): nothing is
    saved as a revision yet."""
    try:
        if draft is None:
            author = signed_in_user(request)
            draft = draft_begin(problem=revision.problem, author=author, edit=edit)
        else:
            draft = draft_add(draft=draft, edit=edit)
    except ApplicationError as exc:
        status = 409 if isinstance(exc, ConflictError) else 400
        return edit_failure(request, revision, f"Not done: {exc.message}", status, show, None)
    _, verification = draft_timetable(draft=draft)
    delta = verification.total_cost - draft.base.total_cost
    summary = (
        f"In your draft: {edit.note}. {verification.hard_violations} hard violation"
        f"{'' if verification.hard_violations == 1 else 's'}, total cost "
        f"{verification.total_cost} ({delta:+d} against #{draft.base.number}); not saved yet."
    )
    return _edit_done(request, summary, grid_url(draft.base_id, show), draft=draft.pk)


def _edit_done(request: HttpRequest, summary: str, url: str, **ids: int) -> HttpResponse:
    """A made edit: the grid `url` opens with the one-line `summary` (scripts get it as JSON,
    with the new revision's or the draft's id)."""
    messages.success(request, summary)
    if wants_json(request):
        return JsonResponse({"redirect": url, "message": summary, **ids})
    return HttpResponseRedirect(url)


def edit_failure(
    request: HttpRequest,
    revision: Revision,
    message: str,
    status: int,
    show: str,
    latest: int | None,
) -> HttpResponse:
    latest_url = grid_url(latest, show) if latest else ""
    if wants_json(request):
        return JsonResponse({"error": message, "latest_url": latest_url}, status=status)
    messages.error(request, message)
    return HttpResponseRedirect(grid_url(revision.pk, show))


@login_required
@require_POST
def revision_move(request: HttpRequest, revision_id: int) -> HttpResponse:
    require_scheduler(request)
    revision = revision_or_404(revision_id)
    problem = problem_to_core(problem=revision.problem)
    lectures, verification, _ = shown_timetable(request, revision)
    clock = problem_clock(revision.problem)
    form = MoveForm(request.POST, problem=problem, clock=clock, lectures=lectures)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label if name in form.fields else 'Form'}: "
            + " ".join(str(e) for e in errs)
            for name, errs in form.errors.items()
        )
        return edit_failure(
            request, revision, f"Not saved: {errors}", 400, request.POST.get("show", ""), None
        )
    lecture = form.cleaned_data["lecture"]
    day, period, room = (form.cleaned_data[name] for name in ("day", "period", "room"))
    if not room:  # a free room that fits, its own when free (as a drop on the grid)
        place = lecture_place_at(
            problem=revision.problem,
            lectures=lectures,
            formulation=verification.formulation,
            lecture=lecture,
            day=day,
            period=period,
        )
        room = place.room if place is not None else lecture.room
    target = Slot(day, period, room)
    if target == lecture.slot:
        message = f"Not saved: {lecture.course} is already there, nothing changed."
        return edit_failure(request, revision, message, 400, request.POST.get("show", ""), None)
    move = Move(lecture.course, lecture.slot, target)
    note = form.cleaned_data["note"] or (
        f"Moved {lecture.course} to {clock.when(target.day, target.period)}"
        + (f", room {target.room}" if target.room else "")
    )
    return edit_result(request, revision, moves=[move], note=note)


@login_required
@require_POST
def revision_pin(request: HttpRequest, revision_id: int) -> HttpResponse:
    require_scheduler(request)
    revision = revision_or_404(revision_id)
    form = PinForm(request.POST)
    if not form.is_valid():
        show = request.POST.get("show", "")
        return edit_failure(request, revision, "Not saved: unknown lecture.", 400, show, None)
    lecture = form.cleaned_data["lecture"]
    pinned = form.cleaned_data["pinned"]
    when = problem_clock(revision.problem).when(lecture.day, lecture.period)
    note = f"{'Pinned' if pinned else 'Unpinned'} {lecture.course} on {when}"
    pin = Pin(lecture.course, lecture.slot, pinned)
    return edit_result(request, revision, pins=[pin], note=note)


@login_required
def problem_diff_page(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = problem_or_404(problem_id)
    form = DiffForm(request.GET, problem=problem)
    if not form.is_valid():
        messages.error(request, "Choose two revisions of this problem to compare.")
        return HttpResponseRedirect(page_url("problem-history", problem.pk))
    against, revision = form.cleaned_data["against"], form.cleaned_data["revision"]
    revision = revision_or_404(revision.pk)
    return _grid_response(
        request,
        revision,
        against=revision_or_404(against.pk),
        template="diff.html",
        extra={
            "diff_form": form,
            "keep_params": [("against", against.pk), ("revision", revision.pk)],
        },
    )
