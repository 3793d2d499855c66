"""Limits on costly writes: run creation and uploads are throttled per user (reads never), and an
Idempotency-Key makes a double submit start one run."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing import signed_in_client
from core.throttling import WriteRateThrottle

from ...models import GenerationRun
from .conftest import demo_bytes


@pytest.fixture
def tight_limits(monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"runs": "2/min", "uploads": "1/min"})


def start(client, problem, key=None, **payload):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        f"/api/v1/problems/{problem.pk}/runs/", {"time_limit": 2, **payload}, format="json",
        **headers,
    )  # fmt: skip


@pytest.mark.django_db
def test_run_creation_is_throttled_per_user_and_reads_are_not(
    scheduler_client, toy, published, tight_limits, django_user_model
):
    assert [start(scheduler_client, toy).status_code for _ in range(2)] == [202, 202]
    refused = start(scheduler_client, toy)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert GenerationRun.objects.count() == 2  # the refused request left nothing behind
    for _ in range(5):
        assert scheduler_client.get(f"/api/v1/problems/{toy.pk}/runs/").status_code == 200


@pytest.mark.django_db
def test_uploads_are_throttled(scheduler_client, tight_limits):
    def upload():
        file = SimpleUploadedFile("toy.ectt", demo_bytes("toy.ectt"))
        return scheduler_client.post("/api/v1/problems/", {"file": file}, format="multipart")

    assert upload().status_code == 201
    assert upload().status_code == 429


@pytest.mark.django_db
def test_the_same_idempotency_key_starts_one_run(
    scheduler_client, toy, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = start(scheduler_client, toy, key="submit-7f3a", seed=3)
        again = start(scheduler_client, toy, key="submit-7f3a", seed=3)
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert GenerationRun.objects.count() == 1 and len(published) == 1
    assert (
        start(scheduler_client, toy, key="submit-other", seed=3).json()["id"] != first.json()["id"]
    )


@pytest.mark.django_db
def test_a_key_reused_with_other_parameters_is_refused(scheduler_client, toy, published):
    start(scheduler_client, toy, key="submit-1", seed=3)
    reused = start(scheduler_client, toy, key="submit-1", seed=4)
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert GenerationRun.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["has space", "x" * 129, "é"])
def test_a_malformed_key_is_a_400_and_starts_nothing(scheduler_client, toy, published, key):
    response = start(scheduler_client, toy, key=key)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert GenerationRun.objects.count() == 0


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_submit_starts_one_run(scheduler, toy, published):
    """Two requests with one key at the same moment, each on its own database connection."""
    from django.db import connection

    barrier = threading.Barrier(2)
    answers = []

    def submit() -> None:
        client = signed_in_client(scheduler)
        barrier.wait()
        try:
            answers.append(start(client, toy, key="double-click"))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(a.status_code for a in answers) == [202, 202]
    assert len({a.json()["id"] for a in answers}) == 1
    assert GenerationRun.objects.count() == 1
