"""Generation runs: API, the task's idempotency and re-delivery rule, cancellation, infeasibility.

Solver budgets stay tiny (toy instance, 1-2 s); runs execute eagerly in-process here. The
worker-process end-to-end test lives in test_end_to_end.py.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import metric_value

from ...models import Course, GenerationRun, Revision
from ...services.run_execution import run_execute
from ...services.runs import run_start
from .conftest import counts


def start(client, problem, **payload):
    return client.post(
        f"/api/v1/problems/{problem.pk}/runs/", {"time_limit": 2, **payload}, format="json"
    )


# ------------------------------------------------------------------------------ API, no solving
@pytest.mark.django_db
def test_start_answers_202_and_enqueues_after_commit(
    scheduler_client, toy, django_capture_on_commit_callbacks, published
):
    sent = published
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = start(scheduler_client, toy, seed=7)
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["seed"], body["time_limit"]) == ("queued", 7, 2)
    assert body["created_by"] == "grace" and body["finished"] is False
    assert len(callbacks) == 1
    assert len(sent) == 1 and sent[0].pop("task_id")
    assert sent == [{"args": (body["id"],), "soft_time_limit": 32, "time_limit": 62}]
    run = GenerationRun.objects.get(pk=body["id"])
    assert run.published_at is not None and run.task_id


@pytest.mark.django_db
def test_run_status_and_list(reader_client, toy, django_assert_max_num_queries):
    runs = [run_start(problem=toy, time_limit=3, enqueue=False) for _ in range(3)]
    response = reader_client.get(f"/api/v1/runs/{runs[0].pk}/")
    assert response.status_code == 200 and response.json()["status"] == "queued"
    with django_assert_max_num_queries(4):
        listed = reader_client.get(f"/api/v1/problems/{toy.pk}/runs/").json()
    assert [r["id"] for r in listed["results"]] == [r.pk for r in reversed(runs)]
    assert reader_client.get("/api/v1/runs/999999/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {"time_limit": 0},
        {"time_limit": "soon"},
        {"formulation": "UD9"},
        {"seed": -1},
        {"min_change_weight": 5},
        {"base_revision": "x"},
    ],
)
def test_bad_parameters_are_400_and_create_nothing(scheduler_client, toy, payload):
    before = counts()
    response = start(scheduler_client, toy, **payload)
    assert response.status_code == 400, response.content
    assert counts() == before


@pytest.mark.django_db
def test_base_revision_must_exist_and_belong_to_the_problem(
    scheduler_client, toy, comp01, toy_revision
):
    before = counts()
    assert start(scheduler_client, toy, base_revision=999999).status_code == 404
    response = start(scheduler_client, comp01, base_revision=toy_revision.pk)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_base_revision"
    assert counts() == before


@pytest.mark.django_db
def test_infeasible_problem_is_422_with_the_explanation(scheduler_client, toy):
    Course.objects.filter(problem=toy, code="TecCos").update(lectures=30)  # 20 periods a week
    toy.version += 1
    toy.save(update_fields=["version"])
    before = counts()
    response = start(scheduler_client, toy)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "infeasible"
    assert body["extra"]["reasons"]
    assert any("TecCos" in r["courses"] for r in body["extra"]["reasons"])
    assert counts() == before


@pytest.mark.django_db
def test_reader_cannot_start_or_cancel(reader_client, toy):
    run = run_start(problem=toy, time_limit=3, enqueue=False)
    before = counts()
    assert start(reader_client, toy).status_code == 403
    assert reader_client.post(f"/api/v1/runs/{run.pk}/cancel/").status_code == 403
    assert counts() == before
    run.refresh_from_db()
    assert run.status == "queued" and not run.cancel_requested


@pytest.mark.django_db
def test_cancel_queued_run_then_cancel_again_is_409(scheduler_client, toy):
    run = run_start(problem=toy, time_limit=3, enqueue=False)
    response = scheduler_client.post(f"/api/v1/runs/{run.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = scheduler_client.post(f"/api/v1/runs/{run.pk}/cancel/")
    assert again.status_code == 409
    assert again.json()["code"] == "run_finished"
    assert run_execute(run_id=run.pk) == "skipped"  # a late delivery does nothing
    assert scheduler_client.post("/api/v1/runs/999999/cancel/").status_code == 404


@pytest.mark.django_db
def test_cancel_running_run_sets_the_flag(scheduler_client, toy):
    run = run_start(problem=toy, time_limit=3, enqueue=False)
    GenerationRun.objects.filter(pk=run.pk).update(status="running")
    response = scheduler_client.post(f"/api/v1/runs/{run.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "running" and response.json()["cancel_requested"]


# ------------------------------------------------------------------------------ execution
@pytest.mark.django_db(transaction=True)
def test_run_executes_and_stores_a_verified_revision(scheduler_client, toy, eager_tasks):
    succeeded = metric_value("generation_runs_total", outcome="succeeded")
    response = start(scheduler_client, toy, time_limit=2, seed=1)
    assert response.status_code == 202
    run = GenerationRun.objects.get(pk=response.json()["id"])
    assert run.status == "succeeded", (run.error_code, run.error_message)
    assert metric_value("generation_runs_total", outcome="succeeded") == succeeded + 1
    assert metric_value("generation_run_duration_seconds_count", outcome="succeeded") >= 1
    assert run.attempts == 1 and run.finished_at is not None and run.phase == "done"
    revision = run.result_revision
    assert revision.origin == Revision.Origin.GENERATED and revision.number == 1
    assert revision.hard_violations == 0
    assert revision.assignments.count() == 16
    assert run.best_cost == revision.total_cost
    body = scheduler_client.get(f"/api/v1/runs/{run.pk}/").json()
    assert body["result_revision"] == revision.pk
    # The whole best-cost curve stays with the run: [elapsed, best cost, bound] per improvement.
    history = body["history"]
    assert history and history == run.history
    assert [p[0] for p in history] == sorted(p[0] for p in history)
    assert [p[1] for p in history] == sorted((p[1] for p in history), reverse=True)
    # Executing the same run again (a duplicate delivery) changes nothing.
    assert run_execute(run_id=run.pk) == "skipped"
    assert Revision.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_minimal_change_run_keeps_pins_and_moves_little(toy_revision, scheduler):
    from ...lectures import Pin
    from ...services.revisions import revision_create_edited

    pinned = revision_create_edited(
        base=toy_revision, pins=[Pin("Geotec", (0, 3, "rA")), Pin("ArcTec", (1, 2, "rB"))]
    )
    run = run_start(
        problem=toy_revision.problem,
        time_limit=2,
        base_revision=pinned,
        min_change_weight=10,
        enqueue=False,
    )
    assert run_execute(run_id=run.pk) == "succeeded"
    run.refresh_from_db()
    lectures = set(
        run.result_revision.assignments.values_list(
            "course__code", "room__code", "day", "period", "pinned"
        )
    )
    assert ("Geotec", "rA", 0, 3, True) in lectures
    assert ("ArcTec", "rB", 1, 2, True) in lectures
    assert run.result_revision.parent_id == pinned.pk


@pytest.mark.django_db(transaction=True)
def test_a_running_run_with_a_fresh_heartbeat_is_left_alone(toy):
    run = run_start(problem=toy, time_limit=2, enqueue=False)
    GenerationRun.objects.filter(pk=run.pk).update(status="running", attempts=1)
    assert run_execute(run_id=run.pk) == "skipped"
    run.refresh_from_db()
    assert run.status == "running" and run.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_running_run_with_a_stale_heartbeat_is_restarted(toy, settings):
    settings.SCHEDULING_RUN_STALE_SECONDS = 30
    run = run_start(problem=toy, time_limit=2, enqueue=False)
    long_ago = timezone.now() - timedelta(minutes=5)
    GenerationRun.objects.filter(pk=run.pk).update(
        status="running", attempts=1, updated_at=long_ago
    )
    assert run_execute(run_id=run.pk) == "succeeded"
    run.refresh_from_db()
    assert run.status == "succeeded" and run.attempts == 2
    assert Revision.objects.filter(problem=toy).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_run_lost_too_often_fails(toy):
    run = run_start(problem=toy, time_limit=2, enqueue=False)
    long_ago = timezone.now() - timedelta(minutes=5)
    GenerationRun.objects.filter(pk=run.pk).update(
        status="running", attempts=3, updated_at=long_ago
    )
    assert run_execute(run_id=run.pk) == "skipped"
    run.refresh_from_db()
    assert run.status == "failed" and run.error_code == "too_many_attempts"


@pytest.mark.django_db(transaction=True)
def test_a_deleted_run_is_skipped():
    assert run_execute(run_id=987654) == "skipped"


@pytest.mark.django_db(transaction=True)
def test_cancel_during_the_solve_stops_it(toy, monkeypatch):
    """The monitor sees the flag within a poll interval and the solver stops."""
    import time

    from ...timetabling import generator

    real_solve = generator.solve
    seen = {}

    def slow_solve(problem, **kwargs):
        GenerationRun.objects.filter(pk=run.pk).update(cancel_requested=True)
        t0 = time.monotonic()
        result = real_solve(problem, **{**kwargs, "time_limit": 60})
        seen["seconds"] = time.monotonic() - t0
        return result

    monkeypatch.setattr(generator, "solve", slow_solve)
    run = run_start(problem=toy, time_limit=60, enqueue=False)
    assert run_execute(run_id=run.pk) == "cancelled"
    assert seen["seconds"] < 5
    run.refresh_from_db()
    assert run.status == "cancelled" and run.finished_at is not None


def test_the_history_keeps_each_improvement_and_stays_bounded():
    from types import SimpleNamespace

    from ...services.run_execution import HISTORY_POINTS, _Monitor

    monitor = _Monitor(run_id=0, owner="test")
    for step in range(3 * HISTORY_POINTS):
        cost = 10 * HISTORY_POINTS - step
        for _ in range(2):  # the same best cost again adds nothing
            monitor.on_progress(SimpleNamespace(elapsed=step / 10, best_cost=cost, bound=3))
    assert monitor.history[0] == [0.0, 10 * HISTORY_POINTS, 3]
    assert monitor.history[-1][1] == 7 * HISTORY_POINTS + 1
    assert len(monitor.history) <= HISTORY_POINTS
    assert monitor.improvements == 3 * HISTORY_POINTS
