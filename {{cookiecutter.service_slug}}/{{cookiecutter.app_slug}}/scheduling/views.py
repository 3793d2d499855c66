"""Web pages of the scheduler: thin views over services (writes), selectors and `ui` (reads).

Every page needs a signed-in user; only members of the scheduler group are offered (and
allowed) imports, edits, generations and cancellations.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import ApplicationError, ConflictError

from ..models import GenerationRun, Problem, Revision
from ..selectors import (
    course_list,
    curriculum_list,
    problem_get,
    problem_list,
    problem_to_core,
    revision_diff,
    revision_get,
    revision_latest_id,
    revision_list,
    room_list,
    run_get,
    run_list,
)
from ..services import Move, Pin, problem_import, revision_create_edited, run_cancel, run_start
from .forms import DiffForm, GenerateForm, MoveForm, PinForm, ProblemImportForm
from .permissions import user_is_scheduler
from .ui import (
    LectureView,
    cost_chart,
    day_name,
    diff_changes,
    grid_build,
    lecture_key,
    revision_verification,
    view_choices,
    view_parse,
)

logger = logging.getLogger(__name__)

NS = "{{ cookiecutter.app_slug }}"
TEMPLATES = "{{ cookiecutter.app_slug }}/scheduling/"


def _render(request: HttpRequest, name: str, context: dict[str, Any], status: int = 200):
    context.setdefault("ns", NS)
    context.setdefault("can_edit", user_is_scheduler(request.user))
    return render(request, TEMPLATES + name, context, status=status)


def _require_scheduler(request: HttpRequest) -> None:
    if not user_is_scheduler(request.user):
        raise PermissionDenied("Only members of the scheduler group may change timetables.")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _problem(problem_id: int) -> Problem:
    problem = problem_get(problem_id=problem_id)
    if problem is None:
        raise Http404("No such problem.")
    return problem


def _revision(revision_id: int) -> Revision:
    revision = revision_get(revision_id=revision_id)
    if revision is None:
        raise Http404("No such revision.")
    return revision


def _grid_url(revision_id: int, show: str = "") -> str:
    url = reverse(f"{NS}:revision-grid", args=[revision_id])
    return f"{url}?{urlencode({'show': show})}" if show else url


def _export_links(revision: Revision, show_kind: str, show_key: str) -> list[dict[str, str]]:
    base = reverse("revision-export", args=[revision.pk])
    links = [
        {"label": "Solution file (.sol)", "url": f"{base}?format=sol"},
        {"label": "CSV", "url": f"{base}?format=csv"},
        {"label": "iCalendar (all)", "url": f"{base}?format=ics"},
    ]
    if show_kind in ("curriculum", "teacher", "room"):
        links.append(
            {
                "label": f"iCalendar ({show_key})",
                "url": f"{base}?{urlencode({'format': 'ics', show_kind: show_key})}",
            }
        )
    return links


# ------------------------------------------------------------------------------ problems
@login_required
@require_http_methods(["GET", "POST"])
def problem_list_page(request: HttpRequest) -> HttpResponse:
    form = ProblemImportForm()
    status = 200
    if request.method == "POST":
        _require_scheduler(request)
        form = ProblemImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                problem = problem_import(
                    file=upload.read(),
                    name=form.cleaned_data["name"],
                    filename=upload.name,
                    created_by=request.user,
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request, f"Imported {problem.name}: generate a timetable when ready."
                )
                return HttpResponseRedirect(reverse(f"{NS}:problem-detail", args=[problem.pk]))
        status = 400
    return _render(
        request,
        "problem_list.html",
        {"problems": list(problem_list()), "form": form},
        status=status,
    )


@login_required
def problem_detail_page(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = _problem(problem_id)
    courses = list(course_list(problem=problem))
    unavailable = Counter(
        (u.day, u.period) for course in courses for u in course.unavailability.all()
    )
    days = [day_name(d, problem.days) for d in range(problem.days)]
    matrix = [
        (p, [unavailable.get((d, p), 0) for d in range(problem.days)])
        for p in range(problem.periods_per_day)
    ]
    return _render(
        request,
        "problem_detail.html",
        {
            "problem": problem,
            "courses": courses,
            "rooms": list(room_list(problem=problem)),
            "curricula": list(curriculum_list(problem=problem)),
            "periods": problem.days * problem.periods_per_day,
            "unavailability_count": sum(unavailable.values()),
            "days": days,
            "unavailability_matrix": matrix,
            "runs": list(run_list(problem=problem)[:10]),
        },
    )


# ------------------------------------------------------------------------------ grid
@login_required
def revision_grid_page(request: HttpRequest, revision_id: int) -> HttpResponse:
    revision = _revision(revision_id)
    return _grid_response(request, revision)


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
    lectures, verification = revision_verification(revision=revision)
    diff = revision_diff(revision=revision, against=against) if against is not None else None
    grid = grid_build(
        problem=problem,
        lectures=lectures,
        verification=verification,
        view=kind,
        key=key,
        diff=diff,
    )
    latest_id = revision_latest_id(problem_id=revision.problem_id)
    is_latest = latest_id == revision.pk
    editable = against is None and is_latest and user_is_scheduler(request.user)
    context = {
        "revision": revision,
        "problem": revision.problem,
        "grid": grid,
        "show": show,
        "view_choices": view_choices(problem),
        "verification": verification,
        "components": verification.components,
        "is_latest": is_latest,
        "latest_url": _grid_url(latest_id, show) if latest_id and not is_latest else "",
        "editable": editable,
        "move_form": (
            MoveForm(problem=problem, lectures=grid.lectures, auto_id="move_%s")
            if editable
            else None
        ),
        "exports": _export_links(revision, kind, key),
        "diff": diff,
        "changes": diff_changes(diff, days=problem.days) if diff else [],
        "against": against,
    }
    context.update(extra or {})
    return _render(request, template, context)


def _edit_result(
    request: HttpRequest,
    revision: Revision,
    *,
    moves: list[Move] = (),  # type: ignore[assignment]
    pins: list[Pin] = (),  # type: ignore[assignment]
    note: str = "",
) -> HttpResponse:
    show = request.POST.get("show", "")
    try:
        new = revision_create_edited(
            base=revision, moves=moves, pins=pins, author=request.user, note=note
        )
    except ConflictError as exc:
        message = (
            f"Not saved: revision #{revision.number} is no longer the latest, someone saved a "
            "newer revision meanwhile. Open the latest revision and make the change again."
        )
        latest = exc.extra.get("latest_revision")
        return _edit_failure(request, revision, message, 409, show, latest)
    except ApplicationError as exc:
        return _edit_failure(request, revision, f"Not saved: {exc.message}", 400, show, None)
    delta = new.total_cost - revision.total_cost
    summary = (
        f"Saved revision #{new.number}: {new.hard_violations} hard violation"
        f"{'' if new.hard_violations == 1 else 's'}, total cost {new.total_cost} ({delta:+d})."
    )
    messages.success(request, summary)
    url = _grid_url(new.pk, show)
    if _wants_json(request):
        return JsonResponse({"redirect": url, "message": summary, "revision": new.pk})
    return HttpResponseRedirect(url)


def _edit_failure(
    request: HttpRequest,
    revision: Revision,
    message: str,
    status: int,
    show: str,
    latest: int | None,
) -> HttpResponse:
    latest_url = _grid_url(latest, show) if latest else ""
    if _wants_json(request):
        return JsonResponse({"error": message, "latest_url": latest_url}, status=status)
    messages.error(request, message)
    return HttpResponseRedirect(_grid_url(revision.pk, show))


@login_required
@require_POST
def revision_move(request: HttpRequest, revision_id: int) -> HttpResponse:
    _require_scheduler(request)
    revision = _revision(revision_id)
    problem = problem_to_core(problem=revision.problem)
    lectures, _ = revision_verification(revision=revision)
    views = [
        LectureView(
            lec.course, "", lec.room, lec.day, lec.period, lec.pinned,
            lecture_key(lec.course, lec.day, lec.period, lec.room),
        )
        for lec in lectures
    ]  # fmt: skip
    form = MoveForm(request.POST, problem=problem, lectures=views)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label if name in form.fields else 'Form'}: {' '.join(errs)}"
            for name, errs in form.errors.items()
        )
        return _edit_failure(
            request, revision, f"Not saved: {errors}", 400, request.POST.get("show", ""), None
        )
    course, day, period, room = form.cleaned_data["lecture"]
    target_room = form.cleaned_data["room"] or None
    move = Move(course, (day, period, room), (form.cleaned_data["day"],
                form.cleaned_data["period"], target_room))  # fmt: skip
    note = form.cleaned_data["note"] or (
        f"Moved {course} to {day_name(move.target[0], problem.days)} period {move.target[1]}"
        + (f", room {target_room}" if target_room else "")
    )
    return _edit_result(request, revision, moves=[move], note=note)


@login_required
@require_POST
def revision_pin(request: HttpRequest, revision_id: int) -> HttpResponse:
    _require_scheduler(request)
    revision = _revision(revision_id)
    form = PinForm(request.POST)
    if not form.is_valid():
        show = request.POST.get("show", "")
        return _edit_failure(request, revision, "Not saved: unknown lecture.", 400, show, None)
    course, day, period, room = form.cleaned_data["lecture"]
    pinned = form.cleaned_data["pinned"]
    days = revision.problem.days
    note = f"{'Pinned' if pinned else 'Unpinned'} {course} on {day_name(day, days)} period {period}"
    return _edit_result(
        request, revision, pins=[Pin(course, (day, period, room), pinned)], note=note
    )


# ------------------------------------------------------------------------------ generation
@login_required
@require_http_methods(["GET", "POST"])
def problem_generate_page(request: HttpRequest, problem_id: int) -> HttpResponse:
    _require_scheduler(request)
    problem = _problem(problem_id)
    status = 200
    if request.method == "POST":
        form = GenerateForm(request.POST, problem=problem)
        if form.is_valid():
            data = form.cleaned_data
            try:
                run = run_start(
                    problem=problem,
                    formulation=data["formulation"],
                    time_limit=data["time_limit"],
                    seed=data["seed"] or 0,
                    base_revision=data["base_revision"],
                    min_change_weight=data["min_change_weight"],
                    created_by=request.user,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                run = run_get(run_id=run.pk) or run
                if run.status == GenerationRun.Status.SUCCEEDED and run.result_revision_id:
                    # Tasks ran eagerly (no broker): the timetable is already there.
                    messages.success(request, f"Run {run.pk} finished: cost {run.best_cost}.")
                    return HttpResponseRedirect(_grid_url(run.result_revision_id))
                return HttpResponseRedirect(reverse(f"{NS}:run-detail", args=[run.pk]))
        status = 400
    else:
        latest = revision_latest_id(problem_id=problem.pk)
        form = GenerateForm(problem=problem, initial={"base_revision": latest})
    return _render(request, "generate.html", {"problem": problem, "form": form}, status=status)


def _run_state(run: GenerationRun) -> dict[str, Any]:
    result_url = _grid_url(run.result_revision_id) if run.result_revision_id else ""
    return {
        "id": run.pk,
        "status": run.status,
        "finished": run.finished,
        "phase": run.phase or "",
        "best_cost": run.best_cost,
        "bound": run.bound,
        "elapsed": round(run.elapsed or 0.0, 1),
        "time_limit": run.time_limit,
        "cancel_requested": run.cancel_requested,
        "error_message": run.error_message,
        "result_url": result_url,
        "redirect": result_url if run.status == GenerationRun.Status.SUCCEEDED else "",
    }


def _run(run_id: int) -> GenerationRun:
    run = run_get(run_id=run_id)
    if run is None:
        raise Http404("No such run.")
    return run


@login_required
def run_detail_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    context = {"run": run, "problem": run.problem, "state": _run_state(run)}
    return _render(request, "run.html", context)


@login_required
def run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    response = JsonResponse(_run_state(_run(run_id)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def run_cancel_view(request: HttpRequest, run_id: int) -> HttpResponse:
    _require_scheduler(request)
    run = _run(run_id)
    try:
        run = run_cancel(run=run)
    except ConflictError as exc:
        message = exc.message
        if _wants_json(request):
            return JsonResponse({"error": message}, status=409)
        messages.info(request, message)
    else:
        message = "Cancelled." if run.finished else "Cancelling: the solver stops within a second."
        if _wants_json(request):
            return JsonResponse({"message": message, **_run_state(run)})
        messages.info(request, message)
    return HttpResponseRedirect(reverse(f"{NS}:run-detail", args=[run.pk]))


# ------------------------------------------------------------------------------ history
@login_required
def problem_history_page(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = _problem(problem_id)
    revisions = list(revision_list(problem=problem))
    chart = cost_chart(
        [(f"#{r.number}", r.total_cost, r.hard_violations == 0) for r in reversed(revisions)]
    )
    form = DiffForm(problem=problem)
    if len(revisions) >= 2:
        form.initial = {"against": revisions[1].pk, "revision": revisions[0].pk}
    return _render(
        request,
        "history.html",
        {"problem": problem, "revisions": revisions, "chart": chart, "diff_form": form},
    )


@login_required
def problem_diff_page(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = _problem(problem_id)
    form = DiffForm(request.GET, problem=problem)
    if not form.is_valid():
        messages.error(request, "Choose two revisions of this problem to compare.")
        return HttpResponseRedirect(reverse(f"{NS}:problem-history", args=[problem.pk]))
    against, revision = form.cleaned_data["against"], form.cleaned_data["revision"]
    revision = _revision(revision.pk)
    return _grid_response(
        request,
        revision,
        against=_revision(against.pk),
        template="diff.html",
        extra={
            "diff_form": form,
            "keep_params": [("against", against.pk), ("revision", revision.pk)],
        },
    )
