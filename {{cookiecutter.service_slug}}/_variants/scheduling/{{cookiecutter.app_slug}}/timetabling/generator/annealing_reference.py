"""Simulated annealing in Python: the readable reference of the compiled kernel, its tests'
oracle, and the search while the kernel compiles.

Works on a feasible `State` and keeps it feasible: a lecture moves to a free (period, room)
or swaps with the lecture there, only when neither course then clashes (curriculum, teacher,
unavailability, same course twice in a period, unsuitable room under UD4). The change in cost
is computed locally (the two courses' working days, rooms and double lectures, the
isolated-lecture counts of their curricula in the periods next to the old and new positions,
their curricula's windows, student load and travel on the days the move touches, capacities,
and the moved lectures of minimal-change mode), which makes a move cost microseconds instead of
a CP-SAT call. Pinned lectures never move; period-only pins change room only.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable

from .indexed_problem import IndexedProblem, State
from .objective import site_changes, unpaired_lectures, windows_and_load


class Annealer:
    def __init__(
        self,
        comp: IndexedProblem,
        state: State,
        *,
        pin_full: set[tuple[int, int]] | dict[tuple[int, int], int],
        pin_period: set[tuple[int, int]],
        base: frozenset[tuple[int, int, int]],
        W: int,
        rng: random.Random,
    ) -> None:
        self.comp = comp
        self.rng = rng
        self.base = base
        self.W = W
        T, R, D, P = comp.T, comp.R, comp.D, comp.P
        self.T, self.R, self.D, self.P = T, R, D, P
        self.lc: list[int] = []
        self.lt: list[int] = []
        self.lr: list[int] = []
        self.mobility: list[int] = []  # 0 fixed, 1 room only, 2 free
        self.occ = [-1] * (T * R)
        self.cat = [0] * (comp.C * T)
        nq = len(comp.curricula)
        self.qcnt = [0] * (nq * T)
        teachers = sorted(comp.teacher_groups)
        tidx = {t: i for i, t in enumerate(teachers)}
        self.teacher_of = [tidx[comp.teacher[c]] for c in range(comp.C)]
        self.tcnt = [0] * (len(teachers) * T)
        self.cday = [0] * (comp.C * D)
        self.nday = [0] * comp.C
        self.croom = [0] * (comp.C * R)
        self.nroom = [0] * comp.C
        self.cpr = [-1] * (comp.C * T)  # room of the course's lecture in a period, -1: none
        self.S = comp.S if comp.w_trav else 0  # lectures per (curriculum, period, site)
        self.qsite = [0] * (nq * T * self.S)
        self.unavail = [[t in comp.unavailable[c] for t in range(T)] for c in range(comp.C)]
        self.roomok = [[r in comp.room_allowed[c] for r in range(R)] for c in range(comp.C)]
        for c, lecs in enumerate(state):
            for t, r in lecs:
                lid = len(self.lc)
                self.lc.append(c)
                self.lt.append(t)
                self.lr.append(r)
                if (c, t) in pin_full:
                    self.mobility.append(0)
                elif (c, t) in pin_period:
                    self.mobility.append(1)
                else:
                    self.mobility.append(2)
                self._place(lid, t, r)
        self.movable = [i for i, m in enumerate(self.mobility) if m]
        self.cost = self._total()

    # ------------------------------------------------------------------ bookkeeping
    def _place(self, lid: int, t: int, r: int) -> None:
        c = self.lc[lid]
        comp = self.comp
        T, R = self.T, self.R
        self.lt[lid] = t
        self.lr[lid] = r
        self.occ[t * R + r] = lid
        self.cat[c * T + t] += 1
        for q in comp.course_curricula[c]:
            self.qcnt[q * T + t] += 1
        self.tcnt[self.teacher_of[c] * T + t] += 1
        k = c * self.D + t // self.P
        if self.cday[k] == 0:
            self.nday[c] += 1
        self.cday[k] += 1
        k = c * R + r
        if self.croom[k] == 0:
            self.nroom[c] += 1
        self.croom[k] += 1
        self.cpr[c * T + t] = r
        if self.S:
            for q in comp.course_curricula[c]:
                self.qsite[(q * T + t) * self.S + comp.site[r]] += 1

    def _remove(self, lid: int) -> None:
        c = self.lc[lid]
        t, r = self.lt[lid], self.lr[lid]
        comp = self.comp
        T, R = self.T, self.R
        self.occ[t * R + r] = -1
        self.cat[c * T + t] -= 1
        for q in comp.course_curricula[c]:
            self.qcnt[q * T + t] -= 1
        self.tcnt[self.teacher_of[c] * T + t] -= 1
        k = c * self.D + t // self.P
        self.cday[k] -= 1
        if self.cday[k] == 0:
            self.nday[c] -= 1
        k = c * R + r
        self.croom[k] -= 1
        if self.croom[k] == 0:
            self.nroom[c] -= 1
        self.cpr[c * T + t] = -1
        if self.S:
            for q in comp.course_curricula[c]:
                self.qsite[(q * T + t) * self.S + comp.site[r]] -= 1

    def _can(self, c: int, t: int, r: int) -> bool:
        T = self.T
        if self.unavail[c][t] or self.cat[c * T + t] or not self.roomok[c][r]:
            return False
        if self.tcnt[self.teacher_of[c] * T + t]:
            return False
        qc = self.qcnt
        return all(not qc[q * T + t] for q in self.comp.course_curricula[c])

    def _course_cost(self, c: int) -> int:
        comp = self.comp
        return comp.w_days * max(0, comp.min_days[c] - self.nday[c]) + comp.w_stab * max(
            0, self.nroom[c] - 1
        )

    def _iso(self, q: int, s: int) -> int:
        T, P = self.T, self.P
        n = self.qcnt[q * T + s]
        if not n:
            return 0
        p = s % P
        if p > 0 and self.qcnt[q * T + s - 1]:
            return 0
        if p < P - 1 and self.qcnt[q * T + s + 1]:
            return 0
        return self.comp.w_iso * n

    def _around(self, t: int) -> list[int]:
        p = t % self.P
        out = [t]
        if p > 0:
            out.append(t - 1)
        if p < self.P - 1:
            out.append(t + 1)
        return out

    def _day(self, d: int) -> range:
        return range(d * self.P, (d + 1) * self.P)

    def _curriculum_day(self, q: int, d: int) -> int:
        """Windows, student load and travel of curriculum q on day d."""
        comp, T, S = self.comp, self.T, self.S
        windows, load = windows_and_load(comp, [self.qcnt[q * T + t] for t in self._day(d)])
        cost = comp.w_win * windows + comp.w_load * load
        if S:
            rows = [self.qsite[(q * T + t) * S : (q * T + t + 1) * S] for t in self._day(d)]
            cost += comp.w_trav * sum(site_changes(rows, i) for i in range(self.P - 1))
        return cost

    def _course_day(self, c: int, d: int) -> int:
        """Double-lecture cost of course c on day d."""
        rooms_at = {t: self.cpr[c * self.T + t] for t in self._day(d)}
        return self.comp.w_dbl * unpaired_lectures(
            self.comp, {t: r for t, r in rooms_at.items() if r >= 0}
        )

    def _local(self, courses: Iterable[int], qs: Iterable[int], periods: Iterable[int]) -> int:
        comp = self.comp
        s = 0
        for c in courses:
            s += self._course_cost(c)
        if comp.w_iso:
            for q in qs:
                for t in periods:
                    s += self._iso(q, t)
        days = {t // self.P for t in periods}
        if comp.day_terms:
            s += sum(self._curriculum_day(q, d) for q in qs for d in days)
        if comp.w_dbl:
            s += sum(self._course_day(c, d) for c in courses if comp.double[c] for d in days)
        return s

    def _total(self) -> int:
        comp = self.comp
        total = sum(self._course_cost(c) for c in range(comp.C))
        total += sum(comp.room_cost[self.lc[i]][self.lr[i]] for i in range(len(self.lc)))
        if comp.w_iso:
            total += sum(self._iso(q, t) for q in range(len(comp.curricula)) for t in range(self.T))
        if comp.day_terms:
            total += sum(
                self._curriculum_day(q, d)
                for q in range(len(comp.curricula))
                for d in range(self.D)
            )
        if comp.w_dbl:
            total += sum(
                self._course_day(c, d)
                for c in range(comp.C)
                if comp.double[c]
                for d in range(self.D)
            )
        if self.W:
            total += self.W * self._moved()
        return total

    def _moved(self) -> int:
        cur = {(self.lc[i], self.lt[i], self.lr[i]) for i in range(len(self.lc))}
        return sum(1 for b in self.base if b not in cur)

    def state(self) -> State:
        out: State = [[] for _ in range(self.comp.C)]
        for i, c in enumerate(self.lc):
            out[c].append((self.lt[i], self.lr[i]))
        for lecs in out:
            lecs.sort()
        return out

    # ------------------------------------------------------------------ search
    def run(
        self,
        seconds: float,
        *,
        t_start: float = 2.0,
        t_end: float = 0.05,
        over: Callable[[], bool] | None = None,
        on_improve: Callable[[int], None] | None = None,
        target: int | None = None,
    ) -> State:
        """Anneal for `seconds`; returns the best state seen (also kept as `self.best`)."""
        rng = self.rng
        if not self.movable:
            return self.state()
        T, R = self.T, self.R
        occ, lt, lr, mob, movable = self.occ, self.lt, self.lr, self.mobility, self.movable
        best = self.cost
        best_state = self.state()
        t0 = time.monotonic()
        end = t0 + max(0.0, seconds)
        temp = t_start
        ratio = math.log(t_end / t_start) if t_start > 0 and t_end > 0 else 0.0
        it = 0
        cost = self.cost
        while True:
            it += 1
            if it & 1023 == 0:
                now = time.monotonic()
                if now >= end or (over is not None and over()):
                    break
                if target is not None and best <= target:
                    break
                temp = t_start * math.exp(ratio * (now - t0) / max(1e-9, end - t0))
            a = movable[rng.randrange(len(movable))]
            ta, ra = lt[a], lr[a]
            t2 = ta if mob[a] == 1 or rng.random() < 0.15 else rng.randrange(T)
            r2 = rng.randrange(R)
            if t2 == ta and r2 == ra:
                continue
            b = occ[t2 * R + r2]
            delta = self._try_move(a, t2, r2, temp) if b == -1 else self._try_swap(a, b, temp)
            if delta is None:
                continue
            cost += delta
            if cost < best:
                best = cost
                if on_improve:
                    on_improve(cost)
                best_state = self.state()
        self.cost = cost
        self.iterations = it
        self.best = best
        return best_state

    def _accept(self, delta: int, temp: float) -> bool:
        return delta <= 0 or self.rng.random() < math.exp(-delta / temp)

    def _moved_base(self, *lectures: tuple[int, int, int]) -> int:
        """How many of the given (course, period, room) lectures the base timetable holds."""
        return sum(lecture in self.base for lecture in lectures)

    def _try_move(self, a: int, t2: int, r2: int, temp: float) -> int | None:
        """Move lecture a to the free (t2, r2): the change in cost if accepted, else None."""
        ca, ta, ra = self.lc[a], self.lt[a], self.lr[a]
        if t2 != ta and not self._can(ca, t2, r2):
            return None
        if t2 == ta and not self.roomok[ca][r2]:
            return None
        room_cost = self.comp.room_cost
        courses, qs = (ca,), self.comp.course_curricula[ca]
        periods = set(self._around(ta)) | set(self._around(t2))
        before = self._local(courses, qs, periods)
        self._remove(a)
        self._place(a, t2, r2)
        after = self._local(courses, qs, periods)
        delta = after - before + room_cost[ca][r2] - room_cost[ca][ra]
        if self.W:
            delta += self.W * (self._moved_base((ca, ta, ra)) - self._moved_base((ca, t2, r2)))
        if self._accept(delta, temp):
            return delta
        self._remove(a)
        self._place(a, ta, ra)
        return None

    def _try_swap(self, a: int, b: int, temp: float) -> int | None:
        """Swap lectures a and b: the change in cost if allowed and accepted, else None."""
        ca, ta, ra = self.lc[a], self.lt[a], self.lr[a]
        cb, tb, rb = self.lc[b], self.lt[b], self.lr[b]
        mob = self.mobility
        if cb == ca or not mob[b] or (mob[b] == 1 and tb != ta):
            return None
        if not self._swap_allowed(a, b):
            return None
        room_cost, cc = self.comp.room_cost, self.comp.course_curricula
        courses, qs = (ca, cb), set(cc[ca]) | set(cc[cb])
        periods = set(self._around(ta)) | set(self._around(tb))
        before = self._local(courses, qs, periods)
        self._exchange(a, b, (tb, rb), (ta, ra))
        after = self._local(courses, qs, periods)
        delta = (
            after
            - before
            + room_cost[ca][rb]
            - room_cost[ca][ra]
            + room_cost[cb][ra]
            - room_cost[cb][rb]
        )
        if self.W:
            kept = self._moved_base((ca, ta, ra), (cb, tb, rb))
            delta += self.W * (kept - self._moved_base((ca, tb, rb), (cb, ta, ra)))
        if self._accept(delta, temp):
            return delta
        self._exchange(a, b, (ta, ra), (tb, rb))
        return None

    def _swap_allowed(self, a: int, b: int) -> bool:
        """Whether a and b may trade places: checked with both taken out, then put back."""
        ca, ta, ra = self.lc[a], self.lt[a], self.lr[a]
        cb, tb, rb = self.lc[b], self.lt[b], self.lr[b]
        self._remove(a)
        self._remove(b)
        ok = (
            (ta == tb or (self._can(ca, tb, rb) and self._can(cb, ta, ra)))
            and self.roomok[ca][rb]
            and self.roomok[cb][ra]
        )
        self._place(a, ta, ra)
        self._place(b, tb, rb)
        return ok

    def _exchange(self, a: int, b: int, to_a: tuple[int, int], to_b: tuple[int, int]) -> None:
        """Put lecture a at `to_a` and lecture b at `to_b`."""
        self._remove(a)
        self._remove(b)
        self._place(a, *to_a)
        self._place(b, *to_b)
