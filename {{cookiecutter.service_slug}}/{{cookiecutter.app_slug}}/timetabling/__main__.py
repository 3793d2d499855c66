"""``python -m <app>.timetabling``: see cli.py."""

import sys

from .cli import main

sys.exit(main())
