"""The working set: a person's draft of the latest revision collects edits (moves, swaps, pins)
that undo and redo walk, and is saved as one revision with a note, or discarded; the grid and
the guided moves show the draft while it is open."""

import re

import pytest

from core.exceptions import ApplicationError, ConflictError

from ...lectures import Edit, Move, Pin, Slot
from ...models import Draft, Revision
from ...services.drafts import (
    draft_add,
    draft_discard,
    draft_redo,
    draft_save,
    draft_start,
    draft_undo,
)
from ...services.revisions import revision_create_edited
from .conftest import counts, web

pytestmark = pytest.mark.django_db
APP = __name__.split(".")[0]

MOVE_GEOTEC = Edit((Move("Geotec", Slot(0, 3, "rA"), Slot(4, 3, "rA")),), note="Moved Geotec")
MOVE_GEOTEC_AGAIN = Edit(
    (Move("Geotec", Slot(4, 3, "rA"), Slot(4, 2, "rA")),), note="Moved it again"
)
PIN_ARCTEC = Edit(pins=(Pin("ArcTec", Slot(1, 2, "rB")),), note="Pinned ArcTec")


def lectures(revision: Revision) -> list[tuple]:
    return sorted(
        revision.assignments.values_list("course__code", "room__code", "day", "period", "pinned")
    )


def test_a_draft_collects_edits_and_saves_them_as_one_revision(toy_revision, scheduler):
    draft = draft_start(problem=toy_revision.problem, author=scheduler)
    assert draft.base_id == toy_revision.pk
    assert draft_start(problem=toy_revision.problem, author=scheduler).pk == draft.pk  # one
    for edit in (MOVE_GEOTEC, PIN_ARCTEC, MOVE_GEOTEC_AGAIN):
        draft = draft_add(draft=draft, edit=edit)
    assert Revision.objects.count() == 1  # nothing saved yet
    revision = draft_save(draft=draft, note="Tidy Friday")
    assert (revision.number, revision.parent_id, revision.note) == (
        2,
        toy_revision.pk,
        "Tidy Friday",
    )
    saved = dict(((c, r, d, p), pin) for c, r, d, p, pin in lectures(revision))
    assert saved[("Geotec", "rA", 4, 2)] is False and ("Geotec", "rA", 0, 3) not in saved
    assert saved[("ArcTec", "rB", 1, 2)] is True
    assert not Draft.objects.exists()


def test_undo_and_redo_walk_the_edits_and_a_new_edit_drops_the_undone(toy_revision, scheduler):
    draft = draft_start(problem=toy_revision.problem, author=scheduler)
    draft = draft_add(draft=draft, edit=MOVE_GEOTEC)
    draft = draft_add(draft=draft, edit=PIN_ARCTEC)
    assert draft_undo(draft=draft).note == "Pinned ArcTec"
    assert draft_undo(draft=draft).note == "Moved Geotec"
    with pytest.raises(ConflictError) as nothing:
        draft_undo(draft=draft)
    assert nothing.value.code == "nothing_to_undo"
    assert draft_redo(draft=draft).note == "Moved Geotec"
    draft = draft_add(draft=Draft.objects.get(), edit=MOVE_GEOTEC_AGAIN)  # the pin is dropped
    assert [e["note"] for e in draft.edits] == ["Moved Geotec", "Moved it again"]
    with pytest.raises(ConflictError) as nothing:
        draft_redo(draft=draft)
    assert nothing.value.code == "nothing_to_redo"


def test_an_edit_of_a_lecture_the_draft_does_not_hold_is_refused(toy_revision, scheduler):
    draft = draft_add(
        draft=draft_start(problem=toy_revision.problem, author=scheduler), edit=MOVE_GEOTEC
    )
    with pytest.raises(ApplicationError) as missing:
        draft_add(draft=draft, edit=MOVE_GEOTEC)  # Geotec left (0, 3) in the draft
    assert missing.value.code == "lecture_not_found"
    assert Draft.objects.get().position == 1


