"""The memory backend's size limit (``state.max_entries``): what goes first, what is refused.

The four memory stores share one table, so the bound is tested through them together. Driven by
a manual clock, so expiry is exact. What every backend promises is in ``test_store.py``; the
Redis backend is bounded by Redis itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gateway.store import StoredResponse, StoreFull, StoreUnavailable
from gateway.store_memory import (
    MemoryCredentialStateStore,
    MemoryIdempotencyStore,
    MemoryRateLimiter,
    MemoryReplyCacheStore,
    MemoryTable,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


DAY = 24 * 3600.0


@dataclass
class Stores:
    """The four memory stores on one table, as ``gateway.state.open_state`` builds them."""

    table: MemoryTable
    rate: MemoryRateLimiter
    idem: MemoryIdempotencyStore
    cache: MemoryReplyCacheStore
    cred: MemoryCredentialStateStore

    def __len__(self) -> int:
        return len(self.table)


def store(max_entries: int) -> tuple[Stores, Clock]:
    clock = Clock()
    table = MemoryTable(clock, max_entries=max_entries)
    return (
        Stores(
            table,
            MemoryRateLimiter(table),
            MemoryIdempotencyStore(table),
            MemoryReplyCacheStore(table),
            MemoryCredentialStateStore(table),
        ),
        clock,
    )


async def test_never_more_than_max_entries_oldest_cache_entries_go_first() -> None:
    s, clock = store(100)
    for i in range(1000):
        await s.cache.set(f"{i}", b"x", 60.0)
        clock.now += 0.001
        assert len(s) <= 100
    assert len(s) == 100
    assert await s.cache.get("899") is None
    assert await s.cache.get("900") == b"x"
    assert await s.cache.get("999") == b"x"


async def test_expired_entries_go_before_live_ones() -> None:
    s, clock = store(3)
    await s.cache.set("old-but-long", b"a", 100.0)
    await s.cache.set("short", b"b", 1.0)
    await s.cache.set("new", b"c", 100.0)
    clock.now += 2.0  # "short" has expired
    await s.cache.set("d", b"d", 100.0)
    assert len(s) == 3
    assert await s.cache.get("old-but-long") == b"a"  # the expired one made room
    await s.cache.set("e", b"e", 100.0)  # nothing expired: the oldest cheap entry goes
    assert await s.cache.get("old-but-long") is None
    assert [await s.cache.get(k) for k in ("new", "d", "e")] == [b"c", b"d", b"e"]


async def test_idempotency_records_are_never_evicted_new_ones_refused_when_full() -> None:
    s, clock = store(3)
    assert await s.idem.begin("a", "fp-a", 900.0) == "new"
    await s.idem.finish("a", "fp-a", StoredResponse(200, {"ok": True}), DAY)
    assert await s.idem.begin("b", "fp-b", 900.0) == "new"
    await s.cache.set("x", b"x", 60.0)
    # Full: the cache entry makes room for an idempotency record...
    assert await s.idem.begin("c", "fp-c", 900.0) == "new"
    assert await s.cache.get("x") is None
    # ...but an idempotency record never makes room for anything.
    await s.cache.set("y", b"y", 60.0)
    assert await s.cache.get("y") is None  # not cached: costs a VICIdial call, no more
    with pytest.raises(StoreFull):
        await s.idem.begin("d", "fp-d", 900.0)
    assert issubclass(StoreFull, StoreUnavailable)
    # Nothing was forgotten: the finished call still replays, the running one is still running.
    assert await s.idem.begin("a", "fp-a", 900.0) == StoredResponse(200, {"ok": True})
    assert await s.idem.begin("b", "fp-b", 900.0) == "in_flight"
    # Finishing a running call needs no room (it replaces its own record).
    await s.idem.finish("c", "fp-c", StoredResponse(201, {"ok": True}), DAY)
    assert await s.idem.begin("c", "fp-c", 900.0) == StoredResponse(201, {"ok": True})
    # An aborted call frees its room; so does time.
    await s.idem.abort("b", "fp-b")
    assert await s.idem.begin("d", "fp-d", 900.0) == "new"
    clock.now += 901.0  # "d"'s in-flight record has expired
    assert await s.idem.begin("e", "fp-e", 900.0) == "new"
    assert len(s) == 3


async def test_credential_state_locks_and_rate_buckets_are_always_stored() -> None:
    """They are few (per configured credential and app) and must not be refused."""
    s, _ = store(2)
    for key in ("a", "b"):
        assert await s.idem.begin(key, "fp", 900.0) == "new"
    await s.cred.set("main:api-a", {"status": "failed"}, DAY)
    assert await s.cred.lock("main:api-a", 120.0) is True
    assert await s.cred.lock("main:api-a", 120.0) is False
    assert await s.rate.take("crm", 1.0, 1) == 0.0
    assert await s.rate.take("crm", 1.0, 1) > 0  # the bucket was kept: it is empty
    assert await s.cred.get("main:api-a") == {"status": "failed"}
    assert len(s) == 5


async def test_rate_buckets_are_forgotten_once_full_again() -> None:
    s, clock = store(1000)
    for app in range(100):
        assert await s.rate.take(f"app{app}", 10.0, 5) == 0.0
    assert len(s) == 100
    clock.now += 0.5  # 5 tokens at 10/s: every bucket is full again, so none needs keeping
    await s.cache.set("x", b"x", 60.0)
    assert len(s) == 1
    # Forgetting a full bucket changes nothing: a burst of 5, then the limit.
    assert [await s.rate.take("app0", 10.0, 5) == 0.0 for _ in range(6)] == [True] * 5 + [False]


async def test_rate_buckets_go_before_idempotency_records() -> None:
    s, _ = store(2)
    assert await s.rate.take("crm", 10.0, 5) == 0.0
    assert await s.idem.begin("a", "fp", 900.0) == "new"
    assert await s.idem.begin("b", "fp", 900.0) == "new"  # the bucket made room
    assert len(s) == 2
    assert await s.rate.take("crm", 10.0, 5) == 0.0  # a forgotten bucket is a full one


async def test_rewriting_a_key_keeps_one_entry_and_its_new_expiry() -> None:
    s, clock = store(10)
    for _ in range(1000):
        await s.cache.set("same", b"v", 5.0)
        clock.now += 1.0
    assert len(s) == 1
    clock.now += 3.5  # 4.5 s after the last write
    assert await s.cache.get("same") == b"v"  # the last write's expiry counts
    clock.now += 1.0
    assert await s.cache.get("same") is None
    assert len(s) == 0
