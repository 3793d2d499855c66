"""API of generation runs: start one (202, a worker runs it), follow it, cancel it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.auth import signed_in_user
from core.idempotency import idempotency_key, idempotent_create
from core.pagination import PAGE_PARAMETERS, paginated_response, paginated_schema
from core.throttling import WriteRateThrottle

from ..models import GenerationRun
from ..selectors.problems import problem_get
from ..selectors.revisions import revision_get
from ..selectors.runs import run_get, run_list
from ..services.runs import REPAIR_WEIGHT, RunMode, run_cancel, run_start
from ..timetabling.formulations import generation_formulations
from .common import ERROR, MAX_ID, SchedulingApi, get_or_404, valid

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Sent again with the same parameters, the request answers with the run the "
    "first one started (for 24 hours) instead of starting another.",
)


class RunStartInput(serializers.Serializer[Any]):
    formulation = serializers.CharField(
        max_length=8,
        default="UD2",
        help_text="One of " + ", ".join(generation_formulations()) + ".",
    )
    time_limit = serializers.IntegerField(
        min_value=1, max_value=settings.SCHEDULING_MAX_TIME_LIMIT, default=60
    )
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    base_revision = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )
    min_change_weight = serializers.IntegerField(
        min_value=0, max_value=1000, required=False, allow_null=True, default=None
    )
    mode = serializers.ChoiceField(
        choices=[m.value for m in RunMode],
        required=False,
        allow_null=True,
        default=None,
        help_text="What to do with base_revision: repair (move as little as possible; "
        f"min_change_weight {REPAIR_WEIGHT} unless given), improve (its pins kept, the rest "
        "free; no weight) or start_over (no base). Absent: the two options as given.",
    )


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "array", "items": {"type": "number", "nullable": True}},
    }
)
class HistoryField(serializers.JSONField):
    pass


class RunOutput(serializers.ModelSerializer[GenerationRun]):
    created_by = serializers.CharField(source="created_by.username", default=None)
    moved_lectures = serializers.IntegerField(
        allow_null=True,
        read_only=True,
        help_text="Once finished with a base revision: how many of its lectures the result "
        "does not keep where they were (compare them with revisions/{result_revision}/diff/"
        "?against={base_revision}); null without a base.",
    )
    finished = serializers.BooleanField()
    history = HistoryField(
        help_text="The best cost over time: [elapsed seconds, best cost, bound or null] at each "
        "improvement, oldest first (the whole curve, during the run and after it)."
    )

    class Meta:
        model = GenerationRun
        fields = [
            "id",
            "problem",
            "status",
            "finished",
            "formulation",
            "time_limit",
            "seed",
            "base_revision",
            "min_change_weight",
            "phase",
            "best_cost",
            "bound",
            "elapsed",
            "history",
            "attempts",
            "cancel_requested",
            "error_code",
            "error_message",
            "error_extra",
            "result_revision",
            "moved_lectures",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "updated_at",
        ]


class RunListApi(SchedulingApi):
    parser_classes = [JSONParser]
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "runs"

    @extend_schema(
        operation_id="runs_list", parameters=PAGE_PARAMETERS, responses=paginated_schema(RunOutput)
    )
    def get(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        return paginated_response(run_list(problem=problem), RunOutput, request=request, view=self)

    @extend_schema(
        operation_id="runs_start",
        request=RunStartInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            202: RunOutput,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: ERROR,
            422: ERROR,
            429: ERROR,
        },
    )
    def post(self, request: Request, problem_id: int) -> Response:
        """With an Idempotency-Key, the same request again answers with the run it started."""
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        data = valid(RunStartInput, request.data)
        key = idempotency_key(request)
        base_id = data.pop("base_revision")
        base = get_or_404(revision_get, "Revision", revision_id=base_id) if base_id else None
        author = signed_in_user(request)

        def start() -> int:
            return run_start(problem=problem, base_revision=base, created_by=author, **data).pk

        if key is None:
            run_id, created = start(), True
        else:
            parameters = {"problem": problem.pk, "base_revision": base_id, **data}
            run_id, created = idempotent_create(
                user=author, scope="runs.start", key=key, parameters=parameters, create=start
            )
        run = get_or_404(run_get, "Run", run_id=run_id)
        response = Response(RunOutput(run).data, status=status.HTTP_202_ACCEPTED)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response


class RunDetailApi(SchedulingApi):
    @extend_schema(operation_id="runs_retrieve", responses={200: RunOutput, 404: ERROR})
    def get(self, request: Request, run_id: int) -> Response:
        return Response(RunOutput(get_or_404(run_get, "Run", run_id=run_id)).data)


class RunCancelApi(SchedulingApi):
    @extend_schema(
        operation_id="runs_cancel",
        request=None,
        responses={200: RunOutput, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, run_id: int) -> Response:
        run = run_cancel(run=get_or_404(run_get, "Run", run_id=run_id))
        return Response(RunOutput(run_get(run_id=run.pk)).data)
