"""The working set on the grid: a person's draft of the latest revision. Their first edit starts
it (unless they chose to save each change at once); while it is open, the grid shows it and
every edit (move, swap, pin) goes into it; undo and redo walk its edits; it is saved as one
revision with a note, or discarded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError, ConflictError

from .. import timetabling
from ..lectures import Lecture
from ..models import Draft, Problem, Revision
from ..selectors.drafts import draft_edits, draft_get, draft_timetable
from ..selectors.revisions import revision_latest_id, revision_verification
from ..services.drafts import draft_discard, draft_redo, draft_save, draft_undo
from .common import grid_url, problem_or_404, require_scheduler, wants_json

EDIT_MODE_KEY = "scheduling:edit-mode"  # in the session: IN_DRAFT (the default) or AT_ONCE
IN_DRAFT, AT_ONCE = "draft", "at-once"


def edits_in_draft(request: HttpRequest) -> bool:
    """Whether this person's edits collect in a draft (the default) rather than save at once."""
    return bool(request.session.get(EDIT_MODE_KEY, IN_DRAFT) != AT_ONCE)


def shown_timetable(
    request: HttpRequest, revision: Revision
) -> tuple[list[Lecture], timetabling.Verification, Draft | None]:
    """What the grid of `revision` shows this person: their draft when it is on this revision,
    else the revision itself; and their draft of the problem, on whichever revision."""
    draft = draft_get(problem_id=revision.problem_id, author=request.user)
    if draft is not None and draft.base_id == revision.pk:
        lectures, verification = draft_timetable(draft=draft)
        return lectures, verification, draft
    lectures, verification = revision_verification(revision=revision)
    return lectures, verification, draft


def draft_context(request: HttpRequest, draft: Draft | None, revision: Revision) -> dict[str, Any]:
    """The draft panel's context: the person's draft here (its edits, done and undone), or
    their draft on another revision, or none (and where their edits go)."""
    if draft is None or draft.base_id != revision.pk:
        return {"draft": None, "draft_elsewhere": draft, "edits_in_draft": edits_in_draft(request)}
    edits = draft_edits(draft=draft)
    return {
        "draft": draft,
        "draft_done": edits[: draft.position],
        "draft_undone": edits[draft.position :],
    }


def _draft_action(
    request: HttpRequest, problem_id: int, act: Callable[[Draft], str]
) -> HttpResponse:
    """Run `act` on the person's draft of the problem; answer like the grid's other forms."""
    require_scheduler(request)
    problem = problem_or_404(problem_id)
    show = request.POST.get("show", "")
    draft = draft_get(problem_id=problem.pk, author=request.user)
    fallback = revision_latest_id(problem_id=problem.pk)
    if draft is None:
        return _answer(request, "There is no draft open: start one first.", fallback, show, 409)
    base = draft.base_id
    try:
        message = act(draft)
    except ConflictError as exc:
        latest = exc.extra.get("latest_revision") if exc.extra else None
        return _answer(request, f"Not done: {exc.message}", base, show, 409, latest)
    except ApplicationError as exc:
        return _answer(request, f"Not done: {exc.message}", base, show, 400)
    target = draft_get(problem_id=problem.pk, author=request.user)
    revision_id = (
        target.base_id if target is not None else revision_latest_id(problem_id=problem.pk)
    )
    return _answer(request, message, revision_id, show, 200)


def _answer(
    request: HttpRequest,
    message: str,
    revision_id: int | None,
    show: str,
    status: int,
    latest: int | None = None,
) -> HttpResponse:
    url = grid_url(revision_id, show) if revision_id else "/"
    if wants_json(request) and status >= 400:  # said next to the form, the page stays
        latest_url = grid_url(latest, show) if latest else ""
        return JsonResponse({"error": message, "latest_url": latest_url}, status=status)
    (messages.success if status < 400 else messages.error)(request, message)
    if wants_json(request):  # the script opens `redirect`, which shows the message
        return JsonResponse({"redirect": url, "message": message})
    return HttpResponseRedirect(url)


@login_required
@require_POST
def edit_mode_view(request: HttpRequest, problem_id: int) -> HttpResponse:
    """Switch how this person's edits on the grid land: in a draft (the default) or each saved
    at once as a revision. Kept in the session."""
    require_scheduler(request)
    problem: Problem = problem_or_404(problem_id)
    at_once = request.POST.get("mode") == AT_ONCE
    request.session[EDIT_MODE_KEY] = AT_ONCE if at_once else IN_DRAFT
    message = (
        "Each change is now saved at once as a new revision."
        if at_once
        else "Your changes now collect in a draft until you save them as one revision."
    )
    latest = revision_latest_id(problem_id=problem.pk)
    return _answer(request, message, latest, request.POST.get("show", ""), 200)


@login_required
@require_POST
def draft_undo_view(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _draft_action(request, problem_id, lambda d: f"Undone: {draft_undo(draft=d).note}.")


@login_required
@require_POST
def draft_redo_view(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _draft_action(request, problem_id, lambda d: f"Redone: {draft_redo(draft=d).note}.")


@login_required
@require_POST
def draft_save_view(request: HttpRequest, problem_id: int) -> HttpResponse:
    note = request.POST.get("note", "")[:500]

    def save(draft: Draft) -> str:
        revision = draft_save(draft=draft, note=note)
        return (
            f"Saved revision #{revision.number}: {revision.hard_violations} hard violation"
            f"{'' if revision.hard_violations == 1 else 's'}, total cost {revision.total_cost}."
        )

    return _draft_action(request, problem_id, save)


@login_required
@require_POST
def draft_discard_view(request: HttpRequest, problem_id: int) -> HttpResponse:
    def discard(draft: Draft) -> str:
        draft_discard(draft=draft)
        return f"Draft discarded: revision #{draft.base.number} is as it was."

    return _draft_action(request, problem_id, discard)
