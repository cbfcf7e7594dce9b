"""The memory backend of the state protocols (``state.backend: memory``, the default).

One process only: its four stores share one :class:`MemoryTable`, which holds at most
``state.max_entries`` entries and decides what goes when it is full. Each store may also be
built alone (it then has a table of its own)::

    table = MemoryTable(max_entries=100_000)
    limiter, cache = MemoryRateLimiter(table), MemoryReplyCacheStore(table)
"""

from __future__ import annotations

import enum
import heapq
import itertools
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
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
    StoreFull,
)

# The table's default size limit (state.max_entries).
DEFAULT_MAX_ENTRIES = 100_000


class Kind(enum.Enum):
    """The table's entries, by what losing one costs (see :class:`MemoryTable`)."""

    CACHE = "cache"  # a cached reply: evicted first, or not stored when there is no room
    BUCKET = "bucket"  # a rate-limit bucket: evicted like a cached reply, but always stored
    KEPT = "kept"  # credential state, probe locks: never evicted, always stored
    IDEM = "idem"  # an idempotency record: never evicted; a new one is refused when no room


_EVICTABLE = (Kind.CACHE, Kind.BUCKET)


@dataclass(slots=True)
class _Entry:
    expires: float
    value: Any
    kind: Kind
    seq: int  # the write this entry is from (older heap items for the key are stale)


