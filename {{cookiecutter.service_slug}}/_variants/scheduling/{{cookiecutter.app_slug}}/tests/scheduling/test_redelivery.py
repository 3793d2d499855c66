"""A worker killed mid-run: the broker re-delivers the task and the run completes exactly once.

Needs MySQL + Redis and real worker processes. Re-delivery is made quick for the test: the broker's
visibility timeout is 6 s, workers look for expired tasks every second, and a heartbeat older than
3 s counts as stale (see docs/scheduling.md).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing import wait_until

from ...models import GenerationRun, Revision
from .conftest import demo_bytes

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def quick_redelivery(monkeypatch):
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "6")
    monkeypatch.setenv("CELERY_RESTORE_INTERVAL", "1")
    monkeypatch.setenv("SCHEDULING_RUN_STALE_SECONDS", "3")


def test_a_killed_workers_run_completes_exactly_once(
    quick_redelivery, celery_worker_factory, scheduler_client
):
    workers = [celery_worker_factory(wait=False) for _ in range(2)]
    response = scheduler_client.post(
        "/api/v1/problems/",
        {"file": SimpleUploadedFile("comp01.ectt", demo_bytes("comp01.ectt"))},
        format="multipart",
    )
    problem_id = response.json()["id"]
    response = scheduler_client.post(
        f"/api/v1/problems/{problem_id}/runs/", {"time_limit": 4, "seed": 2}, format="json"
    )
    run_id = response.json()["id"]
    for worker in workers:  # both start while the run is prepared; either may take it
        worker.wait_ready()
    assert wait_until(lambda: GenerationRun.objects.get(pk=run_id).phase == "search", timeout=40), (
        "\n--- the other worker:\n".join(worker.log[-2000:] for worker in workers)
    )
    task_id = GenerationRun.objects.get(pk=run_id).task_id
    # The worker's output is read by a thread: on a busy machine its "received" line may lag.
    assert wait_until(lambda: any(task_id in worker.log for worker in workers), timeout=20)
    first, second = sorted(workers, key=lambda worker: task_id not in worker.log)

    first.process.kill()  # SIGKILL mid-solve: no ack, no cleanup
    first.process.wait(timeout=10)
    assert GenerationRun.objects.get(pk=run_id).status == "running"

    assert wait_until(
        lambda: GenerationRun.objects.get(pk=run_id).finished, timeout=90, interval=0.5
    ), second.log[-3000:]
    run = GenerationRun.objects.get(pk=run_id)
    assert run.status == "succeeded", (run.error_code, run.error_message)
    assert run.attempts == 2
    assert Revision.objects.filter(problem_id=problem_id).count() == 1
    assert run.result_revision.hard_violations == 0
