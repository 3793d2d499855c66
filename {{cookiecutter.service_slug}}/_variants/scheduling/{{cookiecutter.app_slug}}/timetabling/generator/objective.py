"""The cost the generator minimises, computed directly on a `State` (for comparisons and checks;
the verifier stays the oracle of every reported figure)."""

from __future__ import annotations

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

    def objective(self, min_change_weight: int) -> int:
        return self.cost + min_change_weight * self.moved


def evaluate(comp: IndexedProblem, state: State, base: BaseLectures = frozenset()) -> Evaluation:
    """Cost of `state` on the modelled terms, plus hard violations (for internal checks)."""
    cap, days, stab, hard = _course_terms(comp, state)
    hard += _conflicts(comp, state)
    iso = _isolated(comp, state) if comp.w_iso else 0
    moved = 0
    if base:
        current = {(c, t, r) for c, lecs in enumerate(state) for t, r in lecs}
        moved = sum(1 for b in base if b not in current)
    return Evaluation(cap + days + iso + stab, cap, days, iso, stab, moved, hard)


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
