"""Render the Scheduler Service with the default answers and serve it on 127.0.0.1.

Zero external services: SQLite, and a Celery worker and beat on the folder broker beside the web
server (`manage.py run_all`, what the render's `make run` starts). Re-running renders afresh into
build/demo.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bakery import bake, project_python  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "demo")
    args = parser.parse_args()

    shutil.rmtree(args.output, ignore_errors=True)
    project = bake(args.output)
    python = project_python(project)
    services = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in services}
    env["DJANGO_SETTINGS_MODULE"] = f"{project.name}.environments.local"
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=project, env=env, check=True
    )
    url = f"http://127.0.0.1:{args.port}/"
    print(
        f"\nScheduler Service rendered in {project}\nServing at {url}  (Ctrl-C to stop)\n",
        flush=True,
    )
    os.chdir(project)
    os.execve(
        python, [str(python), "manage.py", "run_all", "--noreload", f"127.0.0.1:{args.port}"], env
    )


if __name__ == "__main__":
    main()
