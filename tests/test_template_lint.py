"""The template's own Python (hooks, tests, scripts) is held to the same ruff rules as bakes."""

import subprocess
import sys

from .bakery import TEMPLATE

PATHS = ["hooks", "tests", "scripts"]


def test_template_python_is_ruff_clean():
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args, *PATHS],
            cwd=TEMPLATE,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_template_pipeline_is_valid_and_consistent():
    import yaml

    from . import artifact_checks as checks

    path = TEMPLATE / ".circleci" / "config.yml"
    result = checks.check_jsonschema_circleci(path)
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert checks.circleci_cross_reference_errors(config) == []
    # It runs what CI runs here: the same entry point.
    commands = [
        step["run"]["command"]
        for job in config["jobs"].values()
        for step in job["steps"]
        if isinstance(step, dict) and "run" in step
    ]
    assert "bash .ci/run" in commands
