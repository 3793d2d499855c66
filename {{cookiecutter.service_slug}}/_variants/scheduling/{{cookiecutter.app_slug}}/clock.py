"""The words people read for a timetable's days and periods: day names counted from 1 and the
clock times of periods, from the problem's `day_start` (08:00) and `period_minutes` (60).

Inside the service days and periods stay 0-based numbers (the ITC-2007 files, the API, the
solver); pages, hand-outs and CSV exports say Monday 08:00 to 09:00 instead. One `Clock` per
problem: `problem_clock(problem)`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any

from .timetabling import DAY_NAMES

MINUTES_A_DAY = 24 * 60
EN_DASH = "\N{EN DASH}"
# How the verifier names a slot in its sentences (timetabling.day_name): "Mon period 2",
# "day 8 period 0".
_SHORT_DAYS = "|".join(name[:3] for name in DAY_NAMES)
_VERIFIER_SLOT = re.compile(rf"\b({_SHORT_DAYS}|day (\d+)) period (\d+)\b")


@dataclass(frozen=True)
class Clock:
    days: int
    day_start: time = time(8, 0)  # when the first period of a day starts
    period_minutes: int = 60

    def day(self, day: int) -> str:
        """Monday..Sunday in a week of up to seven days, else "Day 1", "Day 2"..."""
        return DAY_NAMES[day] if self.days <= len(DAY_NAMES) else f"Day {day + 1}"

    def day_short(self, day: int) -> str:
        return DAY_NAMES[day][:3] if self.days <= len(DAY_NAMES) else f"Day {day + 1}"

    def start(self, period: int) -> str:
        """The clock time the period starts, HH:MM (a day's periods may run past midnight)."""
        return self._at(period * self.period_minutes)

    def end(self, period: int) -> str:
        return self._at((period + 1) * self.period_minutes)

    def period(self, period: int) -> str:
        """The period's clock times, 08:00 to 09:00 with an en dash between."""
        return f"{self.start(period)}{EN_DASH}{self.end(period)}"

    def when(self, day: int, period: int) -> str:
        """A lecture's slot in a sentence: Mon 08:00."""
        return f"{self.day_short(day)} {self.start(period)}"

    def relabel(self, text: str) -> str:
        """A verifier's sentence with its "Mon period 2" slots in clock time ("Mon 10:00")."""

        def slot(match: re.Match[str]) -> str:
            day = int(match[2]) if match[2] else DAY_NAMES.index(_full(match[1]))
            return self.when(day, int(match[3]))

        return _VERIFIER_SLOT.sub(slot, text)

    def _at(self, offset: int) -> str:
        minutes = (self.day_start.hour * 60 + self.day_start.minute + offset) % MINUTES_A_DAY
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _full(short: str) -> str:
    return next(name for name in DAY_NAMES if name.startswith(short))


def problem_clock(problem: Any) -> Clock:
    """The clock of a problem row (`days`, `day_start`, `period_minutes`)."""
    return Clock(
        days=problem.days,
        day_start=problem.day_start or time(8, 0),
        period_minutes=problem.period_minutes or 60,
    )
