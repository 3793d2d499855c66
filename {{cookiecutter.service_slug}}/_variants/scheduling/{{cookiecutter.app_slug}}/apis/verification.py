"""API of verification: score an ad hoc timetable of a problem, or a stored revision under any
formulation. Both compute and write nothing, so every signed-in user may call them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import ApplicationError

from .. import timetabling
from ..errors import ErrorCode
from ..selectors.problems import problem_get
from ..selectors.revisions import revision_get, revision_verification, timetable_verify
from .common import ERROR, SchedulingApi, get_or_404, valid

FORMULATIONS = list(timetabling.FORMULATIONS)


class AssignmentInput(serializers.Serializer[Any]):
    course = serializers.CharField(max_length=64)
    room = serializers.CharField(max_length=64)
    day = serializers.IntegerField(min_value=0, max_value=10_000)
    period = serializers.IntegerField(min_value=0, max_value=10_000)


class VerifyInput(serializers.Serializer[Any]):
    assignments = AssignmentInput(many=True, allow_empty=True)
    formulation = serializers.ChoiceField(choices=FORMULATIONS, default="UD2")


class ViolationOutput(serializers.Serializer[Any]):
    component = serializers.CharField()
    hard = serializers.BooleanField()
    cost = serializers.IntegerField()
    message = serializers.CharField()
    courses = serializers.ListField(child=serializers.CharField())
    rooms = serializers.ListField(child=serializers.CharField())
    curricula = serializers.ListField(child=serializers.CharField())
    teachers = serializers.ListField(child=serializers.CharField())
    day = serializers.IntegerField(allow_null=True)
    period = serializers.IntegerField(allow_null=True)


class ComponentOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    hard = serializers.BooleanField()
    weight = serializers.IntegerField()
    value = serializers.IntegerField()


class VerificationOutput(serializers.Serializer[Any]):
    formulation = serializers.CharField()
    feasible = serializers.BooleanField()
    hard_violations = serializers.IntegerField()
    total_cost = serializers.IntegerField()
    components = ComponentOutput(many=True)
    hard = serializers.DictField(child=serializers.IntegerField())
    soft = serializers.DictField(child=serializers.IntegerField())
    violations = ViolationOutput(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class ProblemVerifyApi(SchedulingApi):
    """Verify an ad hoc list of assignments: computes, writes nothing (open to readers)."""

    read_only_post = True
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="problems_verify",
        request=VerifyInput,
        responses={200: VerificationOutput, 400: ERROR, 404: ERROR},
    )
    def post(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        data = valid(VerifyInput, request.data)
        assignments = [timetabling.Assignment(**a) for a in data["assignments"]]
        result = timetable_verify(
            problem=problem, assignments=assignments, formulation=data["formulation"]
        )
        return Response(result.to_dict())


class RevisionVerifyApi(SchedulingApi):
    @extend_schema(
        operation_id="revisions_verify",
        parameters=[OpenApiParameter("formulation", str, enum=FORMULATIONS)],
        responses={200: VerificationOutput, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, revision_id: int) -> Response:
        revision = get_or_404(revision_get, "Revision", revision_id=revision_id)
        formulation = request.query_params.get("formulation") or revision.formulation
        if formulation.upper() not in FORMULATIONS:
            raise ApplicationError(
                f"Unknown formulation {formulation!r}.", code=ErrorCode.INVALID_FORMULATION
            )
        _, verification = revision_verification(revision=revision, formulation=formulation)
        return Response(verification.to_dict())
