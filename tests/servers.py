"""Start a generated project's server as a real process and wait until it answers."""

import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def wait_for_http(
    url: str, *, timeout: float = 60.0, process: subprocess.Popen | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:g}s")


@contextmanager
def running(args: list, *, cwd: Path, env: dict[str, str], url: str) -> Iterator[subprocess.Popen]:
    """Run `args` until the block ends; its output goes to cwd/server.log for post-mortems."""
    log = (cwd / "server.log").open("w")
    process = subprocess.Popen(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_http(url, process=process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
