"""A real headless Chromium sees the rendered service's counter go up by one per visit."""

from pathlib import Path

import pytest

from .bakery import ARTIFACTS, free_port, project_python, run
from .browser import chromium
from .servers import running

pytestmark = pytest.mark.slow


def test_counter_page_counts_each_visit(default_project: Path):
    python = project_python(default_project)
    env = {"DJANGO_SETTINGS_MODULE": "scheduler_service.environments.local"}
    migrate = run([python, "manage.py", "migrate", "--noinput"], cwd=default_project, env=env)
    assert migrate.returncode == 0, migrate.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with running(server, cwd=default_project, env=env, url=url + "healthz"), chromium() as browser:
        page = browser.new_page()
        page.goto(url)
        first = int(page.locator("#counter").inner_text())
        page.reload()
        second = int(page.locator("#counter").inner_text())
        assert page.locator("h1").inner_text() == "Hello, World"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "hello-world.png"), full_page=True)
    assert second == first + 1
