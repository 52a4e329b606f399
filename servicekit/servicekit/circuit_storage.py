"""Where a circuit breaker keeps its state: in Redis, shared by every instance of the calling
service, with the process's own copy to fall back on.

While Redis cannot answer (stopped, restarting, stalled) the breaker goes on counting and
opening on its own copy, and asks Redis again only after a pause: a call never waits on a sick
Redis more than once per pause, and short socket timeouts bound that one wait.
"""

import logging
import time
from datetime import UTC, datetime

import pybreaker
import redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 0.25


def breaker_redis(url: str) -> redis.Redis:
    """A Redis client for circuit state: it gives up in a quarter of a second."""
    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS)


class SharedCircuitStorage(pybreaker.CircuitBreakerStorage):
    def __init__(self, client: redis.Redis, namespace: str, *, pause_seconds: float = 5.0):
        super().__init__("redis")
        self._redis = client
        self._namespace = namespace
        self._pause_seconds = pause_seconds
        self._local = pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)
        self._redis_back_at = 0.0

    def _key(self, name: str) -> str:
        return f"{self._namespace}:{name}"

    def _shared(self, operation, fallback):
        """operation(redis) while Redis answers; fallback() while it does not."""
        if time.monotonic() >= self._redis_back_at:
            try:
                return operation(self._redis)
            except RedisError as exc:
                logger.warning("circuit %s: Redis unavailable (%s); this process's copy is used", self._namespace, exc)
                self._redis_back_at = time.monotonic() + self._pause_seconds
        return fallback()

    def _read_int(self, name: str, local_value) -> int:
        return self._shared(lambda r: int(r.get(self._key(name)) or 0), lambda: local_value)

    # Writes go to both copies, so the local one is current when Redis goes away.
    @property
    def state(self) -> str:
        def read(r):
            value = r.get(self._key("state"))
            return value.decode() if value else pybreaker.STATE_CLOSED

        return self._shared(read, lambda: self._local.state)

    @state.setter
    def state(self, state: str) -> None:
        self._local.state = state
        self._shared(lambda r: r.set(self._key("state"), str(state)), lambda: None)

    def increment_counter(self) -> None:
        self._local.increment_counter()
        self._shared(lambda r: r.incr(self._key("fail_counter")), lambda: None)

    def reset_counter(self) -> None:
        self._local.reset_counter()
        self._shared(lambda r: r.set(self._key("fail_counter"), 0), lambda: None)

    def increment_success_counter(self) -> None:
        self._local.increment_success_counter()
        self._shared(lambda r: r.incr(self._key("success_counter")), lambda: None)

    def reset_success_counter(self) -> None:
        self._local.reset_success_counter()
        self._shared(lambda r: r.set(self._key("success_counter"), 0), lambda: None)

    @property
    def counter(self) -> int:
        return self._read_int("fail_counter", self._local.counter)

    @property
    def success_counter(self) -> int:
        return self._read_int("success_counter", self._local.success_counter)

    @property
    def opened_at(self) -> datetime | None:
        def read(r):
            value = r.get(self._key("opened_at"))
            return datetime.fromtimestamp(int(value), tz=UTC) if value else None

        return self._shared(read, lambda: self._local.opened_at)

    @opened_at.setter
    def opened_at(self, when: datetime) -> None:
        self._local.opened_at = when
        self._shared(lambda r: r.set(self._key("opened_at"), int(when.timestamp())), lambda: None)
