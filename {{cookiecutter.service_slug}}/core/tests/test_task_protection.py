"""ECS task scale-in protection: asked of the ECS agent (a recording stand-in here) for a run's
budget plus a margin; nothing at all outside ECS."""

import json
from collections.abc import Iterator

import pytest

from core.task_protection import MARGIN_MINUTES, protect_task
from core.testing import RecordingServer


@pytest.fixture
def ecs_agent(monkeypatch) -> Iterator[RecordingServer]:
    agent = RecordingServer()
    monkeypatch.setenv("ECS_AGENT_URI", agent.url)
    yield agent
    agent.close()


def test_protection_is_asked_for_the_budget_rounded_up_plus_the_margin(ecs_agent):
    assert protect_task(seconds=61) is True
    ((method, path, body),) = ecs_agent.requests
    assert (method, path) == ("PUT", "/task-protection/v1/state")
    assert json.loads(body) == {"ProtectionEnabled": True, "ExpiresInMinutes": 2 + MARGIN_MINUTES}


def test_outside_ecs_nothing_is_asked(monkeypatch):
    monkeypatch.delenv("ECS_AGENT_URI", raising=False)
    assert protect_task(seconds=60) is False


def test_an_unreachable_agent_does_not_stop_the_work(monkeypatch):
    monkeypatch.setenv("ECS_AGENT_URI", "http://127.0.0.1:1")  # nothing listens on port 1
    assert protect_task(seconds=60) is False
