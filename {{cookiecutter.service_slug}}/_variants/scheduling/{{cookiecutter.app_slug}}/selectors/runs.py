"""Reads of generation runs."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import GenerationRun, Problem


def run_list(*, problem: Problem) -> QuerySet[GenerationRun]:
    return GenerationRun.objects.filter(problem=problem).select_related("created_by")


def run_get(*, run_id: int) -> GenerationRun | None:
    return GenerationRun.objects.select_related("created_by", "problem").filter(pk=run_id).first()
