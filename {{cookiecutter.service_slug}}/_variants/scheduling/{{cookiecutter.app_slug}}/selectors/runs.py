"""Reads of generation runs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import Assignment, GenerationRun, Problem


def run_list(*, problem: Problem) -> QuerySet[GenerationRun]:
    return GenerationRun.objects.filter(problem=problem).select_related("created_by")


def run_get(*, run_id: int) -> GenerationRun | None:
    return (
        GenerationRun.objects.select_related("created_by", "problem", "base_revision")
        .filter(pk=run_id)
        .first()
    )


def run_changes(*, run: GenerationRun) -> dict[str, Any] | None:
    """How much a finished run changed its base: lectures moved of the base's lectures, and the
    two revisions to compare; None for a run with no base or no result (or from before 0007)."""
    if run.moved_lectures is None or not (run.base_revision_id and run.result_revision_id):
        return None
    base = run.base_revision
    return {
        "moved": run.moved_lectures,
        "lectures": Assignment.objects.filter(revision_id=run.base_revision_id).count(),
        "base": run.base_revision_id,
        "base_number": base.number if base is not None else None,
        "result": run.result_revision_id,
    }
