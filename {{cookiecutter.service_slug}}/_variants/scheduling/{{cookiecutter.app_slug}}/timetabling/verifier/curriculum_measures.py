"""Measures over each curriculum's lectures: isolated lectures, windows, daily load and travel.

Each returns the violations of one term with weighted costs; a component's value is their sum.
"""

from __future__ import annotations

from ..formulations import Term
from .results import Violation, violation
from .timetable import Timetable


def isolated_lectures(tt: Timetable, term: Term) -> list[Violation]:
    """A curriculum's lectures with no lecture of it in the period before or after that day."""
    ix = tt.ix
    last = ix.ppd - 1
    out = []
    for qi, table, slot in tt.curriculum_slots():
        period = slot % ix.ppd
        if (period > 0 and slot - 1 in table) or (period < last and slot + 1 in table):
            continue
        here = sorted(table[slot])
        courses = tuple(ix.courses[ci].id for ci, _ in here)
        message = (
            f"Curriculum {ix.curriculum_ids[qi]} has an isolated lecture "
            f"({', '.join(courses)}) on {ix.when(slot)}"
        )
        out.append(
            violation(
                term,
                len(here) * term.weight,
                message,
                courses=courses,
                rooms=tuple(dict.fromkeys(ix.rooms[ri].id for _, ri in here)),
                curricula=(ix.curriculum_ids[qi],),
                **ix.at(slot),
            )
        )
    return out


def windows(tt: Timetable, term: Term) -> list[Violation]:
    """Empty periods between a curriculum's first and last lecture of a day."""
    ix = tt.ix
    out = []
    for qi, day, periods in tt.curriculum_days():
        gaps = max(periods) - min(periods) + 1 - len(periods)
        if gaps:
            label = "empty period" if gaps == 1 else "empty periods"
            message = (
                f"Curriculum {ix.curriculum_ids[qi]} has {gaps} {label} between "
                f"lectures on {ix.day_name(day)}"
            )
            out.append(_on_day(tt, term, gaps * term.weight, message, qi, day))
    return out


def student_load(tt: Timetable, term: Term) -> list[Violation]:
    """Days on which a curriculum has fewer lectures than the minimum, or more than the
    maximum (a maximum of 0, as `.ctt` problems carry, means none)."""
    ix = tt.ix
    out = []
    for qi, day, periods in tt.curriculum_days():
        count = sum(len(here) for here in periods.values())
        if count < ix.min_daily:
            excess, bound = ix.min_daily - count, f"fewer than the minimum of {ix.min_daily}"
        elif ix.max_daily and count > ix.max_daily:
            excess, bound = count - ix.max_daily, f"more than the maximum of {ix.max_daily}"
        else:
            continue
        label = "lecture" if count == 1 else "lectures"
        message = (
            f"Curriculum {ix.curriculum_ids[qi]} has {count} {label} on {ix.day_name(day)}, {bound}"
        )
        out.append(_on_day(tt, term, excess * term.weight, message, qi, day))
    return out


def _on_day(tt: Timetable, term: Term, cost: int, message: str, qi: int, day: int) -> Violation:
    return violation(term, cost, message, curricula=(tt.ix.curriculum_ids[qi],), day=day)


def travel_distance(tt: Timetable, term: Term) -> list[Violation]:
    """A curriculum's lectures in consecutive periods of a day, in rooms of different sites."""
    ix = tt.ix
    last = ix.ppd - 1
    out = []
    for qi, table, slot in tt.curriculum_slots():
        if slot % ix.ppd == last or slot + 1 not in table:
            continue
        for ca, ra in sorted(table[slot]):
            for cb, rb in sorted(table[slot + 1]):
                room_a, room_b = ix.rooms[ra], ix.rooms[rb]
                if room_a.site == room_b.site:
                    continue
                message = (
                    f"Curriculum {ix.curriculum_ids[qi]} moves from {room_a.id} "
                    f"(site {room_a.site}, {ix.courses[ca].id}) on {ix.when(slot)} to "
                    f"{room_b.id} (site {room_b.site}, {ix.courses[cb].id}) in the next period"
                )
                out.append(
                    violation(
                        term,
                        term.weight,
                        message,
                        courses=(ix.courses[ca].id, ix.courses[cb].id),
                        rooms=(room_a.id, room_b.id),
                        curricula=(ix.curriculum_ids[qi],),
                        **ix.at(slot),
                    )
                )
    return out
