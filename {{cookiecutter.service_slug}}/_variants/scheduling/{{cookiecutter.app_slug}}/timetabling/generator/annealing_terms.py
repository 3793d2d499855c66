# Numba compiles the functions below for the array types it sees at run time; Python annotations
# of their tuples of arrays would be checked by neither Numba nor mypy, so they have none.
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False
# mypy: disallow-untyped-decorators=False, warn-return-any=False
"""Compiled cost terms over one day, inlined into the annealing kernel (`annealing_kernel`):
a curriculum's windows, student load and travel distance, and a course's double lectures.

They read the kernel's tuples (see there): `s[4]` lectures per (course, period), `s[5]` per
(curriculum, period), `s[7]` per (course, day), `s[11]` the room of a course's lecture in a
period, `s[12]` lectures per (curriculum, period, site); `k[4]`, `k[5]` the curricula of a
course, `k[10]` which courses want double lectures; `d[8:15]` the weights of windows, student
load, double lectures and travel, the daily minimum and maximum, and the number of sites (0
when travel is not scored). `annealing_reference` computes the same in Python.
"""

from __future__ import annotations

from numba import njit

# Compiled without Numba's reference counting (NRT): every array in the kernel's tuples would
# otherwise be counted up and down, with atomic operations, on each call of a helper, which
# was most of a move's time. The kernel allocates nothing and its arrays live as long as the
# chain that passes them, so nothing needs counting. The helpers are inlined into the kernel.
# Together, about three times as many moves per second (docs/timetabling.md).
# (`_nrt` is a private option of Numba's, absent from its published signature.)
entry_jit = njit(cache=True, nogil=True, _nrt=False)  # type: ignore[call-overload]
helper_jit = njit(cache=True, nogil=True, _nrt=False, inline="always")  # type: ignore[call-overload]


@helper_jit
def shares(k, c, q) -> bool:
    """Whether course c belongs to curriculum q."""
    cq_ptr, cq_idx = k[4], k[5]
    for j in range(cq_ptr[c], cq_ptr[c + 1]):  # noqa: SIM110 (a plain loop compiles best)
        if cq_idx[j] == q:
            return True
    return False


@helper_jit
def _curriculum_day(s, d, q, day) -> int:
    """Windows, student load and travel of curriculum q on `day`, weighted."""
    qcnt, qsite = s[5], s[12]
    T, P, S = d[0], d[3], d[14]
    start = q * T + day * P
    first, last, used, total = -1, -1, 0, 0
    for p in range(P):
        n = qcnt[start + p]
        if n:
            if first < 0:
                first = p
            last, used, total = p, used + 1, total + n
    if used == 0:
        return 0
    cost = d[8] * (last - first + 1 - used)
    if total < d[12]:
        cost += d[9] * (d[12] - total)
    elif d[13] > 0 and total > d[13]:
        cost += d[9] * (total - d[13])
    if S:
        for p in range(P - 1):
            here, after = qcnt[start + p], qcnt[start + p + 1]
            if here and after:
                same = 0
                for site in range(S):
                    same += qsite[(start + p) * S + site] * qsite[(start + p + 1) * S + site]
                cost += d[11] * (here * after - same)
    return cost


@helper_jit
def _course_day(s, d, c, day) -> int:
    """Double-lecture cost of course c on `day`: its lectures there, when it has two or more,
    that sit next to none of them in the same room."""
    cat, cday, cpr = s[4], s[7], s[11]
    T, D, P = d[0], d[2], d[3]
    if cday[c * D + day] < 2:
        return 0
    unpaired = 0
    for p in range(P):
        t = day * P + p
        if cat[c * T + t]:
            r = cpr[c * T + t]
            left = p > 0 and cat[c * T + t - 1] > 0 and cpr[c * T + t - 1] == r
            right = p < P - 1 and cat[c * T + t + 1] > 0 and cpr[c * T + t + 1] == r
            if not (left or right):
                unpaired += 1
    return d[10] * unpaired


@helper_jit
def day_terms(s, k, d, ca, cb, ta, tb) -> int:
    """The day terms a move of course ca (and cb, when >= 0) between periods ta, tb reads."""
    cq_ptr, cq_idx, double = k[4], k[5], k[10]
    P = d[3]
    da, db = ta // P, tb // P
    total = 0
    if d[8] or d[9] or d[14]:
        for j in range(cq_ptr[ca], cq_ptr[ca + 1]):
            total += _curriculum_day(s, d, cq_idx[j], da)
            if db != da:
                total += _curriculum_day(s, d, cq_idx[j], db)
        if cb >= 0:
            for j in range(cq_ptr[cb], cq_ptr[cb + 1]):
                q = cq_idx[j]
                if not shares(k, ca, q):  # ca's curricula are counted above
                    total += _curriculum_day(s, d, q, da)
                    if db != da:
                        total += _curriculum_day(s, d, q, db)
    if d[10]:
        for c in (ca, cb):
            if c >= 0 and double[c]:
                total += _course_day(s, d, c, da)
                if db != da:
                    total += _course_day(s, d, c, db)
    return total
