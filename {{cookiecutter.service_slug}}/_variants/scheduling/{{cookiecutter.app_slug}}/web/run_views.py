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
from ..selectors.revisions import revision_latest_id
from ..selectors.runs import run_get
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
                    messages.success(request, f"Run {run.pk} finished: cost {run.best_cost}.")
                    return HttpResponseRedirect(grid_url(run.result_revision_id))
                return HttpResponseRedirect(page_url("run-detail", run.pk))
        status = 400
    else:
        latest = revision_latest_id(problem_id=problem.pk)
        form = GenerateForm(problem=problem, initial={"base_revision": latest})
    return render_page(request, "generate.html", {"problem": problem, "form": form}, status=status)


def _run_state(run: GenerationRun) -> dict[str, Any]:
    result_url = grid_url(run.result_revision_id) if run.result_revision_id else ""
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
        "redirect": result_url if run.status == GenerationRun.Status.SUCCEEDED else "",
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
