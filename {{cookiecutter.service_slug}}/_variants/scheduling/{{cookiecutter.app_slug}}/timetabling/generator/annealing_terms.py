# Numba compiles the functions below for the array types it sees at run time; Python annotations
# of their tuples of arrays would be checked by neither Numba nor mypy, so they have none.
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False
# mypy: disallow-untyped-decorators=False, warn-return-any=False
"""Compiled bookkeeping and cost terms, inlined into the annealing kernel (`annealing_kernel`)
and its Kempe-chain move (`annealing_kempe`): placing and taking away a lecture, a course's
working days and rooms, isolated lectures, and the terms over one day (a curriculum's windows,
student load and travel distance, and a course's double lectures).

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
def place(s, k, d, i, t, r, sign) -> None:
    """Put lecture i at (t, r) (sign 1) or take it away from there (sign -1)."""
    lc, lt, lr, occ, cat, qcnt, tcnt, cday, nday, croom, nroom, cpr, qsite = s
    teacher_of, cq_ptr, cq_idx, site = k[3], k[4], k[5], k[11]
    T, R, D, P, S = d[0], d[1], d[2], d[3], d[14]
    c = lc[i]
    if sign > 0:
        lt[i] = t
        lr[i] = r
        occ[t * R + r] = i
        cpr[c * T + t] = r
    else:
        occ[t * R + r] = -1
        cpr[c * T + t] = -1
    cat[c * T + t] += sign
    for j in range(cq_ptr[c], cq_ptr[c + 1]):
        qcnt[cq_idx[j] * T + t] += sign
        if S:
            qsite[(cq_idx[j] * T + t) * S + site[r]] += sign
    tcnt[teacher_of[c] * T + t] += sign
    j = c * D + t // P
    if sign > 0:
        nday[c] += cday[j] == 0
        cday[j] += 1
    else:
        cday[j] -= 1
        nday[c] -= cday[j] == 0
    j = c * R + r
    if sign > 0:
        nroom[c] += croom[j] == 0
        croom[j] += 1
    else:
        croom[j] -= 1
        nroom[c] -= croom[j] == 0


@helper_jit
def iso(qcnt, q, u, T, P, w_iso) -> int:
    """Cost of curriculum q's lectures at period u if no lecture of q is next to them."""
    n = qcnt[q * T + u]
    if n == 0:
        return 0
    p = u % P
    if p > 0 and qcnt[q * T + u - 1]:
        return 0
    if p < P - 1 and qcnt[q * T + u + 1]:
        return 0
    return w_iso * n


@helper_jit
def iso_around(qcnt, q, ta, tb, T, P, w_iso) -> int:
    """Isolated-lecture cost of curriculum q at and next to periods ta and tb."""
    total = 0
    for u in range(ta - 1, ta + 2):
        if 0 <= u < T and u // P == ta // P:
            total += iso(qcnt, q, u, T, P, w_iso)
    if tb != ta:
        for u in range(tb - 1, tb + 2):
            near_ta = abs(u - ta) <= 1 and u // P == ta // P
            if 0 <= u < T and u // P == tb // P and not near_ta:
                total += iso(qcnt, q, u, T, P, w_iso)
    return total


@helper_jit
def course_cost(s, k, d, c) -> int:
    nday, nroom = s[8], s[10]
    return d[5] * max(0, k[6][c] - nday[c]) + d[7] * max(0, nroom[c] - 1)


@helper_jit
def shares(k, c, q) -> bool:
    """Whether course c belongs to curriculum q."""
    cq_ptr, cq_idx = k[4], k[5]
    for j in range(cq_ptr[c], cq_ptr[c + 1]):  # noqa: SIM110 (a plain loop compiles best)
        if cq_idx[j] == q:
            return True
    return False


@helper_jit
def curriculum_day(s, d, q, day) -> int:
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
def course_day(s, d, c, day) -> int:
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
            total += curriculum_day(s, d, cq_idx[j], da)
            if db != da:
                total += curriculum_day(s, d, cq_idx[j], db)
        if cb >= 0:
            for j in range(cq_ptr[cb], cq_ptr[cb + 1]):
                q = cq_idx[j]
                if not shares(k, ca, q):  # ca's curricula are counted above
                    total += curriculum_day(s, d, q, da)
                    if db != da:
                        total += curriculum_day(s, d, q, db)
    if d[10]:
        for c in (ca, cb):
            if c >= 0 and double[c]:
                total += course_day(s, d, c, da)
                if db != da:
                    total += course_day(s, d, c, db)
    return total
