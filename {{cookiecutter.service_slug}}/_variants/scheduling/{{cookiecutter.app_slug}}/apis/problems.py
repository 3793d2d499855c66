"""API of problems (terms) and their courses, rooms and curricula: list, import, read, edit,
delete."""

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

from ..models import Course, Curriculum, Problem, Room
from ..selectors.problems import (
    course_get,
    course_list,
    curriculum_get,
    curriculum_list,
    problem_get,
    problem_list,
    room_get,
    room_list,
)
from ..services.problems import (
    course_update,
    curriculum_update,
    problem_delete,
    problem_import,
    problem_update,
    room_update,
)
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
            *Problem.CALENDAR_FIELDS,
        ]


class ProblemUpdateInput(serializers.Serializer[Any]):
    """The problem's name and its term's calendar (calendar exports); not what is solved."""

    name = serializers.CharField(max_length=200, required=False)
    time_zone = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="IANA name, blank: default"
    )
    term_start = serializers.DateField(required=False, allow_null=True)
    term_end = serializers.DateField(required=False, allow_null=True)
    day_start = serializers.TimeField(required=False, help_text="clock time of period 0")
    period_minutes = serializers.IntegerField(min_value=5, max_value=600, required=False)


class ProblemImportInput(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="An ITC-2007 .ctt or .ectt file, or a zip of CSV files.")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CourseOutput(serializers.ModelSerializer[Course]):
    curricula = serializers.SerializerMethodField()
    unavailable = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "teacher",
            "lectures",
            "min_working_days",
            "students",
            "double_lectures",
            "curricula",
            "unavailable",
        ]

    def get_curricula(self, course: Course) -> list[str]:
        return [q.code for q in course.curricula.all()]

    def get_unavailable(self, course: Course) -> list[list[int]]:
        return [[u.day, u.period] for u in course.unavailability.all()]


class CourseUpdateInput(serializers.Serializer[Any]):
    teacher = serializers.CharField(max_length=64, required=False, help_text="as people write it")
    lectures = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    min_working_days = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    students = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    double_lectures = serializers.BooleanField(required=False)


class RoomOutput(serializers.ModelSerializer[Room]):
    class Meta:
        model = Room
        fields = ["id", "code", "capacity", "site"]


class RoomUpdateInput(serializers.Serializer[Any]):
    capacity = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    site = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class CurriculumOutput(serializers.ModelSerializer[Curriculum]):
    courses = serializers.SerializerMethodField()

    class Meta:
        model = Curriculum
        fields = ["id", "code", "courses"]

    def get_courses(self, curriculum: Curriculum) -> list[str]:
        return [c.code for c in curriculum.courses.all()]


class CurriculumUpdateInput(serializers.Serializer[Any]):
    courses = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=10_000, allow_empty=True
    )


class ProblemListApi(SchedulingApi):
    parser_classes = [MultiPartParser, FormParser]
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
        request={"multipart/form-data": ProblemImportInput},
        responses={201: ProblemOutput, 400: ERROR, 403: ERROR, 413: ERROR},
    )
    def post(self, request: Request) -> Response:
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


class CourseListApi(SchedulingApi):
    @extend_schema(operation_id="courses_list", responses={200: CourseOutput(many=True)})
    def get(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        return Response(CourseOutput(course_list(problem=problem), many=True).data)


class CourseDetailApi(SchedulingApi):
    @extend_schema(
        operation_id="courses_update",
        request=CourseUpdateInput,
        responses={200: CourseOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def patch(self, request: Request, course_id: int) -> Response:
        course = get_or_404(course_get, "Course", course_id=course_id)
        course = course_update(course=course, **valid(CourseUpdateInput, request.data))
        return Response(CourseOutput(course_list(problem=course.problem).get(pk=course.pk)).data)


class RoomListApi(SchedulingApi):
    @extend_schema(operation_id="rooms_list", responses={200: RoomOutput(many=True)})
    def get(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        return Response(RoomOutput(room_list(problem=problem), many=True).data)


class RoomDetailApi(SchedulingApi):
    @extend_schema(
        operation_id="rooms_update",
        request=RoomUpdateInput,
        responses={200: RoomOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def patch(self, request: Request, room_id: int) -> Response:
        room = get_or_404(room_get, "Room", room_id=room_id)
        return Response(
            RoomOutput(room_update(room=room, **valid(RoomUpdateInput, request.data))).data
        )


class CurriculumListApi(SchedulingApi):
    @extend_schema(operation_id="curricula_list", responses={200: CurriculumOutput(many=True)})
    def get(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        return Response(CurriculumOutput(curriculum_list(problem=problem), many=True).data)


class CurriculumDetailApi(SchedulingApi):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="curricula_update",
        request=CurriculumUpdateInput,
        responses={200: CurriculumOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def patch(self, request: Request, curriculum_id: int) -> Response:
        curriculum = get_or_404(curriculum_get, "Curriculum", curriculum_id=curriculum_id)
        data = valid(CurriculumUpdateInput, request.data)
        curriculum = curriculum_update(curriculum=curriculum, course_codes=data["courses"])
        return Response(CurriculumOutput(curriculum_get(curriculum_id=curriculum.pk)).data)
