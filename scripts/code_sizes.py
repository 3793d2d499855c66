"""Print the largest modules and functions of rendered projects (tests and migrations aside).

    .venv/bin/python scripts/code_sizes.py [PROJECT ...] [--top N]

Without a project it renders both variants into a temporary folder first. Exits 1 when a module
or function is above the house limits (tests/code_size.py).
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bakery import bake  # noqa: E402
from tests.code_size import over_the_limits, report  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="*", type=Path)
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        projects = args.projects or [
            bake(Path(scratch) / "default"),
            bake(Path(scratch) / "lean", scheduling_domain="no"),
        ]
        failed = False
        for project in projects:
            print(report(project, args.top))
            for problem in over_the_limits(project):
                print(f"  over the limit: {problem}")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
