"""State that several gateway replicas must share: in memory (one process) or in Redis.

What lives here: rate-limit buckets, idempotency records, the short cache of read-only lists, and
what is known about each VICIdial credential. Each operation is atomic in both backends (Redis:
one Lua script or one command), so two replicas never both take the last token, both start the
same idempotent call, or both probe the same failed credential.

When Redis cannot be reached every operation raises :class:`StoreUnavailable`; each caller
decides what that means (rate limits fail open, idempotency fails closed with 503, credential
state falls back to this process's own knowledge). See the README.
"""

from __future__ import annotations

import heapq
import itertools
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Begin = Literal["new", "in_flight", "mismatch"]


# After Redis failed to answer, this long without trying it again (calls fail fast meanwhile).
DOWN_BACKOFF_SECONDS = 2.0
# The memory backend's default size limit (state.max_entries).
DEFAULT_MAX_ENTRIES = 100_000


class StoreUnavailable(Exception):
    """The shared store could not be reached, or cannot take a new idempotency record."""


class StoreFull(StoreUnavailable):
    """The memory store is full of entries it must keep (a new idempotency record is refused)."""


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]


class Store(Protocol):
    async def take_token(self, key: str, rate: float, burst: int) -> float:
        """Take one token; 0 when allowed, else the seconds until one is available."""
        ...

    async def idem_begin(
        self, key: str, fingerprint: str, ttl: float
    ) -> Begin | StoredResponse: ...

    async def idem_finish(
        self, key: str, fingerprint: str, response: StoredResponse, ttl: float
    ) -> None: ...

    async def idem_abort(self, key: str, fingerprint: str) -> None: ...

    async def cache_get(self, key: str) -> bytes | None: ...

    async def cache_set(self, key: str, value: bytes, ttl: float) -> None: ...

    async def get_json(self, key: str) -> dict[str, Any] | None: ...

    async def set_json(self, key: str, value: dict[str, Any], ttl: float) -> None: ...

    async def lock(self, key: str, ttl: float) -> bool:
        """Take a short exclusive lock (e.g. one probe of a credential); False if held."""
        ...

    async def unlock(self, key: str) -> None: ...

    async def close(self) -> None: ...


# The memory backend's entries, by what losing one costs (see MemoryStore).
_CACHE = 0  # a cached reply: evicted first, or not stored when there is no room
_BUCKET = 1  # a rate-limit bucket: evicted like a cached reply, but always stored
_KEPT = 2  # credential state, probe locks: never evicted, always stored
_IDEM = 3  # an idempotency record: never evicted; a new one is refused when there is no room


@dataclass(slots=True)
class _Entry:
    expires: float
    value: Any
    kind: int
    seq: int  # the write this entry is from (older heap items for the key are stale)


