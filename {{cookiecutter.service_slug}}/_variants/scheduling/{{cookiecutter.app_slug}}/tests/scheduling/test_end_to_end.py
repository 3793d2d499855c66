"""One round through the API with a real Celery worker on MySQL + Redis.

Upload comp01, generate, verify, edit into a conflict, regenerate with few changes, export
iCalendar, and cancel a long run. Solver budgets stay small; waits are bounded.
"""

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing import wait_until

from .conftest import demo_bytes

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def wait_for_run(client, run_id: int, *, timeout: float) -> dict:
    state = {}

    def finished() -> bool:
        state.update(client.get(f"/api/v1/runs/{run_id}/").json())
        return state["finished"]

    assert wait_until(finished, timeout=timeout, interval=0.25), state
    return state


def test_one_scheduling_round(celery_worker, scheduler_client):
    client = scheduler_client
    response = client.post(
        "/api/v1/problems/",
        {"file": SimpleUploadedFile("comp01.ectt", demo_bytes("comp01.ectt"))},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    problem_id = response.json()["id"]

    # Generate.
    response = client.post(
        f"/api/v1/problems/{problem_id}/runs/", {"time_limit": 2, "seed": 1}, format="json"
    )
    assert response.status_code == 202
    run = wait_for_run(client, response.json()["id"], timeout=60)
    assert run["status"] == "succeeded", (run, celery_worker.log[-3000:])
    first_id = run["result_revision"]
    verification = client.get(f"/api/v1/revisions/{first_id}/verification/").json()
    assert verification["hard_violations"] == 0

    # Move a lecture onto another lecture's room and period: the verifier names the clash.
    lectures = client.get(f"/api/v1/revisions/{first_id}/").json()["assignments"]
    a = lectures[0]
    b = next(x for x in lectures if x["course"] != a["course"] and x["room"] != a["room"])
    response = client.post(
        f"/api/v1/revisions/{first_id}/edits/",
        {
            "moves": [
                {
                    "course": a["course"],
                    "from": {k: a[k] for k in ("day", "period", "room")},
                    "to": {k: b[k] for k in ("day", "period", "room")},
                }
            ]
        },
        format="json",
    )
    assert response.status_code == 201
    edited = response.json()
    assert edited["hard_violations"] > 0
    violations = client.get(f"/api/v1/revisions/{edited['id']}/verification/").json()["violations"]
    named = [v for v in violations if v["hard"] and a["course"] in v["courses"]]
    assert named and any(b["course"] in v["courses"] or b["room"] in v["rooms"] for v in named)

    # Regenerate in minimal-change mode from the edited revision: few lectures move.
    response = client.post(
        f"/api/v1/problems/{problem_id}/runs/",
        {"time_limit": 3, "base_revision": edited["id"], "min_change_weight": 20},
        format="json",
    )
    assert response.status_code == 202
    run = wait_for_run(client, response.json()["id"], timeout=60)
    assert run["status"] == "succeeded", run
    repaired = run["result_revision"]
    assert client.get(f"/api/v1/revisions/{repaired}/verification/").json()["hard_violations"] == 0
    diff = client.get(f"/api/v1/revisions/{repaired}/diff/?against={edited['id']}").json()
    assert 0 < len(diff["moved"]) + len(diff["added"]) < 10

    # Export one teacher's week as iCalendar.
    teacher = client.get(f"/api/v1/problems/{problem_id}/courses/").json()[0]["teacher"]
    response = client.get(
        f"/api/v1/revisions/{repaired}/export/?format=ics&teacher={teacher}&start=2027-01-04"
    )
    assert response.status_code == 200
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT")

    # A long run is cancelled within a few seconds.
    response = client.post(
        f"/api/v1/problems/{problem_id}/runs/", {"time_limit": 120}, format="json"
    )
    run_id = response.json()["id"]
    assert wait_until(
        lambda: client.get(f"/api/v1/runs/{run_id}/").json()["status"] == "running", timeout=30
    )
    assert client.post(f"/api/v1/runs/{run_id}/cancel/").status_code == 200
    run = wait_for_run(client, run_id, timeout=8)
    assert run["status"] == "cancelled"
