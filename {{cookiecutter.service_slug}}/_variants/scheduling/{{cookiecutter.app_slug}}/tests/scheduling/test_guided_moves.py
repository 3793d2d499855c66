"""Guided moves on the grid: where a lecture could go (the places endpoint the grid's script
asks, and "Find a place"), a move that picks a free room, two lectures swapped, and moves that
would change nothing refused; the same places through the API."""

import pytest
from django.test import Client

from ...models import Course, Revision
from ...services.problem_parts import course_update
from .conftest import counts, web

pytestmark = pytest.mark.django_db

APP = __name__.split(".")[0]


def places(client: Client, revision: Revision, lecture: str, show: str = "curriculum:Cur1"):
    return client.get(f"/{APP}/revisions/{revision.pk}/places/", {"lecture": lecture, "show": show})


def latest(revision: Revision) -> Revision:
    return Revision.objects.filter(problem=revision.problem).latest("number")


def slots(revision: Revision, course: str) -> set[tuple[int, int, str]]:
    rows = revision.assignments.filter(course__code=course)
    return set(rows.values_list("day", "period", "room__code"))


def test_places_label_every_other_period_with_the_verifiers_reasons(scheduler, toy_revision):
    response = places(web(scheduler), toy_revision, "TecCos|0|2|rC")
    assert response.status_code == 200
    body = response.json()
    assert body["course"] == "TecCos" and body["when"] == "Mon 10:00"
    assert len(body["targets"]) == 5 * 4 - 1 and "0-2" not in body["targets"]
    assert {t["kind"] for t in body["targets"].values()} <= {"clean", "soft", "hard"}
    # Wednesday 08:00 is barred for TecCos: a move there breaks a hard rule, and says why.
    barred = body["targets"]["2-0"]
    assert barred["kind"] == "hard" and barred["hard"] >= 1
    assert any("TecCos" in r and "Wed 08:00" in r for r in barred["reasons"]), barred
    assert barred["text"].startswith("Wed 08:00, room ")
    assert len(body["best"]) == 5 and all(
        body["targets"][k]["kind"] != "hard" for k in body["best"][:1]
    )
    # The lectures of curriculum Cur1 in other periods can be swapped with.
    assert "SceCosC|0|1|rA" in body["swaps"] and "TecCos|0|2|rC" not in body["swaps"]
    assert body["swaps"]["SceCosC|0|1|rA"]["kind"] in {"clean", "soft", "hard"}


def test_places_refuse_bad_requests(scheduler, user, toy_revision):
    client = web(scheduler)
    assert places(client, toy_revision, "not a key").status_code == 400
    missing = places(client, toy_revision, "TecCos|4|3|rC")
    assert missing.status_code == 404 and "no such lecture" in missing.json()["error"]
    assert places(web(user), toy_revision, "TecCos|0|2|rC").status_code == 403
    assert places(Client(), toy_revision, "TecCos|0|2|rC").status_code == 302  # sign in first


def test_a_move_without_a_room_takes_a_free_room_that_fits(scheduler, toy_revision):
    # Tuesday 08:00 holds Geotec in rA: SceCosC (30 students) goes to the smallest free room.
    response = web(scheduler, at_once=True).post(
        f"/{APP}/revisions/{toy_revision.pk}/move/",
        {"lecture": "SceCosC|0|1|rA", "day": "1", "period": "0", "room": ""},
    )
    assert response.status_code == 302
    new = latest(toy_revision)
    assert (1, 0, "rC") in slots(new, "SceCosC")
    assert new.hard_violations == toy_revision.hard_violations


