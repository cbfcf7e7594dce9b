"""``open_state``: the one place the ``state:`` section becomes the four stores.

Memory: one table for the four, bounded by ``state.max_entries``. Redis: one connection for the
four (its password, its prefix, one backoff), closed by ``State.close``. What each store
promises is in ``test_store.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import redis.asyncio as aioredis

from gateway.config import StateConfig
from gateway.secrets import Secret
from gateway.state import open_state
from gateway.store import StoreFull, StoreUnavailable

from .redis_server import (  # noqa: F401  (fixtures)
    RedisServer,
    find_binary,
    free_port,
    redis_prefix,
)

REDIS_PASS = "State-Pw_0313xyz"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def redis_with_password() -> Iterator[RedisServer]:
    binary = find_binary()
    if binary is None:
        pytest.fail("redis-server is not installed; see tests/redis_server.py")
    with RedisServer(binary, ("--requirepass", REDIS_PASS)) as server:
        yield server


async def test_memory_stores_share_one_table_of_state_max_entries() -> None:
    clock = Clock()
    state = open_state(StateConfig(backend="memory", max_entries=3), clock=clock)
    await state.reply_cache.set("h1", b"reply", 60.0)
    assert await state.idempotency.begin("crm:a", "fp", 900.0) == "new"
    assert await state.idempotency.begin("crm:b", "fp", 900.0) == "new"
    assert await state.idempotency.begin("crm:c", "fp", 900.0) == "new"  # the reply made room
    assert await state.reply_cache.get("h1") is None
    with pytest.raises(StoreFull):
        await state.idempotency.begin("crm:d", "fp", 900.0)
    # Credential state is stored whatever the bound; the table runs on the clock given.
    await state.credentials.set("main:api-a", {"status": "healthy"}, 86400.0)
    assert await state.credentials.get("main:api-a") == {"status": "healthy"}
    clock.now += 901.0
    assert await state.idempotency.begin("crm:d", "fp", 900.0) == "new"
    await state.close()


async def test_redis_stores_use_the_prefix_and_the_password(
    redis_with_password: RedisServer,
    redis_prefix: str,  # noqa: F811
) -> None:
    cfg = StateConfig(
        backend="redis",
        url=redis_with_password.url,
        prefix=redis_prefix,
        password=Secret(REDIS_PASS),
    )
    state = open_state(cfg)
    raw: Any = aioredis.Redis(host="127.0.0.1", port=redis_with_password.port, password=REDIS_PASS)
    try:
        assert await state.rate_limits.take("crm", 1.0, 1) == 0.0
        await state.reply_cache.set("h1", b"reply", 60.0)
        assert await raw.exists(f"{redis_prefix}:rate:crm", f"{redis_prefix}:cache:h1") == 2
    finally:
        await state.close()
        await raw.aclose()


async def test_redis_stores_share_one_connection_and_its_backoff() -> None:
    state = open_state(
        StateConfig(backend="redis", url=f"redis://127.0.0.1:{free_port()}/0", prefix="dead")
    )
    try:
        with pytest.raises(StoreUnavailable, match="ConnectionError"):
            await state.rate_limits.take("crm", 1.0, 1)
        # The rate limiter's failure is every store's: none of them tries Redis now.
        with pytest.raises(StoreUnavailable, match="recently unreachable"):
            await state.idempotency.begin("crm:a", "fp", 900.0)
        with pytest.raises(StoreUnavailable, match="recently unreachable"):
            await state.reply_cache.get("h1")
        with pytest.raises(StoreUnavailable, match="recently unreachable"):
            await state.credentials.lock("main:api-a", 120.0)
    finally:
        await state.close()


async def connected_clients(probe: Any, expected: int) -> int:
    """Redis's count of clients, once it is ``expected`` (Redis notices a closed connection a
    moment after the client closed it), or after a few seconds of asking."""
    for _ in range(200):
        count = int((await probe.info("clients"))["connected_clients"])
        if count == expected:
            break
        await asyncio.sleep(0.01)
    return count


async def test_close_lets_go_of_the_redis_connection() -> None:
    binary = find_binary()
    if binary is None:
        pytest.fail("redis-server is not installed; see tests/redis_server.py")
    with RedisServer(binary) as server:  # of its own: no other test's clients
        probe: Any = aioredis.Redis(host="127.0.0.1", port=server.port)
        try:
            assert await connected_clients(probe, 1) == 1  # the probe
            state = open_state(StateConfig(backend="redis", url=server.url, prefix="close"))
            await state.credentials.set("main:api-a", {"status": "healthy"}, 60.0)
            assert await state.reply_cache.get("h1") is None
            assert await state.rate_limits.take("crm", 1.0, 1) == 0.0
            assert await connected_clients(probe, 2) == 2  # one connection for the stores
            await state.close()
            assert await connected_clients(probe, 1) == 1
        finally:
            await probe.aclose()
