"""Safe regeneration: the team's modes (repair, improve, start over) as run options, and what a
finished run moved against its base, in the API, the run page and the generate page."""

import pytest

from core.exceptions import ApplicationError

from ...lectures import Move
from ...models import GenerationRun
from ...services.revisions import revision_create_edited, revision_import
from ...services.run_execution import run_execute
from ...services.runs import REPAIR_WEIGHT, RunMode, run_mode_options, run_start
from .conftest import TOY_SOLUTION, counts, web

APP = __name__.split(".")[0]


def conflicted(toy_revision):
    """The toy timetable with one lecture moved onto another of its curriculum: a hard
    violation for a repair to mend."""
    return revision_create_edited(
        base=toy_revision, moves=[Move("Geotec", (0, 3, "rA"), (0, 2, None))]
    )


# ------------------------------------------------------------------------------ the mapping
@pytest.mark.django_db
def test_each_mode_stands_for_run_options(toy_revision):
    def options(mode, base=toy_revision, weight=None):
        return run_mode_options(mode=mode, base_revision=base, min_change_weight=weight)

    assert options(RunMode.REPAIR) == (toy_revision, REPAIR_WEIGHT)
    assert options("repair", weight=7) == (toy_revision, 7)
    assert options("improve") == (toy_revision, None)
    assert options("start_over", base=None) == (None, None)
    for mode, base, weight, code in [
        ("repair", None, None, "invalid_base_revision"),
        ("improve", None, None, "invalid_base_revision"),
        ("improve", toy_revision, 5, "invalid_min_change_weight"),
        ("start_over", toy_revision, None, "invalid_mode"),
        ("tidy", toy_revision, None, "invalid_mode"),
    ]:
        with pytest.raises(ApplicationError) as caught:
            options(mode, base, weight)
        assert caught.value.code == code, mode