def test_a_move_that_changes_nothing_saves_nothing(scheduler, toy_revision):
    before = counts()
    response = web(scheduler, at_once=True).post(
        f"/{APP}/revisions/{toy_revision.pk}/move/",
        {"lecture": "SceCosC|0|1|rA", "day": "0", "period": "1", "room": "rA"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "already there" in response.json()["error"]
    assert counts() == before


def test_a_swap_trades_two_lectures_in_one_revision(scheduler, toy_revision):
    response = web(scheduler, at_once=True).post(
        f"/{APP}/revisions/{toy_revision.pk}/swap/",
        {"lecture": "SceCosC|0|1|rA", "other": "TecCos|0|2|rC", "show": "curriculum:Cur1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    new = latest(toy_revision)
    assert new.number == 2 and response.json()["revision"] == new.pk
    assert (0, 2, "rC") in slots(new, "SceCosC") and (0, 1, "rA") in slots(new, "TecCos")
    assert new.note == "Swapped SceCosC (Mon 09:00) and TecCos (Mon 10:00)"


@pytest.mark.parametrize(
    "other, error",
    [
        ("TecCos|0|1|rC", "same time"),
        ("nonsense", "unknown lecture"),
        ("TecCos|4|3|rC", "no lecture"),
    ],
)
def test_a_bad_swap_saves_nothing(scheduler, toy_revision, other, error):
    before = counts()
    response = web(scheduler, at_once=True).post(
        f"/{APP}/revisions/{toy_revision.pk}/swap/",
        {"lecture": "SceCosC|0|1|rA", "other": other},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and error in response.json()["error"]
    assert counts() == before


def test_a_reader_cannot_swap(user, toy_revision):
    response = web(user).post(
        f"/{APP}/revisions/{toy_revision.pk}/swap/",
        {"lecture": "SceCosC|0|1|rA", "other": "TecCos|0|2|rC"},
    )
    assert response.status_code == 403


def test_find_a_place_lists_the_best_places_with_a_move_button_each(scheduler, toy_revision):
    client = web(scheduler)
    html = client.get(
        f"/{APP}/revisions/{toy_revision.pk}/", {"show": "all:", "place": "TecCos|0|2|rC"}
    ).content.decode()
    assert "Best places for <strong>TecCos, Mon 10:00, room rC</strong>" in html
    assert html.count("Move here") == 5
    best = places(client, toy_revision, "TecCos|0|2|rC", show="all:").json()
    first = best["targets"][best["best"][0]]
    assert f'name="day" value="{first["day"]}"' in html and first["when"] in html
    # A lecture the revision does not hold: the form says so, the page still opens.
    missing = client.get(f"/{APP}/revisions/{toy_revision.pk}/", {"place": "x"})
    assert missing.status_code == 200 and "Select a valid choice" in missing.content.decode()


# ------------------------------------------------------------------------------ API
TECCOS_MONDAY = {"course": "TecCos", "room": "rC", "day": 0, "period": 2}  # Mon 10:00


def api_places(client, revision: Revision, **lecture):
    return client.get(f"/api/v1/revisions/{revision.pk}/places/", lecture)


def test_the_api_lists_every_other_period_best_first_for_readers(reader_client, toy_revision):
    before = counts()
    response = api_places(reader_client, toy_revision, **TECCOS_MONDAY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["lecture"] == {**TECCOS_MONDAY, "pinned": False}
    found = body["places"]
    assert len(found) == 5 * 4 - 1 and (0, 2) not in {(p["day"], p["period"]) for p in found}
    ranks = [(p["hard"], p["cost"]) for p in found]
    assert ranks == sorted(ranks) and found[0]["kind"] != "hard"
    # Wednesday 08:00 is barred for TecCos: the verifier's fact comes with the place.
    barred = next(p for p in found if (p["day"], p["period"]) == (2, 0))
    assert barred["kind"] == "hard" and any(
        v["hard"] and "TecCos" in v["courses"] for v in barred["added"]
    )
    assert counts() == before  # computes, writes nothing


@pytest.mark.parametrize(
    "lecture, status, code",
    [
        ({"course": "TecCos", "day": 0, "period": 2}, 400, "invalid"),
        ({"course": "TecCos", "day": "x", "period": 2, "room": "rC"}, 400, "invalid"),
        ({"course": "TecCos", "day": 4, "period": 3, "room": "rC"}, 404, "lecture_not_found"),
    ],
)
def test_the_api_refuses_a_lecture_it_cannot_find(
    reader_client, toy_revision, lecture, status, code
):
    response = api_places(reader_client, toy_revision, **lecture)
    assert response.status_code == status and response.json()["code"] == code
    assert response.json()["message"]


def test_the_api_answers_409_for_a_revision_of_an_older_problem_version(
    reader_client, toy_revision
):
    teccos = Course.objects.get(problem=toy_revision.problem, code="TecCos")
    course_update(course=teccos, students=5)
    response = api_places(reader_client, toy_revision, **TECCOS_MONDAY)
    assert response.status_code == 409 and response.json()["code"] == "stale_revision"
    assert "version 1 of the problem" in response.json()["message"]
