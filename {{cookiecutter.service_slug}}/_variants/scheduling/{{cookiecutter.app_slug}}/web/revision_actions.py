"""Actions on whole revisions from the history and grid pages: restore an older one, publish
one (or none), and the small JSON state open grid pages poll to notice a newer revision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_POST

from core.auth import signed_in_user
from core.exceptions import ApplicationError

from ..selectors.publishing import problem_revision_state
from ..services.revision_actions import problem_unpublish, revision_publish, revision_restore
from .common import grid_url, page_url, problem_or_404, require_scheduler, revision_or_404


@login_required
@require_POST
def revision_restore_view(request: HttpRequest, revision_id: int) -> HttpResponse:
    require_scheduler(request)
    revision = revision_or_404(revision_id)
    try:
        new = revision_restore(revision=revision, author=signed_in_user(request))
    except ApplicationError as exc:
        messages.error(request, f"Not restored: {exc.message}")
        return HttpResponseRedirect(page_url("problem-history", revision.problem_id))
    messages.success(
        request,
        f"Saved revision #{new.number}: restored #{revision.number} "
        f"({new.hard_violations} hard, total cost {new.total_cost}).",
    )
    return HttpResponseRedirect(grid_url(new.pk))


@login_required
@require_POST
def revision_publish_view(request: HttpRequest, revision_id: int) -> HttpResponse:
    require_scheduler(request)
    revision = revision_or_404(revision_id)
    try:
        revision_publish(revision=revision)
    except ApplicationError as exc:
        messages.error(request, f"Not published: {exc.message}")
    else:
        messages.success(request, f"Revision #{revision.number} is the published timetable.")
    return HttpResponseRedirect(page_url("problem-history", revision.problem_id))


@login_required
@require_POST
def problem_unpublish_view(request: HttpRequest, problem_id: int) -> HttpResponse:
    require_scheduler(request)
    problem_unpublish(problem=problem_or_404(problem_id))
    messages.success(request, "No timetable is published now.")
    return HttpResponseRedirect(page_url("problem-history", problem_id))


@login_required
def problem_revision_state_view(request: HttpRequest, problem_id: int) -> JsonResponse:
    """{"latest": {"id", "number", "url"}, "published": {...}}: open grid pages poll it."""
    state = problem_revision_state(problem_id=problem_id)
    if state is None:
        raise Http404("No such problem.")
    for revision in state.values():
        if revision is not None:
            revision["url"] = grid_url(revision["id"])
    response = JsonResponse(state)
    response["Cache-Control"] = "no-store"
    return response
