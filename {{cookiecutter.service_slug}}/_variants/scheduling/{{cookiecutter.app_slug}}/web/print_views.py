"""Hand-outs of a timetable: one printable sheet (A4 landscape) per curriculum, teacher or room
of a revision, or the one view a grid page shows; the browser prints them (docs/ui.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from .. import timetabling
from ..clock import problem_clock
from ..selectors.problems import problem_to_core
from ..selectors.revisions import revision_verification
from .common import grid_url, render_page, revision_or_404
from .grid import Grid, grid_build, view_parse

GROUPS = {"curriculum": "Each curriculum", "teacher": "Each teacher", "room": "Each room"}


@login_required
def revision_print_page(request: HttpRequest, revision_id: int) -> HttpResponse:
    """`?each=curriculum|teacher|room`: a sheet for each of them; else `?show=kind:key`: the
    sheet of that one view."""
    revision = revision_or_404(revision_id)
    problem = problem_to_core(problem=revision.problem)
    clock = problem_clock(revision.problem)
    lectures, verification = revision_verification(revision=revision)
    each = request.GET.get("each", "")
    if each in GROUPS:
        views = [(each, key) for key in _keys(problem, each)]
    else:
        each = ""
        views = [view_parse(request.GET.get("show"), problem)]
    sheets: list[Grid] = [
        grid_build(
            problem=problem,
            lectures=lectures,
            verification=verification,
            view=kind,
            key=key,
            clock=clock,
        )
        for kind, key in views
    ]
    show = "" if each else f"{views[0][0]}:{views[0][1]}"
    context = {
        "revision": revision,
        "problem": revision.problem,
        "sheets": sheets,
        "each": each,
        "groups": GROUPS,
        "show": show,
        "back_url": grid_url(revision.pk, show),
    }
    return render_page(request, "print.html", context)


def _keys(problem: timetabling.Problem, each: str) -> list[str]:
    """The curricula, teachers (by name) or rooms of the problem, as the view select lists them."""
    if each == "curriculum":
        return [q.id for q in problem.curricula]
    if each == "teacher":
        return sorted({c.teacher for c in problem.courses})
    return [r.id for r in problem.rooms]
