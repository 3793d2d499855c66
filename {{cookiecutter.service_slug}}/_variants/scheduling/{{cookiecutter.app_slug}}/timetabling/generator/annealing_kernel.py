# Numba compiles the functions below for the array types it sees at run time; Python annotations
# of their tuples of arrays would be checked by neither Numba nor mypy, so they have none.
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False
# mypy: disallow-untyped-decorators=False, warn-return-any=False
"""The annealing kernel, compiled with Numba (driven by `annealing.anneal`).

The same search as `annealing_reference.Annealer` (which stays as the readable reference and
the test oracle for this one): a lecture moves to a random (period, room), or swaps with the
lecture there, only when neither course then clashes; the change in cost is computed from the
few counters the move touches. Compiled, a move costs a few hundred nanoseconds instead of
tens of microseconds, so a 300 s run tries 1.3 to 2.4 billion moves over two chains rather
than a few million, which is what annealing needs on the larger instances. With probability
`kempe_p` a move is a Kempe-chain swap between two periods instead (`annealing_kempe`, compiled
only: its tests hold it to the verifier move by move).

The kernel releases the GIL, so `workers` chains anneal in parallel threads from the same
start with different seeds; the best chain wins.
"""

from __future__ import annotations

import math
import random
import threading

import numpy as np

from ..model import Course, Curriculum, Problem, Room
from .annealing_kempe import keep_best, kempe_step
from .annealing_reference import Annealer
from .annealing_terms import course_cost, day_terms, iso_around, place, shares
from .annealing_terms import entry_jit as _entry_jit
from .annealing_terms import helper_jit as _helper_jit
from .indexed_problem import IndexedProblem, State
from .objective import BaseLectures

# The compiled functions share three tuples (Numba passes tuples of arrays without copying):
#   s, the mutable state: lecture course, period and room; who occupies each (period, room);
#     per (course, period), (curriculum, period) and (teacher, period) lecture counts; per
#     (course, day) and (course, room) counts with the number of days and rooms they cover;
#     the room of each (course, period); lectures per (curriculum, period, site);
#   k, the constant tables: unavailable (course, period), allowed (course, room), cost of a
#     lecture of a course in a room, teacher of a course, the curricula of a course (CSR),
#     minimum working days, mobility (0 pinned, 1 room only, 2 free), movable lectures,
#     which (course, period, room) the base timetable holds, double-lecture courses, and the
#     site of each room, and whether two courses conflict (course x course, for Kempe chains);
#   d, the sizes and weights: T, R, D, P, W (moved-lecture weight), w_days, w_iso, w_stab,
#     w_win, w_load, w_dbl, w_trav, the daily minimum and maximum, and the number of sites
#     (0 unless travel is scored). The day terms are in `annealing_terms`.
# The Kempe-chain move works in a fourth, x, of scratch arrays (see `annealing_kempe`).


@_entry_jit
def _seed(seed: int) -> None:
    np.random.seed(seed)  # Numba keeps one generator per thread


@_helper_jit
def _local(s, k, d, ca, cb, ta, tb) -> int:
    """The cost terms a move of course ca (and cb, when >= 0) between periods ta, tb reads."""
    qcnt = s[5]
    cq_ptr, cq_idx = k[4], k[5]
    T, P, w_iso = d[0], d[3], d[6]
    total = course_cost(s, k, d, ca) + day_terms(s, k, d, ca, cb, ta, tb)
    if cb >= 0:
        total += course_cost(s, k, d, cb)
    if w_iso == 0:
        return total
    for j in range(cq_ptr[ca], cq_ptr[ca + 1]):
        total += iso_around(qcnt, cq_idx[j], ta, tb, T, P, w_iso)
    if cb >= 0:
        for j in range(cq_ptr[cb], cq_ptr[cb + 1]):
            q = cq_idx[j]
            if not shares(k, ca, q):  # ca's curricula are counted above
                total += iso_around(qcnt, q, ta, tb, T, P, w_iso)
    return total


@_helper_jit
def _base_delta(k, d, c, t_old, r_old, t_new, r_new) -> int:
    """Change in moved base lectures when c leaves (t_old, r_old) for (t_new, r_new)."""
    base_has = k[9]
    TR = d[0] * d[1]
    R = d[1]
    return base_has[c * TR + t_old * R + r_old] - base_has[c * TR + t_new * R + r_new]


