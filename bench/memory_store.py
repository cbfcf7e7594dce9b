"""The memory store's cost per operation as it grows: before and after the size limit.

    .venv/bin/python bench/memory_store.py [--sizes 10000 100000 1000000]

"before" is the store as it was until the size limit came (a dict whose writes, past 100,000
entries, each scanned the whole dict for expired entries on the event loop); "after" is
``gateway.store_memory.MemoryTable`` (here under the reply cache's store): a heap of expiry times
and an eviction order, with ``max_entries`` set just above the size (no eviction), then at the
size (every write evicts). Each store is filled with N live entries first; the numbers are
microseconds per ``set`` (put, a new key) and ``get`` (get, an existing key).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from typing import Any

from gateway.store_memory import MemoryReplyCacheStore, MemoryTable

TTL = 24 * 3600.0


class BeforeStore:
    """The memory backend's put and get as they were before ``state.max_entries``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._values: dict[str, tuple[float, Any]] = {}

    def _get(self, key: str) -> Any:
        item = self._values.get(key)
        if item is None:
            return None
        if item[0] <= self.clock():
            del self._values[key]
            return None
        return item[1]

    def _put(self, key: str, value: Any, ttl: float) -> None:
        self._values[key] = (self.clock() + ttl, value)
        if len(self._values) > 100_000:  # drop expired entries now and then
            now = self.clock()
            for k in [k for k, (exp, _v) in self._values.items() if exp <= now]:
                del self._values[k]

    async def get(self, key: str) -> bytes | None:
        value = self._get(key)
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        self._put(key, value, ttl)


async def per_op(store: Any, size: int, ops: int) -> tuple[float, float]:
    """Microseconds per put (new keys) and per get (existing keys)."""
    t0 = time.perf_counter()
    for i in range(ops):
        await store.set(f"new:{i}", b"v", TTL)
    put = (time.perf_counter() - t0) / ops * 1e6
    t0 = time.perf_counter()
    for i in range(ops):
        await store.get(f"k:{(i * 7919) % size}")
    get = (time.perf_counter() - t0) / ops * 1e6
    return put, get


async def fill_after(store: MemoryReplyCacheStore, size: int) -> None:
    for i in range(size):
        await store.set(f"k:{i}", b"v", TTL)


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = p.parse_args()
    print("microseconds per operation on a store already holding N live entries")
    print(
        f"{'N':>10} | {'before put':>11} {'before get':>11} | {'after put':>10} "
        f"{'after get':>10} | {'full: put+evict':>15}"
    )
    for size in args.sizes:
        before = BeforeStore()
        now = before.clock()
        # Filled directly: through its own put, filling a million would take hours.
        before._values = {f"k:{i}": (now + TTL, b"v") for i in range(size)}
        # A scan of N entries per put past 100,000: few operations are enough to see it.
        slow_ops = 20 if size > 100_000 else 200
        b_put, b_get = await per_op(before, size, slow_ops if size >= 100_000 else 5000)
        del before
        roomy = MemoryReplyCacheStore(MemoryTable(max_entries=size + 10_000))
        await fill_after(roomy, size)
        a_put, a_get = await per_op(roomy, size, 5000)
        del roomy
        full = MemoryReplyCacheStore(MemoryTable(max_entries=size))
        await fill_after(full, size)
        f_put, _ = await per_op(full, size, 5000)
        del full
        print(
            f"{size:>10,} | {b_put:>11.1f} {b_get:>11.2f} | {a_put:>10.2f} {a_get:>10.2f} | "
            f"{f_put:>15.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
