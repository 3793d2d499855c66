"""No run is lost or waits forever: a broker outage keeps the run, a stopping worker hands its run
back, and the reaper re-queues, fails or re-publishes what nobody is serving (run_recovery)."""

import signal
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from core.queues import waiting_task_ids
from core.testing import wait_until

from ...errors import ErrorCode
from ...models import GenerationRun, Revision
from ...services.run_execution import _run_claim, _run_store_result, run_execute
from ...services.run_recovery import runs_hand_back, runs_reap
from ...services.runs import MAX_ATTEMPTS, run_enqueue, run_start
from ...tasks import generation_run_execute, generation_runs_reap
from .conftest import demo_bytes

Status = GenerationRun.Status


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(**_kwargs):
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(generation_run_execute, "apply_async", refuse)


def running(problem, *, owner="worker-a", seconds_ago=0, attempts=1) -> GenerationRun:
    run = run_start(problem=problem, time_limit=2, enqueue=False)
    beat = timezone.now() - timedelta(seconds=seconds_ago)
    GenerationRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, owner=owner, attempts=attempts, updated_at=beat, started_at=beat
    )
    return GenerationRun.objects.get(pk=run.pk)


@pytest.mark.django_db
def test_a_run_created_while_the_broker_is_down_is_kept_queued(
    scheduler_client, toy, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = scheduler_client.post(
            f"/api/v1/problems/{toy.pk}/runs/", {"time_limit": 2}, format="json"
        )
    assert response.status_code == 202, response.content
    run = GenerationRun.objects.get(pk=response.json()["id"])
    assert (run.status, run.published_at, run.task_id) == (Status.QUEUED, None, "")


@pytest.mark.django_db
def test_the_reaper_publishes_a_run_the_broker_never_got(toy, published, settings):
    run = run_start(problem=toy, time_limit=2, enqueue=False)
    assert runs_reap()["published"] == []  # still within its grace period
    GenerationRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.SCHEDULING_REAPER_SECONDS + 1)
    )
    assert runs_reap() == {"requeued": [], "failed": [], "published": [run.pk]}
    run.refresh_from_db()
    assert [s["args"] for s in published] == [(run.pk,)]
    assert run.task_id == published[0]["task_id"] and run.published_at is not None
    assert runs_reap()["published"] == []  # published now: not again


@pytest.mark.django_db
def test_the_reaper_requeues_a_run_whose_worker_went_silent(toy, published, settings):
    fresh = running(toy, seconds_ago=0)
    stale = running(toy, seconds_ago=settings.SCHEDULING_RUN_STALE_SECONDS + 5)
    assert runs_reap() == {"requeued": [stale.pk], "failed": [], "published": []}
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, stale.owner) == (Status.QUEUED, "")
    assert fresh.status == Status.RUNNING
    assert [s["args"] for s in published] == [(stale.pk,)]


@pytest.mark.django_db
def test_the_reaper_fails_a_run_that_used_its_attempts(toy, published, settings, caplog):
    run = running(toy, seconds_ago=settings.SCHEDULING_RUN_STALE_SECONDS + 5, attempts=MAX_ATTEMPTS)
    with caplog.at_level("INFO", logger="{{ cookiecutter.app_slug }}.tasks"):
        assert generation_runs_reap() == {"requeued": [], "failed": [run.pk], "published": []}
    assert f"generation run {run.pk}: failed" in caplog.messages
    run.refresh_from_db()
    assert (run.status, run.error_code) == (Status.FAILED, ErrorCode.TOO_MANY_ATTEMPTS)
    assert "stopped answering" in run.error_message
    assert published == []


@pytest.mark.django_db
def test_a_handed_back_run_is_queued_again_without_using_an_attempt(toy, published):
    run = running(toy)
    assert runs_hand_back(run_ids=[run.pk, 987654]) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.owner, run.attempts) == (Status.QUEUED, "", 0)
    assert [s["args"] for s in published] == [(run.pk,)]