def test_a_draft_that_changes_nothing_saves_nothing(toy_revision, scheduler):
    draft = draft_add(
        draft=draft_start(problem=toy_revision.problem, author=scheduler), edit=MOVE_GEOTEC
    )
    draft = draft_add(
        draft=draft, edit=Edit((Move("Geotec", (4, 3, "rA"), (0, 3, "rA")),), note="Back")
    )
    before = counts()
    with pytest.raises(ConflictError) as nothing:
        draft_save(draft=draft)
    assert nothing.value.code == "nothing_to_save" and counts() == before
    assert Draft.objects.exists()  # kept: it can still be undone or discarded
    draft_discard(draft=draft)
    assert not Draft.objects.exists() and Revision.objects.count() == 1


def test_a_draft_on_a_revision_that_is_no_longer_the_latest_is_not_saved(
    toy_revision, scheduler, user
):
    draft = draft_add(
        draft=draft_start(problem=toy_revision.problem, author=scheduler), edit=MOVE_GEOTEC
    )
    revision_create_edited(base=toy_revision, pins=[Pin("ArcTec", (1, 2, "rB"))])
    with pytest.raises(ConflictError) as stale:
        draft_save(draft=draft)
    assert stale.value.code == "stale_revision"
    assert Revision.objects.count() == 2 and Draft.objects.exists()


# ------------------------------------------------------------------------------ pages
def test_the_pages_edit_the_draft_and_save_it_with_a_note(toy_revision, scheduler):
    client = web(scheduler)
    problem = toy_revision.problem_id
    grid = f"/{APP}/revisions/{toy_revision.pk}/?show=all:"
    assert "Your changes collect in a draft" in client.get(grid).content.decode()  # the default
    moved = client.post(
        f"/{APP}/revisions/{toy_revision.pk}/move/",
        {"lecture": "Geotec|0|3|rA", "day": "4", "period": "3", "room": "", "show": "all:"},
        HTTP_ACCEPT="application/json",
    )
    assert (
        moved.status_code == 200
        and "In your draft: Moved Geotec to Fri 11:00" in moved.json()["message"]
    )
    pinned = client.post(
        f"/{APP}/revisions/{toy_revision.pk}/pin/", {"lecture": "ArcTec|1|2|rB", "pinned": "1"}
    )
    assert pinned.status_code == 302 and Revision.objects.count() == 1
    html = client.get(grid).content.decode()
    assert "your draft" in html and "2 changes in it" in html
    assert 'data-lecture="Geotec|4|3|rA"' in html  # the grid shows the draft
    # The guided moves see the draft's timetable too.
    places = client.get(f"/{APP}/revisions/{toy_revision.pk}/places/", {"lecture": "Geotec|4|3|rA"})
    assert places.status_code == 200 and "4-3" not in places.json()["targets"]
    undone = client.post(f"/{APP}/problems/{problem}/draft/undo/", HTTP_ACCEPT="application/json")
    assert undone.json()["message"].startswith("Undone: Pinned ArcTec")
    html = client.get(grid).content.decode()
    assert "1 change in it, 1 undone" in html and "<s>Pinned ArcTec" in html
    saved = client.post(f"/{APP}/problems/{problem}/draft/save/", {"note": "Geotec to Friday"})
    assert saved.status_code == 302
    latest = Revision.objects.latest("number")
    assert (latest.number, latest.note) == (2, "Geotec to Friday")
    assert saved["Location"].startswith(f"/{APP}/revisions/{latest.pk}/")
    assert not Draft.objects.exists()


