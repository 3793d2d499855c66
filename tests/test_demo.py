"""The README's first command, `make demo`, walked end to end: it renders the service, makes a
demo account and sample problems (each with a generated timetable), prints how to sign in and
serves the service with a worker and beat (no services). In a browser: the Hello page links to
the scheduler, the printed account signs in, the sample problem's grid shows, and Generate shows
live progress and ends in a new revision. Rendered lean, the demo shows the notes the same way.
Screenshots go to ARTIFACTS (demo-*.png)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .bakery import ARTIFACTS, TEMPLATE, free_port
from .browser import chromium
from .servers import wait_for_http

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
SERVICES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL")


@dataclass
class Demo:
    url: str
    log: Path
    project: Path

    @property
    def output(self) -> str:
        return self.log.read_text()

    def account(self) -> tuple[str, str]:
        match = re.search(r"user: (\S+)  password: (\S+)", self.output)
        assert match, self.output[-2000:]
        return match.group(1), match.group(2)


@contextmanager
def demo(output: Path, *answers: str) -> Iterator[Demo]:
    """`make demo` (the same script, with this interpreter: the Makefile's .venv) until the
    block ends; then it is stopped as Ctrl-C would, and must leave no process behind."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SERVICES}
    log = output.parent / f"{output.name}.log"
    extra = [arg for answer in answers for arg in ("--answer", answer)]
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "scripts/demo.py", "--port", str(port), "--output", str(output),
             *extra],
            cwd=TEMPLATE, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=400, process=process)
            project = next(p for p in output.iterdir() if (p / "manage.py").exists())
            yield Demo(f"http://127.0.0.1:{port}", log, project)
        finally:
            process.send_signal(signal.SIGINT)  # Ctrl-C: `run_all` stops all three
            try:
                process.wait(timeout=40)
            finally:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
    output_text = log.read_text()
    assert "Traceback" not in output_text, output_text[-3000:]


@pytest.fixture(scope="module")
def scheduler_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with demo(tmp_path_factory.mktemp("demo") / "build") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"demo-{name}.png"), full_page=True)


def sign_in(browser: Browser, demo: Demo, link: str) -> Page:
    """From the Hello page through its link to the application, signing in on the way."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(demo.url + "/")
    expect(page.locator("#counter")).to_be_visible()
    shot(page, "hello")
    page.get_by_role("link", name=link).click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    username, password = demo.account()
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    return page


def test_make_demo_prints_the_account_and_the_scheduler(scheduler_demo: Demo):
    output = scheduler_demo.output
    assert f"Scheduler: {scheduler_demo.url}/scheduler/" in output
    assert f"Serving at {scheduler_demo.url}/" in output
    assert (scheduler_demo.project / "db.sqlite3").exists()  # SQLite, no server
    with urllib.request.urlopen(scheduler_demo.url + "/readyz", timeout=10) as response:
        assert b"folder (no server)" in response.read()


def test_the_printed_account_signs_in_and_generates_with_live_progress(
    scheduler_demo: Demo, browser: Browser
):
    page = sign_in(browser, scheduler_demo, "Open the scheduler")
    page.wait_for_url(re.compile(r"/scheduler/$"))
    page.get_by_role("link", name="comp01 (demo)").click()
    page.get_by_role("link", name="Open the latest timetable").click()
    expect(page.locator("h1")).to_contain_text("revision #1")
    expect(page.locator("table.timetable")).to_be_visible()
    assert page.locator(".lecture").count() > 0
    shot(page, "grid")
    page.go_back()
    page.get_by_role("link", name="Generate a timetable").click()
    page.fill("#id_time_limit", "8")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/runs/\d+/$"))  # at once: the worker runs it
    expect(page.locator("[data-field=status]")).to_have_text("running", timeout=30_000)
    expect(page.locator("[data-field=best_cost]")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("[data-chart-line]")).to_have_attribute("points", re.compile(r"\d"))
    elapsed = page.locator("[data-field=elapsed]")  # the time used moves on, improving or not
    expect(elapsed).to_have_text(re.compile(r"^([3-9]|\d\d)"), timeout=10_000)
    shot(page, "progress")
    # The form's default repairs the latest revision: its run page stays when it ends and says
    # how many lectures moved, with the way to the new timetable.
    moved = page.locator("[data-field=moved_text]")
    pattern = re.compile(r"^\d+ of \d+ lectures moved against base revision #1\.$")
    expect(moved).to_have_text(pattern, timeout=60_000)
    page.get_by_role("link", name="Open the timetable").click()
    page.wait_for_url(re.compile(r"/revisions/\d+/"))
    expect(page.locator("h1")).to_contain_text("revision #2")
    shot(page, "new-revision")


def test_the_lean_demo_shows_its_notes(tmp_path: Path, browser: Browser):
    with demo(tmp_path / "build", "scheduling_domain=no") as lean:
        assert f"Notes: {lean.url}/notes/" in lean.output
        page = sign_in(browser, lean, "Open the notes")
        page.wait_for_url(re.compile(r"/notes/$"))
        expect(page.get_by_text("Welcome")).to_be_visible()
        shot(page, "lean-notes")
