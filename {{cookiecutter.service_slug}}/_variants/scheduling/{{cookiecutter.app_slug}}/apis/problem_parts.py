"""API of a problem's parts: its courses, rooms and curricula (list, add, edit, remove) and a
course's constraints. Each change is a new version of the problem (services/problem_parts.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Course, Curriculum, Room
from ..selectors.problems import (
    course_get,
    course_list,
    curriculum_get,
    curriculum_list,
    problem_get,
    room_get,
    room_list,
)
from ..services.problem_parts import (
    course_constraints_set,
    course_create,
    course_remove,
    course_update,
    curriculum_create,
    curriculum_remove,
    curriculum_update,
    room_create,
    room_remove,
    room_update,
)
from .common import ERROR, SchedulingApi, get_or_404, valid


def name_field(*, required: bool = True) -> serializers.CharField:
    return serializers.CharField(max_length=64, required=required, help_text="as people write it")


class CourseOutput(serializers.ModelSerializer[Course]):
    curricula = serializers.SerializerMethodField()
    unavailable = serializers.SerializerMethodField()
    forbidden_rooms = serializers.SerializerMethodField()

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
            "forbidden_rooms",
        ]

    def get_curricula(self, course: Course) -> list[str]:
        return [q.code for q in course.curricula.all()]

    def get_unavailable(self, course: Course) -> list[list[int]]:
        return [[u.day, u.period] for u in course.unavailability.all()]

    def get_forbidden_rooms(self, course: Course) -> list[str]:
        return [c.room.code for c in course.room_constraints.all()]


class CourseUpdateInput(serializers.Serializer[Any]):
    teacher = name_field(required=False)
    lectures = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    min_working_days = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    students = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    double_lectures = serializers.BooleanField(required=False)


class CourseCreateInput(CourseUpdateInput):
    code = name_field()
    teacher = name_field()
    lectures = serializers.IntegerField(min_value=1, max_value=1000)
    min_working_days = serializers.IntegerField(min_value=0, max_value=1000)
    students = serializers.IntegerField(min_value=0, max_value=1_000_000)


class CourseConstraintsInput(serializers.Serializer[Any]):
    unavailable = serializers.ListField(
        child=serializers.ListField(
            child=serializers.IntegerField(min_value=0, max_value=10_000), min_length=2,
            max_length=2,
        ),
        max_length=10_000, required=False, help_text="[day, period] pairs, 0-based",
    )  # fmt: skip
    forbidden_rooms = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=10_000, required=False
    )


class RoomOutput(serializers.ModelSerializer[Room]):
    class Meta:
        model = Room
        fields = ["id", "code", "capacity", "site"]


class RoomUpdateInput(serializers.Serializer[Any]):
    capacity = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    site = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class RoomCreateInput(RoomUpdateInput):
    code = name_field()
    capacity = serializers.IntegerField(min_value=0, max_value=1_000_000)


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


class CurriculumCreateInput(CurriculumUpdateInput):
    code = name_field()


def _course_out(course: Course, status_code: int = status.HTTP_200_OK) -> Response:
    fresh = course_list(problem=course.problem).get(pk=course.pk)  # with its related rows
    return Response(CourseOutput(fresh).data, status=status_code)


class CourseListApi(SchedulingApi):
    @extend_schema(operation_id="courses_list", responses={200: CourseOutput(many=True)})
    def get(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        return Response(CourseOutput(course_list(problem=problem), many=True).data)

    @extend_schema(
        operation_id="courses_create",
        request=CourseCreateInput,
        responses={201: CourseOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        course = course_create(problem=problem, **valid(CourseCreateInput, request.data))
        return _course_out(course, status.HTTP_201_CREATED)


class CourseDetailApi(SchedulingApi):
    @extend_schema(
        operation_id="courses_update",
        request=CourseUpdateInput,
        responses={200: CourseOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def patch(self, request: Request, course_id: int) -> Response:
        course = get_or_404(course_get, "Course", course_id=course_id)
        return _course_out(course_update(course=course, **valid(CourseUpdateInput, request.data)))

    @extend_schema(operation_id="courses_remove", responses={204: None, 403: ERROR, 404: ERROR})
    def delete(self, request: Request, course_id: int) -> Response:
        """Remove the course from the problem; revisions that placed it keep it."""
        course_remove(course=get_or_404(course_get, "Course", course_id=course_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CourseConstraintsApi(SchedulingApi):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="courses_constraints",
        request=CourseConstraintsInput,
        responses={200: CourseOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def put(self, request: Request, course_id: int) -> Response:
        """Replace the periods the course may not be taught in and/or the rooms it may not use."""
        course = get_or_404(course_get, "Course", course_id=course_id)
        data = valid(CourseConstraintsInput, request.data)
        slots = [(d, p) for d, p in data["unavailable"]] if "unavailable" in data else None
        course_constraints_set(
            course=course, unavailable=slots, forbidden_rooms=data.get("forbidden_rooms")
        )
        return _course_out(course)


class RoomListApi(SchedulingApi):
    @extend_schema(operation_id="rooms_list", responses={200: RoomOutput(many=True)})
    def get(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        return Response(RoomOutput(room_list(problem=problem), many=True).data)

    @extend_schema(
        operation_id="rooms_create",
        request=RoomCreateInput,
        responses={201: RoomOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        room = room_create(problem=problem, **valid(RoomCreateInput, request.data))
        return Response(RoomOutput(room).data, status=status.HTTP_201_CREATED)


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

    @extend_schema(operation_id="rooms_remove", responses={204: None, 403: ERROR, 404: ERROR})
    def delete(self, request: Request, room_id: int) -> Response:
        """Remove the room from the problem; revisions that placed lectures there keep it."""
        room_remove(room=get_or_404(room_get, "Room", room_id=room_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CurriculumListApi(SchedulingApi):
    parser_classes = [JSONParser]

    @extend_schema(operation_id="curricula_list", responses={200: CurriculumOutput(many=True)})
    def get(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        return Response(CurriculumOutput(curriculum_list(problem=problem), many=True).data)

    @extend_schema(
        operation_id="curricula_create",
        request=CurriculumCreateInput,
        responses={201: CurriculumOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, problem_id: int) -> Response:
        problem = get_or_404(problem_get, "Problem", problem_id=problem_id)
        data = valid(CurriculumCreateInput, request.data)
        curriculum = curriculum_create(
            problem=problem, code=data["code"], course_codes=data["courses"]
        )
        return Response(
            CurriculumOutput(curriculum_get(curriculum_id=curriculum.pk)).data,
            status=status.HTTP_201_CREATED,
        )


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

    @extend_schema(operation_id="curricula_remove", responses={204: None, 403: ERROR, 404: ERROR})
    def delete(self, request: Request, curriculum_id: int) -> Response:
        curriculum_remove(
            curriculum=get_or_404(curriculum_get, "Curriculum", curriculum_id=curriculum_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
