import pytest

from core.models import Heartbeat
from core.testing import wait_until


@pytest.mark.django_db(transaction=True)
def test_eager_task_processes_after_commit(api_client, eager_tasks):
    response = api_client.post("/api/v1/core/heartbeats/", {"message": "hi"}, format="json")
    assert response.status_code == 202
    heartbeat = Heartbeat.objects.get(pk=response.json()["id"])
    assert heartbeat.processed_at is not None
    assert heartbeat.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_task_is_idempotent():
    from core.tasks import heartbeat_process

    heartbeat = Heartbeat.objects.create(message="twice")
    assert heartbeat_process(heartbeat.pk) is True
    first = Heartbeat.objects.get(pk=heartbeat.pk).processed_at
    assert heartbeat_process(heartbeat.pk) is False  # a second delivery changes nothing
    assert Heartbeat.objects.get(pk=heartbeat.pk).processed_at == first


@pytest.mark.integration
@pytest.mark.slow
def test_real_worker_over_redis(api_client, celery_worker):
    response = api_client.post(
        "/api/v1/core/heartbeats/", {"message": "over redis"}, format="json",
        HTTP_X_REQUEST_ID="trace-from-web-7",
    )  # fmt: skip
    assert response.status_code == 202
    heartbeat_id = response.json()["id"]
    assert wait_until(
        lambda: Heartbeat.objects.get(pk=heartbeat_id).processed_at is not None, timeout=30
    ), f"the worker never processed the heartbeat:\n{celery_worker.log}"
    detail = api_client.get(f"/api/v1/core/heartbeats/{heartbeat_id}/").json()
    assert detail["processed_by"]
    # The worker logged the task under the web request's id.
    logged = wait_until(lambda: "trace-from-web-7" in celery_worker.log, timeout=10)
    assert logged, celery_worker.log