# ------------------------------------------------------------------------------ API
@pytest.mark.django_db
def test_the_api_takes_a_mode(scheduler_client, toy_revision, published):
    url = f"/api/v1/problems/{toy_revision.problem_id}/runs/"
    body = {"time_limit": 2, "base_revision": toy_revision.pk}
    repair = scheduler_client.post(url, {**body, "mode": "repair"}, format="json")
    assert repair.status_code == 202, repair.content
    assert repair.json()["min_change_weight"] == REPAIR_WEIGHT
    assert repair.json()["base_revision"] == toy_revision.pk
    assert repair.json()["moved_lectures"] is None  # not finished
    improve = scheduler_client.post(url, {**body, "mode": "improve"}, format="json").json()
    assert (improve["base_revision"], improve["min_change_weight"]) == (toy_revision.pk, None)
    over = scheduler_client.post(url, {"time_limit": 2, "mode": "start_over"}, format="json")
    assert over.json()["base_revision"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, code",
    [
        ({"mode": "tidy"}, "invalid"),
        ({"mode": "repair"}, "invalid_base_revision"),
        ({"mode": "improve", "base": True, "min_change_weight": 3}, "invalid_min_change_weight"),
        ({"mode": "start_over", "base": True}, "invalid_mode"),
    ],
)
def test_a_mode_that_contradicts_the_options_is_400(scheduler_client, toy_revision, payload, code):
    payload = dict(payload)
    if payload.pop("base", False):
        payload["base_revision"] = toy_revision.pk
    before = counts()
    response = scheduler_client.post(
        f"/api/v1/problems/{toy_revision.problem_id}/runs/",
        {"time_limit": 2, **payload},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert counts() == before


# ------------------------------------------------------------------------------ what moved
@pytest.mark.django_db(transaction=True)
def test_a_repair_moves_few_lectures_and_says_how_many(toy_revision, scheduler, scheduler_client):
    base = conflicted(toy_revision)
    assert base.hard_violations > 0
    run = run_start(problem=base.problem, time_limit=3, base_revision=base, mode="repair",
                    enqueue=False)  # fmt: skip
    assert run_execute(run_id=run.pk) == "succeeded"
    run.refresh_from_db()
    assert run.result_revision.hard_violations == 0
    assert 1 <= run.moved_lectures <= 3, run.moved_lectures  # of 16
    body = scheduler_client.get(f"/api/v1/runs/{run.pk}/").json()
    assert body["moved_lectures"] == run.moved_lectures
    diff = scheduler_client.get(
        f"/api/v1/revisions/{run.result_revision_id}/diff/?against={base.pk}"
    ).json()
    assert len(diff["moved"]) + len(diff["removed"]) == run.moved_lectures

    page = web(scheduler).get(f"/{APP}/runs/{run.pk}/").content.decode()
    sentence = f"{run.moved_lectures} of 16 lectures moved against base revision #{base.number}."
    assert sentence in page
    link = f"/{APP}/problems/{base.problem_id}/diff/?against={base.pk}&amp;revision="
    assert link + str(run.result_revision_id) in page
    state = web(scheduler).get(f"/{APP}/runs/{run.pk}/status/").json()
    assert state["moved_text"] == sentence and state["moved_lectures"] == run.moved_lectures
    assert state["diff_url"].endswith(f"?against={base.pk}&revision={run.result_revision_id}")
    assert state["redirect"] == ""  # the page stays to say so
    summary = web(scheduler).get(f"/{APP}/problems/{base.problem_id}/").content.decode()
    assert f'<td data-label="Moved" class="num">{run.moved_lectures}</td>' in summary


@pytest.mark.django_db(transaction=True)
def test_a_run_without_a_base_moves_nothing_and_opens_the_grid(toy, scheduler):
    run = run_start(problem=toy, time_limit=2, enqueue=False)
    assert run_execute(run_id=run.pk) == "succeeded"
    run.refresh_from_db()
    assert run.moved_lectures is None
    state = web(scheduler).get(f"/{APP}/runs/{run.pk}/status/").json()
    assert state["moved_text"] == "" and state["diff_url"] == ""
    assert state["redirect"].endswith(f"/revisions/{run.result_revision_id}/")


# ------------------------------------------------------------------------------ the page
@pytest.mark.django_db
def test_the_generate_page_offers_the_modes_once_there_is_a_base(toy, scheduler):
    client = web(scheduler)
    first = client.get(f"/{APP}/problems/{toy.pk}/generate/").content.decode()
    assert 'name="mode"' not in first and 'name="base_revision"' not in first
    revision_import(problem=toy, file=TOY_SOLUTION.encode(), author=scheduler)
    html = client.get(f"/{APP}/problems/{toy.pk}/generate/").content.decode()
    for words in ("Repair: move as little as possible",
                  "Improve: keep the pinned lectures, move the rest freely",
                  "Start over: ignore the base revision"):  # fmt: skip
        assert words in html
    assert "checked" in html.split('value="repair"')[1].split(">")[0]  # the default


@pytest.mark.django_db(transaction=True)
def test_regenerating_with_the_defaults_repairs(toy_revision, scheduler, eager_tasks):
    """The form's defaults with a base: a repair (base = latest, the repair weight)."""
    base = conflicted(toy_revision)
    client = web(scheduler)
    response = client.post(
        f"/{APP}/problems/{base.problem_id}/generate/",
        {"formulation": "UD2", "time_limit": 3, "base_revision": base.pk, "mode": "repair"},
    )
    run = GenerationRun.objects.get()
    assert (run.base_revision_id, run.min_change_weight) == (base.pk, REPAIR_WEIGHT)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/runs/{run.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert f"Run {run.pk} finished: cost {run.best_cost}. {run.moved_lectures} of 16" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, base, weight",
    [
        ({"mode": "improve"}, True, None),
        ({"mode": "start_over"}, False, None),
        ({"mode": "repair", "min_change_weight": 4}, True, 4),
        ({"mode": "repair", "base_revision": ""}, False, None),  # no base: start over
    ],
)
def test_the_form_maps_its_mode(toy_revision, scheduler, published, fields, base, weight):
    fields = {"formulation": "UD2", "time_limit": 2, "base_revision": toy_revision.pk, **fields}
    response = web(scheduler).post(f"/{APP}/problems/{toy_revision.problem_id}/generate/", fields)
    assert response.status_code == 302
    run = GenerationRun.objects.get()
    assert run.base_revision_id == (toy_revision.pk if base else None)
    assert run.min_change_weight == weight


@pytest.mark.django_db
def test_a_weight_outside_a_repair_is_refused(toy_revision, scheduler):
    before = counts()
    response = web(scheduler).post(
        f"/{APP}/problems/{toy_revision.problem_id}/generate/",
        {"formulation": "UD2", "time_limit": 2, "base_revision": toy_revision.pk,
         "mode": "improve", "min_change_weight": 3},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Only a repair takes a minimal-change weight." in response.content.decode()
    assert counts() == before
