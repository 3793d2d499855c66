"""Pages of generation runs: the generate form, a run's live progress, its cancellation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_http_methods, require_POST

from core.auth import signed_in_user
from core.exceptions import ApplicationError, ConflictError

from ..models import GenerationRun
from ..selectors.drafts import draft_get
from ..selectors.revisions import revision_latest_id
from ..selectors.runs import run_changes, run_get
from ..services.runs import run_cancel, run_start
from .common import (
    grid_url,
    page_url,
    problem_or_404,
    render_page,
    require_scheduler,
    run_or_404,
    wants_json,
)
from .forms import GenerateForm
from .wording import formulation_label


@login_required
@require_http_methods(["GET", "POST"])
def problem_generate_page(request: HttpRequest, problem_id: int) -> HttpResponse:
    require_scheduler(request)
    problem = problem_or_404(problem_id)
    status = 200
    if request.method == "POST":
        form = GenerateForm(request.POST, problem=problem)
        if form.is_valid():
            data = {**form.cleaned_data, "seed": form.cleaned_data["seed"] or 0}
            try:
                run = run_start(problem=problem, created_by=signed_in_user(request), **data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                run = run_get(run_id=run.pk) or run
                if run.status == GenerationRun.Status.SUCCEEDED and run.result_revision_id:
                    # Tasks ran eagerly (no broker): the timetable is already there.
                    messages.success(request, _finished_sentence(run))
                    if not run.base_revision_id:  # else the run page: what moved, compared
                        return HttpResponseRedirect(grid_url(run.result_revision_id))
                return HttpResponseRedirect(page_url("run-detail", run.pk))
        status = 400
    else:
        latest = revision_latest_id(problem_id=problem.pk)
        form = GenerateForm(problem=problem, initial={"base_revision": latest})
    # A draft's edits are not in any revision: a run would start without them.
    draft = draft_get(problem_id=problem.pk, author=request.user)
    context = {"problem": problem, "form": form, "draft": draft}
    return render_page(request, "generate.html", context, status=status)


def _moved_sentence(changes: dict[str, Any]) -> str:
    moved, total = changes["moved"], changes["lectures"]
    what = "lecture" if total == 1 else "lectures"
    return f"{moved} of {total} {what} moved against base revision #{changes['base_number']}."


def _finished_sentence(run: GenerationRun) -> str:
    changes = run_changes(run=run)
    moved = f" {_moved_sentence(changes)}" if changes else ""
    return f"Run {run.pk} finished: cost {run.best_cost}.{moved}"


def _run_state(run: GenerationRun) -> dict[str, Any]:
    result_url = grid_url(run.result_revision_id) if run.result_revision_id else ""
    changes = run_changes(run=run) if run.finished else None
    diff_url = ""
    if changes:
        query = f"?against={changes['base']}&revision={changes['result']}"
        diff_url = page_url("problem-diff", run.problem_id) + query
    succeeded = run.status == GenerationRun.Status.SUCCEEDED
    return {
        "id": run.pk,
        "status": run.status,
        "finished": run.finished,
        "phase": run.phase or "",
        "best_cost": run.best_cost,
        "bound": run.bound,
        "elapsed": round(run.elapsed or 0.0, 1),
        "history": run.history,
        "time_limit": run.time_limit,
        "cancel_requested": run.cancel_requested,
        "error_message": run.error_message,
        "result_url": result_url,
        # With a base, the page stays: it says what moved and links to the comparison.
        "redirect": result_url if succeeded and not run.base_revision_id else "",
        "moved_lectures": changes["moved"] if changes else None,
        "moved_text": _moved_sentence(changes) if changes else "",
        "diff_url": diff_url,
    }


@login_required
def run_detail_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_or_404(run_id)
    context = {
        "run": run,
        "problem": run.problem,
        "state": _run_state(run),
        "formulation": formulation_label(run.formulation),
    }
    return render_page(request, "run.html", context)


@login_required
def run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    response = JsonResponse(_run_state(run_or_404(run_id)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def run_cancel_view(request: HttpRequest, run_id: int) -> HttpResponse:
    require_scheduler(request)
    run = run_or_404(run_id)
    try:
        run = run_cancel(run=run)
    except ConflictError as exc:
        message = exc.message
        if wants_json(request):
            return JsonResponse({"error": message}, status=409)
        messages.info(request, message)
    else:
        message = "Cancelled." if run.finished else "Cancelling: the solver stops within a second."
        if wants_json(request):
            return JsonResponse({"message": message, **_run_state(run)})
        messages.info(request, message)
    return HttpResponseRedirect(page_url("run-detail", run.pk))
