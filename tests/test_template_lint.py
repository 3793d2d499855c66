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
