"""Remove the files of switched-off parts and stray caches; write a git-ignored .env with a secret.

Only deletes and writes files inside the generated project: no network, no installs, and safe to
run again (cruft update re-runs it).
"""

import json
import os
import secrets
import shutil
from pathlib import Path

CONTEXT = json.loads(r"""{{ cookiecutter | tojson }}""")
APP = CONTEXT["app_slug"]
SCHEDULING = CONTEXT["scheduling_domain"] == "yes"

# Paths (relative to the project root) that belong to one variant only.
SCHEDULING_ONLY = [
    f"{APP}/timetabling",
    f"{APP}/tests/timetabling",
    f"{APP}/tests/scheduling",
    f"{APP}/templates/{APP}/scheduling",
    f"{APP}/management",
    f"{APP}/scheduling",
    "docs/scheduling.md",
    "docs/ui.md",
    "docs/img",
    "scripts/bench_api.py",
    "scripts/bench_grid.py",
]
LEAN_ONLY = [
    f"{APP}/tests/notes",
    f"{APP}/templates/{APP}/notes",
]


def remove(relative: str) -> None:
    path = Path(relative)
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def remove_interpreter_caches() -> None:
    """Drop __pycache__ folders copied from a template tree whose code was run in place.

    They hold bytecode and Numba's compiled kernels for the developer's machine, not source.
    Virtualenvs and hidden folders of an existing project (a re-run) are left alone.
    """
    for root, dirs, _ in os.walk("."):
        if "__pycache__" in dirs:
            shutil.rmtree(Path(root, "__pycache__"))
        dirs[:] = [
            d
            for d in dirs
            if d != "__pycache__"
            and not d.startswith(".")
            and not Path(root, d, "pyvenv.cfg").exists()
        ]


def write_env_file() -> None:
    env = Path(".env")
    if env.exists():  # keep the secret of an earlier run: sessions and signed data stay valid
        return
    example = Path(".env.example").read_text(encoding="utf-8")
    key = secrets.token_urlsafe(50)
    env.write_text(
        example.replace("DJANGO_SECRET_KEY=change-me", f"DJANGO_SECRET_KEY={key}"),
        encoding="utf-8",
    )


if __name__ == "__main__":
    for relative in LEAN_ONLY if SCHEDULING else SCHEDULING_ONLY:
        remove(relative)
    for folder in ("scripts", "docs"):  # left empty by the removals above
        if Path(folder).is_dir() and not any(Path(folder).iterdir()):
            Path(folder).rmdir()
    remove_interpreter_caches()
    write_env_file()