@_helper_jit
def _exchange(s, k, d, a, b, ta, ra, tb, rb) -> None:
    """Move lecture a from (ta, ra) to (tb, rb) and lecture b (if >= 0) the other way."""
    place(s, k, d, a, ta, ra, -1)
    if b >= 0:
        place(s, k, d, b, tb, rb, -1)
    place(s, k, d, a, tb, rb, 1)
    if b >= 0:
        place(s, k, d, b, ta, ra, 1)


@_helper_jit
def _can(s, k, d, c, t, cb) -> bool:
    """Whether a lecture of course c may come to period t from another period, once a
    lecture of course cb leaves t (cb = -1: none does); rooms are checked by the caller.

    c's lecture is not at t, so none of c's lectures is counted there, and the lecture that
    leaves is discounted instead of being taken out of the counters.
    """
    cat, qcnt, tcnt = s[4], s[5], s[6]
    unavail, teacher_of, cq_ptr, cq_idx = k[0], k[3], k[4], k[5]
    T = d[0]
    if unavail[c * T + t] or cat[c * T + t]:
        return False
    if tcnt[teacher_of[c] * T + t] > (cb >= 0 and teacher_of[cb] == teacher_of[c]):
        return False
    for j in range(cq_ptr[c], cq_ptr[c + 1]):
        q = cq_idx[j]
        if qcnt[q * T + t] > (cb >= 0 and shares(k, cb, q)):
            return False
    return True


@_helper_jit
def _allowed(s, k, d, a, b, ta, ra, tb, rb) -> bool:
    """Whether exchanging a and b (b = -1: moving a to a free room) keeps every hard rule."""
    lc, mob, roomok, R = s[0], k[7], k[1], d[1]
    ca = lc[a]
    if not roomok[ca * R + rb]:
        return False
    if b < 0:
        return ta == tb or _can(s, k, d, ca, tb, -1)
    cb = lc[b]
    if cb == ca or mob[b] == 0 or (mob[b] == 1 and tb != ta) or not roomok[cb * R + ra]:
        return False
    return ta == tb or (_can(s, k, d, ca, tb, cb) and _can(s, k, d, cb, ta, ca))


@_entry_jit
def _kernel(s, k, d, x, n_iter, temp0, temp1, moves_p, cost, best, best_lt, best_lr):
    """Anneal for n_iter moves, the temperature going geometrically from temp0 to temp1;
    moves_p: the shares of room-only moves and of Kempe-chain moves (each compiled apart, in
    `kempe_step`: inlined here, it made the kernel's compile twice as long)."""
    lc, lt, lr, occ = s[0], s[1], s[2], s[3]
    room_cost, mob, movable = k[2], k[7], k[8]
    T, R, W = d[0], d[1], d[4]
    room_move_p, kempe_p = moves_p[0], moves_p[1]
    log_ratio = math.log(temp1 / temp0)
    temp = temp0
    for it in range(n_iter):
        if (it & 255) == 0:
            temp = temp0 * math.exp(log_ratio * it / n_iter)
        a = movable[np.random.randint(movable.shape[0])]
        if kempe_p > 0.0 and np.random.random() < kempe_p:
            cost, best = kempe_step(s, k, d, x, a, temp, cost, best, best_lt, best_lr)
            continue
        ca, ta, ra = lc[a], lt[a], lr[a]
        tb = ta if mob[a] == 1 or np.random.random() < room_move_p else np.random.randint(T)
        rb = np.random.randint(R)
        if tb == ta and rb == ra:
            continue
        b = occ[tb * R + rb]  # -1: a moves to a free room; else a and b swap
        if not _allowed(s, k, d, a, b, ta, ra, tb, rb):
            continue
        cb = lc[b] if b >= 0 else -1
        before = _local(s, k, d, ca, cb, ta, tb)
        _exchange(s, k, d, a, b, ta, ra, tb, rb)
        delta = _local(s, k, d, ca, cb, ta, tb) - before
        delta += room_cost[ca * R + rb] - room_cost[ca * R + ra]
        if W:
            delta += W * _base_delta(k, d, ca, ta, ra, tb, rb)
        if b >= 0:
            delta += room_cost[cb * R + ra] - room_cost[cb * R + rb]
            if W:
                delta += W * _base_delta(k, d, cb, tb, rb, ta, ra)
        if delta <= 0 or np.random.random() < math.exp(-delta / temp):
            cost += delta
            if cost < best:
                best = cost
                keep_best(lt, lr, best_lt, best_lr)
        else:
            _exchange(s, k, d, a, b, tb, rb, ta, ra)
    return cost, best


def _conflicts(comp: IndexedProblem) -> np.ndarray:
    """Whether two courses may not share a period: the same course, a curriculum, a teacher."""
    out = np.zeros((comp.C, comp.C), np.bool_)
    for c, others in enumerate(comp.neighbours):
        out[c, c] = True
        out[c, list(others)] = True
    return out.reshape(-1)


