"""A small per-process cache with a lifetime and a size bound (least recently stored goes first).

For values that may be a few seconds stale and are read far more often than they change, so a
hit costs no round trip at all; thread-safe, for gunicorn's threads."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

V = TypeVar("V")


class LocalCache(Generic[V]):
    def __init__(self, *, seconds: float, size: int) -> None:
        self.seconds = seconds
        self.size = size
        self.entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self.entries[key]
                return None
            return entry[1]

    def put(self, key: Hashable, value: V, seconds: float | None = None) -> None:
        lifetime = self.seconds if seconds is None else seconds
        if lifetime <= 0:
            return
        with self.lock:
            self.entries[key] = (time.monotonic() + lifetime, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def forget(self, keys: Iterable[Hashable]) -> None:
        with self.lock:
            for key in keys:
                self.entries.pop(key, None)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
