"""The Scheduler Service's web pages in a real browser, on MariaDB + Redis with a Celery worker.

One bake serves every test of this module: the development server (DEBUG off, static files
collected and served by WhiteNoise) and a real `celery worker --pool solo` share one fresh
database. The tests run in file order and build on each other like a scheduler's session: import,
generate, inspect violations, edit (form and drag and drop), pin, repair (regenerate moving
little), compare revisions, export, restore and publish a revision (an open grid notices a newer
one), pin ticked lectures and a whole curriculum at once, guided moves (the keyboard's pick-up with
every cell's outcome, a swap, "Find a place"), a draft with undo and redo saved as one revision,
cancel a long run; a read-only user sees no controls; staff use the admin and everyone the API
docs. Every main page also passes an accessibility check (axe-core's WCAG 2 A/AA rules, plus every
visible control reachable with Tab). Every page is served with the service's strict
Content-Security-Policy and the browser must report no violation of it (a blocked inline script or
style would be one). Screenshots go to ARTIFACTS.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Response, expect

from .bakery import ARTIFACTS, MYSQL_URL, free_port, installed_python, run, service_env
from .browser import chromium
from .servers import running

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

REDIS_DB = 12  # other suites use 5 and 11
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCHEDULER = ("grace", "pw-grace-for-ui-tests")
READER = ("ada", "pw-ada-for-ui-tests")
STAFF = ("root", "pw-root-for-ui-tests")
APP = "scheduler"
state: dict[str, object] = {}


# ------------------------------------------------------------------------------ the stack
def mariadb(sql: str) -> None:
    parts = urlsplit(MYSQL_URL)
    args = ["mariadb", "-h", parts.hostname or "127.0.0.1", "-P", str(parts.port or 3306),
            "-u", parts.username or "root"]  # fmt: skip
    if parts.password:
        args.append(f"-p{parts.password}")
    result = subprocess.run([*args, "-e", sql], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def manage(python: Path, project: Path, env: dict[str, str], *args: str) -> str:
    result = run([python, "manage.py", *args], cwd=project, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


USERS = f"""
from django.contrib.auth.models import Group, User
group, _ = Group.objects.get_or_create(name="scheduler")
User.objects.create_user("{SCHEDULER[0]}", password="{SCHEDULER[1]}").groups.add(group)
User.objects.create_user("{READER[0]}", password="{READER[1]}")
User.objects.create_superuser("{STAFF[0]}", password="{STAFF[1]}")
"""


@pytest.fixture(scope="module")
def site(default_project: Path, services) -> Iterator[str]:
    """The server's base URL, with a worker running; the database is dropped at the end."""
    project = default_project
    python = installed_python(project)
    env = {
        **service_env("ui", redis_db=REDIS_DB),
        "DJANGO_SETTINGS_MODULE": f"{project.name}.environments.local",
        "DJANGO_DEBUG": "false",
        "LOG_FORMAT": "console",
        "SCHEDULING_SOLVER_WORKERS": "2",
    }
    database = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    mariadb(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    worker = None
    worker_log = (project / "worker-ui.log").open("w")
    try:
        manage(python, project, env, "migrate", "--noinput")
        manage(python, project, env, "collectstatic", "--noinput")
        manage(python, project, env, "shell", "-c", USERS)
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
        clean.pop("REDIS_URL", None)
        worker = subprocess.Popen(
            [str(python), "-m", "celery", "-A", project.name, "worker", "--pool", "solo",
             "--without-mingle", "--without-gossip", "--loglevel", "INFO"],
            cwd=project, env={**clean, **env}, stdout=worker_log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while " ready." not in (project / "worker-ui.log").read_text():
            assert worker.poll() is None, (project / "worker-ui.log").read_text()
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.3)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        with running(server, cwd=project, env={**clean, **env}, url=url + "/healthz"):
            yield url
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        worker_log.close()
        mariadb(f"DROP DATABASE IF EXISTS `{database}`")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


# ------------------------------------------------------------------------------ the policy
# Chromium reports each blocked resource or inline code on the console, and as an event.
REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', e =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));"""


def watch_policy(page: Page, violations: list[str]) -> None:
    """Collect in `violations` every CSP violation and every document served without the
    policy, on `page` and the pages its context opens later."""

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            violations.append(f"{message.page.url if message.page else ''}: {message.text}")

    def on_response(response: Response) -> None:
        if response.request.resource_type != "document" or not response.url.startswith("http"):
            return
        header = response.headers.get("content-security-policy", "")
        if "script-src 'self'" not in header or "unsafe-inline" in header:
            violations.append(f"{response.url}: served with policy {header!r}")

    page.context.add_init_script(REPORT_VIOLATIONS)
    page.context.on("console", on_console)
    page.context.on("response", on_response)


def login(browser: Browser, site: str, who: tuple[str, str]) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    watch_policy(page, state.setdefault("csp_violations", []))  # type: ignore[arg-type]
    page.set_default_timeout(20_000)
    page.goto(f"{site}/{APP}/")
    assert "/accounts/login/" in page.url  # login required
    page.fill("#id_username", who[0])
    page.fill("#id_password", who[1])
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/{APP}/")
    return page


@pytest.fixture(scope="module")
def page(browser: Browser, site: str) -> Page:
    return login(browser, site, SCHEDULER)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ui-{name}.png"), full_page=True)


# ------------------------------------------------------------------------------ accessibility
TAB_TARGETS = """() => {
  const all = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')];
  // Inside a closed <details> only its summary shows (Chromium still gives the rest boxes).
  const folded = el => el.tagName !== 'SUMMARY' && el.closest('details:not([open])') !== null;
  const shown = el => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden' && !folded(el);
  // A radio group is one Tab stop (its checked button); arrows move within it.
  const grouped = el => el.type === 'radio' && !el.checked && el.form !== null
    && [...el.form.elements].some(o => o.type === 'radio' && o.name === el.name && o.checked);
  const targets = all.filter(el => shown(el) && !grouped(el));
  targets.forEach((el, i) => el.setAttribute('data-ax-tab', String(i)));
  return targets.length;
}"""


def check_accessibility(page: Page, name: str, *, tab: bool = True) -> None:
    """axe-core (WCAG 2 A and AA rules: labels, contrast, names...) and Tab reach; fail on any.
    `tab=False` while a modal dialog is open: it keeps Tab inside itself, as it should."""
    page.evaluate(AXE.read_text())  # not a <script> tag: the page's policy would block it
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
          return r.violations.map(v => ({id: v.id, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }"""
    )
    assert result == [], f"{name}: accessibility violations: {result}"
    if not tab:
        state.setdefault("a11y_pages", []).append(name)  # type: ignore[union-attr]
        return
    total = page.evaluate(TAB_TARGETS)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.locator("body").focus()
    reached: set[str] = set()
    for _ in range(total + 3):
        page.keyboard.press("Tab")
        mark = page.evaluate("() => document.activeElement.getAttribute('data-ax-tab')")
        if mark is not None:
            reached.add(mark)
        if len(reached) == total:
            break
    missing = page.evaluate(
        "(seen) => [...document.querySelectorAll('[data-ax-tab]')]"
        ".filter(el => !seen.includes(el.getAttribute('data-ax-tab')))"
        ".map(el => el.outerHTML.slice(0, 80))",
        sorted(reached),
    )
    assert not missing, f"{name}: not reachable with Tab: {missing}"
    state.setdefault("a11y_pages", []).append(name)  # type: ignore[union-attr]


# ------------------------------------------------------------------------------ the session
def test_import_shows_errors_with_line_numbers_then_the_summary(page: Page, site: str, tmp_path):
    toy = default_data(page) / "toy.ctt"
    broken = tmp_path / "broken.ctt"
    broken.write_text(toy.read_text().replace("ArcTec Indaco 3 2 42", "ArcTec Indaco 3 two 42"))
    page.set_input_files("#id_file", str(broken))
    page.get_by_role("button", name="Import").click()
    error = page.locator("#id_file_error")
    expect(error).to_contain_text("line 11")
    check_accessibility(page, "problem list with an import error")

    page.set_input_files("#id_file", str(toy))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r"/problems/\d+/$"))
    state["problem_url"] = page.url
    expect(page.locator("h1")).to_have_text("ToyExample")
    stats = page.locator("ul.stats").inner_text()
    for text in ("4 courses", "16 lectures", "2 rooms", "2 curricula", "20 periods", "8 unavail"):
        assert text in stats, stats
    shot(page, "summary")
    check_accessibility(page, "problem summary")
    page.goto(f"{site}/{APP}/")
    shot(page, "problems")


def default_data(page: Page) -> Path:
    project = Path(str(state.get("project") or ""))
    return project / APP / "timetabling" / "data"


def generate(page: Page, *, time_limit: int) -> None:
    """The generate form with its defaults (with a base revision: repair the latest)."""
    page.goto(str(state["problem_url"]))
    page.get_by_role("link", name="Generate a timetable").click()
    page.fill("#id_time_limit", str(time_limit))
    page.get_by_role("button", name="Start").click()


def test_generate_follows_progress_and_opens_the_grid(page: Page):
    generate(page, time_limit=3)
    page.wait_for_url(re.compile(r"/(runs|revisions)/\d+/"))
    page.wait_for_url(re.compile(r"/revisions/\d+/"), timeout=60_000)  # opens when it finishes
    state["first_revision"] = page.url
    expect(page.locator("h1")).to_contain_text("revision #1")
    expect(page.locator("table.timetable")).to_be_visible()
    assert page.locator(".lecture").count() > 0
    expect(page.locator(".cost .total")).to_contain_text("feasible")
    shot(page, "grid")
    check_accessibility(page, "timetable grid")


def move_form_target(page: Page) -> tuple[str, str]:
    """Two lectures of different courses shown in the current (curriculum) view."""
    values = page.locator(".lecture[draggable=true]").evaluate_all(
        "els => els.map(e => e.getAttribute('data-lecture'))"
    )
    first = values[0]
    second = next(v for v in values if v.split("|")[0] != first.split("|")[0])
    return first, second


def test_moving_into_a_conflict_marks_the_cell_with_the_verifiers_sentence(page: Page):
    page.select_option("#show", "curriculum:Cur1")  # auto-submits
    page.wait_for_url(re.compile(r"show=curriculum"))
    # Edits collect in a draft by default (test_a_draft_collects...); these tests save each.
    expect(page.locator(".edit-mode")).to_contain_text("Your changes collect in a draft")
    page.get_by_role("button", name="Save each change at once instead").click()
    expect(page.locator(".messages")).to_contain_text("Each change is now saved at once")
    first, second = move_form_target(page)
    course, day, period, _room = second.split("|")
    # The keyboard way: plain selects and a submit button.
    page.select_option("#move_lecture", first)
    page.select_option("#move_day", day)
    page.select_option("#move_period", period)
    before = page.url
    page.locator("#move-form button[type=submit]").click()
    page.wait_for_url(lambda url: url != before)
    expect(page.locator(".messages")).to_contain_text("Saved revision #2")
    cell = page.locator(f"#cell-{day}-{period}")
    expect(cell).to_have_class(re.compile("has-hard"))
    title = cell.locator(".badge.hard").get_attribute("title") or ""
    assert "share curriculum Cur1 and both meet on" in title, title
    assert course in title
    link = page.locator(f".issues a[href='#cell-{day}-{period}']").first
    expect(link).to_be_visible()
    link.click()
    assert page.url.endswith(f"#cell-{day}-{period}")
    state["conflict"] = (first.split("|")[0], second)
    shot(page, "grid-conflict")
    check_accessibility(page, "grid with violations")


def test_drag_and_drop_moves_a_lecture(page: Page):
    # A lecture of the third course of Cur1: the conflict above stays for the regeneration.
    moved_course, kept = state["conflict"]  # type: ignore[misc]
    others = f":not([data-course='{moved_course}']):not([data-course='{kept.split('|')[0]}'])"
    lecture = page.locator(f".lecture[draggable=true]{others}").first
    key = lecture.get_attribute("data-lecture") or ""
    course = key.split("|")[0]
    empty = page.locator("td.cell:not(:has(.lecture)):not(.unavailable)").first
    target = empty.get_attribute("id") or ""
    before = page.url
    lecture.drag_to(empty)
    page.wait_for_url(lambda url: url != before)
    expect(page.locator(".messages")).to_contain_text("Saved revision #3")
    expect(page.locator(f"#{target} .lecture[data-course='{course}']")).to_have_count(1)


def test_pin_and_regenerate_with_minimal_change_keeps_the_pin(page: Page, site: str):
    _moved_course, kept = state["conflict"]  # type: ignore[misc]
    chip = page.locator(f".lecture[data-lecture='{kept}']")
    before = page.url
    chip.get_by_role("button", name=re.compile("^Pin")).click()
    page.wait_for_url(lambda url: url != before)
    expect(page.locator(f".lecture[data-lecture='{kept}']")).to_have_class(re.compile("pinned"))
    expect(page.locator(f".lecture[data-lecture='{kept}'] .tag.pin")).to_have_text("⚑ pinned")

    # The form's defaults with a base: repair the latest revision, moving as little as possible.
    generate(page, time_limit=4)
    page.wait_for_url(re.compile(r"/runs/\d+/$"))
    moved = page.locator("[data-field=moved_text]")
    expect(moved).to_have_text(re.compile(r"^\d+ of 16 lectures moved against base revision #4\.$"),
                               timeout=60_000)  # fmt: skip
    assert int(moved.inner_text().split()[0]) <= 4, moved.inner_text()  # the conflict, mended
    compare = page.get_by_role("link", name="Compare with the base revision")
    assert re.search(r"/diff/\?against=\d+&revision=\d+$", compare.get_attribute("href") or "")
    shot(page, "run-repaired")
    check_accessibility(page, "finished repair run")
    page.get_by_role("link", name="Open the timetable").click()
    page.wait_for_url(re.compile(r"/revisions/\d+/"))
    expect(page.locator("h1")).to_contain_text("revision #5")
    expect(page.locator(".cost .total")).to_contain_text("feasible")
    page.select_option("#show", "all:")
    page.wait_for_url(re.compile(r"show=all"))
    expect(page.locator(f".lecture[data-lecture='{kept}']")).to_have_class(re.compile("pinned"))

    page.get_by_role("link", name="History").click()
    expect(page.locator("table.data tbody tr")).to_have_count(5)
    expect(page.locator("svg circle")).to_have_count(5)
    shot(page, "history")
    check_accessibility(page, "history")
    page.get_by_role("button", name="Compare").click()  # the two latest revisions
    page.wait_for_url(re.compile(r"/diff/"))
    moved = page.locator(".lecture.moved")
    assert moved.count() >= 1
    expect(moved.first.locator(".change")).to_contain_text("moved from")
    expect(page.locator(".ghost").first).to_contain_text("moved to")
    expect(page.locator(f".lecture[data-lecture='{kept}']")).not_to_have_class(re.compile("moved"))
    page.select_option("#show", "all:")
    page.wait_for_url(re.compile(r"show=all"))
    shot(page, "diff")
    check_accessibility(page, "diff")


def test_an_edit_of_a_stale_revision_says_so(page: Page, browser: Browser, site: str):
    page.goto(str(state["problem_url"]))
    page.get_by_role("link", name="Open the latest timetable").click()
    page.wait_for_url(re.compile(r"/revisions/\d+/"))
    other = page.context.new_page()
    other.goto(page.url)
    other.locator(".lecture button.mini").first.click()  # someone else saves first
    other.wait_for_url(lambda url: url != page.url)
    other.close()
    page.locator(".lecture button.mini").first.click()
    status = page.locator("#edit-status")
    expect(status).to_contain_text("no longer the latest")
    expect(status.get_by_role("link", name="Open the latest revision")).to_be_visible()


def test_exports_download(page: Page):
    page.get_by_role("link", name="Open the latest revision").click()
    page.select_option("#show", "curriculum:Cur1")
    page.wait_for_url(re.compile(r"show=curriculum"))
    number = page.locator("h1").inner_text().rsplit("#", 1)[1]
    expected = {
        "Solution file (.sol)": re.compile(r"^\w+ \w+ \d+ \d+$", re.M),
        # Day names and clock times for people (docs/scheduling.md, Exports).
        "CSV": re.compile(r"^course,teacher,room,day,start,end,pinned,curricula\n"
                          r"\w+,\w+,\w+,Monday,\d\d:\d\d,\d\d:\d\d,[01],", re.M),
        "iCalendar (all)": re.compile(r"^BEGIN:VCALENDAR", re.M),
        "iCalendar (Cur1)": re.compile(r"^X-WR-CALNAME:.*\(Cur1\)", re.M),
    }  # fmt: skip
    names = {}
    for label, pattern in expected.items():
        with page.expect_download() as info:
            page.get_by_role("link", name=label).click()
        body = Path(info.value.path()).read_text()
        assert pattern.search(body), (label, body[:200])
        names[label] = info.value.suggested_filename
    # Each download names problem, revision and view: the two calendars differ.
    assert names["iCalendar (all)"] == f"toyexample-revision-{number}-all.ics", names
    assert names["iCalendar (Cur1)"] == f"toyexample-revision-{number}-curriculum-cur1.ics", names
    assert len(set(names.values())) == len(names), names


# ------------------------------------------------------------------------------ hand-outs
PRINT_CONTROLS = """() => [...document.querySelectorAll(
    'nav, header, button, select, input:not([type=hidden]), textarea, form, a.button, .toolbar')]
  .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
  .map(el => el.outerHTML.slice(0, 80))"""


def test_print_layouts_show_the_timetable_without_controls(page: Page):
    grid_url = page.url
    page.emulate_media(media="print")  # the grid page itself, printed as it is
    assert page.evaluate(PRINT_CONTROLS) == []
    expect(page.locator("table.timetable")).to_be_visible()
    expect(page.locator(".side")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Print…").click()
    page.wait_for_url(re.compile(r"/print/\?show=curriculum"))
    expect(page.locator("section.sheet")).to_have_count(1)
    expect(page.get_by_role("button", name="Print…")).to_be_visible()  # the script ran
    check_accessibility(page, "print page (screen)")
    for each, sheets in (("teacher", 4), ("room", 2), ("curriculum", 2)):
        page.select_option("#each", each)
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(re.compile(f"each={each}"))
        expect(page.locator("section.sheet")).to_have_count(sheets)
    expect(page.locator("section.sheet h2").first).to_have_text("Curriculum Cur1")
    expect(page.locator("section.sheet th[scope=row]").first).to_have_text("08:00\N{EN DASH}09:00")
    page.emulate_media(media="print")
    assert page.evaluate(PRINT_CONTROLS) == []
    shot(page, "print-curricula")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "ui-print-curricula.pdf").write_bytes(pdf)
    # One A4 landscape page (842 x 595 points) per curriculum.
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 2, boxes
    assert all(abs(float(w) - 841.9) < 2 and abs(float(h) - 595.3) < 2 for w, h in boxes), boxes
    page.emulate_media(media="screen")
    page.goto(grid_url)


# Nothing wider than the viewport, except inside the grid's own scroll frame.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) {
    found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.grid-frame') && !el.classList.contains('grid-frame')) continue;
    const box = el.getBoundingClientRect();
    if ((box.width || box.height) && box.right > width + 0.5) {
      found.push(`${el.tagName.toLowerCase()}.${el.className}: right ${Math.round(box.right)}`);
    }
  }
  return found.slice(0, 10);
}"""


def narrow(page: Page, url: str, name: str) -> None:
    page.goto(url)
    assert page.evaluate(OVERFLOW) == [], name
    shot(page, f"narrow-{name}")


def test_every_main_page_fits_400_px(browser: Browser, site: str):
    context = browser.new_context(viewport={"width": 400, "height": 800})
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    watch_policy(phone, state.setdefault("csp_violations", []))  # type: ignore[arg-type]
    phone.goto(f"{site}/{APP}/")  # to the login page, and back after it
    assert "/accounts/login/" in phone.url
    assert phone.evaluate(OVERFLOW) == [], "login"
    phone.fill("#id_username", SCHEDULER[0])
    phone.fill("#id_password", SCHEDULER[1])
    phone.click("main button[type=submit]")
    phone.wait_for_url(f"{site}/{APP}/")
    narrow(phone, f"{site}/{APP}/", "problems")
    check_accessibility(phone, "problem list at 400 px")
    problem = str(state["problem_url"])
    narrow(phone, problem, "problem")
    check_accessibility(phone, "problem summary at 400 px")
    phone.locator("summary", has_text="Change the calendar").click()
    assert phone.evaluate(OVERFLOW) == [], "the calendar form"
    narrow(phone, problem + "generate/", "generate")
    phone.locator("summary", has_text="Advanced").click()
    expect(phone.locator("#id_seed")).to_be_visible()
    assert phone.evaluate(OVERFLOW) == [], "generate, advanced"
    check_accessibility(phone, "generate at 400 px, advanced open")
    narrow(phone, problem + "history/", "history")
    phone.get_by_role("button", name="Compare").click()
    phone.wait_for_url(re.compile(r"/diff/"))
    assert phone.evaluate(OVERFLOW) == [], "diff"
    shot(phone, "narrow-diff")
    phone.goto(problem)
    phone.get_by_role("link", name="Open the latest timetable").click()
    phone.wait_for_url(re.compile(r"/revisions/\d+/"))
    assert phone.evaluate(OVERFLOW) == [], "grid"
    frame = phone.locator(".grid-frame").first
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")  # the grid scrolls in its frame
    shot(phone, "narrow-grid")
    check_accessibility(phone, "grid at 400 px")
    # A card shows its teacher and students on hover.
    card = phone.locator(".lecture").first
    card.scroll_into_view_if_needed()
    card.hover()
    who = card.locator(".who")
    expect(who).to_have_text(re.compile(r"^\S.* · \d+ students?$"))
    assert who.evaluate("el => el.getBoundingClientRect().width") > 20
    phone.get_by_role("link", name="Print…").click()
    phone.wait_for_url(re.compile(r"/print/"))
    assert phone.evaluate(OVERFLOW) == [], "print page"
    shot(phone, "narrow-print")
    context.close()


def test_read_only_user_sees_no_controls(browser: Browser, site: str):
    reader = login(browser, site, READER)
    expect(reader.locator("input[type=file]")).to_have_count(0)
    reader.goto(str(state["problem_url"]))
    expect(reader.get_by_role("link", name="Generate a timetable")).to_have_count(0)
    reader.get_by_role("link", name="Open the latest timetable").click()
    expect(reader.locator("table.timetable")).to_be_visible()
    for selector in ("#move-form", "[draggable=true]", "button.mini", "#pin-form"):
        expect(reader.locator(selector)).to_have_count(0)
    # With no button on a card, the card itself takes the focus and shows teacher and students.
    card = reader.locator(".lecture").first
    card.focus()
    expect(card.locator(".who")).to_have_text(re.compile(r" · \d+ students?$"))
    assert card.locator(".who").evaluate("el => el.getBoundingClientRect().width") > 20
    expect(reader.get_by_role("link", name=re.compile("Generate"))).to_have_count(0)
    check_accessibility(reader, "grid, read-only")
    reader.context.close()


def test_restore_publish_and_the_newer_revision_notice(page: Page):
    history = str(state["problem_url"]) + "history/"
    page.goto(history)
    latest = page.locator("table.data tbody tr").count()
    page.get_by_role("button", name="Restore #1").click()
    page.wait_for_url(re.compile(r"/revisions/\d+/"))
    expect(page.locator(".messages")).to_contain_text(f"Saved revision #{latest + 1}: restored #1")
    expect(page.locator(".meta")).to_contain_text("Restored #1")
    page.goto(history)
    page.get_by_role("button", name="Restore #1").click()  # the latest is #1's copy already
    page.wait_for_url(history)
    expect(page.locator(".messages")).to_contain_text("restoring it would change nothing")
    expect(page.locator("table.data tbody tr")).to_have_count(latest + 1)

    page.get_by_role("button", name=f"Publish #{latest + 1}").click()
    page.wait_for_url(history)
    expect(page.locator(".messages")).to_contain_text(f"#{latest + 1} is the published timetable")
    newest = page.locator("table.data tbody tr").first
    expect(newest.locator(".tag.published")).to_have_text("Published")
    expect(page.locator(".published-line")).to_contain_text(f"revision #{latest + 1}")
    shot(page, "history-published")
    check_accessibility(page, "history with a published revision")

    page.locator(".published-line").get_by_role("link").click()  # the published grid, open
    page.wait_for_url(re.compile(r"/revisions/\d+/"))
    expect(page.locator(".meta .tag.published")).to_have_text("Published")
    other = page.context.new_page()
    other.goto(page.url)
    other.locator(".lecture button.mini").first.click()  # someone saves a newer revision
    other.wait_for_url(lambda url: url != page.url)
    other.close()
    notice = page.locator(".newer-revision .notice")
    expect(notice).to_contain_text(f"A newer revision, #{latest + 2}, was saved.", timeout=10_000)
    shot(page, "grid-newer-revision")
    check_accessibility(page, "grid with the newer-revision notice")
    notice.get_by_role("link", name=f"Open revision #{latest + 2}").click()
    page.wait_for_url(re.compile(r"/revisions/\d+/"))
    expect(page.locator("h1")).to_contain_text(f"revision #{latest + 2}")
    expect(page.locator(".meta")).to_contain_text(f"published: #{latest + 1}")


def test_tick_lectures_and_pin_them_then_pin_a_whole_curriculum(page: Page):
    # The latest revision of the toy problem (the test above opened it), showing Cur1.
    page.goto(page.url.split("?")[0] + "?show=curriculum:Cur1")
    number = int(page.locator("h1").inner_text().rsplit("#", 1)[1])
    keys = page.locator(".lecture:not(.pinned)").evaluate_all(
        "els => els.map(e => e.getAttribute('data-lecture'))"
    )[:2]
    for key in keys:
        box = page.locator(f".lecture[data-lecture='{key}'] input[type=checkbox]")
        expect(box).to_have_attribute("form", "bulk-pin-form")
        box.check()
    page.get_by_label("The lectures I ticked").check()
    before = page.url
    page.locator("#bulk-pin-form").get_by_role("button", name="Pin them", exact=True).click()
    page.wait_for_url(lambda url: url != before)
    expect(page.locator(".messages")).to_contain_text(f"Saved revision #{number + 1}")
    expect(page.locator(".meta")).to_contain_text("Pinned 2 selected lectures")
    for key in keys:
        expect(page.locator(f".lecture[data-lecture='{key}']")).to_have_class(re.compile("pinned"))
    assert page.locator(".lecture:not(.pinned)").count() > 0  # the rest of Cur1 is not pinned

    # "Every lecture of curriculum Cur1" is the panel's default on a curriculum's view.
    expect(page.get_by_label("Every lecture of curriculum Cur1")).to_be_checked()
    before = page.url
    page.locator("#bulk-pin-form").get_by_role("button", name="Pin them", exact=True).click()
    page.wait_for_url(lambda url: url != before)
    expect(page.locator(".messages")).to_contain_text(f"Saved revision #{number + 2}")
    expect(page.locator(".meta")).to_contain_text(
        re.compile(r"Pinned \d+ lectures? of curriculum Cur1")
    )
    expect(page.locator(".lecture:not(.pinned)")).to_have_count(0)
    cards = page.locator(".lecture").count()
    assert cards == 11, cards  # Cur1 of the toy problem: 3 + 3 + 5 lectures
    expect(page.locator(".lecture .tag.pin")).to_have_count(cards)
    # Again: nothing would change, said next to the form, and no revision is saved.
    page.locator("#bulk-pin-form").get_by_role("button", name="Pin them", exact=True).click()
    expect(page.locator("#bulk-pin-status")).to_contain_text(
        "Nothing to pin: all 11 lectures of curriculum Cur1 are pinned already."
    )
    expect(page.locator("h1")).to_contain_text(f"revision #{number + 2}")
    shot(page, "grid-bulk-pinned")
    check_accessibility(page, "grid with a curriculum pinned")


def cell_of(page: Page, key: str) -> tuple[int, int]:
    _course, day, period, _room = key.split("|")
    return int(day), int(period)


def pick_up_with_the_keyboard(page: Page, key: str) -> None:
    page.locator(f".lecture[data-lecture='{key}']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("td.cell[data-target]")).to_have_count(page.locator("td.cell").count())


def walk_with_the_keyboard(page: Page, key: str) -> tuple[int, int, str]:
    """Pick `key` up, walk with the arrows to the first empty cell a move to which breaks no
    hard rule, press Enter; that cell's day, period and the room the hint named."""
    pick_up_with_the_keyboard(page, key)
    day, period = cell_of(page, key)
    free = page.locator(
        "td.cell.target-clean:not(:has(.lecture)), td.cell.target-soft:not(:has(.lecture))"
    ).first
    to_day = int(free.get_attribute("data-drop-day") or 0)
    to_period = int(free.get_attribute("data-drop-period") or 0)
    room = (free.get_attribute("title") or "").split(", room ")[1].split(":")[0].split(" ")[0]
    for _ in range(abs(to_day - day)):
        page.keyboard.press("ArrowRight" if to_day > day else "ArrowLeft")
    for _ in range(abs(to_period - period)):
        page.keyboard.press("ArrowDown" if to_period > period else "ArrowUp")
    expect(free).to_have_class(re.compile("move-cursor"))
    expect(page.locator("#move-hint")).to_contain_text(f", room {room}")
    page.keyboard.press("Enter")
    return to_day, to_period, room


def hold_over(page: Page, target: Locator, hint: str) -> None:
    """Move the held pointer onto `target` until the move hint reads `hint`. A drag may scroll
    the page under the pointer (near an edge, Chromium scrolls while dragging), so, as a person
    would, the pointer follows the target where it now is: at most three aims."""
    for aim in range(3):
        box = target.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
        try:
            expect(page.locator("#move-hint")).to_contain_text(hint, timeout=2_000)
            return
        except AssertionError:
            if aim == 2:
                raise


def test_guided_moves_with_the_keyboard_a_swap_and_find_a_place(page: Page):
    # The latest revision of the toy problem, Cur1 shown: every lecture of Cur1 is pinned now.
    number = int(page.locator("h1").inner_text().rsplit("#", 1)[1])
    cards = page.locator(".lecture[draggable=true]")
    key = cards.first.get_attribute("data-lecture") or ""
    course = key.split("|")[0]

    # Picked up: every cell says what a move there would do; Escape puts it back down.
    pick_up_with_the_keyboard(page, key)
    day, period = cell_of(page, key)
    expect(page.locator(f"#cell-{day}-{period}")).to_have_attribute("data-target", "here now")
    expect(page.locator("#move-hint")).to_contain_text(f"Moving {course}")
    labels = page.locator("td.cell[data-target]").evaluate_all(
        "els => els.map(e => e.getAttribute('data-target'))"
    )
    assert all(re.match(r"^(here now|[✓◆⚠] )", text) for text in labels), labels
    shot(page, "grid-lecture-picked-up")
    check_accessibility(page, "grid with a lecture picked up")
    pick_up_with_the_keyboard(page, key)  # the check's Tab walk left it; pick it up again
    page.keyboard.press("Escape")
    expect(page.locator("td.cell[data-target]")).to_have_count(0)
    expect(page.locator(f".lecture[data-lecture='{key}']")).to_be_focused()

    # The arrows walk to an empty cell a move to which breaks no hard rule; Enter asks first,
    # since the lecture is pinned; the move keeps the page where it was and the focus on it.
    to_day, to_period, room = walk_with_the_keyboard(page, key)
    dialog = page.locator("#move-dialog")
    expect(dialog).to_contain_text(f"{course} is pinned")
    shot(page, "grid-move-dialog")
    check_accessibility(page, "the move dialog", tab=False)  # a modal keeps Tab inside
    before = page.url
    dialog.get_by_role("button", name="Move it anyway").click()
    page.wait_for_url(lambda url: url != before)
    expect(page.locator(".messages")).to_contain_text(f"Saved revision #{number + 1}")
    moved = page.locator(f"#cell-{to_day}-{to_period} .lecture[data-course='{course}']")
    expect(moved).to_have_count(1)
    expect(moved).to_contain_text(room)
    expect(moved).to_be_focused()

    # A drop on a cell holding another lecture of the view offers a swap.
    first = page.locator(".lecture[draggable=true]").first
    first_key = first.get_attribute("data-lecture") or ""
    other = page.locator(
        f".lecture[draggable=true]:not([data-course='{first_key.split('|')[0]}'])"
    ).first
    other_key = other.get_attribute("data-lecture") or ""
    if cell_of(page, other_key) == cell_of(page, first_key):
        other = page.locator(f".lecture[draggable=true]:not([data-lecture='{other_key}'])").nth(2)
        other_key = other.get_attribute("data-lecture") or ""
    # Dragged by the mouse: while it is held over the other lecture, every cell is labelled.
    # Both in the middle of the window, as a person drags: away from the hint bar at the bottom
    # and from the edges, where a drag scrolls the page under the pointer.
    other.evaluate("el => el.scrollIntoView({block: 'center'})")
    first.hover()
    page.mouse.down()
    hold_over(page, other, "Or swap with")
    expect(page.locator("td.cell[data-target]")).to_have_count(page.locator("td.cell").count())
    page.mouse.up()
    expect(dialog).to_contain_text("already holds")
    before = page.url
    dialog.get_by_role("button", name=f"Swap with {other_key.split('|')[0]}").click()
    page.wait_for_url(lambda url: url != before)
    expect(page.locator(".messages")).to_contain_text(f"Saved revision #{number + 2}")
    expect(page.locator(".meta")).to_contain_text(f"Swapped {first_key.split('|')[0]}")
    day, period = cell_of(page, other_key)
    expect(
        page.locator(f"#cell-{day}-{period} [data-course='{first_key.split('|')[0]}']")
    ).to_have_count(1)

    # Find a place: the best few, each with its cost in words and a button.
    page.select_option("#place_place", index=0)
    page.get_by_role("button", name="Find the best places").click()
    page.wait_for_url(re.compile(r"place="))
    options = page.locator(".place-list li")
    expect(options).to_have_count(5)
    expect(options.first.locator(".tag")).to_have_text(
        re.compile(r"no change in cost|saves|soft|hard")
    )
    shot(page, "grid-find-a-place")
    check_accessibility(page, "find a place")
    before = page.url
    options.first.get_by_role("button", name=re.compile("^Move here")).click()
    page.wait_for_url(lambda url: url != before)
    expect(page.locator(".messages")).to_contain_text(f"Saved revision #{number + 3}")


def test_a_draft_collects_changes_with_undo_and_redo_and_saves_them_as_one_revision(page: Page):
    number = int(page.locator("h1").inner_text().rsplit("#", 1)[1])
    page.get_by_role("button", name="Collect changes in a draft").click()
    expect(page.locator(".edit-mode")).to_contain_text("Your changes collect in a draft")

    # A keyboard move (of a pinned lecture: asked first) starts the draft; an unpin joins it.
    key = page.locator(".lecture[draggable=true]").first.get_attribute("data-lecture") or ""
    course = key.split("|")[0]
    to_day, to_period, _room = walk_with_the_keyboard(page, key)
    page.locator("#move-dialog").get_by_role("button", name="Move it anyway").click()
    expect(page.locator(".messages")).to_contain_text(f"In your draft: Moved {course} to")
    panel = page.locator(".panel.draft")
    expect(panel).to_contain_text(f"Your draft on revision #{number}, not saved")
    expect(page.locator("h1")).to_contain_text(f"revision #{number} · your draft")
    moved = page.locator(f"#cell-{to_day}-{to_period} .lecture[data-course='{course}']")
    expect(moved).to_have_count(1)
    moved.get_by_role("button", name=re.compile("^Unpin")).click()
    expect(page.locator(".messages")).to_contain_text(f"In your draft: Unpinned {course}")
    expect(panel).to_contain_text("2 changes in it")
    expect(page.locator("h1")).to_contain_text(f"revision #{number} · your draft")  # none saved

    panel.get_by_role("button", name="Undo").click()
    expect(page.locator(".messages")).to_contain_text(f"Undone: Unpinned {course}")
    expect(panel).to_contain_text("1 change in it, 1 undone")
    expect(
        page.locator(f"#cell-{to_day}-{to_period} .lecture[data-course='{course}']")
    ).to_have_class(re.compile("pinned"))
    shot(page, "grid-draft")
    check_accessibility(page, "grid with a draft")
    panel.get_by_role("button", name="Redo").click()
    expect(page.locator(".messages")).to_contain_text(f"Redone: Unpinned {course}")

    page.get_by_label("Note for the new revision").fill("Moved before the exam week")
    panel.get_by_role("button", name="Save as one revision").click()
    expect(page.locator(".messages")).to_contain_text(f"Saved revision #{number + 1}")
    expect(page.locator(".meta")).to_contain_text("Moved before the exam week")
    expect(page.locator(".panel.draft")).to_have_count(0)
    saved = page.locator(f"#cell-{to_day}-{to_period} .lecture[data-course='{course}']")
    expect(saved).to_have_count(1)
    expect(saved).not_to_have_class(re.compile("pinned"))


def test_a_long_run_can_be_cancelled(page: Page, site: str):
    page.goto(f"{site}/{APP}/")
    page.set_input_files("#id_file", str(default_data(page) / "comp07.ctt"))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r"/problems/\d+/$"))
    state["problem_url"] = page.url
    generate(page, time_limit=300)
    page.wait_for_url(re.compile(r"/runs/\d+/$"))
    expect(page.locator("[data-field=status]")).to_have_text("running", timeout=30_000)
    best = page.locator("[data-field=best_cost]")
    expect(best).to_have_text(re.compile(r"^\d+$"), timeout=90_000)
    time.sleep(3)  # a few more points on the chart
    assert page.locator("[data-chart-line]").get_attribute("points")
    shot(page, "progress")
    check_accessibility(page, "generation progress (running)")
    started = time.monotonic()
    page.get_by_role("button", name="Cancel the run").click()
    expect(page.locator("[data-field=status]")).to_have_text("cancelled", timeout=30_000)
    assert time.monotonic() - started < 30
    expect(page.get_by_role("button", name="Cancel the run")).to_be_hidden()
    # The best timetable found before the cancel is kept: a big grid, checked too.
    page.get_by_role("link", name="Open the timetable").click()
    page.wait_for_url(re.compile(r"/revisions/\d+/"))
    assert page.locator(".lecture").count() > 0
    check_accessibility(page, "comp07 grid")


@pytest.fixture(scope="module", autouse=True)
def _remember_project(default_project: Path) -> None:
    state["project"] = str(default_project)


def test_the_accessibility_check_fails_on_violations(browser: Browser):
    page = browser.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<input type="text" name="unlabelled"><p style="color:#aaa">faint text</p>'
        "</main></body></html>"
    )
    with pytest.raises(AssertionError) as failure:
        check_accessibility(page, "a page with known faults")
    assert "label" in str(failure.value) and "color-contrast" in str(failure.value)
    page.close()


def test_a_term_is_entered_in_the_pages(page: Page, site: str):
    page.goto(f"{site}/{APP}/")
    page.fill("#id_term-name", "Spring term")
    page.fill("#id_term-days", "5")
    page.fill("#id_term-periods_per_day", "4")
    page.get_by_role("button", name="Create the term").click()
    page.wait_for_url(re.compile(r"/problems/\d+/$"))
    expect(page.locator("h1")).to_have_text("Spring term")
    page.locator("summary", has_text="Add a course").click()
    page.fill("#id_course-code", "Intro to Physics")
    page.fill("#id_course-teacher", "Prof. Li")
    page.fill("#id_course-lectures", "0")  # refused, said next to the field
    page.fill("#id_course-students", "40")
    page.get_by_role("button", name="Add the course").click()
    expect(page.locator("#id_course-lectures_error")).to_be_visible()
    page.fill("#id_course-lectures", "3")
    page.get_by_role("button", name="Add the course").click()
    expect(page.locator(".messages")).to_contain_text("Added course Intro to Physics")
    page.locator("summary", has_text="Add a room").click()
    page.fill("#id_room-code", "Room 2.14")
    page.fill("#id_room-capacity", "60")
    page.keyboard.press("Enter")  # the keyboard way submits too
    expect(page.locator(".messages")).to_contain_text("Added room Room 2.14")
    expect(page.get_by_role("row", name=re.compile("Intro to Physics"))).to_be_visible()
    page.locator("summary", has_text="Add a curriculum").click()
    page.fill("#id_curriculum-code", "Year 1")
    page.get_by_role("checkbox", name="Intro to Physics").check()
    page.get_by_role("button", name="Add the curriculum").click()
    expect(page.locator(".messages")).to_contain_text("Added curriculum Year 1")
    shot(page, "term-entered")
    check_accessibility(page, "a term entered in the pages")

    page.get_by_role("link", name="Intro to Physics").click()
    expect(page.locator("h1")).to_have_text("Intro to Physics")
    page.get_by_role("checkbox", name="Mon 08:00").check()  # periods by clock time
    page.get_by_role("checkbox", name="Room 2.14").check()
    check_accessibility(page, "a course's page")
    page.get_by_role("button", name="Save the course").click()
    expect(page.locator(".messages")).to_contain_text("Saved course Intro to Physics")
    unavailable = page.locator("section[aria-labelledby=courses-title] tbody td.num").last
    expect(unavailable).to_have_text("1")  # the course's unavailable periods
    page.get_by_role("button", name="Remove course Intro to Physics").click()
    expect(page.locator(".messages")).to_contain_text("Removed course Intro to Physics")
    expect(page.get_by_text("No courses yet.")).to_be_visible()


def test_staff_use_the_admin_and_everyone_the_api_docs_under_the_policy(
    browser: Browser, site: str
):
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    watch_policy(page, state.setdefault("csp_violations", []))  # type: ignore[arg-type]
    page.goto(f"{site}/admin/")
    page.fill("#id_username", STAFF[0])
    page.fill("#id_password", STAFF[1])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Users").first.click()
    page.wait_for_url(re.compile(r"/admin/auth/user/$"))
    expect(page.locator("#result_list")).to_contain_text(READER[0])
    page.get_by_role("link", name=READER[0], exact=True).click()
    expect(page.locator("#id_username")).to_have_value(READER[0])
    # The admin's own scripts ran: the group chooser is the two-box widget they build.
    expect(page.locator("#id_groups_from")).to_be_visible()
    shot(page, "admin-user")

    page.goto(f"{site}/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()  # the schema rendered
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    shot(page, "api-docs")
    page.context.close()


def test_the_policy_check_sees_a_blocked_inline_script(browser: Browser, site: str):
    page = browser.new_page()
    violations: list[str] = []
    watch_policy(page, violations)
    page.goto(f"{site}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.head.appendChild(s); }"
    )
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.ran") is None  # blocked by the policy
    assert any("script-src" in v for v in violations), violations
    page.context.close()


def test_no_page_broke_the_content_security_policy():
    """Every page the tests above opened (UI, admin, API docs): served with the policy, and no
    violation reported."""
    assert "csp_violations" in state, "no page was watched"
    assert state["csp_violations"] == []


def test_lean_bake_has_no_scheduler_pages(lean_project: Path):
    app = lean_project / "notes"
    assert not (lean_project / APP).exists()
    assert not (app / "web").exists()
    assert not (app / "templates" / "notes" / "scheduling").exists()
    assert "note_list_page" in (app / "urls.py").read_text()
    assert "in the browser: a tour" not in (lean_project / "README.md").read_text()
    scripts = [p for p in lean_project.rglob("*.js") if ".venv" not in p.parts]
    assert not scripts, f"the lean bake has no page that loads a script: {scripts}"
