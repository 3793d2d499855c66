"""Problems, courses, rooms and curricula through the API: happy paths, permissions, bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from core.services import api_token_create

from ...models import Course, Problem, Room
from ...selectors.problems import problem_to_core
from ...services.problems import problem_import
from .conftest import counts, demo_bytes

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# ------------------------------------------------------------------------------ import
def test_import_stores_the_whole_problem(scheduler_client):
    response = scheduler_client.post(
        "/api/v1/problems/",
        {"file": upload("comp01.ectt", demo_bytes("comp01.ectt")), "name": "Autumn term"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Autumn term"
    assert body["source_format"] == "ectt"
    assert (body["courses_count"], body["rooms_count"], body["curricula_count"]) == (30, 6, 14)
    assert body["lectures_count"] == 160
    assert body["latest_revision"] is None
    assert body["created_by"] == "grace"
    problem = Problem.objects.get(pk=body["id"])
    core = problem_to_core(problem=problem)
    assert core.min_daily_lectures == 2 and core.extended
    assert len(core.unavailability) > 0 and core.total_lectures == 160


def test_import_without_a_name_uses_the_file_name_line(scheduler_client):
    response = scheduler_client.post(
        "/api/v1/problems/", {"file": upload("toy.ctt", demo_bytes("toy.ctt"))}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["name"] == "ToyExample"
    assert response.json()["source_format"] == "ctt"


def test_token_authentication_works(scheduler):
    _, token = api_token_create(user=scheduler)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/problems/").status_code == 200


@pytest.mark.parametrize(
    "content",
    [
        b"Name: broken\nCourses: 1\nRooms: x\n",
        b"\x00\x01\x02 junk \xff\xfe",
        b"",
        b"Name: Toy\nCourses: 4\n" * 3,
    ],
)
def test_junk_upload_is_400_with_a_line_and_writes_nothing(scheduler_client, content):
    before = counts()
    response = scheduler_client.post(
        "/api/v1/problems/", {"file": upload("bad.ctt", content)}, format="multipart"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] in ("invalid_file", "invalid")
    assert set(body) == {"code", "message", "extra"}
    assert counts() == before


def test_truncated_file_names_the_line(scheduler_client):
    text = demo_bytes("comp01.ctt").decode()
    broken = text.replace("c0001 t000 6 4 130", "c0001 t000 six 4 130")
    response = scheduler_client.post(
        "/api/v1/problems/", {"file": upload("c.ctt", broken.encode())}, format="multipart"
    )
    assert response.status_code == 400
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "six" in row)
    assert response.json()["extra"]["line"] == line
    assert f"line {line}" in response.json()["message"]


@override_settings(SCHEDULING_MAX_UPLOAD_BYTES=1000)
def test_oversize_upload_is_413_and_writes_nothing(scheduler_client):
    before = counts()
    response = scheduler_client.post(
        "/api/v1/problems/",
        {"file": upload("comp01.ectt", demo_bytes("comp01.ectt"))},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert response.json()["extra"] == {"max_bytes": 1000}
    assert counts() == before


def test_missing_file_is_400_with_the_field(scheduler_client):
    response = scheduler_client.post("/api/v1/problems/", {"name": "x"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["extra"]["fields"]


def test_a_json_body_without_a_week_is_400_and_writes_nothing(scheduler_client):
    before = counts()
    response = scheduler_client.post("/api/v1/problems/", {"name": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"days", "periods_per_day"}
    assert counts() == before


def test_reader_cannot_import(reader_client):
    before = counts()
    response = reader_client.post(
        "/api/v1/problems/", {"file": upload("toy.ctt", demo_bytes("toy.ctt"))}, format="multipart"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert counts() == before


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/problems/"),
        ("post", "/api/v1/problems/"),
        ("get", "/api/v1/problems/1/"),
        ("delete", "/api/v1/problems/1/"),
        ("get", "/api/v1/problems/1/courses/"),
        ("patch", "/api/v1/courses/1/"),
        ("get", "/api/v1/revisions/1/"),
        ("post", "/api/v1/revisions/1/edits/"),
        ("post", "/api/v1/problems/1/runs/"),
        ("get", "/api/v1/runs/1/"),
        ("post", "/api/v1/runs/1/cancel/"),
        ("get", "/api/v1/revisions/1/export/"),
    ],
)
def test_anonymous_gets_401_and_no_data(anonymous_client, toy, method, path):
    response = getattr(anonymous_client, method)(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"code", "message", "extra"}
    assert "Toy" not in response.content.decode()


# ------------------------------------------------------------------------------ reads
def test_list_and_retrieve(reader_client, toy, comp01):
    response = reader_client.get("/api/v1/problems/")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["Fis0506-1", "Toy"]
    detail = reader_client.get(f"/api/v1/problems/{toy.pk}/").json()
    assert detail["courses_count"] == 4 and detail["rooms_count"] == 3


def test_list_queries_do_not_grow_with_problems(
    reader_client, scheduler, django_assert_max_num_queries
):
    for i in range(6):
        problem_import(file=demo_bytes("toy.ectt"), name=f"toy {i}", created_by=scheduler)
    with django_assert_max_num_queries(4):
        response = reader_client.get("/api/v1/problems/")
    assert response.json()["count"] == 6


def test_unknown_problem_is_404(reader_client):
    response = reader_client.get("/api/v1/problems/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_export_round_trips(reader_client, toy):
    response = reader_client.get(f"/api/v1/problems/{toy.pk}/export/?format=ectt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("Name: Toy")
    assert "ROOM_CONSTRAINTS:" in response.content.decode()
    plain = reader_client.get(f"/api/v1/problems/{toy.pk}/export/?format=ctt").content.decode()
    assert "ROOM_CONSTRAINTS" not in plain
    bad = reader_client.get(f"/api/v1/problems/{toy.pk}/export/?format=xml")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_format"


# ------------------------------------------------------------------------------ delete
def test_delete_removes_everything(
    scheduler_client, toy_revision, django_capture_on_commit_callbacks
):
    problem_id = toy_revision.problem_id
    assert scheduler_client.get(f"/api/v1/revisions/{toy_revision.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # drops the cached revision body
        assert scheduler_client.delete(f"/api/v1/problems/{problem_id}/").status_code == 204
    assert counts() == {k: 0 for k in counts()}
    assert scheduler_client.get(f"/api/v1/revisions/{toy_revision.pk}/").status_code == 404


def test_reader_cannot_delete(reader_client, toy):
    assert reader_client.delete(f"/api/v1/problems/{toy.pk}/").status_code == 403
    assert Problem.objects.filter(pk=toy.pk).exists()


def test_delete_with_a_queued_run_is_409(scheduler_client, toy):
    from ...services.runs import run_start

    run_start(problem=toy, time_limit=5, enqueue=False)
    before = counts()
    response = scheduler_client.delete(f"/api/v1/problems/{toy.pk}/")
    assert response.status_code == 409 and response.json()["code"] == "run_active"
    assert counts() == before


# ------------------------------------------------------------------------------ courses, rooms
def test_courses_rooms_curricula_lists(reader_client, toy, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        courses = reader_client.get(f"/api/v1/problems/{toy.pk}/courses/").json()
    tec = next(c for c in courses if c["code"] == "TecCos")
    assert tec["teacher"] == "Rosa" and tec["lectures"] == 5
    assert tec["curricula"] == ["Cur1", "Cur2"]
    assert [2, 0] in tec["unavailable"]
    rooms = reader_client.get(f"/api/v1/problems/{toy.pk}/rooms/").json()
    assert {r["code"]: r["capacity"] for r in rooms} == {"rA": 32, "rB": 50, "rC": 40}
    with django_assert_max_num_queries(3):
        curricula = reader_client.get(f"/api/v1/problems/{toy.pk}/curricula/").json()
    assert {q["code"]: q["courses"] for q in curricula}["Cur2"] == ["TecCos", "Geotec"]


def test_patch_course_and_room_bump_the_version(scheduler_client, toy):
    course = Course.objects.get(problem=toy, code="Geotec")
    room = Room.objects.get(problem=toy, code="rA")
    old = problem_to_core(problem=toy)
    assert old.room_by_id["rA"].capacity == 32
    response = scheduler_client.patch(
        f"/api/v1/courses/{course.pk}/", {"students": 99, "teacher": "Verdi"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["students"] == 99 and response.json()["teacher"] == "Verdi"
    response = scheduler_client.patch(f"/api/v1/rooms/{room.pk}/", {"capacity": 10}, format="json")
    assert response.status_code == 200 and response.json()["capacity"] == 10
    toy.refresh_from_db()
    assert toy.version == 3
    new = problem_to_core(problem=toy)  # a new version: not the cached model
    assert new.room_by_id["rA"].capacity == 10
    assert new.course_by_id["Geotec"].students == 99


@pytest.mark.parametrize(
    "payload",
    [{"students": "many"}, {"lectures": 0}, {"teacher": ""}, {"double_lectures": "maybe"}],
)
def test_patch_course_with_bad_types_is_400(scheduler_client, toy, payload):
    course = Course.objects.get(problem=toy, code="Geotec")
    response = scheduler_client.patch(f"/api/v1/courses/{course.pk}/", payload, format="json")
    assert response.status_code == 400
    assert set(payload) <= set(response.json()["extra"]["fields"])
    course.refresh_from_db()
    assert (course.students, course.lectures, course.teacher) == (18, 5, "Scarlatti")


def test_patch_with_malformed_json_is_400(scheduler_client, toy):
    room = Room.objects.get(problem=toy, code="rA")
    response = scheduler_client.generic(
        "PATCH", f"/api/v1/rooms/{room.pk}/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    room.refresh_from_db()
    assert room.capacity == 32


def test_reader_cannot_patch_and_unknown_ids_are_404(reader_client, scheduler_client, toy):
    room = Room.objects.get(problem=toy, code="rA")
    assert reader_client.patch(f"/api/v1/rooms/{room.pk}/", {"capacity": 1}).status_code == 403
    room.refresh_from_db()
    assert room.capacity == 32
    assert scheduler_client.patch("/api/v1/rooms/999999/", {}, format="json").status_code == 404
    assert scheduler_client.patch("/api/v1/courses/999999/", {}, format="json").status_code == 404
    assert reader_client.get("/api/v1/problems/999999/courses/").status_code == 404


def test_numbers_the_columns_cannot_hold_are_400(scheduler_client):
    text = demo_bytes("toy.ectt").decode()
    text = text.replace("Geotec Scarlatti 5 4 18 1", "Geotec Scarlatti 5 40000 18 1")
    before = counts()
    response = scheduler_client.post(
        "/api/v1/problems/", {"file": upload("big.ectt", text.encode())}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_file"
    assert counts() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/problems/99999999999999999999999/",
        "/api/v1/problems/99999999999999999999999/courses/",
        "/api/v1/revisions/99999999999999999999999/",
        "/api/v1/runs/99999999999999999999999/",
    ],
)
def test_ids_beyond_any_row_are_404(reader_client, path):
    assert reader_client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query", ["limit=18562096167688338974829445120", "offset=18562096167688338974829445120"]
)
def test_huge_page_parameters_are_bounded(reader_client, toy, query):
    response = reader_client.get(f"/api/v1/problems/?{query}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_upload_over_the_limit_is_refused_from_its_content_length(scheduler_client):
    before = counts()
    big = upload("big.ctt", b"x" * (3 * 1024 * 1024))
    response = scheduler_client.post("/api/v1/problems/", {"file": big}, format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert counts() == before


def test_patch_curriculum_courses(scheduler_client, reader_client, toy):
    from ...models import Curriculum

    cur2 = Curriculum.objects.get(problem=toy, code="Cur2")
    url = f"/api/v1/curricula/{cur2.pk}/"
    assert reader_client.patch(url, {"courses": ["Geotec"]}, format="json").status_code == 403
    response = scheduler_client.patch(url, {"courses": ["Geotec", "SceCosC"]}, format="json")
    assert response.status_code == 200, response.content
    assert sorted(response.json()["courses"]) == ["Geotec", "SceCosC"]
    toy.refresh_from_db()
    core = problem_to_core(problem=toy)
    assert sorted(next(q.courses for q in core.curricula if q.id == "Cur2")) == [
        "Geotec",
        "SceCosC",
    ]
    bad = scheduler_client.patch(url, {"courses": ["Geotec", "Nope"]}, format="json")
    assert bad.status_code == 400 and bad.json()["extra"]["courses"] == ["Nope"]
    assert sorted(cur2.courses.values_list("code", flat=True)) == ["Geotec", "SceCosC"]
    wrong = scheduler_client.patch(url, {"courses": "Geotec"}, format="json")
    assert wrong.status_code == 400
    assert scheduler_client.patch("/api/v1/curricula/999999/", {}, format="json").status_code == 404


@pytest.mark.parametrize(
    "old,new", [("Geotec Scarlatti", "Geotec " + "T" * 65), ("rA 32", "r" * 65 + " 32")]
)
def test_ids_longer_than_the_columns_are_400(scheduler_client, old, new):
    text = demo_bytes("toy.ectt").decode().replace(old, new)
    before = counts()
    response = scheduler_client.post(
        "/api/v1/problems/", {"file": upload("long.ectt", text.encode())}, format="multipart"
    )
    assert response.status_code == 400
    assert counts() == before
