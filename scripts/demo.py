"""Render the Scheduler Service (or, with --answer, another variant), make its demo account and
sample data (`manage.py demo`: printed), and serve it on 127.0.0.1.

Zero external services: SQLite, and a Celery worker and beat on the folder broker beside the web
server (`manage.py run_all`, what the render's `make run` starts). Re-running renders afresh into
build/demo.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bakery import bake, installed_python  # noqa: E402


def answer(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "demo")
    parser.add_argument(
        "--answer", type=answer, action="append", default=[],
        help="a cookiecutter answer, e.g. scheduling_domain=no (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()

    shutil.rmtree(args.output, ignore_errors=True)
    project = bake(args.output, **dict(args.answer))
    python = installed_python(project)  # the kernel compiled once, as `make install` does
    services = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in services}
    env["DJANGO_SETTINGS_MODULE"] = f"{project.name}.environments.local"
    url = f"http://127.0.0.1:{args.port}"
    for command in (["migrate", "--noinput", "-v", "0"], ["demo", "--url", url]):
        done = subprocess.run([python, "manage.py", *command], cwd=project, env=env)
        if done.returncode:
            sys.exit(f"manage.py {command[0]} failed (exit {done.returncode}); see above.")
    name = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["service"]["name"]
    print(f"\n{name} rendered in {project}\nServing at {url}/  (Ctrl-C to stop)\n", flush=True)
    os.chdir(project)
    os.execve(
        python, [str(python), "manage.py", "run_all", "--noreload", f"127.0.0.1:{args.port}"], env
    )


if __name__ == "__main__":
    main()
