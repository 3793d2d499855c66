"""What a team hands out and reads: periods as clock times from the problem, CSV exports with day
names and clock times, download names that carry problem, revision and view, printable sheets,
and formulations and cost components in plain words."""

import csv
import io
import re
from datetime import time

import pytest

from ...clock import Clock, problem_clock
from ...exports import export_csv
from ...selectors.problems import problem_to_core
from ...selectors.revisions import revision_lectures
from ...services.revisions import revision_import
from .conftest import TOY_SOLUTION, web
from .test_views import APP

TO = "\N{EN DASH}"  # between a period's start and end

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduler_web(scheduler):
    return web(scheduler)


@pytest.fixture
def reader_web(user):
    return web(user)


# ------------------------------------------------------------------------------ clock labels
def test_periods_are_named_by_clock_time_from_the_problem():
    clock = Clock(days=5)  # the defaults: 08:00, one hour a period
    assert [clock.period(p) for p in range(3)] == [
        f"08:00{TO}09:00",
        f"09:00{TO}10:00",
        f"10:00{TO}11:00",
    ]
    assert (clock.day(0), clock.day_short(4), clock.when(2, 1)) == ("Monday", "Fri", "Wed 09:00")
    quarter = Clock(days=5, day_start=time(8, 30), period_minutes=45)
    assert (quarter.start(2), quarter.end(2)) == ("10:00", "10:45")
    late = Clock(days=5, day_start=time(22, 0), period_minutes=90)
    assert late.period(1) == f"23:30{TO}01:00"  # a day's periods may run past midnight


def test_a_week_of_more_than_seven_days_counts_days_from_one():
    clock = Clock(days=9)
    assert [clock.day(d) for d in (0, 8)] == ["Day 1", "Day 9"]
    assert clock.when(7, 0) == "Day 8 08:00"


def test_the_verifiers_slots_read_in_clock_time():
    clock = Clock(days=5, day_start=time(8, 30), period_minutes=45)
    text = "Courses A and B share room rA and both meet on Tue period 2"
    assert clock.relabel(text) == "Courses A and B share room rA and both meet on Tue 10:00"
    assert Clock(days=9).relabel("on day 8 period 0.") == "on Day 9 08:00."


def test_a_problems_clock_is_its_calendar(toy):
    toy.day_start, toy.period_minutes = time(9, 15), 50
    assert problem_clock(toy).period(1) == f"10:05{TO}10:55"