class _Chain:
    """One annealing chain: the counters of `annealing_reference.Annealer` as NumPy arrays."""

    def __init__(self, comp: IndexedProblem, ref: Annealer, base: BaseLectures, W: int) -> None:
        T, R = comp.T, comp.R
        i64 = np.int64
        counters = (
            ref.lc, ref.lt, ref.lr, ref.occ, ref.cat, ref.qcnt, ref.tcnt, ref.cday, ref.nday,
            ref.croom, ref.nroom, ref.cpr, ref.qsite,
        )  # fmt: skip
        self.s = tuple(np.array(a, i64) for a in counters)
        sizes = [len(qs) for qs in comp.course_curricula]
        base_has = np.zeros(comp.C * T * R if W else 1, i64)
        for c, t, r in base if W else ():
            base_has[c * T * R + t * R + r] = 1
        self.k = (
            np.array(ref.unavail, np.bool_).reshape(-1),
            np.array(ref.roomok, np.bool_).reshape(-1),
            np.array(comp.room_cost, i64).reshape(-1),
            np.array(ref.teacher_of, i64),
            np.concatenate(([0], np.cumsum(sizes))).astype(i64),
            np.array([q for qs in comp.course_curricula for q in qs] or [0], i64),
            np.array(comp.min_days, i64),
            np.array(ref.mobility, i64),
            np.array(ref.movable, i64),
            base_has,
            np.array(comp.double, np.bool_),
            np.array(comp.site, i64),
            _conflicts(comp),
        )
        Q, L = max(1, len(comp.curricula)), len(ref.lc)
        sizes = [2 * R, 2 * R, 2 * R, L, comp.C, comp.C, Q, Q, 3, 2 * R]
        self.x = tuple(np.zeros(n, i64) for n in sizes)  # the Kempe move's scratch arrays
        self.d = (
            *(T, R, comp.D, comp.P, W, comp.w_days, comp.w_iso, comp.w_stab),
            *(comp.w_win, comp.w_load, comp.w_dbl, comp.w_trav, comp.min_daily, comp.max_daily),
            ref.S,
        )
        self.cost: int = ref.cost
        self.best: int = ref.cost
        self.best_lt = self.s[1].copy()
        self.best_lr = self.s[2].copy()
        self.iterations = 0

    @classmethod
    def dummy(cls) -> _Chain:
        """A chain on a one-lecture problem, with the argument types of every real chain."""
        problem = Problem(
            "warm-up",
            1,
            2,
            (Course("c", "t", 1, 1, 1),),
            (Room("r", 1),),
            (Curriculum("q", ("c",)),),
        )
        comp = IndexedProblem(problem, "UD2")
        ref = Annealer(
            comp,
            [[(0, 0)]],
            pin_full=set(),
            pin_period=set(),
            base=frozenset(),
            W=0,
            rng=random.Random(0),
        )
        return cls(comp, ref, frozenset(), 0)

    def step(
        self, n_iter: int, temp0: float, temp1: float, room_move_p: float, kempe_p: float = 0.0
    ) -> None:
        """n_iter moves; room_move_p and kempe_p: the shares of room-only and Kempe moves."""
        self.cost, self.best = _kernel(
            self.s, self.k, self.d, self.x, n_iter, temp0, temp1, (room_move_p, kempe_p),
            self.cost, self.best, self.best_lt, self.best_lr,
        )  # fmt: skip
        self.iterations += n_iter

    def state(self, C: int) -> State:
        out: State = [[] for _ in range(C)]
        lecture_course = self.s[0].tolist()
        for c, t, r in zip(
            lecture_course, self.best_lt.tolist(), self.best_lr.tolist(), strict=True
        ):
            out[c].append((t, r))
        for lecs in out:
            lecs.sort()
        return out


_ready = threading.Event()
_compiling = threading.Lock()


def warm_up() -> None:
    """Compile the kernel, or load it from Numba's on-disk cache; blocks (about 11 s cold)."""
    with _compiling:
        if _ready.is_set():
            return
        _seed(0)
        _Chain.dummy().step(1, 1.0, 1.0, 0.0)
        _ready.set()


def start_warm_up() -> None:
    """Compile the kernel in the background; until it is ready `anneal` runs in Python."""
    if not _ready.is_set() and not _compiling.locked():
        threading.Thread(target=warm_up, name="anneal-compile", daemon=True).start()


def is_ready() -> bool:
    return _ready.is_set()
