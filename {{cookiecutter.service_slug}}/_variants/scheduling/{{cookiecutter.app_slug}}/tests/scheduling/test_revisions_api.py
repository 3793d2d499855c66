"""Revisions through the API: read (cached, ETag), edit, verify, diff, export, import."""

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ...lectures import Move
from ...models import Revision
from ...services.revisions import revision_create_edited
from .conftest import TOY_SOLUTION, counts

pytestmark = pytest.mark.django_db


def move(course, source, target):
    (d1, p1, r1), (d2, p2, r2) = source, target
    return {
        "course": course,
        "from": {"day": d1, "period": p1, "room": r1},
        "to": {"day": d2, "period": p2, "room": r2},
    }


# ------------------------------------------------------------------------------ read
def test_list_revisions(reader_client, toy_revision, django_assert_max_num_queries):
    revision_create_edited(base=toy_revision, moves=[Move("Geotec", (3, 0, "rA"), (4, 3, None))])
    with django_assert_max_num_queries(4):
        response = reader_client.get(f"/api/v1/problems/{toy_revision.problem_id}/revisions/")
    assert response.status_code == 200
    assert [r["number"] for r in response.json()["results"]] == [2, 1]
    assert response.json()["results"][1]["origin"] == "imported"


def test_retrieve_has_assignments_cost_and_etag(reader_client, toy_revision):
    response = reader_client.get(f"/api/v1/revisions/{toy_revision.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == 1 and len(body["assignments"]) == 16
    assert {"course": "Geotec", "room": "rA", "day": 2, "period": 1, "pinned": False} in body[
        "assignments"
    ]
    assert body["hard_violations"] == toy_revision.hard_violations
    assert set(body["cost"]) == {"hard", "soft"}
    assert response["ETag"].startswith('"rev-')


def test_retrieve_is_cached_and_answers_304(
    reader_client, toy_revision, django_assert_max_num_queries
):
    url = f"/api/v1/revisions/{toy_revision.pk}/"
    first = reader_client.get(url)
    with django_assert_max_num_queries(0):  # ETag and body come from the cache
        second = reader_client.get(url)
    assert second.content == first.content
    with django_assert_max_num_queries(0):
        again = reader_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert reader_client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_tokens_repeated_reads_are_answered_before_the_view(
    reader_client, scheduler_client, toy_revision, monkeypatch
):
    from django.http import HttpResponse

    from core.token_auth import LOCAL_TOKENS

    from ...apis.revisions import RevisionDetailApi

    url = f"/api/v1/revisions/{toy_revision.pk}/"
    first = reader_client.get(url)
    monkeypatch.setattr(RevisionDetailApi, "get", lambda *args, **kwargs: HttpResponse(status=418))
    again = reader_client.get(url)  # remembered for this token (core/token_api.py)
    assert (again.status_code, again.content, again["ETag"]) == (200, first.content, first["ETag"])
    assert again["Content-Type"] == "application/json"
    not_modified = reader_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert scheduler_client.get(url).status_code == 418  # another token asks the view
    LOCAL_TOKENS.clear()  # the token's own copy expired: its answers are not used either
    assert reader_client.get(url).status_code == 418


def test_retrieve_queries_do_not_grow_with_lectures(
    reader_client, comp01, django_assert_max_num_queries
):
    from ...services.revisions import revision_import

    rows = [f"{c} rB {i % 5} {i // 5 % 6}" for i, c in enumerate(["c0001"] * 40)]
    revision = revision_import(problem=comp01, file="\n".join(rows).encode())
    with django_assert_max_num_queries(4):
        response = reader_client.get(f"/api/v1/revisions/{revision.pk}/")
    assert len(response.json()["assignments"]) == 40


def test_unknown_revision_is_404(reader_client):
    assert reader_client.get("/api/v1/revisions/999999/").status_code == 404
    assert reader_client.get("/api/v1/revisions/999999/verification/").status_code == 404


# ------------------------------------------------------------------------------ edit
def test_move_makes_a_new_revision_and_the_verifier_names_the_conflict(
    scheduler_client, toy_revision
):
    # Geotec (curriculum Cur2) onto TecCos's slot, also Cur2: a curriculum conflict.
    response = scheduler_client.post(
        f"/api/v1/revisions/{toy_revision.pk}/edits/",
        {"moves": [move("Geotec", (3, 0, "rA"), (0, 2, "rA"))], "note": "try"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["parent"], body["origin"]) == (2, toy_revision.pk, "edited")
    assert body["hard_violations"] > toy_revision.hard_violations
    verification = scheduler_client.get(f"/api/v1/revisions/{body['id']}/verification/").json()
    conflicts = [v for v in verification["violations"] if v["component"] == "Conflicts"]
    assert any({"Geotec", "TecCos"} <= set(v["courses"]) for v in conflicts)
    # the base is untouched: revisions are immutable
    assert Revision.objects.get(pk=toy_revision.pk).assignments.filter(day=3, period=0).count() == 1


def test_pin_and_unpin(scheduler_client, toy_revision):
    pin = {"course": "Geotec", "day": 2, "period": 1, "room": "rA"}
    response = scheduler_client.post(
        f"/api/v1/revisions/{toy_revision.pk}/edits/", {"pins": [pin]}, format="json"
    )
    assert response.status_code == 201
    new_id = response.json()["id"]
    lectures = scheduler_client.get(f"/api/v1/revisions/{new_id}/").json()["assignments"]
    assert {**pin, "pinned": True} in lectures
    response = scheduler_client.post(
        f"/api/v1/revisions/{new_id}/edits/", {"pins": [{**pin, "pinned": False}]}, format="json"
    )
    assert response.status_code == 201
    lectures = scheduler_client.get(f"/api/v1/revisions/{response.json()['id']}/").json()
    assert not any(a["pinned"] for a in lectures["assignments"])


def test_editing_a_stale_revision_is_409_and_writes_nothing(scheduler_client, toy_revision):
    revision_create_edited(base=toy_revision, moves=[Move("Geotec", (3, 0, "rA"), (4, 3, None))])
    before = counts()
    response = scheduler_client.post(
        f"/api/v1/revisions/{toy_revision.pk}/edits/",
        {"moves": [move("ArcTec", (1, 2, "rB"), (0, 0, "rB"))]},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale_revision"
    assert response.json()["extra"]["latest_revision"] != toy_revision.pk
    assert counts() == before


@pytest.mark.parametrize(
    "payload,code",
    [
        ({"moves": [move("Geotec", (4, 0, "rA"), (0, 0, "rA"))]}, "lecture_not_found"),
        ({"moves": [move("Nope", (3, 0, "rA"), (0, 0, "rA"))]}, "lecture_not_found"),
        ({"moves": [move("Geotec", (3, 0, "rA"), (9, 0, "rA"))]}, "outside_week"),
        ({"moves": [move("Geotec", (3, 0, "rA"), (0, 0, "rZ"))]}, "unknown_room"),
        ({"moves": [{"course": "Geotec", "from": {"day": "x"}}]}, "invalid"),
        ({"moves": "Geotec"}, "invalid"),
        ({}, "invalid"),
        ({"pins": [{"course": "Geotec", "day": -1, "period": 0, "room": "rA"}]}, "invalid"),
    ],
)
def test_bad_edits_are_400_and_write_nothing(scheduler_client, toy_revision, payload, code):
    before = counts()
    response = scheduler_client.post(
        f"/api/v1/revisions/{toy_revision.pk}/edits/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert counts() == before


def test_malformed_json_edit_is_400(scheduler_client, toy_revision):
    before = counts()
    response = scheduler_client.generic(
        "POST",
        f"/api/v1/revisions/{toy_revision.pk}/edits/",
        '{"moves": [',
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert counts() == before


def test_reader_cannot_edit_and_unknown_revision_is_404(
    reader_client, scheduler_client, toy_revision
):
    before = counts()
    payload = {"moves": [move("Geotec", (3, 0, "rA"), (4, 3, "rA"))]}
    url = f"/api/v1/revisions/{toy_revision.pk}/edits/"
    assert reader_client.post(url, payload, format="json").status_code == 403
    missing = scheduler_client.post("/api/v1/revisions/999999/edits/", payload, format="json")
    assert missing.status_code == 404
    assert counts() == before


# ------------------------------------------------------------------------------ verify
def test_verify_stored_revision_in_another_formulation(reader_client, toy_revision):
    ud2 = reader_client.get(f"/api/v1/revisions/{toy_revision.pk}/verification/").json()
    assert ud2["formulation"] == "UD2"
    assert ud2["total_cost"] == toy_revision.total_cost
    ud3 = reader_client.get(
        f"/api/v1/revisions/{toy_revision.pk}/verification/?formulation=UD3"
    ).json()
    assert ud3["formulation"] == "UD3"
    bad = reader_client.get(f"/api/v1/revisions/{toy_revision.pk}/verification/?formulation=X")
    assert bad.status_code == 400


def test_ad_hoc_verification_is_open_to_readers_and_writes_nothing(reader_client, toy):
    before = counts()
    assignments = [
        dict(zip(["course", "room", "day", "period"], row.split(), strict=True))
        for row in TOY_SOLUTION.splitlines()
    ]
    response = reader_client.post(
        f"/api/v1/problems/{toy.pk}/verify/", {"assignments": assignments}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["hard_violations"] == 0
    assert response.json()["total_cost"] == 0
    partial = reader_client.post(
        f"/api/v1/problems/{toy.pk}/verify/",
        {"assignments": assignments[1:], "formulation": "UD1"},
        format="json",
    ).json()
    assert partial["hard"]["Lectures"] == 1
    assert any(v["courses"] == ["ArcTec"] for v in partial["violations"])
    assert counts() == before


def test_ad_hoc_verification_rejects_wrong_types(reader_client, toy):
    response = reader_client.post(
        f"/api/v1/problems/{toy.pk}/verify/",
        {"assignments": [{"course": "Geotec", "room": "rA", "day": "Monday", "period": 0}]},
        format="json",
    )
    assert response.status_code == 400
    assert "assignments" in response.json()["extra"]["fields"]


# ------------------------------------------------------------------------------ diff
def test_diff_lists_moves_and_cost_change(reader_client, toy_revision):
    edited = revision_create_edited(
        base=toy_revision, moves=[Move("Geotec", (3, 0, "rA"), (3, 3, "rC"))]
    )
    body = reader_client.get(
        f"/api/v1/revisions/{edited.pk}/diff/?against={toy_revision.pk}"
    ).json()
    assert body["moved"] == [
        {
            "course": "Geotec",
            "from": {"day": 3, "period": 0, "room": "rA"},
            "to": {"day": 3, "period": 3, "room": "rC"},
        }
    ]
    assert body["added"] == [] and body["removed"] == [] and body["unchanged"] == 15
    assert body["cost_change"]["total_cost"] == edited.total_cost - toy_revision.total_cost


def test_diff_needs_a_revision_of_the_same_problem(reader_client, toy_revision, comp01):
    from ...services.revisions import revision_import

    other = revision_import(problem=comp01, file=b"c0001 rB 0 0\n")
    url = f"/api/v1/revisions/{toy_revision.pk}/diff/"
    assert reader_client.get(url).status_code == 400
    assert reader_client.get(url + "?against=abc").status_code == 400
    assert reader_client.get(url + f"?against={other.pk}").status_code == 400
    assert reader_client.get(url + "?against=999999").status_code == 404


# ------------------------------------------------------------------------------ export
def test_export_solution_and_csv(reader_client, toy_revision):
    url = f"/api/v1/revisions/{toy_revision.pk}/export/"
    sol = reader_client.get(url + "?format=sol")
    assert sol.status_code == 200
    assert sorted(sol.content.decode().splitlines()) == sorted(TOY_SOLUTION.splitlines())
    csv = reader_client.get(url + "?format=csv&room=rA")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "course,teacher,room,day,start,end,pinned,curricula"
    assert len(lines) == 1 + 8 and all(",rA," in line for line in lines[1:])


def test_export_icalendar_per_teacher(reader_client, toy_revision):
    response = reader_client.get(
        f"/api/v1/revisions/{toy_revision.pk}/export/"
        "?format=ics&teacher=Scarlatti&start=2027-01-04&weeks=10"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 5  # Geotec's lectures
    first = min(events, key=lambda e: e.decoded("dtstart"))
    assert str(first["summary"]).startswith("Geotec")
    assert first.decoded("dtstart").isoformat() == "2027-01-04T11:00:00+00:00"  # day 0, period 3
    assert first["rrule"]["FREQ"] == ["WEEKLY"]
    assert first["rrule"]["UNTIL"][0].isoformat() == "2027-03-15T00:00:00+00:00"  # 10 weeks


@pytest.mark.parametrize(
    "query",
    [
        "format=pdf",
        "format=ics&start=tomorrow",
        "weeks=0",
        "format=ics&start=2027-02-01&end=2027-01-01",
        "format=ics&end=2027-06-01&weeks=3",
    ],
)
def test_export_bad_parameters_are_400(reader_client, toy_revision, query):
    response = reader_client.get(f"/api/v1/revisions/{toy_revision.pk}/export/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


# ------------------------------------------------------------------------------ import
def test_import_a_solution_file(scheduler_client, reader_client, toy):
    file = SimpleUploadedFile("toy.sol", TOY_SOLUTION.encode())
    url = f"/api/v1/problems/{toy.pk}/revisions/"
    assert reader_client.post(url, {"file": file}, format="multipart").status_code == 403
    file.seek(0)
    response = scheduler_client.post(url, {"file": file}, format="multipart")
    assert response.status_code == 201
    assert response.json()["origin"] == "imported"


def test_import_a_junk_solution_writes_nothing(scheduler_client, toy):
    before = counts()
    for content in (b"Geotec rA two 2\n", b"Unknown rA 0 0\n", b"Geotec rA 0 99\n"):
        file = SimpleUploadedFile("bad.sol", content)
        response = scheduler_client.post(
            f"/api/v1/problems/{toy.pk}/revisions/", {"file": file}, format="multipart"
        )
        assert response.status_code == 400, content
    assert counts() == before


def test_admin_lists_render_for_staff(admin_client, toy_revision):
    app = Revision._meta.app_label
    for name in ("problem", "revision", "generationrun", "curriculum"):
        assert admin_client.get(f"/admin/{app}/{name}/").status_code == 200
    change = f"/admin/{app}/problem/{toy_revision.problem_id}/change/"
    assert admin_client.get(change).status_code == 200
    assert admin_client.get(f"/admin/{app}/revision/add/").status_code == 403
