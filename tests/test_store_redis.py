"""What only the Redis backend does: where its data lives, and what it does when Redis is gone.

- The keys and formats are those replicas (and earlier versions of the gateway) wrote: data
  already in Redis keeps its meaning.
- Any failure becomes :class:`~gateway.store.StoreUnavailable`, and after one, every operation
  of every store fails at once for 2 seconds (an injected clock here) without touching Redis,
  then Redis is tried again.

Against private ``redis-server`` processes (``tests/redis_server.py``). The contract both
backends keep is in ``test_store.py``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from gateway.store import StoredResponse, StoreUnavailable
from gateway.store_redis import (
    RedisConnection,
    RedisCredentialStateStore,
    RedisIdempotencyStore,
    RedisRateLimiter,
    RedisReplyCacheStore,
)

from .redis_server import (  # noqa: F401  (fixtures)
    RedisServer,
    find_binary,
    free_port,
    redis_prefix,
    redis_server,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def connection(
    redis_server: RedisServer,  # noqa: F811
    redis_prefix: str,  # noqa: F811
) -> AsyncIterator[RedisConnection]:
    conn = RedisConnection(redis_server.url, redis_prefix)
    try:
        yield conn
    finally:
        await conn.close()


def operations(conn: RedisConnection) -> dict[str, Callable[[], Awaitable[object]]]:
    """Every operation of the four Redis stores on ``conn``, by name."""
    rate = RedisRateLimiter(conn)
    idem = RedisIdempotencyStore(conn)
    cache = RedisReplyCacheStore(conn)
    cred = RedisCredentialStateStore(conn)
    done = StoredResponse(200, {"ok": True})
    return {
        "rate.take": lambda: rate.take("crm", 1.0, 5),
        "idem.begin": lambda: idem.begin("crm:k", "fp", 900.0),
        "idem.finish": lambda: idem.finish("crm:k", "fp", done, 900.0),
        "idem.abort": lambda: idem.abort("crm:k", "fp"),
        "cache.get": lambda: cache.get("h"),
        "cache.set": lambda: cache.set("h", b"v", 60.0),
        "cred.get": lambda: cred.get("main:api-a"),
        "cred.set": lambda: cred.set("main:api-a", {"status": "healthy"}, 900.0),
        "cred.lock": lambda: cred.lock("main:api-a", 120.0),
        "cred.unlock": lambda: cred.unlock("main:api-a"),
    }


OPERATIONS = [
    "rate.take",
    "idem.begin",
    "idem.finish",
    "idem.abort",
    "cache.get",
    "cache.set",
    "cred.get",
    "cred.set",
    "cred.lock",
    "cred.unlock",
]


# --- where the data lives -----------------------------------------------------------------


async def test_each_store_writes_under_its_namespace_after_the_prefix(
    connection: RedisConnection,
    redis_prefix: str,  # noqa: F811
) -> None:
    p = redis_prefix
    raw = connection.client
    assert await RedisRateLimiter(connection).take("crm", 2.0, 5) == 0.0
    idem = RedisIdempotencyStore(connection)
    assert await idem.begin("crm:d1", "fp-1", 900.0) == "new"
    assert await idem.begin("crm:d2", "fp-2", 900.0) == "new"
    await idem.finish("crm:d2", "fp-2", StoredResponse(201, {"data": ["é"]}), 86400.0)
    await RedisReplyCacheStore(connection).set("h1", b"reply", 30.0)
    cred = RedisCredentialStateStore(connection)
    await cred.set("main:api-a", {"fp": "ab12", "status": "failed"}, 86400.0)
    assert await cred.lock("main:api-a", 120.0) is True

    assert sorted(await raw.keys(f"{p}:*")) == [
        f"{p}:cache:h1".encode(),
        f"{p}:cred:main:api-a".encode(),
        f"{p}:cred:main:api-a:probe".encode(),
        f"{p}:idem:crm:d1".encode(),
        f"{p}:idem:crm:d2".encode(),
        f"{p}:rate:crm".encode(),
    ]
    bucket = await raw.hgetall(f"{p}:rate:crm")
    assert set(bucket) == {b"tokens", b"at"} and float(bucket[b"tokens"]) == 4.0
    assert 0 < await raw.ttl(f"{p}:rate:crm") <= 3 + 60  # ceil(burst / rate) + 60 s
    assert json.loads(await raw.get(f"{p}:idem:crm:d1")) == {"fp": "fp-1", "state": "in_flight"}
    assert 0 < await raw.pttl(f"{p}:idem:crm:d1") <= 900_000
    assert json.loads(await raw.get(f"{p}:idem:crm:d2")) == {
        "fp": "fp-2",
        "state": "done",
        "status": 201,
        "body": {"data": ["é"]},
    }
    assert 900_000 < await raw.pttl(f"{p}:idem:crm:d2") <= 86_400_000
    assert await raw.get(f"{p}:cache:h1") == b"reply"
    assert 0 < await raw.pttl(f"{p}:cache:h1") <= 30_000
    assert json.loads(await raw.get(f"{p}:cred:main:api-a")) == {"fp": "ab12", "status": "failed"}
    assert await raw.get(f"{p}:cred:main:api-a:probe") == b"1"
    assert 0 < await raw.pttl(f"{p}:cred:main:api-a:probe") <= 120_000


async def test_data_already_in_redis_keeps_its_meaning(
    connection: RedisConnection,
    redis_prefix: str,  # noqa: F811
) -> None:
    """Written as replicas wrote it before the stores were split: read the same way."""
    p = redis_prefix
    raw = connection.client
    done = {"fp": "fp-1", "state": "done", "status": 200, "body": {"data": [{"id": "7"}]}}
    await raw.set(f"{p}:idem:crm:d1", json.dumps(done), px=60_000)
    await raw.set(f"{p}:idem:crm:d2", json.dumps({"fp": "fp-1", "state": "in_flight"}), px=60_000)
    await raw.set(f"{p}:cache:h1", b'{"status": 200}', px=60_000)
    await raw.set(f"{p}:cred:main:api-a", json.dumps({"fp": "ab12", "status": "failed"}))
    await raw.set(f"{p}:cred:main:api-a:probe", b"1", px=60_000)
    seconds, micros = await raw.time()
    await raw.hset(f"{p}:rate:crm", mapping={"tokens": "0", "at": f"{seconds}.{micros:06d}"})

    idem = RedisIdempotencyStore(connection)
    assert await idem.begin("crm:d1", "fp-1", 900.0) == StoredResponse(200, done["body"])
    assert await idem.begin("crm:d1", "fp-2", 900.0) == "mismatch"
    assert await idem.begin("crm:d2", "fp-1", 900.0) == "in_flight"
    assert await RedisReplyCacheStore(connection).get("h1") == b'{"status": 200}'
    cred = RedisCredentialStateStore(connection)
    assert await cred.get("main:api-a") == {"fp": "ab12", "status": "failed"}
    assert await cred.lock("main:api-a", 120.0) is False
    assert await RedisRateLimiter(connection).take("crm", 0.01, 1) > 0  # the bucket is empty


# --- when Redis is gone -----------------------------------------------------------------------


@pytest.mark.parametrize("name", OPERATIONS)
async def test_every_operation_raises_store_unavailable_when_redis_is_unreachable(
    name: str,
) -> None:
    conn = RedisConnection(f"redis://127.0.0.1:{free_port()}/0", "dead", timeout=1.0)
    try:
        with pytest.raises(StoreUnavailable):
            await operations(conn)[name]()
    finally:
        await conn.close()


async def test_after_a_failure_every_store_fails_fast_until_the_backoff_is_over() -> None:
    binary = find_binary()
    if binary is None:
        pytest.fail("redis-server is not installed; see tests/redis_server.py")
    port = free_port()
    clock = Clock()
    conn = RedisConnection(f"redis://127.0.0.1:{port}/0", "backoff", clock=clock)
    ops = operations(conn)
    assert sorted(ops) == sorted(OPERATIONS)
    try:
        with pytest.raises(StoreUnavailable) as failed:
            await ops["cache.get"]()
        assert str(failed.value) == "ConnectionError"  # Redis was tried
        with RedisServer(binary, port=port):
            probe: Any = aioredis.Redis(host="127.0.0.1", port=port)
            try:
                before = (await probe.info("stats"))["total_connections_received"]
                # Redis is back, but nothing tries it for 2 seconds (the README says so).
                clock.now += 1.99
                for name in OPERATIONS:
                    with pytest.raises(StoreUnavailable, match="recently unreachable"):
                        await ops[name]()
                after = (await probe.info("stats"))["total_connections_received"]
                assert after == before  # no store connected to Redis
                clock.now += 0.01
                assert await ops["rate.take"]() == 0.0
                for name in OPERATIONS:
                    await ops[name]()  # every store works again
            finally:
                await probe.aclose()
    finally:
        await conn.close()
