# Numba compiles the functions below for the array types it sees at run time; Python annotations
# of their tuples of arrays would be checked by neither Numba nor mypy, so they have none.
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False
# mypy: disallow-untyped-decorators=False, warn-return-any=False
"""The Kempe-chain move of the annealing kernel: two periods trade one conflict chain.

From lecture a at period t1 and another period t2, the chain holds a, the lectures at t2 that
conflict with it (same course, curriculum or teacher), the lectures at t1 that conflict with
those, and so on until it closes. Its lectures at t1 go to t2 and those at t2 to t1: no
conflict can arise, however long the chain, since a lecture that moves conflicts with none that
stays (that one would be in the chain). The move is refused when a lecture of the chain may not
change period (pinned) or is unavailable in its new one, or finds no free allowed room there.
Each lecture keeps its room when that is free in its new period; the others take the free
allowed room that costs least (capacity and suitability, then a room the course already uses).
The change in cost is exact, computed as for the kernel's single moves from the terms the
chain's courses and curricula read at and next to the two periods and on their days.

It reads the kernel's tuples (`annealing_kernel`; `k[12]` is the course conflict matrix) and
works in the chain's scratch arrays x, allocated once: x[0..2] the chain's lectures and their
old period and room, x[3] which lectures are in the chain, x[4], x[5] the chain's courses (a
flag per course and a list), x[6], x[7] its curricula (the same), x[8] the chain's length and
its numbers of courses and curricula, x[9] which of its lectures are placed.
"""

from __future__ import annotations

import math

import numpy as np

from .annealing_terms import course_cost, course_day, curriculum_day, iso_around, place
from .annealing_terms import entry_jit as _entry_jit
from .annealing_terms import helper_jit as _helper_jit


@_entry_jit
def _put(s, k, d, i, t, r, sign) -> None:
    """`place`, compiled once and called: inlined at each of this module's call sites, it made
    the kernel's compile several times longer, for a move that runs far less often."""
    place(s, k, d, i, t, r, sign)


@_helper_jit
def _grow(s, k, d, x, a, t1, t2) -> bool:
    """Collect the chain of lecture a with period t2 into x; False when it cannot move."""
    lc, lr, occ = s[0], s[2], s[3]
    unavail, mob, conflict, C = k[0], k[7], k[12], k[6].shape[0]
    chain, old_t, old_r, in_chain = x[0], x[1], x[2], x[3]
    T, R = d[0], d[1]
    chain[0], old_t[0], old_r[0] = a, t1, lr[a]
    in_chain[a] = 1
    n, head, ok = 1, 0, True
    while head < n:
        i = chain[head]
        to = t2 if old_t[head] == t1 else t1
        head += 1
        ci = lc[i]
        if mob[i] != 2 or unavail[ci * T + to]:
            ok = False
            break
        for r in range(R):
            j = occ[to * R + r]
            if j >= 0 and not in_chain[j] and conflict[ci * C + lc[j]]:
                in_chain[j] = 1
                chain[n], old_t[n], old_r[n] = j, to, r
                n += 1
    x[8][0], x[8][1], x[8][2] = n, 0, 0
    return ok


@_helper_jit
def _mark(s, k, x) -> None:
    """List the chain's courses and their curricula, once each."""
    lc, cq_ptr, cq_idx = s[0], k[4], k[5]
    chain, seen_c, courses, seen_q, curricula, size = x[0], x[4], x[5], x[6], x[7], x[8]
    nc, nq = 0, 0
    for i in range(size[0]):
        c = lc[chain[i]]
        if seen_c[c]:
            continue
        seen_c[c] = 1
        courses[nc] = c
        nc += 1
        for j in range(cq_ptr[c], cq_ptr[c + 1]):
            q = cq_idx[j]
            if not seen_q[q]:
                seen_q[q] = 1
                curricula[nq] = q
                nq += 1
    size[1], size[2] = nc, nq


@_helper_jit
def _clear(x) -> None:
    chain, in_chain, seen_c, courses, seen_q, curricula, size = (
        x[0], x[3], x[4], x[5], x[6], x[7], x[8],
    )  # fmt: skip
    for i in range(size[0]):
        in_chain[chain[i]] = 0
    for i in range(size[1]):
        seen_c[courses[i]] = 0
    for i in range(size[2]):
        seen_q[curricula[i]] = 0


