"""Everything the application caches: the one home of cache keys, ETags and lifetimes.

* A problem's domain model, keyed by problem id, data version and creation time.
* A revision's JSON body with its ETag. Revisions are immutable, so id and creation stamp name
  their content for good; the stamp in the shared key and the ETag means a recreated database
  that reuses an id never serves another revision's body. A small per-process copy, keyed by id
  and kept a few seconds, answers repeated reads with no query and no round trip at all.
* A revision's verification, keyed like its body plus the formulation and the problem's version
  (edits of courses or rooms change what a timetable costs).

Selectors fill these entries (a read that remembers); services forget them when they delete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from django.core.cache import cache

from core.local_cache import LocalCache
from core.token_api import forget_answers

from .models import Problem, Revision

PROBLEM_SECONDS = 60 * 60
REVISION_SECONDS = 24 * 60 * 60
T = TypeVar("T")
Body = tuple[str, bytes]  # (ETag, JSON body) of a revision


def remembered(key: str, compute: Callable[[], T], seconds: int) -> T:
    """The cached value of `key`, computed and stored on a miss."""
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def problem_key(problem: Problem) -> str:
    return f"scheduling:core:{problem.pk}:{problem.version}:{_stamp(problem.created_at)}"


def _stamp(created_at: datetime) -> int:
    return int(created_at.timestamp() * 1_000_000)


def revision_etag(revision_id: int, created_at: datetime) -> str:
    return f'"rev-{revision_id}-{_stamp(created_at)}"'


def revision_body_key(revision_id: int, created_at: datetime) -> str:
    return f"scheduling:revision:{revision_id}:{_stamp(created_at)}"


def verification_key(revision: Revision, formulation: str) -> str:
    return (
        f"scheduling:verification:{revision.pk}:{_stamp(revision.created_at)}:{formulation}:"
        f"{revision.problem.version}"
    )


# Another process's deletion of a problem is seen here within LOCAL_SECONDS (this process's own
# deletions at once).
LOCAL_SECONDS = 5.0
LOCAL_BODIES: LocalCache[Body] = LocalCache(seconds=LOCAL_SECONDS, size=128)


def local_revision_body(revision_id: int) -> Body | None:
    """(ETag, JSON body) of a revision from this process's copy, if it is fresh."""
    return LOCAL_BODIES.get(revision_id)


def shared_revision_body(revision_id: int, created_at: datetime) -> Body | None:
    """(ETag, JSON body) of a revision from the shared cache (kept locally too), or None."""
    value: Body | None = cache.get(revision_body_key(revision_id, created_at))
    if value is not None:
        LOCAL_BODIES.put(revision_id, value)
    return value


def remember_revision_body(revision_id: int, created_at: datetime, body: bytes) -> Body:
    """Keep a revision's body in both caches; (its ETag, the body)."""
    value = (revision_etag(revision_id, created_at), body)
    LOCAL_BODIES.put(revision_id, value)
    cache.set(revision_body_key(revision_id, created_at), value, REVISION_SECONDS)
    return value


def forget_revision_bodies(revisions: Iterable[tuple[int, datetime]]) -> None:
    """Drop the cached bodies of (id, creation time) revisions, e.g. of a deleted problem."""
    revisions = list(revisions)
    LOCAL_BODIES.forget(pk for pk, _ in revisions)
    forget_answers()  # and the answers a token's repeated reads got (core/token_api.py)
    cache.delete_many([revision_body_key(pk, created_at) for pk, created_at in revisions])
