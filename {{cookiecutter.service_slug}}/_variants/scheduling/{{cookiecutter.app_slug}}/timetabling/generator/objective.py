"""The cost the generator minimises, computed directly on a `State` (for comparisons and checks;
the verifier stays the oracle of every reported figure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .indexed_problem import IndexedProblem, State

# (course, flat period, room) of every lecture of the base timetable, in minimal-change mode.
BaseLectures = frozenset[tuple[int, int, int]]


@dataclass
class Evaluation:
    cost: int
    capacity: int
    min_days: int
    isolated: int
    stability: int
    moved: int
    hard: int
    windows: int = 0
    load: int = 0
    double: int = 0
    travel: int = 0

    def objective(self, min_change_weight: int) -> int:
        return self.cost + min_change_weight * self.moved


def evaluate(comp: IndexedProblem, state: State, base: BaseLectures = frozenset()) -> Evaluation:
    """Cost of `state` on the modelled terms, plus hard violations (for internal checks)."""
    cap, days, stab, hard = _course_terms(comp, state)
    hard += _conflicts(comp, state)
    iso = _isolated(comp, state) if comp.w_iso else 0
    win, load, travel = _curriculum_days(comp, state) if comp.day_terms else (0, 0, 0)
    double = _double_lectures(comp, state) if comp.w_dbl else 0
    moved = 0
    if base:
        current = {(c, t, r) for c, lecs in enumerate(state) for t, r in lecs}
        moved = sum(1 for b in base if b not in current)
    cost = cap + days + iso + stab + win + load + double + travel
    return Evaluation(cost, cap, days, iso, stab, moved, hard, win, load, double, travel)


def windows_and_load(comp: IndexedProblem, counts: Sequence[int]) -> tuple[int, int]:
    """A curriculum's empty periods between its first and last lecture of a day, and how far
    its lectures that day fall outside the daily minimum and maximum (unweighted; a day with no
    lecture counts neither)."""
    used = [p for p, n in enumerate(counts) if n]
    if not used:
        return 0, 0
    total = sum(counts)
    if total < comp.min_daily:
        outside = comp.min_daily - total
    elif comp.max_daily and total > comp.max_daily:
        outside = total - comp.max_daily
    else:
        outside = 0
    return used[-1] - used[0] + 1 - len(used), outside


def unpaired_lectures(comp: IndexedProblem, rooms_at: Mapping[int, int]) -> int:
    """Lectures of a double-lecture course (flat period -> room) on a day with two or more of
    them that sit next to none of them in the same room (unweighted)."""
    per_day: dict[int, int] = {}
    for t in rooms_at:
        per_day[t // comp.P] = per_day.get(t // comp.P, 0) + 1
    unpaired = 0
    for t, r in rooms_at.items():
        p = t % comp.P
        if per_day[t // comp.P] < 2:
            continue
        if not (
            (p > 0 and rooms_at.get(t - 1) == r) or (p < comp.P - 1 and rooms_at.get(t + 1) == r)
        ):
            unpaired += 1
    return unpaired


def site_changes(counts: Sequence[Sequence[int]], t: int) -> int:
    """Pairs of a curriculum's lectures in periods t and t + 1 at different sites, from its
    lectures per (period, site)."""
    here, after = counts[t], counts[t + 1]
    return sum(here) * sum(after) - sum(a * b for a, b in zip(here, after, strict=True))


def _curriculum_days(comp: IndexedProblem, state: State) -> tuple[int, int, int]:
    """Windows, student load and travel distance of every curriculum, weighted."""
    P = comp.P
    win = load = travel = 0
    for members in comp.curricula:
        at_site = [[0] * comp.S for _ in range(comp.T)]
        for c in members:
            for t, r in state[c]:
                at_site[t][comp.site[r]] += 1
        counts = [sum(sites) for sites in at_site]
        for d in range(comp.D):
            w, out = windows_and_load(comp, counts[d * P : (d + 1) * P])
            win += w
            load += out
            travel += sum(site_changes(at_site, t) for t in range(d * P, (d + 1) * P - 1))
    return comp.w_win * win, comp.w_load * load, comp.w_trav * travel


def _double_lectures(comp: IndexedProblem, state: State) -> int:
    return comp.w_dbl * sum(
        unpaired_lectures(comp, dict(lecs)) for c, lecs in enumerate(state) if comp.double[c]
    )


def _course_terms(comp: IndexedProblem, state: State) -> tuple[int, int, int, int]:
    """Capacity, minimum working days and stability costs, and the hard violations that one
    course's lectures (or two in one room) show: counts, repeats, availability, rooms."""
    cap = days = stab = hard = 0
    occ_room: dict[tuple[int, int], int] = {}
    for c, lecs in enumerate(state):
        hard += abs(len(lecs) - comp.lectures[c])
        ts = set()
        rooms = set()
        for t, r in lecs:
            if t in ts:
                hard += 1
            ts.add(t)
            rooms.add(r)
            cap += comp.room_cost[c][r]
            if t in comp.unavailable[c]:
                hard += 1
            if comp.suit_hard and r in comp.unsuitable[c]:
                hard += 1
            k = occ_room.get((t, r), 0)
            hard += k
            occ_room[(t, r)] = k + 1
        nd = len({t // comp.P for t in ts})
        days += comp.w_days * max(0, comp.min_days[c] - nd)
        if rooms:
            stab += comp.w_stab * (len(rooms) - 1)
    return cap, days, stab, hard


def _conflicts(comp: IndexedProblem, state: State) -> int:
    """Pairs of lectures sharing a curriculum or a teacher in the same period."""
    hard = 0
    for c, lecs in enumerate(state):
        for t, _ in lecs:
            for c2 in comp.neighbours[c]:
                if c2 > c and any(t2 == t for t2, _ in state[c2]):
                    hard += 1
    return hard


def _isolated(comp: IndexedProblem, state: State) -> int:
    iso = 0
    P = comp.P
    for members in comp.curricula:
        occ: dict[int, int] = {}
        for c in members:
            for t, _ in state[c]:
                occ[t] = occ.get(t, 0) + 1
        for t, n in occ.items():
            p = t % P
            left = p > 0 and (t - 1) in occ
            right = p < P - 1 and (t + 1) in occ
            if not left and not right:
                iso += comp.w_iso * n
    return iso
