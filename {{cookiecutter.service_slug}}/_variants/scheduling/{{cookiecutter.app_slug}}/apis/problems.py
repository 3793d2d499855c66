"""API of problems (terms): list, import from a file or create empty, read, edit (the name,
the week, the term's calendar), delete. Their parts: apis/problem_parts.py."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.auth import signed_in_user
from core.pagination import PAGE_PARAMETERS, paginated_response, paginated_schema
from core.throttling import WriteRateThrottle

from ..models import Problem
from ..selectors.problems import problem_get, problem_list
from ..services.problems import problem_create, problem_delete, problem_import, problem_update
from .common import ERROR, SchedulingApi, check_upload_size, get_or_404, valid


class ProblemOutput(serializers.ModelSerializer[Problem]):
    created_by = serializers.CharField(source="created_by.username", default=None)
    courses_count = serializers.IntegerField()
    rooms_count = serializers.IntegerField()
    curricula_count = serializers.IntegerField()
    lectures_count = serializers.IntegerField()
    latest_revision = serializers.IntegerField(source="latest_revision_id", allow_null=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "name",
            "days",
            "periods_per_day",
            "min_daily_lectures",
            "max_daily_lectures",
            "source_format",
            "version",
            "created_by",
            "created_at",
            "courses_count",
            "rooms_count",
            "curricula_count",
            "lectures_count",
            "latest_revision",
            "published_revision",
            "published_at",
            *Problem.CALENDAR_FIELDS,
        ]


class ProblemUpdateInput(serializers.Serializer[Any]):
    """The problem's name, its week and daily limits (a new version), its term's calendar."""

    name = serializers.CharField(max_length=200, required=False)
    time_zone = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="IANA name, blank: default"
    )
    term_start = serializers.DateField(required=False, allow_null=True)
    term_end = serializers.DateField(required=False, allow_null=True)
    day_start = serializers.TimeField(required=False, help_text="clock time of period 0")
    period_minutes = serializers.IntegerField(min_value=5, max_value=600, required=False)
    days = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    periods_per_day = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    min_daily_lectures = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    max_daily_lectures = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class ProblemImportInput(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="An ITC-2007 .ctt or .ectt file, or a zip of CSV files.")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ProblemCreateInput(serializers.Serializer[Any]):
    """A problem entered in the service: its week first, its parts next."""

    name = serializers.CharField(max_length=200)
    days = serializers.IntegerField(min_value=1, max_value=10_000)
    periods_per_day = serializers.IntegerField(min_value=1, max_value=10_000)
    min_daily_lectures = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    max_daily_lectures = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class ProblemListApi(SchedulingApi):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "uploads"

    @extend_schema(
        operation_id="problems_list",
        parameters=PAGE_PARAMETERS,
        responses=paginated_schema(ProblemOutput),
    )
    def get(self, request: Request) -> Response:
        return paginated_response(problem_list(), ProblemOutput, request=request, view=self)

    @extend_schema(
        operation_id="problems_import",
        request={
            "multipart/form-data": ProblemImportInput,
            "application/json": ProblemCreateInput,
        },
        responses={201: ProblemOutput, 400: ERROR, 403: ERROR, 413: ERROR},
    )
    def post(self, request: Request) -> Response:
        """Import a file (multipart), or create an empty problem (JSON)."""
        if request.content_type.startswith("application/json"):
            fields = valid(ProblemCreateInput, request.data)
            problem = problem_create(created_by=signed_in_user(request), **fields)
        else:
            check_upload_size(request)
            data = valid(ProblemImportInput, request.data)
            problem = problem_import(
                file=data["file"].read(),
                name=data["name"],
                filename=data["file"].name or "upload",
                created_by=signed_in_user(request),
            )
        return Response(
            ProblemOutput(problem_get(problem_id=problem.pk)).data, status=status.HTTP_201_CREATED
        )


class ProblemDetailApi(SchedulingApi):
    @extend_schema(operation_id="problems_retrieve", responses={200: ProblemOutput, 404: ERROR})
    def get(self, request: Request, problem_id: int) -> Response:
        return Response(
            ProblemOutput(get_or_404(problem_get, "Problem", problem_id=problem_id)).data
        )

    @extend_schema(
        operation_id="problems_update",
        request=ProblemUpdateInput,
        responses={200: ProblemOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def patch(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        problem_update(problem=problem, **valid(ProblemUpdateInput, request.data))
        return Response(ProblemOutput(problem_get(problem_id=problem.pk)).data)

    @extend_schema(operation_id="problems_delete", responses={204: None, 404: ERROR, 409: ERROR})
    def delete(self, request: Request, problem_id: int) -> Response:
        problem_delete(problem=get_or_404(problem_get, "Problem", problem_id=problem_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
