"""Keep the chosen application tree, drop stray caches, write a git-ignored .env with a secret.

Only moves, deletes and writes files inside the generated project: no network, no installs, and
safe to run again (cruft update re-runs it).
"""

import json
import os
import secrets
import shutil
import sys
from pathlib import Path

CONTEXT = json.loads(r"""{{ cookiecutter | tojson }}""")
# Each answer to `scheduling_domain` names a tree under _variants/ that mirrors the project root:
# its application package, docs, scripts, application lock and import contracts.
VARIANTS = {
    "yes": "scheduling",
    "no": "lean",
}
VARIANTS_DIR = Path("_variants")


def keep_variant(name: str) -> None:
    """Move the chosen tree's files into the project, then delete every variant tree."""
    if not VARIANTS_DIR.is_dir():  # a re-run: the variant is in place already
        return
    chosen = VARIANTS_DIR / name
    for source in sorted(path for path in chosen.rglob("*") if path.is_file()):
        target = source.relative_to(chosen)
        if target.exists():  # a file has one home: the base tree or a variant, never both
            sys.exit(f"ERROR: {target} is in the base tree and in the {name} variant.")
        target.parent.mkdir(parents=True, exist_ok=True)
        source.rename(target)
    shutil.rmtree(VARIANTS_DIR)


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
    keep_variant(VARIANTS[CONTEXT["scheduling_domain"]])
    remove_interpreter_caches()
    write_env_file()
