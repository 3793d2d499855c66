"""Quick checks on rendering: answers, hooks, leftovers, determinism and lint of every bake."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

from .bakery import bake

JINJA_LEFTOVER = re.compile(r"\{\{\s*cookiecutter\.|\{%-?\s*(if|for|set|endif|endfor|raw|endraw)\b")
JINJA_RAW = re.compile(r"\{%-?\s*(raw|endraw)\b")
TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".txt",
    ".toml",
    ".yml",
    ".yaml",
    ".html",
    ".css",
    ".js",
    ".sh",
    ".cfg",
    ".ini",
    ".json",
    ".example",
    ".in",
    "",
}

# Each answer varied alone, with what must then be true of the result.
VARIATIONS = {
    "service_name": {"service_name": "Room Booking"},
    "service_slug": {"service_slug": "timetable_api"},
    "app_slug": {"app_slug": "planner"},
    "description": {"description": "Books rooms for departmental meetings."},
    "author": {"author_name": "Grace Hopper", "author_email": "grace@example.org"},
    "python_311": {"python_version": "3.11"},
    "python_313": {"python_version": "3.13"},
    "lean": {"scheduling_domain": "no"},
}


def text_files(project: Path) -> list[Path]:
    skip = {".git", ".ruff_cache", "__pycache__", ".pytest_cache"}  # tools' own binary caches
    return [
        p
        for p in project.rglob("*")
        if p.is_file() and p.suffix in TEXT_SUFFIXES and not skip.intersection(p.parts)
    ]


def assert_fully_rendered(project: Path) -> None:
    leftovers = []
    for path in text_files(project):
        text = path.read_text(encoding="utf-8")
        # Django templates legitimately use {% if %}, not {% raw %}; "{{ cookiecutter." is a
        # leftover anywhere.
        jinja_tag = (
            JINJA_RAW.search(text) if path.suffix == ".html" else JINJA_LEFTOVER.search(text)
        )
        if ("cookiecutter." in text and "{{" in text) or jinja_tag:
            leftovers.append(str(path))
    assert not leftovers, f"unrendered Jinja in {leftovers}"


def ruff(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "."], cwd=project, capture_output=True, text=True
    )


def assert_lint_clean(project: Path) -> None:
    check = ruff(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = ruff(project, "format", "--check")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_default_bake_is_the_scheduler_service(default_project: Path):
    assert default_project.name == "scheduler_service"
    for relative in [
        "manage.py",
        "static/css/site.css",
        "README.md",
        "pyproject.toml",
        "Makefile",
        "requirements/base.txt",
        "requirements/test.txt",
        ".env.example",
        ".gitignore",
        "scheduler_service/settings.py",
        "scheduler_service/urls.py",
        "scheduler_service/celery.py",
        "scheduler_service/wsgi.py",
        "scheduler_service/asgi.py",
        *(f"scheduler_service/environments/{e}.py" for e in ("local", "test", "ci", "production")),
        "core/health.py",
        "scheduler/apps.py",
        "scheduler/urls.py",
        "scheduler/timetabling/model.py",
    ]:
        assert (default_project / relative).is_file(), relative
    locked = (default_project / "requirements/app.txt").read_text()
    assert "ortools==" in locked and "numba==" in locked
    assert 'name = "Scheduler Service"' in (default_project / "pyproject.toml").read_text()


def test_default_bake_is_fully_rendered_and_lint_clean(default_project: Path):
    assert_fully_rendered(default_project)
    assert_lint_clean(default_project)


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_each_answer_renders_a_clean_project(variation: str, tmp_path: Path):
    answers = VARIATIONS[variation]
    project = bake(tmp_path, **answers)
    assert_fully_rendered(project)
    assert_lint_clean(project)
    slug = answers.get("service_slug", "room_booking" if "service_name" in answers else None)
    if slug:
        assert project.name == slug
        assert (project / slug / "settings.py").is_file()
    if "app_slug" in answers:
        assert (project / "planner" / "apps.py").is_file()
        assert '"planner"' in (project / "scheduler_service/settings.py").read_text()
        assert not (project / "scheduler").exists()
    if "description" in answers:
        assert answers["description"] in (project / "pyproject.toml").read_text()
    if "author_email" in answers:
        assert "grace@example.org" in (project / "pyproject.toml").read_text()
        assert "Grace Hopper" in (project / "LICENSE").read_text()
    if "python_version" in answers:
        assert (project / ".python-version").read_text().strip() == answers["python_version"]
    if answers.get("scheduling_domain") == "no":
        assert project.name == "alf_service"
        assert "class Note(" in (project / "notes/models.py").read_text()
        assert_is_lean(project)


def assert_is_lean(project: Path) -> None:
    """Nothing of the scheduling variant: no package, no words, no locks, no empty folders."""
    assert not list(project.rglob("scheduler")), "no package or folder named scheduler"
    assert not list(project.rglob("timetabling"))
    for name in ("base.txt", "app.txt", "test.txt"):
        locked = (project / "requirements" / name).read_text()
        assert "ortools" not in locked and "numba" not in locked, name
    # "scheduler" may only mean Celery beat's scheduler.
    words = re.compile(r"timetabl|ortools|numba|GenerationRun|lecture|Scheduler Service|SCHEDULING")
    leaks = [
        f"{path.relative_to(project)}: {match.group()}"
        for path in text_files(project)
        for match in [words.search(path.read_text(encoding="utf-8"))]
        if match
    ]
    assert not leaks, f"scheduling text in the lean variant: {leaks}"
    assert not [p for p in project.rglob("*") if p.is_dir() and not any(p.iterdir())]


def test_licence_year_comes_from_the_render_date(default_project: Path):
    from datetime import UTC, datetime

    assert f"Copyright (c) {datetime.now(UTC).year}" in (default_project / "LICENSE").read_text()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"service_slug": "scheduler-service"}, "service_slug 'scheduler-service' is not a valid"),
        ({"service_slug": "1service"}, "is not a valid Python package name"),
        ({"app_slug": "class"}, "app_slug 'class' is not a valid Python package name"),
        ({"app_slug": "json"}, "app_slug 'json' would shadow the 'json' module"),
        ({"service_slug": "celery"}, "would shadow the 'celery' module"),
        ({"app_slug": "django"}, "would shadow the 'django' module"),
        ({"app_slug": "scripts"}, "would shadow the 'scripts' module"),
        ({"app_slug": "scheduler_service"}, "app_slug must differ from service_slug"),
        ({"author_email": "not-an-email"}, "is not an email address"),
        ({"service_name": 'Say "hi"'}, "service_name may not contain double quotes"),
    ],
)
def test_bad_answers_fail_with_one_clear_line(answers: dict, message: str, tmp_path: Path):
    args = [f"{k}={v}" for k, v in answers.items()]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            str(tmp_path),
            str(Path(__file__).resolve().parent.parent),
            *args,
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ")]
    assert errors[0].startswith("ERROR: ") and message in errors[0], result.stderr
    assert not any(tmp_path.iterdir()), "a rejected answer must leave nothing behind"


def test_same_answers_render_identical_files(tmp_path: Path):
    first = bake(tmp_path / "a")
    second = bake(tmp_path / "b")
    files_a = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    files_b = {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()}
    assert files_a.keys() == files_b.keys()
    different = {str(p) for p in files_a if files_a[p] != files_b[p]}
    assert different == {".env"}, "only the git-ignored secret may differ between renders"


def test_env_file_has_a_fresh_secret_and_is_ignored(default_project: Path):
    env = (default_project / ".env").read_text()
    secret = re.search(r"^DJANGO_SECRET_KEY=(\S+)$", env, re.M)
    assert secret and len(secret.group(1)) >= 50 and secret.group(1) != "change-me"
    assert ".env" in (default_project / ".gitignore").read_text().splitlines()


def test_post_hook_is_safe_to_run_again(tmp_path: Path):
    """cruft update re-runs hooks: a second run keeps the secret and changes nothing else,
    including caches in the project's virtualenvs and hidden folders."""
    project = bake(tmp_path, scheduling_domain="no")
    for venv in (".venv", "venv"):  # the project's own environments keep their caches
        (project / venv).mkdir()
        (project / venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
        (project / venv / "lib" / "__pycache__").mkdir(parents=True)
        (project / venv / "lib" / "__pycache__" / "site.cpython-311.pyc").write_bytes(b"\0")
    tool_cache = project / ".cache" / "tool" / "__pycache__"  # hidden, and no virtualenv
    tool_cache.mkdir(parents=True)
    (tool_cache / "plugin.cpython-311.pyc").write_bytes(b"\0")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    hook = Path(__file__).resolve().parent.parent / "hooks" / "post_gen_project.py"
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config
    from cookiecutter.utils import work_in
    from jinja2 import Environment

    context = generate_context(
        context_file=str(hook.parent.parent / "cookiecutter.json"),
        extra_context={"scheduling_domain": "no"},
    )
    answers = prompt_for_config(context, no_input=True)  # the answers as cookiecutter resolves them
    script = Environment().from_string(hook.read_text()).render(cookiecutter=answers)
    with work_in(project):
        subprocess.run([sys.executable, "-c", script], check=True)
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert before == after


def test_caches_in_the_template_tree_stay_out_of_renders(tmp_path: Path):
    """Running the core in place leaves bytecode and Numba kernels beside the template source."""
    template = tmp_path / "template"
    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "hooks", template / "hooks")
    shutil.copy(root / "cookiecutter.json", template)
    source = "{{cookiecutter.service_slug}}"
    shutil.copytree(root / source, template / source, ignore=shutil.ignore_patterns("__pycache__"))
    app = template / source / "_variants" / "scheduling" / "{{cookiecutter.app_slug}}"
    stray = {
        app / "__pycache__" / "apps.cpython-311.pyc": b"\xa7\r\r\n\0{{ x }}",
        app
        / "timetabling"
        / "generator"
        / "__pycache__"
        / "annealing_kernel._kernel-1.py311.nbi": b"\x80{%",
    }
    for path, content in stray.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
    project = Path(cookiecutter(str(template), no_input=True, output_dir=str(tmp_path / "out")))
    assert (project / "scheduler" / "timetabling" / "generator" / "annealing_kernel.py").is_file()
    assert not list(project.rglob("__pycache__"))