class MemoryTable:
    """Entries with a time to live, at most ``max_entries`` of them.

    Every entry expires. When a new key finds the table full, what goes first:

    1. expired entries (a heap of expiry times; items left behind by rewrites or deletions are
       skipped when they come up, and the heap is rebuilt when they outnumber the entries);
    2. the least recently written cached reply or rate-limit bucket (losing one costs a
       VICIdial call, or gives an app one burst more);
    3. nothing else: idempotency records are a promise of "at most once" and are never
       forgotten before their time, so a *new* idempotency record is refused
       (:class:`~gateway.store.StoreFull`, the call gets 503) and a reply is not cached.
       Credential state, probe locks and rate-limit buckets are stored anyway: there are at
       most a few per configured credential and app.

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

    def get(self, key: str) -> Any:
        """The live value of ``key``, or None."""
        item = self._entries.get(key)
        if item is None:
            return None
        if item.expires <= self.clock():
            self.delete(key)
            return None
        return item.value

    def delete(self, key: str) -> None:
        self._entries.pop(key, None)
        self._evictable.pop(key, None)

    def put(self, key: str, value: Any, ttl: float, kind: Kind) -> bool:
        """Write ``key``; False when it was not stored (no room for a cached reply).

        Raises :class:`~gateway.store.StoreFull` for a new idempotency record with no room.
        """
        now = self.clock()
        self._purge(now)
        if not self._room(key):
            if kind is Kind.IDEM:
                raise StoreFull(f"the memory store holds its maximum of {self.max_entries}")
            if kind is Kind.CACHE:
                return False
        seq = next(self._seq)
        self._entries[key] = _Entry(now + ttl, value, kind, seq)
        heapq.heappush(self._expiry, (now + ttl, seq, key))
        if kind in _EVICTABLE:
            self._evictable[key] = None
            self._evictable.move_to_end(key)
        if len(self._expiry) > 2 * len(self._entries) + 64:
            self._expiry = [(e.expires, e.seq, k) for k, e in self._entries.items()]
            heapq.heapify(self._expiry)
        return True

    def _purge(self, now: float) -> None:
        heap = self._expiry
        while heap and heap[0][0] <= now:
            _expires, seq, key = heapq.heappop(heap)
            item = self._entries.get(key)
            if item is not None and item.seq == seq:
                self.delete(key)

    def _room(self, key: str) -> bool:
        """Whether ``key`` can be written without going over max_entries (after evicting)."""
        if key in self._entries or len(self._entries) < self.max_entries:
            return True
        if self._evictable:
            oldest, _ = self._evictable.popitem(last=False)
            del self._entries[oldest]
            return True
        return False


class MemoryRateLimiter:
    """:class:`~gateway.store.RateLimiter` on the table's clock."""

    def __init__(self, table: MemoryTable | None = None) -> None:
        self.table = table if table is not None else MemoryTable()

    async def take(self, key: str, rate: float, burst: int) -> float:
        key = RATE + key
        now = self.table.clock()
        tokens, at = self.table.get(key) or (float(burst), now)
        tokens = min(float(burst), tokens + max(0.0, now - at) * rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / rate
        # Kept until it would be full again: forgetting it then changes nothing.
        self.table.put(key, (tokens, now), (burst - tokens) / rate, Kind.BUCKET)
        return wait


class MemoryIdempotencyStore:
    """:class:`~gateway.store.IdempotencyStore`; records are never evicted (see the table)."""

    def __init__(self, table: MemoryTable | None = None) -> None:
        self.table = table if table is not None else MemoryTable()

    async def begin(self, key: str, fingerprint: str, ttl: float) -> Begin | StoredResponse:
        key = IDEMPOTENCY + key
        record = self.table.get(key)
        if record is None:
            self.table.put(key, {"fp": fingerprint, "state": "in_flight"}, ttl, Kind.IDEM)
            return "new"
        if record["fp"] != fingerprint:
            return "mismatch"
        if record["state"] == "in_flight":
            return "in_flight"
        return StoredResponse.of(record)

    async def finish(
        self, key: str, fingerprint: str, response: StoredResponse, ttl: float
    ) -> None:
        self.table.put(IDEMPOTENCY + key, response.record(fingerprint), ttl, Kind.IDEM)

    async def abort(self, key: str, fingerprint: str) -> None:
        key = IDEMPOTENCY + key
        record = self.table.get(key)
        if record is not None and record["fp"] == fingerprint and record["state"] == "in_flight":
            self.table.delete(key)


class MemoryReplyCacheStore:
    """:class:`~gateway.store.ReplyCacheStore`; a reply is the first thing to go when full."""

    def __init__(self, table: MemoryTable | None = None) -> None:
        self.table = table if table is not None else MemoryTable()

    async def get(self, key: str) -> bytes | None:
        value = self.table.get(REPLY_CACHE + key)
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        self.table.put(REPLY_CACHE + key, value, ttl, Kind.CACHE)


class MemoryCredentialStateStore:
    """:class:`~gateway.store.CredentialStateStore`; always stored, never evicted."""

    def __init__(self, table: MemoryTable | None = None) -> None:
        self.table = table if table is not None else MemoryTable()

    async def get(self, key: str) -> dict[str, Any] | None:
        value = self.table.get(CREDENTIAL + key)
        return dict(value) if isinstance(value, dict) else None

    async def set(self, key: str, value: dict[str, Any], ttl: float) -> None:
        self.table.put(CREDENTIAL + key, dict(value), ttl, Kind.KEPT)

    async def lock(self, key: str, ttl: float) -> bool:
        key = CREDENTIAL + key + PROBE
        if self.table.get(key) is not None:
            return False
        self.table.put(key, True, ttl, Kind.KEPT)
        return True

    async def unlock(self, key: str) -> None:
        self.table.delete(CREDENTIAL + key + PROBE)


class MemoryAgentLocks:
    """:class:`~gateway.store.AgentLocks` in the table: never evicted while held."""

    def __init__(self, table: MemoryTable) -> None:
        self.table = table

    async def acquire(self, key: str, token: str, ttl: float) -> bool:
        key = AGENT + key
        if self.table.get(key) is not None:
            return False
        self.table.put(key, token, ttl, Kind.KEPT)
        return True

    async def release(self, key: str, token: str) -> None:
        key = AGENT + key
        if self.table.get(key) == token:
            self.table.delete(key)
