"""A term entered and edited through the API: an empty problem, then its courses, rooms,
curricula and constraints, one change at a time; each change a new version of the problem;
revisions made before a change stay as they were, marked as made for an earlier version, and
are re-verified against the current one; bad input refused with nothing written."""

import pytest

from ...models import Course, Problem, Revision
from .conftest import counts

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def term(scheduler_client) -> int:
    """A small term entered from nothing: two days of two periods, two courses, two rooms."""
    client = scheduler_client
    response = client.post(f"{API}/problems/", {"name": "Spring", "days": 2, "periods_per_day": 2},
                           format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    problem = response.json()["id"]
    for code, teacher in (("Intro to Physics", "Prof. Li 李"), ("Algebra I", "Dr. Ana Ruiz")):
        course = {"code": code, "teacher": teacher, "lectures": 2, "min_working_days": 1,
                  "students": 30}  # fmt: skip
        assert (
            client.post(f"{API}/problems/{problem}/courses/", course, format="json").status_code
            == 201
        )
    for code in ("Room 2.14", "Lab B"):
        room = {"code": code, "capacity": 40}
        assert (
            client.post(f"{API}/problems/{problem}/rooms/", room, format="json").status_code == 201
        )
    curriculum = {"code": "Year 1", "courses": ["Intro to Physics", "Algebra I"]}
    assert (
        client.post(f"{API}/problems/{problem}/curricula/", curriculum, format="json").status_code
        == 201
    )
    return problem


def course_id(problem: int, code: str) -> int:
    return Course.objects.get(problem_id=problem, code=code).pk


def test_a_term_entered_from_nothing_solves(
    scheduler_client, term, eager_tasks, django_capture_on_commit_callbacks
):
    detail = scheduler_client.get(f"{API}/problems/{term}/").json()
    assert (detail["source_format"], detail["courses_count"], detail["rooms_count"]) == (
        "web",
        2,
        2,
    )
    assert detail["version"] == 6  # five additions after the creation
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduler_client.post(
            f"{API}/problems/{term}/runs/", {"time_limit": 2}, format="json"
        )
    assert run.status_code == 202
    revision = Revision.objects.get(problem_id=term)
    assert (revision.hard_violations, revision.problem_version) == (0, 6)
    exported = scheduler_client.get(f"{API}/problems/{term}/export/")
    assert exported["Content-Type"] == "application/zip"  # entered terms leave as CSV files


def test_constraints_of_a_course_are_set_and_checked(scheduler_client, term):
    url = f"{API}/courses/{course_id(term, 'Algebra I')}/constraints/"
    both = {"unavailable": [[0, 0], [1, 1]], "forbidden_rooms": ["Lab B"]}
    response = scheduler_client.put(url, both, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["unavailable"], response.json()["forbidden_rooms"]) == (
        [[0, 0], [1, 1]], ["Lab B"])  # fmt: skip
    before = counts()
    for bad, code in (({"unavailable": [[2, 0]]}, "outside_week"),
                      ({"forbidden_rooms": ["Hall Z"]}, "unknown_room")):  # fmt: skip
        refused = scheduler_client.put(url, bad, format="json")
        assert (refused.status_code, refused.json()["code"]) == (400, code)
    assert counts() == before
    assert scheduler_client.get(url.removesuffix("constraints/")).status_code == 405  # no GET there


def test_a_removed_course_stays_in_the_revisions_that_placed_it(
    scheduler_client, scheduler, client, term, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        scheduler_client.post(f"{API}/problems/{term}/runs/", {"time_limit": 2}, format="json")
    revision = Revision.objects.get(problem_id=term)
    before = scheduler_client.get(f"{API}/revisions/{revision.pk}/").json()

    physics = course_id(term, "Intro to Physics")
    assert scheduler_client.delete(f"{API}/courses/{physics}/").status_code == 204
    courses = scheduler_client.get(f"{API}/problems/{term}/courses/").json()
    assert [c["code"] for c in courses] == ["Algebra I"]
    curricula = scheduler_client.get(f"{API}/problems/{term}/curricula/").json()
    assert curricula[0]["courses"] == ["Algebra I"]

    after = scheduler_client.get(f"{API}/revisions/{revision.pk}/").json()
    assert after["assignments"] == before["assignments"]  # as it was, lectures of the course too
    assert after["total_cost"] == before["total_cost"]
    assert (
        after["problem_version"] < Problem.objects.get(pk=term).version
    )  # made for an earlier one
    now = scheduler_client.get(f"{API}/revisions/{revision.pk}/verification/").json()
    # Against today's problem: its lectures of a course the problem no longer has are named.
    assert any("unknown course 'Intro to Physics'" in w for w in now["warnings"]), now["warnings"]

    client.force_login(scheduler)
    page = client.get(f"/{{ cookiecutter.app_slug }}/revisions/{revision.pk}/")
    assert page.status_code == 200
    assert b"made for an earlier version of the problem" in page.content

    again = {"code": "Intro to Physics", "teacher": "Prof. Li 李", "lectures": 1,
             "min_working_days": 1, "students": 10}  # fmt: skip
    assert (
        scheduler_client.post(f"{API}/problems/{term}/courses/", again, format="json").status_code
        == 201
    )
    assert course_id(term, "Intro to Physics") == physics  # the same row, back


def test_changing_the_week_drops_constraints_outside_it(scheduler_client, term):
    algebra = course_id(term, "Algebra I")
    scheduler_client.put(f"{API}/courses/{algebra}/constraints/", {"unavailable": [[0, 1], [1, 1]]},
                         format="json")  # fmt: skip
    version = Problem.objects.get(pk=term).version
    response = scheduler_client.patch(
        f"{API}/problems/{term}/", {"periods_per_day": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == version + 1
    course = scheduler_client.get(f"{API}/problems/{term}/courses/").json()
    assert next(c for c in course if c["code"] == "Algebra I")["unavailable"] == []


@pytest.mark.parametrize(
    ("url", "body", "status", "code"),
    [
        ("problems/{p}/courses/", {"code": "Algebra I", "teacher": "X", "lectures": 1,
                                   "min_working_days": 1, "students": 1}, 409, "name_taken"),
        ("problems/{p}/courses/", {"code": "A|B", "teacher": "X", "lectures": 1,
                                   "min_working_days": 1, "students": 1}, 400, "invalid_name"),
        ("problems/{p}/courses/", {"code": "New", "teacher": "X", "lectures": 0,
                                   "min_working_days": 1, "students": 1}, 400, "invalid"),
        ("problems/{p}/rooms/", {"code": "Lab B", "capacity": 5}, 409, "name_taken"),
        ("problems/{p}/curricula/", {"code": "Year 2", "courses": ["Chemistry"]}, 400,
         "unknown_course"),
        ("problems/{p}/curricula/", {"code": "Year 1", "courses": []}, 409, "name_taken"),
        ("problems/", {"name": "Huge", "days": 200, "periods_per_day": 200}, 400, "invalid"),
        ("problems/{p}/", {"min_daily_lectures": 3, "max_daily_lectures": 2}, 400, "invalid"),
    ],
)  # fmt: skip
def test_bad_changes_are_refused_and_write_nothing(scheduler_client, term, url, body, status, code):
    before, version = counts(), Problem.objects.get(pk=term).version
    method = scheduler_client.patch if url == "problems/{p}/" else scheduler_client.post
    response = method(f"{API}/{url.format(p=term)}", body, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code), response.content
    assert counts() == before and Problem.objects.get(pk=term).version == version


def test_readers_cannot_change_a_term(reader_client, term):
    assert reader_client.delete(f"{API}/courses/{course_id(term, 'Algebra I')}/").status_code == 403
    body = {"code": "Hall", "capacity": 1}
    assert (
        reader_client.post(f"{API}/problems/{term}/rooms/", body, format="json").status_code == 403
    )