@pytest.mark.django_db
def test_the_delivery_that_lost_its_run_writes_nothing(toy, published):
    """Fencing: after a hand-back and a new claim, the old delivery's result is dropped."""
    old = running(toy, owner="old-delivery")
    runs_hand_back(run_ids=[old.pk])
    new = _run_claim(old.pk, "new-delivery")
    assert new is not None and new.owner == "new-delivery"
    assert _run_store_result(old, object(), pins=[], history=[]) == "skipped"
    assert GenerationRun.objects.get(pk=old.pk).status == Status.RUNNING
    assert run_execute(run_id=old.pk) == "skipped"  # a third delivery finds it owned and alive


# --------------------------------------------------------- against the real broker and workers
@pytest.mark.integration
@pytest.mark.django_db
def test_the_reaper_republishes_a_queued_run_whose_message_was_lost(toy, settings):
    from {{ cookiecutter.service_slug }}.celery import app as celery_app

    celery_app.control.purge()
    run = run_start(problem=toy, time_limit=2, enqueue=False)
    assert run_enqueue(run=run) is True
    run.refresh_from_db()
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    assert run.task_id in (waiting_task_ids(queue) or set())
    long_ago = timezone.now() - timedelta(seconds=settings.SCHEDULING_RUN_QUEUED_SECONDS + 1)
    GenerationRun.objects.filter(pk=run.pk).update(published_at=long_ago)
    assert runs_reap()["published"] == []  # waiting behind the queue: left alone

    celery_app.control.purge()  # the broker loses the message
    assert runs_reap()["published"] == [run.pk]
    republished = GenerationRun.objects.get(pk=run.pk)
    assert republished.task_id != run.task_id
    assert republished.task_id in (waiting_task_ids(queue) or set())
    celery_app.control.purge()


@pytest.mark.integration
@pytest.mark.slow
def test_a_worker_stopped_mid_run_hands_it_back_and_it_completes_once(
    celery_worker_factory, scheduler_client
):
    """What a deployment or scale-in does: SIGTERM to a worker busy with a generation."""
    workers = [celery_worker_factory(pool="prefork", wait=False) for _ in range(2)]
    problem = scheduler_client.post(
        "/api/v1/problems/",
        {"file": SimpleUploadedFile("comp01.ectt", demo_bytes("comp01.ectt"))},
        format="multipart",
    ).json()["id"]
    run_id = scheduler_client.post(
        f"/api/v1/problems/{problem}/runs/", {"time_limit": 60, "seed": 1}, format="json"
    ).json()["id"]
    for worker in workers:  # both start while the run is prepared; either may take it
        worker.wait_ready()
    assert wait_until(lambda: GenerationRun.objects.get(pk=run_id).phase == "search", timeout=60), (
        "\n--- the other worker:\n".join(worker.log[-2000:] for worker in workers)
    )
    task_id = GenerationRun.objects.get(pk=run_id).task_id
    first, second = sorted(workers, key=lambda worker: task_id not in worker.log)

    owner_before = GenerationRun.objects.get(pk=run_id).owner
    stopped_at = time.monotonic()
    first.process.send_signal(signal.SIGTERM)
    try:  # the stopping worker does not sit out the run's budget (60 s)
        first.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the worker did not stop within 30 s of SIGTERM:\n{first.log[-3000:]}")
    stop_seconds = time.monotonic() - stopped_at
    assert wait_until(
        lambda: (
            GenerationRun.objects.filter(pk=run_id, status=Status.RUNNING)
            .exclude(owner__in=["", owner_before])
            .exists()
        ),
        timeout=60,
        interval=0.2,
    ), f"{first.log[-3000:]}\n--- the other worker:\n{second.log[-3000:]}"
    takeover_seconds = time.monotonic() - stopped_at
    print(f"worker stopped in {stop_seconds:.1f}s, run taken over after {takeover_seconds:.1f}s")
    assert "handed back generation runs [" in first.log

    # Then stop it (no need to wait out its budget): it ends once, by the worker that took it over.
    assert scheduler_client.post(f"/api/v1/runs/{run_id}/cancel/").status_code == 200
    assert wait_until(lambda: GenerationRun.objects.get(pk=run_id).finished, timeout=60), (
        second.log[-3000:]
    )
    run = GenerationRun.objects.get(pk=run_id)
    assert run.status == Status.CANCELLED, (run.error_code, run.error_message)
    assert run.attempts == 1  # the hand-back used none
    stored = Revision.objects.filter(problem_id=problem).count()
    assert stored == (1 if run.result_revision_id else 0)
