"""The shared cache, failing soft: when Redis cannot be reached, a read is a miss and a write is
skipped, so an outage of the cache makes requests slower instead of failing them.

After a failure the cache stays off for `retry_seconds` (an OPTIONS entry, 5 s by default), so
requests do not each wait for a connection timeout; the first call after that tries Redis again.
A delete skipped during an outage can leave an entry behind: every key the services write names
the version of what it holds, so such an entry is never served for newer data.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
R = TypeVar("R")
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis-py client for every cache operation (a dict of some 170
    response callbacks each time: about a tenth of a millisecond, on every request that reads the
    cache); one client per connection pool serves every thread, as redis-py clients are safe to
    share."""

    def __init__(self, servers: Any, **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 5.0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClientRedisCacheClient
        self._off_until = 0.0
        self._lock = threading.Lock()

    @property
    def reachable(self) -> bool:
        """False while the cache is off after a failure."""
        return time.monotonic() >= self._off_until

    def _switch_off(self, error: Exception) -> None:
        with self._lock:
            if self.reachable:  # once per outage window, not once per request
                logger.warning("cache unreachable, off for %gs: %s", self.retry_seconds, error)
            self._off_until = time.monotonic() + self.retry_seconds

    def _soft(self, fallback: R, operation: Callable[..., R], *args: Any) -> R:
        if not self.reachable:
            return fallback
        try:
            return operation(*args)
        except UNREACHABLE as error:
            self._switch_off(error)
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._soft(default, super().get, key, default, version)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._soft({}, super().get_many, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._soft(False, super().has_key, key, version)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        return self._soft(False, super().add, key, value, timeout, version)

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        self._soft(None, super().set, key, value, timeout, version)

    def set_many(
        self, data: Mapping[Any, Any], timeout: Any = None, version: int | None = None
    ) -> list[Any]:
        return self._soft(list(data), super().set_many, data, timeout, version)

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:
        return self._soft(False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._soft(False, super().delete, key, version)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._soft(None, super().delete_many, keys, version)

    def clear(self) -> None:
        self._soft(None, super().clear)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Raises ValueError during an outage, as for a missing key: no count can be trusted."""
        unreachable = ValueError(f"Key {key!r} not found (the cache is unreachable)")
        if not self.reachable:
            raise unreachable
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._switch_off(error)
            raise unreachable from error
