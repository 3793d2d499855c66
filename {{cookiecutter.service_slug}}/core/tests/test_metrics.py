"""/metrics: who may scrape it, and what it counts (requests by route, tasks, the queue)."""

from typing import Any

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from core.tasks import heartbeat_process
from core.testing import metric_value


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text, 0 when absent."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return 0.0


def scrape(client: Client, **extra: Any):
    return client.get("/metrics", **extra)


@pytest.mark.django_db
def test_a_loopback_scrape_sees_requests_counted_by_route(client):
    before = metric_value("http_requests_total", route="/", method="GET", status="200")
    client.get("/")
    client.get("/")
    response = scrape(client)  # the test client connects from 127.0.0.1
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert sample(text, "http_requests_total", route="/", method="GET", status="200") == before + 2
    assert sample(text, "http_request_duration_seconds_count", route="/", method="GET") >= 2


@pytest.mark.django_db
def test_routes_are_patterns_not_raw_paths(api_client):
    api_client.get("/api/v1/core/heartbeats/123456/")
    text = scrape(Client()).content.decode()
    route = "/api/v1/core/heartbeats/<int:heartbeat_id>/"
    assert sample(text, "http_requests_total", route=route, method="GET", status="404") >= 1
    assert "123456" not in text


@pytest.mark.parametrize(
    "extra",
    [
        {"REMOTE_ADDR": "10.0.3.7"},  # from elsewhere
        {"REMOTE_ADDR": "10.0.3.7", "HTTP_X_FORWARDED_FOR": "127.0.0.1"},  # claims loopback
        {"HTTP_X_FORWARDED_FOR": "10.0.3.7"},  # loopback, but relayed by a proxy
        {"REMOTE_ADDR": "10.0.3.7", "HTTP_AUTHORIZATION": "Bearer wrong"},
    ],
)
def test_anyone_else_is_refused(client, settings, extra):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    response = scrape(client, **extra)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_the_token_lets_a_remote_scraper_in(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    response = scrape(
        client, REMOTE_ADDR="10.0.3.7", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token"
    )
    assert response.status_code == 200


def test_no_token_configured_means_loopback_only(client, settings):
    settings.METRICS_TOKEN = ""
    assert scrape(client, REMOTE_ADDR="10.0.3.7", HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.django_db
def test_tasks_are_counted_by_outcome(eager_tasks):
    labels = {"task": "core.heartbeat_process", "outcome": "success"}
    before = metric_value("celery_tasks_total", **labels)
    heartbeat_process.delay(987654)  # no such heartbeat: the task still succeeds (nothing to do)
    assert metric_value("celery_tasks_total", **labels) == before + 1
    text = scrape(Client()).content.decode()
    assert sample(text, "celery_task_duration_seconds_count", task="core.heartbeat_process") >= 1
