"""Pin or unpin many lectures at once (a curriculum's, a teacher's, a day's, or ticked ones):
the selector that chooses them, the service, the API and the grid page's panel."""

import pytest

from core.exceptions import ApplicationError, ConflictError

from ...lectures import Pin
from ...models import Revision
from ...selectors.lecture_choice import revision_lecture_choice
from ...services.bulk_pins import revision_pin_chosen
from ...services.revisions import revision_create_edited
from .conftest import counts, web

pytestmark = pytest.mark.django_db
APP = __name__.split(".")[0]
CUR1 = {"SceCosC", "ArcTec", "TecCos"}  # toy.ectt: 3 + 3 + 5 lectures


def pinned(revision) -> set[str]:
    """The keys (course|day|period|room) of the revision's pinned lectures."""
    rows = revision.assignments.filter(pinned=True).values_list(
        "course__code", "day", "period", "room__code"
    )
    return {"|".join(str(v) for v in row) for row in rows}


# ------------------------------------------------------------------------------ selector
def test_the_choice_picks_a_curriculums_a_teachers_a_days_or_the_named_lectures(toy_revision):
    choice = revision_lecture_choice(revision=toy_revision, curriculum="Cur1")
    assert {lec.course for lec in choice.lectures} == CUR1 and len(choice.lectures) == 11
    assert choice.describe(11) == "11 lectures of curriculum Cur1"
    choice = revision_lecture_choice(revision=toy_revision, teacher="Scarlatti")
    assert {lec.course for lec in choice.lectures} == {"Geotec"} and len(choice.lectures) == 5
    choice = revision_lecture_choice(revision=toy_revision, day=0)
    assert sorted(lec.key for lec in choice.lectures) == [
        "Geotec|0|3|rA", "SceCosC|0|1|rA", "TecCos|0|2|rC"]  # fmt: skip
    assert choice.describe(1) == "1 lecture on Monday"
    keys = ["TecCos|4|1|rC", "ArcTec|1|2|rB", "TecCos|4|1|rC"]
    choice = revision_lecture_choice(revision=toy_revision, keys=keys)
    assert [lec.key for lec in choice.lectures] == keys[:2]  # each once, in the order given
    assert choice.describe(2) == "2 selected lectures"


@pytest.mark.parametrize(
    ("scope", "code", "words"),
    [
        ({"curriculum": "Cur9"}, "unknown_curriculum", "no curriculum 'Cur9'"),
        ({"teacher": "Nobody"}, "unknown_teacher", "no teacher 'Nobody'"),
        ({"day": 5}, "outside_week", "Day 5 is outside the week (days 0 to 4)"),
        ({"keys": ["Geotec|0|3"]}, "invalid_lecture", "expected course|day|period|room"),
        ({"keys": ["Geotec|0|0|rA"]}, "lecture_not_found", "no lecture 'Geotec|0|0|rA'"),
        ({"keys": []}, "invalid_choice", "Choose at least one lecture"),
        ({}, "invalid_choice", "exactly one of"),
        ({"day": 0, "teacher": "Rosa"}, "invalid_choice", "(got teacher, day)"),
    ],
)
def test_an_unknown_or_ambiguous_choice_is_refused(toy_revision, scope, code, words):
    with pytest.raises(ApplicationError) as caught:
        revision_lecture_choice(revision=toy_revision, **scope)
    assert caught.value.status_code == 400 and caught.value.code == code
    assert words in caught.value.message


# ------------------------------------------------------------------------------ service
def test_pinning_a_curriculum_makes_one_revision(toy_revision, scheduler):
    first = revision_create_edited(base=toy_revision, pins=[Pin("ArcTec", (1, 2, "rB"))])
    new = revision_pin_chosen(base=first, pinned=True, curriculum="Cur1", author=scheduler)
    assert Revision.objects.count() == 3 and new.number == 3 and new.parent_id == first.pk
    assert new.note == "Pinned 10 lectures of curriculum Cur1"  # ArcTec 1 2 was pinned already
    assert new.author == scheduler and new.total_cost == toy_revision.total_cost
    rows = list(new.assignments.values_list("course__code", "pinned"))
    assert len(rows) == 16 and {c for c, p in rows if p} == CUR1
    assert all(p == (c in CUR1) for c, p in rows)

    unpinned = revision_pin_chosen(base=new, pinned=False, day=4)
    assert unpinned.note == "Unpinned 3 lectures on Friday"
    assert pinned(unpinned) == pinned(new) - {"SceCosC|4|2|rA", "TecCos|4|0|rC", "TecCos|4|1|rC"}


