"""The Redis backend of the state protocols (``state.backend: redis``): shared by replicas.

Its four stores share one :class:`RedisConnection`: one client, the key prefix
(``state.prefix``, so one Redis can serve several gateways) and the fail-fast backoff. Nothing
secret is stored (credential state carries keyed fingerprints only)::

    redis = RedisConnection("redis://127.0.0.1:6379/0", "vicigw")
    limiter = RedisRateLimiter(redis)  # keys vicigw:rate:<app>
    ...
    await redis.close()
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from .store import (
    AGENT,
    CREDENTIAL,
    IDEMPOTENCY,
    PROBE,
    RATE,
    REPLY_CACHE,
    Begin,
    StoredResponse,
    StoreUnavailable,
)

# After Redis failed to answer, this long without trying it again (calls fail fast meanwhile).
DOWN_BACKOFF_SECONDS = 2.0


class RedisConnection:
    """One Redis client for the four Redis stores.

    After a failed operation, every operation fails at once (:class:`StoreUnavailable`) for
    :data:`DOWN_BACKOFF_SECONDS` instead of making each call wait for Redis's connect timeout.
    """

    def __init__(
        self,
        url: str,
        prefix: str = "vicigw",
        *,
        timeout: float = 2.0,
        password: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import redis.asyncio as aioredis

        # ``password`` (state.password) is passed beside the URL, which never holds one.
        self.client = aioredis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            decode_responses=False,
            password=password,
        )
        self.prefix = prefix
        self.clock = clock
        self._down_until = 0.0

    def key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    async def run(self, operation: Any) -> Any:
        """Await one Redis operation (a coroutine); after a failure, fail fast for a moment."""
        import redis.exceptions

        if self.clock() < self._down_until:
            operation.close()
            raise StoreUnavailable("recently unreachable")
        try:
            return await operation
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
            self._down_until = self.clock() + DOWN_BACKOFF_SECONDS
            raise StoreUnavailable(type(exc).__name__) from None

    async def close(self) -> None:
        await self.client.aclose()


# Token bucket on the Redis server's own clock, so replicas with skewed clocks agree.
_TAKE_TOKEN = """
redis.replicate_commands()  -- Redis < 7: allow writes after TIME (a no-op from 7 on)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local data = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(data[1])
local at = tonumber(data[2])
if tokens == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""

_IDEM_BEGIN = """
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], cjson.encode({fp = ARGV[1], state = 'in_flight'}),
             'PX', tonumber(ARGV[2]))
  return 'new'
end
local rec = cjson.decode(cur)
if rec.fp ~= ARGV[1] then return 'mismatch' end
if rec.state == 'in_flight' then return 'in_flight' end
return cur
"""

_IDEM_ABORT = """
local cur = redis.call('GET', KEYS[1])
if cur then
  local rec = cjson.decode(cur)
  if rec.fp == ARGV[1] and rec.state == 'in_flight' then redis.call('DEL', KEYS[1]) end
end
return 0
"""


_AGENT_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisRateLimiter:
    """:class:`~gateway.store.RateLimiter`: an atomic Lua token bucket, a hash per key."""

    def __init__(self, redis: RedisConnection) -> None:
        self.redis = redis
        self._take = redis.client.register_script(_TAKE_TOKEN)

    async def take(self, key: str, rate: float, burst: int) -> float:
        r = self.redis
        wait = await r.run(self._take(keys=[r.key(RATE + key)], args=[rate, burst]))
        return float(wait)


class RedisIdempotencyStore:
    """:class:`~gateway.store.IdempotencyStore`: a JSON record per key, begun and aborted by
    Lua scripts so two replicas never both start the same call."""

    def __init__(self, redis: RedisConnection) -> None:
        self.redis = redis
        self._begin = redis.client.register_script(_IDEM_BEGIN)
        self._abort = redis.client.register_script(_IDEM_ABORT)

    async def begin(self, key: str, fingerprint: str, ttl: float) -> Begin | StoredResponse:
        r = self.redis
        got = await r.run(
            self._begin(keys=[r.key(IDEMPOTENCY + key)], args=[fingerprint, int(ttl * 1000)])
        )
        text = got.decode() if isinstance(got, bytes) else str(got)
        if text in ("new", "in_flight", "mismatch"):
            return text  # type: ignore[return-value]
        return StoredResponse.of(json.loads(text))

    async def finish(
        self, key: str, fingerprint: str, response: StoredResponse, ttl: float
    ) -> None:
        r = self.redis
        record = json.dumps(response.record(fingerprint))
        await r.run(r.client.set(r.key(IDEMPOTENCY + key), record, px=int(ttl * 1000)))

    async def abort(self, key: str, fingerprint: str) -> None:
        r = self.redis
        await r.run(self._abort(keys=[r.key(IDEMPOTENCY + key)], args=[fingerprint]))


class RedisReplyCacheStore:
    """:class:`~gateway.store.ReplyCacheStore`: the reply's bytes, expiring in Redis."""

    def __init__(self, redis: RedisConnection) -> None:
        self.redis = redis

    async def get(self, key: str) -> bytes | None:
        r = self.redis
        value = await r.run(r.client.get(r.key(REPLY_CACHE + key)))
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        r = self.redis
        await r.run(r.client.set(r.key(REPLY_CACHE + key), value, px=max(1, int(ttl * 1000))))


class RedisCredentialStateStore:
    """:class:`~gateway.store.CredentialStateStore`: a JSON record per credential; the probe
    lock is ``SET NX`` on a key of its own."""

    def __init__(self, redis: RedisConnection) -> None:
        self.redis = redis

    async def get(self, key: str) -> dict[str, Any] | None:
        r = self.redis
        value = await r.run(r.client.get(r.key(CREDENTIAL + key)))
        if value is None:
            return None
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else None

    async def set(self, key: str, value: dict[str, Any], ttl: float) -> None:
        r = self.redis
        await r.run(r.client.set(r.key(CREDENTIAL + key), json.dumps(value), px=int(ttl * 1000)))

    async def lock(self, key: str, ttl: float) -> bool:
        r = self.redis
        got = await r.run(
            r.client.set(r.key(CREDENTIAL + key + PROBE), b"1", nx=True, px=int(ttl * 1000))
        )
        return bool(got)

    async def unlock(self, key: str) -> None:
        r = self.redis
        await r.run(r.client.delete(r.key(CREDENTIAL + key + PROBE)))


class RedisAgentLocks:
    """:class:`~gateway.store.AgentLocks`: ``SET NX PX`` with the call's token; released by a
    Lua script only by the token that holds it."""

    def __init__(self, redis: RedisConnection) -> None:
        self.redis = redis
        self._release = redis.client.register_script(_AGENT_RELEASE)

    async def acquire(self, key: str, token: str, ttl: float) -> bool:
        r = self.redis
        got = await r.run(r.client.set(r.key(AGENT + key), token, nx=True, px=int(ttl * 1000)))
        return bool(got)

    async def release(self, key: str, token: str) -> None:
        r = self.redis
        await r.run(self._release(keys=[r.key(AGENT + key)], args=[token]))