class MemoryStore:
    """The single-process backend (the default), holding at most ``max_entries`` entries.

    Every entry expires. When a new key finds the store full, what goes first:

    1. expired entries (a heap of expiry times; items left behind by rewrites or deletions are
       skipped when they come up, and the heap is rebuilt when they outnumber the entries);
    2. the least recently written cached reply or rate-limit bucket (losing one costs a
       VICIdial call, or gives an app one burst more);
    3. nothing else: idempotency records are a promise of "at most once" and are never
       forgotten before their time, so a *new* idempotency record is refused
       (:class:`StoreFull`, the call gets 503) and a reply is not cached. Credential state,
       probe locks and rate-limit buckets are stored anyway: there are at most a few per
       configured credential and app.

    Every operation costs O(log n) (amortised), whatever the size.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        self.clock = clock
        self.max_entries = max_entries
        self._entries: dict[str, _Entry] = {}
        self._expiry: list[tuple[float, int, str]] = []  # heap of (expires, seq, key)
        self._evictable: OrderedDict[str, None] = OrderedDict()  # least recently written first
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._entries)

    def _get(self, key: str) -> Any:
        item = self._entries.get(key)
        if item is None:
            return None
        if item.expires <= self.clock():
            self._delete(key)
            return None
        return item.value

    def _delete(self, key: str) -> None:
        self._entries.pop(key, None)
        self._evictable.pop(key, None)

    def _purge(self, now: float) -> None:
        heap = self._expiry
        while heap and heap[0][0] <= now:
            _expires, seq, key = heapq.heappop(heap)
            item = self._entries.get(key)
            if item is not None and item.seq == seq:
                self._delete(key)

    def _room(self, key: str) -> bool:
        """Whether ``key`` can be written without going over max_entries (after evicting)."""
        if key in self._entries or len(self._entries) < self.max_entries:
            return True
        if self._evictable:
            oldest, _ = self._evictable.popitem(last=False)
            del self._entries[oldest]
            return True
        return False

    def _put(self, key: str, value: Any, ttl: float, kind: int) -> bool:
        """Write ``key``; False when it was not stored (no room for a cached reply)."""
        now = self.clock()
        self._purge(now)
        if not self._room(key):
            if kind == _IDEM:
                raise StoreFull(f"the memory store holds its maximum of {self.max_entries}")
            if kind == _CACHE:
                return False
        seq = next(self._seq)
        self._entries[key] = _Entry(now + ttl, value, kind, seq)
        heapq.heappush(self._expiry, (now + ttl, seq, key))
        if kind in (_CACHE, _BUCKET):
            self._evictable[key] = None
            self._evictable.move_to_end(key)
        if len(self._expiry) > 2 * len(self._entries) + 64:
            self._expiry = [(e.expires, e.seq, k) for k, e in self._entries.items()]
            heapq.heapify(self._expiry)
        return True

    async def take_token(self, key: str, rate: float, burst: int) -> float:
        now = self.clock()
        tokens, at = self._get(key) or (float(burst), now)
        tokens = min(float(burst), tokens + max(0.0, now - at) * rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / rate
        # Kept until it would be full again: forgetting it then changes nothing.
        self._put(key, (tokens, now), (burst - tokens) / rate, _BUCKET)
        return wait

    async def idem_begin(self, key: str, fingerprint: str, ttl: float) -> Begin | StoredResponse:
        record = self._get(key)
        if record is None:
            self._put(key, {"fp": fingerprint, "state": "in_flight"}, ttl, _IDEM)
            return "new"
        if record["fp"] != fingerprint:
            return "mismatch"
        if record["state"] == "in_flight":
            return "in_flight"
        return StoredResponse(record["status"], record["body"])

    async def idem_finish(
        self, key: str, fingerprint: str, response: StoredResponse, ttl: float
    ) -> None:
        record = {
            "fp": fingerprint,
            "state": "done",
            "status": response.status,
            "body": response.body,
        }
        self._put(key, record, ttl, _IDEM)

    async def idem_abort(self, key: str, fingerprint: str) -> None:
        record = self._get(key)
        if record is not None and record["fp"] == fingerprint and record["state"] == "in_flight":
            self._delete(key)

    async def cache_get(self, key: str) -> bytes | None:
        value = self._get(key)
        return value if isinstance(value, bytes) else None

    async def cache_set(self, key: str, value: bytes, ttl: float) -> None:
        self._put(key, value, ttl, _CACHE)

    async def get_json(self, key: str) -> dict[str, Any] | None:
        value = self._get(key)
        return dict(value) if isinstance(value, dict) else None

    async def set_json(self, key: str, value: dict[str, Any], ttl: float) -> None:
        self._put(key, dict(value), ttl, _KEPT)

    async def lock(self, key: str, ttl: float) -> bool:
        if self._get(key) is not None:
            return False
        self._put(key, True, ttl, _KEPT)
        return True

    async def unlock(self, key: str) -> None:
        self._delete(key)

    async def close(self) -> None:
        return None


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


class RedisStore:
    """The shared backend. Keys are prefixed (``state.prefix``) so one Redis can serve several
    gateways; nothing secret is stored (credential state carries keyed fingerprints only)."""

    def __init__(
        self,
        url: str,
        prefix: str = "vicigw",
        *,
        timeout: float = 2.0,
        password: str | None = None,
    ) -> None:
        import redis.asyncio as aioredis

        # ``password`` (state.password) is passed beside the URL, which never holds one.
        self._redis = aioredis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            decode_responses=False,
            password=password,
        )
        self._prefix = prefix
        self._down_until = 0.0
        self._take = self._redis.register_script(_TAKE_TOKEN)
        self._begin = self._redis.register_script(_IDEM_BEGIN)
        self._abort = self._redis.register_script(_IDEM_ABORT)

    def _k(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    async def _run(self, coro: Any) -> Any:
        """Run one Redis operation; after a failure, fail fast for a moment instead of making
        every call wait for Redis's connect timeout again."""
        import redis.exceptions

        if time.monotonic() < self._down_until:
            coro.close()
            raise StoreUnavailable("recently unreachable")
        try:
            return await coro
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
            self._down_until = time.monotonic() + DOWN_BACKOFF_SECONDS
            raise StoreUnavailable(type(exc).__name__) from None

    async def take_token(self, key: str, rate: float, burst: int) -> float:
        wait = await self._run(self._take(keys=[self._k(key)], args=[rate, burst]))
        return float(wait)

    async def idem_begin(self, key: str, fingerprint: str, ttl: float) -> Begin | StoredResponse:
        got = await self._run(self._begin(keys=[self._k(key)], args=[fingerprint, int(ttl * 1000)]))
        text = got.decode() if isinstance(got, bytes) else str(got)
        if text in ("new", "in_flight", "mismatch"):
            return text  # type: ignore[return-value]
        record = json.loads(text)
        return StoredResponse(int(record["status"]), record["body"])

    async def idem_finish(
        self, key: str, fingerprint: str, response: StoredResponse, ttl: float
    ) -> None:
        record = {
            "fp": fingerprint,
            "state": "done",
            "status": response.status,
            "body": response.body,
        }
        await self._run(self._redis.set(self._k(key), json.dumps(record), px=int(ttl * 1000)))

    async def idem_abort(self, key: str, fingerprint: str) -> None:
        await self._run(self._abort(keys=[self._k(key)], args=[fingerprint]))

    async def cache_get(self, key: str) -> bytes | None:
        value = await self._run(self._redis.get(self._k(key)))
        return value if isinstance(value, bytes) else None

    async def cache_set(self, key: str, value: bytes, ttl: float) -> None:
        await self._run(self._redis.set(self._k(key), value, px=max(1, int(ttl * 1000))))

    async def get_json(self, key: str) -> dict[str, Any] | None:
        value = await self._run(self._redis.get(self._k(key)))
        if value is None:
            return None
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else None

    async def set_json(self, key: str, value: dict[str, Any], ttl: float) -> None:
        await self._run(self._redis.set(self._k(key), json.dumps(value), px=int(ttl * 1000)))

    async def lock(self, key: str, ttl: float) -> bool:
        got = await self._run(self._redis.set(self._k(key), b"1", nx=True, px=int(ttl * 1000)))
        return bool(got)

    async def unlock(self, key: str) -> None:
        await self._run(self._redis.delete(self._k(key)))

    async def close(self) -> None:
        await self._redis.aclose()
