"""Entering a term in the pages: a new term, its courses and rooms added and removed; a refused
form says why next to its field and writes nothing; readers cannot change anything."""

import pytest
from django.test import Client

from ...models import Course, Curriculum, Problem, Room
from .conftest import counts

pytestmark = pytest.mark.django_db

APP = __name__.split(".")[0]


@pytest.fixture
def web(scheduler) -> Client:
    client = Client()
    client.force_login(scheduler)
    return client


COURSE = {
    "course-code": "Intro to Physics",
    "course-teacher": "Prof. Li 李",
    "course-lectures": "3",
    "course-min_working_days": "2",
    "course-students": "40",
}


def test_a_term_is_entered_in_the_pages(web):
    term = {"term-name": "Spring", "term-days": "5", "term-periods_per_day": "4"}
    response = web.post(f"/{APP}/problems/new/", term)
    problem = Problem.objects.get(name="Spring")
    assert (response.status_code, response["Location"]) == (302, f"/{APP}/problems/{problem.pk}/")
    page = web.get(response["Location"]).content.decode()
    assert "Entered in the service, created" in page and "Add a course" in page

    added = web.post(f"/{APP}/problems/{problem.pk}/courses/", COURSE)
    assert added.status_code == 302 and added["Location"].endswith("#courses-title")
    web.post(f"/{APP}/problems/{problem.pk}/rooms/",
             {"room-code": "Room 2.14", "room-capacity": "60", "room-site": "1"})  # fmt: skip
    page = web.get(f"/{APP}/problems/{problem.pk}/").content.decode()
    assert "Prof. Li 李" in page and 'aria-label="Remove room Room 2.14"' in page

    course = Course.objects.get(problem=problem)
    removed = web.post(f"/{APP}/courses/{course.pk}/remove/")
    assert removed.status_code == 302
    assert Course.objects.get(pk=course.pk).removed
    page = web.get(f"/{APP}/problems/{problem.pk}/").content.decode()
    assert '<th scope="row">Intro to Physics</th>' not in page and "No courses yet." in page


def test_a_refused_form_says_why_and_writes_nothing(web, toy):
    before = counts()
    taken = web.post(f"/{APP}/problems/{toy.pk}/rooms/", {"room-code": "rA", "room-capacity": "5",
                                                          "room-site": "0"})  # fmt: skip
    assert taken.status_code == 400
    assert "already has a room" in taken.content.decode()
    bad = web.post(f"/{APP}/problems/{toy.pk}/courses/", {**COURSE, "course-lectures": "0"})
    assert bad.status_code == 400 and 'id="id_course-lectures_error"' in bad.content.decode()
    week = web.post(f"/{APP}/problems/new/", {"term-name": "X", "term-days": "9",
                                              "term-periods_per_day": "4"})  # fmt: skip
    assert week.status_code == 400 and 'id="id_term-days_error"' in week.content.decode()
    assert counts() == before


def test_readers_see_no_controls_and_cannot_post(user, toy):
    reader = Client()
    reader.force_login(user)
    page = reader.get(f"/{APP}/problems/{toy.pk}/").content.decode()
    assert "Add a course" not in page and "Remove" not in page
    room = Room.objects.filter(problem=toy).first()
    assert reader.post(f"/{APP}/rooms/{room.pk}/remove/").status_code == 403
    assert not Room.objects.get(pk=room.pk).removed


def test_the_term_calendar_is_set_in_the_pages(web, toy):
    page = web.get(f"/{APP}/problems/{toy.pk}/").content.decode()
    assert "From next Monday to 14 weeks later" in page
    fields = {"calendar-time_zone": "Europe/Rome", "calendar-term_start": "2027-03-01",
              "calendar-term_end": "2027-04-30", "calendar-day_start": "08:30",
              "calendar-period_minutes": "45"}  # fmt: skip
    saved = web.post(f"/{APP}/problems/{toy.pk}/calendar/", fields)
    assert saved.status_code == 302
    page = web.get(f"/{APP}/problems/{toy.pk}/").content.decode()
    assert "From Mon 1 Mar 2027 to Fri 30 Apr 2027" in page and "Europe/Rome time" in page
    refused = web.post(
        f"/{APP}/problems/{toy.pk}/calendar/", {**fields, "calendar-time_zone": "Mars/Olympus"}
    )
    assert refused.status_code == 400 and "Unknown time zone" in refused.content.decode()
    toy.refresh_from_db()
    assert (toy.time_zone, toy.period_minutes) == ("Europe/Rome", 45)