# ------------------------------------------------------------------------------ CSV
def csv_rows(body: bytes | str) -> list[dict[str, str]]:
    text = body.decode() if isinstance(body, bytes) else body
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_day_names_and_clock_times(scheduler_client, reader_client, toy, toy_revision):
    calendar = {"day_start": "08:30", "period_minutes": 45}
    response = scheduler_client.patch(f"/api/v1/problems/{toy.pk}/", calendar, format="json")
    assert response.status_code == 200, response.content
    body = reader_client.get(f"/api/v1/revisions/{toy_revision.pk}/export/?format=csv").content
    assert body.decode().splitlines()[0] == "course,teacher,room,day,start,end,pinned,curricula"
    rows = csv_rows(body)
    assert len(rows) == 16
    # TOY_SOLUTION: "Geotec rA 0 3" is day 0, period 3; "SceCosC rA 0 1" day 0, period 1.
    geotec = next(r for r in rows if r["course"] == "Geotec" and r["day"] == "Monday")
    assert (geotec["start"], geotec["end"], geotec["room"]) == ("10:45", "11:30", "rA")
    assert rows[0]["course"] == "SceCosC" and rows[0]["start"] == "09:15"  # the week's order
    assert {r["day"] for r in rows} == {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
    assert all(re.fullmatch(r"\d\d:\d\d", r[k]) for r in rows for k in ("start", "end"))


def test_csv_of_a_long_week_says_day_1(toy, toy_revision):
    body = export_csv(
        revision_lectures(revision=toy_revision), problem_to_core(problem=toy), Clock(days=9)
    )
    assert {r["day"] for r in csv_rows(body)} == {f"Day {n}" for n in range(1, 6)}


# ------------------------------------------------------------------------------ file names
def disposition(client, revision, query: str) -> str:
    response = client.get(f"/api/v1/revisions/{revision.pk}/export/?{query}")
    assert response.status_code == 200, response.content
    found = re.fullmatch(r'attachment; filename="([^"]+)"', response["Content-Disposition"])
    assert found, response["Content-Disposition"]
    return found[1]


def test_download_names_carry_problem_revision_and_view(
    reader_client, scheduler, toy, toy_revision
):
    names = {
        query: disposition(reader_client, toy_revision, query)
        for query in (
            "format=ics",
            "format=ics&teacher=Scarlatti",
            "format=ics&curriculum=Cur1",
            "format=ics&room=rA",
            "format=csv",
            "format=csv&room=rA",
            "format=sol",
        )
    }
    assert names["format=ics"] == "toy-revision-1-all.ics"
    assert names["format=ics&teacher=Scarlatti"] == "toy-revision-1-teacher-scarlatti.ics"
    assert names["format=csv&room=rA"] == "toy-revision-1-room-ra.csv"
    assert len(set(names.values())) == len(names)
    second = revision_import(problem=toy, file=TOY_SOLUTION.encode(), author=scheduler)
    assert disposition(reader_client, second, "format=ics") == "toy-revision-2-all.ics"


def test_keys_a_slug_would_merge_keep_different_names(reader_client, toy, toy_revision):
    toy.courses.filter(code="Geotec").update(teacher="Prof. Li")
    toy.courses.filter(code="ArcTec").update(teacher="Prof Li")
    toy.version += 1
    toy.save(update_fields=["version"])
    dotted = disposition(reader_client, toy_revision, "format=ics&teacher=Prof.%20Li")
    plain = disposition(reader_client, toy_revision, "format=ics&teacher=Prof%20Li")
    assert dotted != plain and dotted.startswith("toy-revision-1-teacher-prof-li-")


# ------------------------------------------------------------------------------ pages
def test_the_grid_labels_periods_with_clock_times(reader_web, toy_revision):
    html = reader_web.get(f"/{APP}/revisions/{toy_revision.pk}/?show=all:").content.decode()
    assert f'<th scope="row">08:00{TO}09:00</th>' in html
    assert "Period 0" not in html and "period 0" not in html
    # A card shows its teacher and students on hover and focus (and to screen readers).
    assert re.search(r'<span class="who">Scarlatti · \d+ students</span>', html)
    assert 'class="grid-frame" role="region"' in html


def test_print_sheets_for_each_curriculum_teacher_and_room(reader_web, toy, toy_revision):
    url = f"/{APP}/revisions/{toy_revision.pk}/print/"
    expected = {"curriculum": 2, "teacher": 4, "room": 3}
    for each, count in expected.items():
        html = reader_web.get(f"{url}?each={each}").content.decode()
        assert html.count('<section class="sheet"') == count, each
        assert f'<th scope="row">08:00{TO}09:00</th>' in html
    one = reader_web.get(f"{url}?show=teacher:Scarlatti").content.decode()
    assert one.count('<section class="sheet"') == 1 and "Teacher Scarlatti" in one
    grid = reader_web.get(f"/{APP}/revisions/{toy_revision.pk}/").content.decode()
    assert f"/{APP}/revisions/{toy_revision.pk}/print/?show=" in grid


def test_formulations_and_components_are_named_in_plain_words(scheduler_web, toy, toy_revision):
    page = scheduler_web.get(f"/{APP}/problems/{toy.pk}/generate/").content.decode()
    assert "UD3 — compact days" in page
    advanced = page[page.index('<details class="advanced"') :]
    assert 'id="id_seed"' in advanced and "random choices" in advanced
    assert 'id="id_seed"' not in page[: page.index('<details class="advanced"')]
    grid = scheduler_web.get(f"/{APP}/revisions/{toy_revision.pk}/").content.decode()
    assert 'Courses spread over too few days <span class="code">MinWorkingDays</span>' in grid
    assert "UD2 — the ITC-2007 competition" in grid


def test_a_generation_without_a_seed_uses_0(scheduler_web, toy):
    response = scheduler_web.post(
        f"/{APP}/problems/{toy.pk}/generate/",
        {"formulation": "UD2", "time_limit": 1, "seed": ""},
    )
    assert response.status_code == 302
    assert toy.runs.get().seed == 0


def test_course_page_names_unavailable_periods_by_clock_time(reader_web, toy):
    course = toy.courses.filter(unavailability__isnull=False).first()
    first = course.unavailability.order_by("day", "period").first()
    html = reader_web.get(f"/{APP}/courses/{course.pk}/").content.decode()
    assert Clock(days=toy.days).when(first.day, first.period) in html
