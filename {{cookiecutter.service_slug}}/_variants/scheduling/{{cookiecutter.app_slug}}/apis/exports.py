"""API of exports: a problem as ITC-2007 text, a revision as a solution file, CSV or iCalendar
(all of it, or one teacher's, curriculum's or room's lectures)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request

from core.exceptions import ApplicationError

from ..errors import ErrorCode
from ..exports import (
    PROBLEM_FORMATS,
    REVISION_FORMATS,
    calendar_options,
    problem_export,
    revision_export,
    select_lectures,
)
from ..selectors.problems import problem_get, problem_to_core
from ..selectors.revisions import revision_get, revision_lectures
from .common import ERROR, IgnoreFormatParameter, SchedulingApi, file_response, get_or_404, valid


class ProblemExportApi(SchedulingApi):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="problems_export",
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=list(PROBLEM_FORMATS),
                description="Default: as it came (zip if entered).",
            )
        ],
        responses={(200, "text/plain"): OpenApiTypes.STR, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, problem_id: int) -> HttpResponse:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        as_it_came = problem.source_format if problem.source_format in PROBLEM_FORMATS else "zip"
        fmt = request.query_params.get("format", as_it_came)
        if fmt not in PROBLEM_FORMATS:
            raise ApplicationError(
                "format must be ctt, ectt or zip.", code=ErrorCode.INVALID_FORMAT
            )
        core_problem = problem_to_core(problem=problem)
        return file_response(problem_export(problem_id=problem.pk, problem=core_problem, fmt=fmt))


class RevisionExportApi(SchedulingApi):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="revisions_export",
        parameters=[
            OpenApiParameter(
                "format", str, enum=list(REVISION_FORMATS), description="Default sol."
            ),
            OpenApiParameter("teacher", str, description="Only this teacher's lectures."),
            OpenApiParameter("curriculum", str, description="Only this curriculum's lectures."),
            OpenApiParameter("room", str, description="Only this room's lectures."),
            OpenApiParameter(
                "start", OpenApiTypes.DATE, description="ics: the term's first day (day 0)."
            ),
            OpenApiParameter("end", OpenApiTypes.DATE, description="ics: the term's last day."),
            OpenApiParameter("weeks", int, description="ics: or the term's length in weeks."),
            OpenApiParameter("day_start", str, description="ics: HH:MM of period 0."),
            OpenApiParameter("period_minutes", int, description="ics: minutes per period."),
        ],
        responses={
            (200, "text/plain"): OpenApiTypes.STR,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "text/calendar"): OpenApiTypes.STR,
            400: ERROR,
            404: ERROR,
        },
    )
    def get(self, request: Request, revision_id: int) -> HttpResponse:
        revision = get_or_404(revision_get, "Revision", revision_id=revision_id)
        params = valid(ExportQuery, request.query_params)
        problem = problem_to_core(problem=revision.problem)
        lectures = select_lectures(
            revision_lectures(revision=revision),
            problem,
            teacher=params.get("teacher"),
            curriculum=params.get("curriculum"),
            room=params.get("room"),
        )
        # Unset: the problem's own calendar (PATCH /problems/{id}/), then defaults.
        calendar = calendar_options(
            revision.problem,
            start=params.get("start"),
            end=params.get("end"),
            weeks=params.get("weeks"),
            day_start=params.get("day_start"),
            period_minutes=params.get("period_minutes"),
        )
        view = next((v for v in ("teacher", "curriculum", "room") if params.get(v)), "all")
        export = revision_export(
            revision=revision,
            lectures=lectures,
            problem=problem,
            fmt=params["format"],
            calendar=calendar,
            view=view,
            key=params.get(view, ""),
        )
        return file_response(export)


class ExportQuery(serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=REVISION_FORMATS, default="sol")
    teacher = serializers.CharField(required=False, max_length=64)
    curriculum = serializers.CharField(required=False, max_length=64)
    room = serializers.CharField(required=False, max_length=64)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    weeks = serializers.IntegerField(min_value=1, max_value=60, required=False)
    day_start = serializers.TimeField(required=False)
    period_minutes = serializers.IntegerField(min_value=5, max_value=600, required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "end" in data and "weeks" in data:
            raise serializers.ValidationError("Give the term's end or its weeks, not both.")
        if "start" in data and "end" in data and data["end"] < data["start"]:
            raise serializers.ValidationError({"end": "The term cannot end before it starts."})
        return data
