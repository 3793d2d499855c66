"""The template's structure: one home per file, the variant switch in two places, Python that
stays Python, and the guard rails (import contracts) on a render of each variant."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .bakery import ARTIFACTS, TEMPLATE
from .code_size import over_the_limits, report

SERVICE_TREE = TEMPLATE / "{{cookiecutter.service_slug}}"
HOOK = TEMPLATE / "hooks" / "post_gen_project.py"
JINJA_EXPRESSION = re.compile(r"\{\{(.*?)\}\}")
JINJA_STATEMENT = re.compile(r"\{%")
# What a Python file may substitute: a slug, possibly reshaped for a class name.
SLUG = re.compile(r"^\s*cookiecutter\.(service_slug|app_slug)(\.[a-z_]+\([^)]*\))*\s*$")


def service_python_files() -> list[Path]:
    return sorted(
        path
        for path in SERVICE_TREE.rglob("*.py")
        if "fixtures" not in path.parts and "__pycache__" not in path.parts
    )


def hook_variants() -> dict[str, str]:
    """The hook's VARIANTS table (answer -> tree), read without rendering the hook."""
    tree = ast.parse(HOOK.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "VARIANTS":
            return ast.literal_eval(node.value)
    raise AssertionError("the hook has no VARIANTS table")


def test_python_files_substitute_slugs_only_and_stay_python():
    files = service_python_files()
    assert len(files) > 50
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(TEMPLATE)
        if JINJA_STATEMENT.search(text):
            problems.append(f"{where}: a Jinja statement ({{% if/for/include/... %}})")
        problems += [
            f"{where}: {{{{{expression}}}}} is not a slug"
            for expression in JINJA_EXPRESSION.findall(text)
            if not SLUG.match(expression)
        ]
        try:  # with each slug replaced by a name, the template's file is Python as it stands
            ast.parse(JINJA_EXPRESSION.sub("slug", text), filename=str(where))
        except SyntaxError as error:
            problems.append(f"{where}: not Python before rendering ({error.msg})")
    assert not problems, "\n".join(problems)


def test_the_variant_switch_lives_in_cookiecutter_json_and_the_hook_only():
    mentions = sorted(
        str(path.relative_to(TEMPLATE))
        for folder in (SERVICE_TREE, TEMPLATE / "hooks")
        for path in folder.rglob("*")
        if path.is_file()
        and "fixtures" not in path.parts
        and b"scheduling_domain" in path.read_bytes()
    )
    assert mentions == ["hooks/post_gen_project.py"]
    answers = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
    assert next(iter(answers)) == "scheduling_domain", "the variant is asked first"


def test_each_choice_keeps_one_whole_tree():
    answers = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
    variants = hook_variants()
    assert sorted(variants) == sorted(answers["scheduling_domain"])
    trees = {path.name for path in (SERVICE_TREE / "_variants").iterdir() if path.is_dir()}
    assert trees == set(variants.values())
    for tree in trees:  # each is a complete application with the files every render needs
        root = SERVICE_TREE / "_variants" / tree
        for relative in (
            "{{cookiecutter.app_slug}}/apps.py",
            "{{cookiecutter.app_slug}}/settings.py",
            "{{cookiecutter.app_slug}}/urls.py",
            "{{cookiecutter.app_slug}}/api_urls.py",
            "{{cookiecutter.app_slug}}/migrations/0001_initial.py",
            "requirements/app.in",
            "requirements/app.txt",
            "docs/application.md",
            ".importlinter",
        ):
            assert (root / relative).is_file(), f"{tree}: {relative}"


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [Path(sys.executable).parent / "lint-imports"],
        cwd=project,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("which", ["default_project", "lean_project"])
def test_import_contracts_pass_on_a_render_of_each_variant(
    which: str, request: pytest.FixtureRequest
):
    project = request.getfixturevalue(which)
    result = lint_imports(project)
    assert result.returncode == 0, result.stdout + result.stderr
    kept = re.search(r"Contracts: (\d+) kept, (\d+) broken", result.stdout)
    assert kept and int(kept.group(1)) >= 2 and kept.group(2) == "0", result.stdout


def test_a_broken_contract_fails_the_check(lean_project: Path, tmp_path: Path):
    import shutil

    project = tmp_path / lean_project.name
    shutil.copytree(lean_project, project)
    core_module = project / "core" / "selectors.py"
    core_module.write_text(
        core_module.read_text(encoding="utf-8") + "\nfrom notes import models  # noqa\n",
        encoding="utf-8",
    )
    result = lint_imports(project)
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout


@pytest.mark.parametrize("which", ["default_project", "lean_project"])
def test_every_static_file_is_used(which: str, request: pytest.FixtureRequest):
    project = request.getfixturevalue(which)
    pages = [path.read_text(encoding="utf-8") for path in project.rglob("*.html")]
    static = [path for path in project.rglob("*") if path.is_file() and "static" in path.parts]
    assert static
    unused = [
        str(path.relative_to(project))
        for path in static
        if not any(path.name in page for page in pages)
    ]
    assert not unused, f"static files no page loads: {unused}"


def test_renders_keep_the_size_limits(default_project: Path, lean_project: Path):
    """No module above 400 lines, no function above 60 (tests, migrations and the listed
    exceptions aside); each render's largest are printed and kept in artifacts/."""
    reports = [report(project) for project in (default_project, lean_project)]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "code-sizes.txt").write_text("\n".join(reports) + "\n", encoding="utf-8")
    print("\n".join(reports))
    problems = over_the_limits(default_project) + over_the_limits(lean_project)
    assert not problems, "\n".join(problems)


def test_the_size_check_finds_long_modules_and_functions(tmp_path: Path):
    package = tmp_path / "project" / "app"
    package.mkdir(parents=True)
    body = "".join(f"    x{i} = {i}\n" for i in range(60))
    (package / "long.py").write_text("def f():\n" + body + "\n" * 340, encoding="utf-8")
    (package / "tests").mkdir()
    (package / "tests" / "test_long.py").write_text("x = 1\n" * 500, encoding="utf-8")
    problems = over_the_limits(tmp_path / "project")
    assert problems == [
        "app/long.py: 401 lines (module limit 400)",
        "app.long.f: 61 lines (function limit 60)",
    ]