@_entry_jit
def _cost(s, k, d, x, t1, t2) -> int:
    """The cost terms the chain's lectures, courses and curricula read at t1 and t2."""
    lc, lt, lr, qcnt = s[0], s[1], s[2], s[5]
    room_cost, double, base_has = k[2], k[10], k[9]
    chain, courses, curricula, size = x[0], x[5], x[7], x[8]
    T, R, P, W, w_iso = d[0], d[1], d[3], d[4], d[6]
    d1, d2 = t1 // P, t2 // P
    total = 0
    for i in range(size[1]):
        c = courses[i]
        total += course_cost(s, k, d, c)
        if d[10] and double[c]:
            total += course_day(s, d, c, d1) + (course_day(s, d, c, d2) if d2 != d1 else 0)
    for i in range(size[2]):
        q = curricula[i]
        if w_iso:
            total += iso_around(qcnt, q, t1, t2, T, P, w_iso)
        if d[8] or d[9] or d[14]:
            total += curriculum_day(s, d, q, d1)
            if d2 != d1:
                total += curriculum_day(s, d, q, d2)
    for i in range(size[0]):
        j = chain[i]
        total += room_cost[lc[j] * R + lr[j]]
        if W:
            total -= W * base_has[(lc[j] * T + lt[j]) * R + lr[j]]
    return total


@_helper_jit
def _free_room(s, k, d, c, t) -> int:
    """The free room at t that course c may use and that costs it least; -1: none."""
    occ, croom, room_cost, roomok = s[3], s[9], k[2], k[1]
    R = d[1]
    best, best_score = -1, 0
    for r in range(R):
        if occ[t * R + r] < 0 and roomok[c * R + r]:
            score = 2 * room_cost[c * R + r] + (croom[c * R + r] == 0)
            if best < 0 or score < best_score:
                best, best_score = r, score
    return best


@_helper_jit
def _move(s, k, d, x, t1, t2) -> bool:
    """Move the chain's lectures to their new periods; False (and nothing moved) when one of
    them finds no free room."""
    lc, lt, lr, occ, roomok = s[0], s[1], s[2], s[3], k[1]
    chain, old_t, old_r, placed, n = x[0], x[1], x[2], x[9], x[8][0]
    R = d[1]
    for i in range(n):
        _put(s, k, d, chain[i], old_t[i], old_r[i], -1)
    for i in range(n):  # first every lecture whose room is free in its new period
        to, r = t2 if old_t[i] == t1 else t1, old_r[i]
        placed[i] = occ[to * R + r] < 0 and roomok[lc[chain[i]] * R + r]
        if placed[i]:
            _put(s, k, d, chain[i], to, r, 1)
    for i in range(n):
        if placed[i]:
            continue
        to = t2 if old_t[i] == t1 else t1
        r = _free_room(s, k, d, lc[chain[i]], to)
        if r < 0:
            for j in range(n):
                if placed[j]:
                    _put(s, k, d, chain[j], lt[chain[j]], lr[chain[j]], -1)
            for j in range(n):
                _put(s, k, d, chain[j], old_t[j], old_r[j], 1)
            return False
        _put(s, k, d, chain[i], to, r, 1)
        placed[i] = 1
    return True


@_entry_jit
def kempe_apply(s, k, d, x, a, t2):
    """Swap the chain of lecture a between its period and t2: (done, change in cost). Not
    done: nothing changed. Done: `kempe_undo` takes the move back."""
    t1 = s[1][a]
    done, delta = False, 0
    if _grow(s, k, d, x, a, t1, t2):
        _mark(s, k, x)
        before = _cost(s, k, d, x, t1, t2)
        done = _move(s, k, d, x, t1, t2)
        if done:
            delta = _cost(s, k, d, x, t1, t2) - before
    _clear(x)
    return done, delta


@_entry_jit
def kempe_undo(s, k, d, x) -> None:
    """Put the lectures of the last chain `kempe_apply` moved back where they were."""
    lt, lr = s[1], s[2]
    chain, old_t, old_r, n = x[0], x[1], x[2], x[8][0]
    for i in range(n):
        _put(s, k, d, chain[i], lt[chain[i]], lr[chain[i]], -1)
    for i in range(n):
        _put(s, k, d, chain[i], old_t[i], old_r[i], 1)


@_helper_jit
def keep_best(lt, lr, best_lt, best_lr) -> None:
    for i in range(lt.shape[0]):  # a slice copy would need NRT
        best_lt[i] = lt[i]
        best_lr[i] = lr[i]


@_entry_jit
def kempe_step(s, k, d, x, a, temp, cost, best, best_lt, best_lr):
    """One annealing step of the kernel with a Kempe-chain move of lecture a to a random
    period: (cost, best) after it, the best timetable copied when it improves."""
    lt, lr, mob = s[1], s[2], k[7]
    t2 = np.random.randint(d[0])
    if mob[a] != 2 or t2 == lt[a]:
        return cost, best
    done, delta = kempe_apply(s, k, d, x, a, t2)
    if not done:
        return cost, best
    if delta <= 0 or np.random.random() < math.exp(-delta / temp):
        cost += delta
        if cost < best:
            best = cost
            keep_best(lt, lr, best_lt, best_lr)
    else:
        kempe_undo(s, k, d, x)
    return cost, best
