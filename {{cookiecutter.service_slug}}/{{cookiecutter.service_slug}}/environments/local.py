"""Local development: works with nothing set (SQLite, tasks run eagerly, no Redis)."""

from pathlib import Path

import environ

# Read the git-ignored .env written when the project was generated (real variables win).
environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)

from ..settings import *  # noqa: E402, F403
from ..settings import env  # noqa: E402

DEBUG = env.bool("DJANGO_DEBUG", default=True)
