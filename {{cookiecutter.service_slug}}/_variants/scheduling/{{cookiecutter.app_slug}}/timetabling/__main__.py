"""``python -m <app>.timetabling``: see tools/cli.py."""

import sys

from .tools.cli import main

sys.exit(main())
