"""The README's first command renders the Scheduler Service and serves the counter page."""

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .bakery import TEMPLATE, free_port
from .servers import wait_for_http

pytestmark = pytest.mark.slow


def test_make_demo_serves_the_counter_page(tmp_path: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    # The same script `make demo` runs, with this interpreter (the Makefile's .venv).
    process = subprocess.Popen(
        [sys.executable, "scripts/demo.py", "--port", str(port), "--output", str(tmp_path)],
        cwd=TEMPLATE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=300, process=process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            html = response.read().decode()
        assert re.search(r'id="counter" data-count="1"', html), html[:500]
        assert (tmp_path / "scheduler_service" / "db.sqlite3").exists()  # SQLite, no server
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"Serving at http://127.0.0.1:{port}/" in output