def test_draft_actions_refuse_what_they_cannot_do(toy_revision, scheduler, user):
    client = web(scheduler)
    problem = toy_revision.problem_id
    no_draft = client.post(f"/{APP}/problems/{problem}/draft/undo/", HTTP_ACCEPT="application/json")
    assert no_draft.status_code == 409 and "no draft open" in no_draft.json()["error"]
    client.post(  # the first edit starts a draft; undone, it holds nothing
        f"/{APP}/revisions/{toy_revision.pk}/pin/", {"lecture": "ArcTec|1|2|rB", "pinned": "1"}
    )
    client.post(f"/{APP}/problems/{problem}/draft/undo/")
    empty = client.post(f"/{APP}/problems/{problem}/draft/save/", HTTP_ACCEPT="application/json")
    assert empty.status_code == 409 and "changes nothing" in empty.json()["error"]
    client.post(f"/{APP}/problems/{problem}/draft/redo/")
    nothing = client.post(f"/{APP}/problems/{problem}/draft/redo/", HTTP_ACCEPT="application/json")
    assert nothing.status_code == 409 and "Nothing to redo" in nothing.json()["error"]
    refused = client.post(  # a refused first edit leaves no draft behind
        f"/{APP}/problems/{problem}/draft/discard/", HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 200 and not Draft.objects.exists()
    bad = client.post(
        f"/{APP}/revisions/{toy_revision.pk}/pin/",
        {"lecture": "ArcTec|4|3|rB", "pinned": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400 and not Draft.objects.exists()
    assert web(user).post(f"/{APP}/problems/{problem}/draft/undo/").status_code == 403
    assert Revision.objects.count() == 1


def test_each_change_saves_at_once_when_the_person_chooses_so(toy_revision, scheduler):
    client = web(scheduler)
    problem = toy_revision.problem_id
    switched = client.post(f"/{APP}/problems/{problem}/edit-mode/", {"mode": "at-once"})
    assert switched.status_code == 302
    grid = f"/{APP}/revisions/{toy_revision.pk}/"
    assert "Each change is saved at once" in client.get(grid).content.decode()
    client.post(
        f"/{APP}/revisions/{toy_revision.pk}/pin/", {"lecture": "ArcTec|1|2|rB", "pinned": "1"}
    )
    assert Revision.objects.count() == 2 and not Draft.objects.exists()
    client.post(f"/{APP}/problems/{problem}/edit-mode/", {"mode": "draft"})
    latest = Revision.objects.latest("number")
    client.post(f"/{APP}/revisions/{latest.pk}/pin/", {"lecture": "ArcTec|1|2|rB", "pinned": "0"})
    assert Revision.objects.count() == 2 and Draft.objects.get().base == latest


def test_bulk_pins_in_a_draft_choose_among_the_drafts_lectures(toy_revision, scheduler):
    client = web(scheduler)
    draft = draft_add(
        draft=draft_start(problem=toy_revision.problem, author=scheduler), edit=MOVE_GEOTEC
    )
    response = client.post(
        f"/{APP}/revisions/{toy_revision.pk}/pins/",
        {"scope": "ticked", "lecture": ["Geotec|4|3|rA"], "pinned": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    assert "In your draft: Pinned" in response.json()["message"]
    draft.refresh_from_db()
    assert draft.position == 2 and Revision.objects.count() == 1
    html = client.get(f"/{APP}/revisions/{toy_revision.pk}/?show=all:").content.decode()
    card = re.search(r'<div class="([^"]*)"[^>]*data-lecture="Geotec\|4\|3\|rA"', html)
    assert card is not None and "pinned" in card[1].split()  # the draft's Geotec, pinned


def test_the_generate_page_warns_of_unsaved_draft_changes(toy_revision, scheduler):
    client = web(scheduler)
    page = f"/{APP}/problems/{toy_revision.problem_id}/generate/"
    assert "unsaved change" not in client.get(page).content.decode()
    draft_add(draft=draft_start(problem=toy_revision.problem, author=scheduler), edit=MOVE_GEOTEC)
    html = client.get(page).content.decode()
    assert "holds 1 unsaved change: a run starts from saved revisions only" in html


def test_an_edit_while_a_draft_of_an_older_revision_is_open_is_refused(toy_revision, scheduler):
    client = web(scheduler)
    draft_add(draft=draft_start(problem=toy_revision.problem, author=scheduler), edit=MOVE_GEOTEC)
    newer = revision_create_edited(base=toy_revision, pins=[Pin("ArcTec", (1, 2, "rB"))])
    html = client.get(f"/{APP}/revisions/{newer.pk}/").content.decode()
    assert "You have an unsaved draft on" in html and "revision #1</a>" in html
    before = counts()
    refused = client.post(
        f"/{APP}/revisions/{newer.pk}/pin/",
        {"lecture": "SceCosC|0|1|rA", "pinned": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert (
        refused.status_code == 409
        and "your draft on revision #1 is still open" in (refused.json()["error"])
    )
    assert counts() == before