def test_nothing_to_change_is_refused_and_writes_nothing(toy_revision):
    new = revision_pin_chosen(base=toy_revision, pinned=True, teacher="Scarlatti")
    before = counts()
    with pytest.raises(ConflictError) as caught:
        revision_pin_chosen(base=new, pinned=True, teacher="Scarlatti")
    assert caught.value.code == "nothing_to_pin"
    assert caught.value.message == (
        "Nothing to pin: all 5 lectures of teacher Scarlatti are pinned already."
    )
    with pytest.raises(ConflictError) as caught:
        revision_pin_chosen(base=new, pinned=False, keys=["SceCosC|0|1|rA"])
    assert caught.value.message == "Nothing to unpin: the 1 selected lecture is unpinned already."
    assert counts() == before


def test_a_stale_base_is_refused_and_writes_nothing(toy_revision):
    revision_create_edited(base=toy_revision, pins=[Pin("ArcTec", (1, 2, "rB"))])
    before = counts()
    with pytest.raises(ConflictError) as caught:
        revision_pin_chosen(base=toy_revision, pinned=True, curriculum="Cur2")
    assert caught.value.code == "stale_revision"
    assert counts() == before


# ------------------------------------------------------------------------------ API
def test_api_pins_a_curriculum_then_unpins_two_lectures(scheduler_client, toy_revision):
    url = f"/api/v1/revisions/{toy_revision.pk}/pins/"
    response = scheduler_client.post(url, {"pinned": True, "curriculum": "Cur2"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["parent"], body["author"]) == (2, toy_revision.pk, "grace")
    assert body["note"] == "Pinned 10 lectures of curriculum Cur2"
    new = Revision.objects.get(pk=body["id"])
    assert len(pinned(new)) == 10
    keys = ["Geotec|0|3|rA", "TecCos|4|1|rC"]
    response = scheduler_client.post(
        f"/api/v1/revisions/{new.pk}/pins/", {"pinned": False, "lectures": keys}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["note"] == "Unpinned 2 selected lectures"
    assert pinned(Revision.objects.get(pk=response.json()["id"])) == pinned(new) - set(keys)


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        ({"pinned": True}, "invalid", "exactly one of curriculum, teacher, day, lectures."),
        ({"pinned": True, "day": 1, "teacher": "Rosa"}, "invalid", "(got teacher, day)"),
        ({"curriculum": "Cur1"}, "invalid", "required"),
        ({"pinned": True, "curriculum": "Cur9"}, "unknown_curriculum", "no curriculum 'Cur9'"),
        ({"pinned": True, "teacher": "Nobody"}, "unknown_teacher", "no teacher 'Nobody'"),
        ({"pinned": True, "day": 7}, "outside_week", "outside the week"),
        ({"pinned": True, "day": -1}, "invalid", "greater than or equal to 0"),
        ({"pinned": True, "lectures": []}, "invalid", "empty"),
        ({"pinned": True, "lectures": ["nonsense"]}, "invalid_lecture", "'nonsense'"),
        ({"pinned": True, "lectures": ["Geotec|4|3|rA"]}, "lecture_not_found", "Geotec|4|3|rA"),
    ],
)
def test_api_bad_input_is_400_and_writes_nothing(scheduler_client, toy_revision, data, code, words):
    before = counts()
    response = scheduler_client.post(
        f"/api/v1/revisions/{toy_revision.pk}/pins/", data, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code and words in str(response.json()), response.json()
    assert counts() == before


def test_api_refusals_403_404_409(scheduler_client, reader_client, toy_revision):
    url = f"/api/v1/revisions/{toy_revision.pk}/pins/"
    before = counts()
    response = reader_client.post(url, {"pinned": True, "day": 0}, format="json")
    assert response.status_code == 403 and "scheduler group" in response.json()["message"]
    missing = scheduler_client.post("/api/v1/revisions/999999/pins/", {"pinned": True, "day": 0},
                                    format="json")  # fmt: skip
    assert missing.status_code == 404
    response = scheduler_client.post(url, {"pinned": False, "day": 0}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "nothing_to_pin"
    assert counts() == before
    assert scheduler_client.post(url, {"pinned": True, "day": 0}, format="json").status_code == 201
    stale = scheduler_client.post(url, {"pinned": True, "day": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_revision"
    assert stale.json()["extra"]["latest_revision"] == Revision.objects.get(number=2).pk
    assert Revision.objects.count() == 2


# ------------------------------------------------------------------------------ pages
def test_the_grid_offers_the_panel_and_a_tick_box_per_lecture(scheduler, user, toy_revision):
    url = f"/{APP}/revisions/{toy_revision.pk}/?show=teacher:Rosa"
    html = web(scheduler).get(url).content.decode()
    assert 'id="bulk-pin-form"' in html and "Every lecture of teacher Rosa" in html
    assert html.count('form="bulk-pin-form" name="lecture"') == 5  # Rosa teaches TecCos, 5 times
    assert '<span class="sr-only">Tick TecCos, Mon 10:00, room rC</span>' in html
    html = web(scheduler).get(f"/{APP}/revisions/{toy_revision.pk}/?show=room:rA").content.decode()
    assert 'value="shown"' not in html and 'value="ticked" checked' in html
    reader = web(user).get(url).content.decode()
    assert "bulk-pin-form" not in reader and 'type="checkbox"' not in reader


def test_the_page_pins_ticked_lectures_and_redirects_with_a_message(scheduler, toy_revision):
    client = web(scheduler, at_once=True)
    url = f"/{APP}/revisions/{toy_revision.pk}/pins/"
    keys = ["ArcTec|1|2|rB", "TecCos|0|2|rC"]
    data = {"scope": "ticked", "lecture": keys, "pinned": "1", "show": "curriculum:Cur1"}
    response = client.post(url, data)
    new = Revision.objects.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == f"/{APP}/revisions/{new.pk}/?show=curriculum%3ACur1"
    assert new.note == "Pinned 2 selected lectures" and pinned(new) == set(keys)
    page = client.get(response["Location"]).content.decode()
    assert "Saved revision #2: 0 hard violations, total cost" in page
    assert "Pinned 2 selected lectures" in page

    data = {"scope": "shown", "pinned": "1", "show": "curriculum:Cur1"}
    response = client.post(f"/{APP}/revisions/{new.pk}/pins/", data, follow=True)
    latest = Revision.objects.get(number=3)
    assert latest.note == "Pinned 9 lectures of curriculum Cur1"
    assert "Saved revision #3" in response.content.decode()


def test_the_page_answers_json_to_scripts(scheduler, toy_revision):
    client = web(scheduler, at_once=True)
    url = f"/{APP}/revisions/{toy_revision.pk}/pins/"
    json = {"HTTP_ACCEPT": "application/json"}
    response = client.post(url, {"scope": "day", "day": "0", "pinned": "1"}, **json)
    new = Revision.objects.get(number=2)
    assert response.status_code == 200
    assert response.json()["revision"] == new.pk and new.note == "Pinned 3 lectures on Monday"
    assert response.json()["message"].startswith("Saved revision #2:")
    before = counts()
    refused = client.post(f"/{APP}/revisions/{new.pk}/pins/",
                          {"scope": "day", "day": "0", "pinned": "1"}, **json)  # fmt: skip
    assert refused.status_code == 409
    assert refused.json()["error"] == (
        "Not saved: Nothing to pin: all 3 lectures on Monday are pinned already."
    )
    stale = client.post(url, {"scope": "day", "day": "1", "pinned": "1"}, **json)
    assert stale.status_code == 409 and "no longer the latest" in stale.json()["error"]
    assert stale.json()["latest_url"] == f"/{APP}/revisions/{new.pk}/"
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"scope": "ticked", "pinned": "1"}, "Tick the lectures first"),
        ({"scope": "shown", "pinned": "1", "show": "room:rA"}, "Show a curriculum or a teacher"),
        ({"scope": "day", "pinned": "1"}, "Choose a day."),
        ({"scope": "day", "day": "9", "pinned": "1"}, "Day 9 is outside the week"),
        (
            {"scope": "shown", "pinned": "1", "show": "curriculum:Nope"},
            "The problem has no curriculum 'Nope'.",
        ),
        ({"scope": "day", "day": "0"}, "Choose Pin or Unpin."),
        ({"scope": "ticked", "lecture": "x|y", "pinned": "0"}, "'x|y' is not a lecture"),
    ],
)
def test_the_page_refuses_bad_choices_with_a_message(scheduler, toy_revision, data, words):
    client = web(scheduler, at_once=True)
    before = counts()
    response = client.post(f"/{APP}/revisions/{toy_revision.pk}/pins/", data, follow=True)
    assert response.redirect_chain[0][0].startswith(f"/{APP}/revisions/{toy_revision.pk}/")
    assert f"Not saved: {words}" in response.content.decode().replace("&#x27;", "'")
    assert counts() == before


def test_readers_cannot_post(user, toy_revision):
    before = counts()
    response = web(user).post(
        f"/{APP}/revisions/{toy_revision.pk}/pins/", {"scope": "day", "day": "0", "pinned": "1"}
    )
    assert response.status_code == 403 and counts() == before
