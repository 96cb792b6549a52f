"""The shared cache: Redis, with a way down when Redis does not answer.

The cache holds the login and API rate limits (common.ratelimit, DRF's throttles). When
Redis is unreachable, each process counts in its own memory until Redis answers again,
and says so once in the log.

Why a local fallback and not failing open: the login limit is what stands between a
password guesser and the accounts. Failing open would lift it exactly while Redis is out
(and make knocking Redis over the way to unlimited guesses); failing closed would lock
everyone out of a service that otherwise works. Counting per process keeps a limit –
looser by the number of web processes, forgotten at a restart – and needs nothing
shared. django-axes' username-and-address lockout lives in the database and does not
depend on the cache at all.

Why a pause after a failure: a request must not wait for Redis on each of its cache
calls. After one failure the process leaves Redis alone for RETRY_AFTER_SECONDS, so a
request pays the (short) connect timeout at most once per interval, not per call.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
FALLBACK_MAX_ENTRIES = 10_000
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

# Per process, shared by its threads (Django makes one cache object per thread).
_down_until: dict[str, float] = {}
_lock = threading.Lock()


def _where(server: str | list[str] | tuple[str, ...]) -> str:
    """host:port/db of the first server, without a password that the URL may carry."""
    location = server[0] if isinstance(server, list | tuple) else str(server).split(",")[0]
    parts = urlsplit(location)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path}"


def _degradable(name: str) -> Callable[..., Any]:
    def method(self: "RedisCacheWithLocalFallback", *args: Any, **kwargs: Any) -> Any:
        if self._redis_resting():
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            result = getattr(RedisCache, name)(self, *args, **kwargs)
        except UNREACHABLE as error:
            self._redis_failed(error)
            return getattr(self._fallback, name)(*args, **kwargs)
        self._redis_answered()
        return result

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or this process's memory while Redis is down."
    return method


class RedisCacheWithLocalFallback(RedisCache):
    """Django's RedisCache; while Redis is unreachable, a LocMemCache per process."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._where = _where(server)
        fallback_params = {
            key: params[key]
            for key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
            if key in params
        }
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        # LocMemCache keeps its data per name and process, so every thread shares it.
        self._fallback = LocMemCache(f"redis-fallback:{self._where}", fallback_params)

    def _redis_resting(self) -> bool:
        return time.monotonic() < _down_until.get(self._where, 0.0)

    def _redis_failed(self, error: Exception) -> None:
        with _lock:
            first = self._where not in _down_until
            _down_until[self._where] = time.monotonic() + RETRY_AFTER_SECONDS
        if first:
            logger.warning(
                "Redis cache at %s is unreachable (%s): rate limits count in this "
                "process's memory until it answers; retrying every %d s",
                self._where,
                error.__class__.__name__,
                RETRY_AFTER_SECONDS,
            )

    def _redis_answered(self) -> None:
        if self._where in _down_until:
            with _lock:
                if _down_until.pop(self._where, None) is not None:
                    logger.info("Redis cache at %s answers again", self._where)

    add = _degradable("add")
    get = _degradable("get")
    set = _degradable("set")
    touch = _degradable("touch")
    delete = _degradable("delete")
    get_many = _degradable("get_many")
    has_key = _degradable("has_key")
    incr = _degradable("incr")
    set_many = _degradable("set_many")
    delete_many = _degradable("delete_many")
    clear = _degradable("clear")
