"""The scheduler's web pages through Django's test client: access, controls, errors, grid."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ...lectures import Move
from ...models import GenerationRun, Revision
from ...services.revisions import revision_create_edited
from .conftest import counts, demo_bytes, web

pytestmark = pytest.mark.django_db

APP = __name__.split(".")[0]


@pytest.fixture
def scheduler_web(scheduler) -> Client:
    return web(scheduler, at_once=True)  # each edit a revision (drafts: test_drafts.py)


@pytest.fixture
def reader_web(user) -> Client:
    return web(user)


# ------------------------------------------------------------------------------ access
@pytest.mark.parametrize(
    "path",
    [
        "/{app}/",
        "/{app}/problems/{problem}/",
        "/{app}/problems/{problem}/history/",
        "/{app}/revisions/{revision}/",
        "/{app}/problems/{problem}/generate/",
    ],
)
def test_every_page_needs_a_login(client, toy_revision, path):
    url = path.format(app=APP, problem=toy_revision.problem_id, revision=toy_revision.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_reader_sees_pages_without_controls(reader_web, toy_revision):
    pages = [
        f"/{APP}/",
        f"/{APP}/problems/{toy_revision.problem_id}/",
        f"/{APP}/revisions/{toy_revision.pk}/?show=all:",
        f"/{APP}/problems/{toy_revision.problem_id}/history/",
    ]
    for url in pages:
        response = reader_web.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for control in ('type="file"', 'id="move-form"', "pin-form", "/generate/", "draggable"):
            assert control not in html, (url, control)
    # The grid itself is there, with its exports.
    grid = reader_web.get(f"/{APP}/revisions/{toy_revision.pk}/?show=all:").content.decode()
    assert grid.count('class="lecture') == 16
    assert "format=csv" in grid and "format=ics" in grid


def test_reader_cannot_post(reader_web, toy_revision):
    before = counts()
    key = "Geotec|3|0|rA"
    assert reader_web.post(f"/{APP}/", {}).status_code == 403
    assert (
        reader_web.post(
            f"/{APP}/revisions/{toy_revision.pk}/pin/", {"lecture": key, "pinned": "1"}
        ).status_code
        == 403
    )
    assert (
        reader_web.post(
            f"/{APP}/problems/{toy_revision.problem_id}/generate/", {"time_limit": 1}
        ).status_code
        == 403
    )
    assert counts() == before


def test_scheduler_sees_the_controls(scheduler_web, toy_revision):
    html = scheduler_web.get(f"/{APP}/revisions/{toy_revision.pk}/?show=all:").content.decode()
    assert 'id="move-form"' in html and 'draggable="true"' in html
    assert 'for="move_lecture"' in html and 'for="move_day"' in html
    assert 'type="file"' in scheduler_web.get(f"/{APP}/").content.decode()


# ------------------------------------------------------------------------------ import
def test_import_error_names_the_line(scheduler_web):
    before = counts()
    broken = demo_bytes("toy.ctt").replace(b"ArcTec Indaco 3 2 42", b"ArcTec Indaco three 2 42")
    response = scheduler_web.post(
        f"/{APP}/", {"file": SimpleUploadedFile("toy.ctt", broken), "name": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert "line 11" in html
    assert counts() == before


def test_import_then_summary(scheduler_web):
    response = scheduler_web.post(
        f"/{APP}/", {"file": SimpleUploadedFile("toy.ctt", demo_bytes("toy.ctt")), "name": ""}
    )
    assert response.status_code == 302
    summary = scheduler_web.get(response["Location"]).content.decode()
    assert "<strong>4</strong> courses" in summary
    assert "<strong>20</strong> periods" in summary
    assert "<strong>8</strong> unavailability constraints" in summary


# ------------------------------------------------------------------------------ grid
def test_grid_marks_violations_in_their_cell(scheduler_web, toy_revision):
    # Geotec onto SceCosC's slot (Mon period 1, 09:00, room rA): a room clash.
    edited = revision_create_edited(
        base=toy_revision, moves=[Move("Geotec", (3, 0, "rA"), (0, 1, "rA"))]
    )
    html = scheduler_web.get(f"/{APP}/revisions/{edited.pk}/?show=all:").content.decode()
    assert edited.hard_violations > 0
    assert 'id="cell-0-1" class="cell has-hard' in html
    assert "share room rA on Mon 09:00" in html  # the verifier's "Mon period 1" in clock time
    assert 'href="#cell-0-1"' in html


def test_a_cost_of_a_whole_course_marks_one_of_its_lectures(scheduler_web, toy_revision):
    # SceCosC on two days only (its minimum is three): one soft cost, one lecture marked.
    edited = revision_create_edited(
        base=toy_revision, moves=[Move("SceCosC", (3, 2, "rA"), (0, 2, "rA"))]
    )
    html = scheduler_web.get(f"/{APP}/revisions/{edited.pk}/?show=all:").content.decode()
    marked = re.findall(r'<div class="lecture[^"]*"[^>]*title="[^"]*SceCosC meets on 2 days', html)
    assert len(marked) == 1, marked
    assert html.count('data-course="SceCosC"') == 3


def test_move_form_makes_a_revision(scheduler_web, toy_revision):
    response = scheduler_web.post(
        f"/{APP}/revisions/{toy_revision.pk}/move/",
        {"lecture": "Geotec|3|0|rA", "day": "4", "period": "3", "room": "", "show": "all:"},
    )
    assert response.status_code == 302
    latest = Revision.objects.filter(problem=toy_revision.problem).order_by("-number").first()
    assert latest.number == 2 and latest.parent_id == toy_revision.pk
    assert response["Location"].startswith(f"/{APP}/revisions/{latest.pk}/")


def test_stale_edit_answers_409_with_a_message(scheduler_web, toy_revision):
    revision_create_edited(base=toy_revision, moves=[Move("Geotec", (3, 0, "rA"), (4, 3, None))])
    response = scheduler_web.post(
        f"/{APP}/revisions/{toy_revision.pk}/pin/",
        {"lecture": "SceCosC|0|1|rA", "pinned": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert "no longer the latest" in response.json()["error"]
    assert response.json()["latest_url"]


def test_diff_page_marks_moved_lectures(scheduler_web, toy_revision):
    edited = revision_create_edited(
        base=toy_revision, moves=[Move("Geotec", (3, 0, "rA"), (4, 3, None))]
    )
    html = scheduler_web.get(
        f"/{APP}/problems/{toy_revision.problem_id}/diff/"
        f"?against={toy_revision.pk}&revision={edited.pk}&show=all:"
    ).content.decode()
    assert "moved from Thu 08:00, room rA" in html
    assert "Geotec moved to Fri 11:00, room rA" in html


def test_run_status_json(scheduler_web, toy):
    run = GenerationRun.objects.create(problem=toy, time_limit=5)
    body = scheduler_web.get(f"/{APP}/runs/{run.pk}/status/").json()
    assert body["status"] == "queued" and body["finished"] is False
    page = scheduler_web.get(f"/{APP}/runs/{run.pk}/").content.decode()
    assert "Cancel the run" in page
    assert scheduler_web.post(f"/{APP}/runs/{run.pk}/cancel/").status_code == 302
    run.refresh_from_db()
    assert run.status == "cancelled"


def test_pages_read_a_bounded_number_of_rows(
    scheduler_web, toy_revision, django_assert_max_num_queries
):
    grid = f"/{APP}/revisions/{toy_revision.pk}/?show=all:"
    scheduler_web.get(grid)  # the revision's verification is cached from here on
    with django_assert_max_num_queries(9):  # one of them: the person's draft, if any
        assert scheduler_web.get(grid).status_code == 200
    with django_assert_max_num_queries(8):
        assert scheduler_web.get(f"/{APP}/").status_code == 200
