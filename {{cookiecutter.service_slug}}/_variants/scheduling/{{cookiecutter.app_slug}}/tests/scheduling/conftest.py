"""Fixtures of the scheduling tests: users of both roles, the demo problems, a stored revision."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from core.testing import signed_in_client

from ...caching import LOCAL_BODIES
from ...models import Assignment, Course, GenerationRun, Problem, Revision, Room
from ...permissions import SCHEDULER_GROUP
from ...services.problems import problem_import
from ...services.revisions import revision_import
from ...tasks import generation_run_execute
from ...timetabling.demo import demo_instance_path
from ...web.draft_views import AT_ONCE, EDIT_MODE_KEY

# An optimal timetable of toy.ectt (16 lectures, no violation, cost 0 under UD2).
TOY_SOLUTION = """\
ArcTec rB 1 2
ArcTec rB 1 3
ArcTec rB 2 3
Geotec rA 0 3
Geotec rA 1 0
Geotec rA 1 1
Geotec rA 2 1
Geotec rA 3 0
SceCosC rA 0 1
SceCosC rA 3 2
SceCosC rA 4 2
TecCos rC 0 2
TecCos rC 2 2
TecCos rC 3 1
TecCos rC 4 0
TecCos rC 4 1
"""


def demo_bytes(name: str) -> bytes:
    return demo_instance_path(name).read_bytes()


def web(user: Any, *, at_once: bool = False) -> Client:
    """A browser's client signed in as `user` (the pages' session, not an API token); with
    `at_once`, its grid edits each save a revision instead of collecting in a draft."""
    client = Client()
    client.force_login(user)
    if at_once:
        session = client.session
        session[EDIT_MODE_KEY] = AT_ONCE
        session.save()
    return client


def counts() -> dict[str, int]:
    """Row counts of every scheduling table: tests compare them before and after bad input."""
    return {
        model.__name__: model.objects.count()
        for model in (Problem, Course, Room, Revision, Assignment, GenerationRun)
    }


@pytest.fixture(autouse=True)
def _one_solver_thread(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Generations here and in the workers a test starts use one CP-SAT thread: the suite
    already runs a test process per core, and a second thread would only compete with it."""
    settings.SCHEDULING_SOLVER_WORKERS = 1
    monkeypatch.setenv("SCHEDULING_SOLVER_WORKERS", "1")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    LOCAL_BODIES.clear()
    yield
    cache.clear()
    LOCAL_BODIES.clear()


@pytest.fixture
def published(monkeypatch):
    """The keyword arguments of every generation task published, instead of publishing it (the
    broker itself is exercised by the integration tests)."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(generation_run_execute, "apply_async", lambda **kwargs: sent.append(kwargs))
    return sent


@pytest.fixture
def scheduler(db):
    user = get_user_model().objects.create_user(username="grace", password="pw-for-tests-only")
    group, _ = Group.objects.get_or_create(name=SCHEDULER_GROUP)
    user.groups.add(group)
    return user


@pytest.fixture
def scheduler_client(scheduler) -> APIClient:
    return signed_in_client(scheduler)


@pytest.fixture
def reader_client(api_client) -> APIClient:
    """A signed-in user outside the scheduler group: reads and verifies only."""
    return api_client


@pytest.fixture
def toy(scheduler) -> Problem:
    return problem_import(file=demo_bytes("toy.ectt"), filename="toy.ectt", created_by=scheduler)


@pytest.fixture
def toy_revision(toy, scheduler) -> Revision:
    return revision_import(problem=toy, file=TOY_SOLUTION.encode(), author=scheduler)


@pytest.fixture
def comp01(scheduler) -> Problem:
    return problem_import(
        file=demo_bytes("comp01.ectt"), filename="comp01.ectt", created_by=scheduler
    )