def test_a_courses_fields_and_constraints_are_edited_on_its_page(web, toy):
    course = Course.objects.get(problem=toy, code="Geotec")
    url = f"/{APP}/courses/{course.pk}/"
    page = web.get(url).content.decode()
    assert "<legend>May not be taught in</legend>" in page and 'value="rA"' in page
    version = Problem.objects.get(pk=toy.pk).version
    fields = {
        "teacher": "Dr. Ana Ruiz",
        "lectures": "4",
        "min_working_days": "2",
        "students": "30",
        "unavailable": ["0-0", "4-3"],
        "forbidden_rooms": ["rB"],
    }
    saved = web.post(url, fields)
    assert saved.status_code == 302
    course.refresh_from_db()
    assert (course.teacher, course.lectures) == ("Dr. Ana Ruiz", 4)
    assert {(u.day, u.period) for u in course.unavailability.all()} == {(0, 0), (4, 3)}
    assert [c.room.code for c in course.room_constraints.all()] == ["rB"]
    assert Problem.objects.get(pk=toy.pk).version > version

    before = counts()
    refused = web.post(url, {**fields, "unavailable": ["9-9"], "lectures": "5"})
    assert refused.status_code == 400
    assert "not one of the available choices" in refused.content.decode()
    course.refresh_from_db()
    assert course.lectures == 4 and counts() == before


def test_curricula_are_added_and_removed_in_the_pages(web, toy):
    year3 = {"curriculum-code": "Year 3", "curriculum-courses": ["Geotec", "TecCos"]}
    added = web.post(f"/{APP}/problems/{toy.pk}/curricula/", year3)
    assert added.status_code == 302
    page = web.get(f"/{APP}/problems/{toy.pk}/").content.decode()
    assert 'aria-label="Remove curriculum Year 3"' in page
    taken = web.post(f"/{APP}/problems/{toy.pk}/curricula/",
                     {"curriculum-code": "Year 3", "curriculum-courses": ["Geotec"]})  # fmt: skip
    assert taken.status_code == 400 and "already has a curriculum" in taken.content.decode()
    curriculum = Curriculum.objects.get(problem=toy, code="Year 3")
    assert web.post(f"/{APP}/curricula/{curriculum.pk}/remove/").status_code == 302
    assert not Curriculum.objects.filter(pk=curriculum.pk).exists()


def test_the_week_and_a_room_are_changed_in_the_pages(web, toy):
    week = {
        "week-days": "4",
        "week-periods_per_day": "4",
        "week-min_daily_lectures": "0",
        "week-max_daily_lectures": "0",
    }
    assert web.post(f"/{APP}/problems/{toy.pk}/week/", week).status_code == 302
    toy.refresh_from_db()
    assert toy.days == 4
    limits = {"week-min_daily_lectures": "3", "week-max_daily_lectures": "2"}
    refused = web.post(f"/{APP}/problems/{toy.pk}/week/", {**week, **limits})
    assert refused.status_code == 400 and "below the minimum" in refused.content.decode()

    room = Room.objects.get(problem=toy, code="rA")
    page = web.get(f"/{APP}/rooms/{room.pk}/")
    assert page.status_code == 200 and 'value="32"' in page.content.decode()
    assert web.post(f"/{APP}/rooms/{room.pk}/", {"capacity": "80", "site": "2"}).status_code == 302
    room.refresh_from_db()
    assert (room.capacity, room.site) == (80, 2)
    assert web.post(f"/{APP}/rooms/{room.pk}/", {"capacity": "-1", "site": "2"}).status_code == 400
