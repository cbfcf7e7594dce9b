"""The contract of the four state protocols (``gateway.store``), one suite for every backend.

Each test runs twice: against the memory backend (a manual clock, so expiry is exact) and against
the Redis backend on a private ``redis-server`` (``tests/redis_server.py``; a key prefix of its
own per test; time passes for real there, in steps of a few tens of milliseconds). Both are
built the way the gateway builds them, by :func:`gateway.state.open_state`. What only one
backend does (the memory bound, Redis's fail-fast backoff and key layout) is tested in
``test_store_memory.py`` and ``test_store_redis.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from gateway.config import StateConfig
from gateway.state import State, open_state
from gateway.store import StoredResponse

from .redis_server import redis_prefix, redis_server  # noqa: F401  (fixtures)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Backend:
    name: str
    state: State
    # Let ``seconds`` pass for the backend: the manual clock moves, or Redis's own clock runs.
    elapse: Callable[[float], Awaitable[None]]


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    if request.param == "memory":
        clock = Clock()

        async def advance(seconds: float) -> None:
            clock.now += seconds

        state = open_state(StateConfig(backend="memory"), clock=clock)
        yield Backend("memory", state, advance)
    else:
        server = request.getfixturevalue("redis_server")
        cfg = StateConfig(
            backend="redis", url=server.url, prefix=request.getfixturevalue("redis_prefix")
        )
        state = open_state(cfg)
        try:
            yield Backend("redis", state, asyncio.sleep)
        finally:
            await state.close()


# --- RateLimiter ------------------------------------------------------------------------------


async def test_rate_limiter_grants_the_burst_then_says_how_long_to_wait(backend: Backend) -> None:
    limiter = backend.state.rate_limits
    assert [await limiter.take("crm", 1.0, 3) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = await limiter.take("crm", 1.0, 3)
    # One token at 1/s: just under a second away (Redis's clock has moved a little).
    assert 0.5 < wait <= 1.0


async def test_rate_limiter_refills_at_its_rate(backend: Backend) -> None:
    limiter = backend.state.rate_limits
    assert await limiter.take("crm", 20.0, 1) == 0.0
    assert await limiter.take("crm", 20.0, 1) > 0
    await backend.elapse(0.08)  # more than one token at 20/s, less than two
    assert await limiter.take("crm", 20.0, 1) == 0.0
    assert await limiter.take("crm", 20.0, 1) > 0  # the burst caps the refill


async def test_rate_limiter_refused_takes_build_no_debt(backend: Backend) -> None:
    limiter = backend.state.rate_limits
    assert await limiter.take("crm", 10.0, 1) == 0.0
    first = await limiter.take("crm", 10.0, 1)
    again = [await limiter.take("crm", 10.0, 1) for _ in range(5)]
    assert 0 < first <= 0.1
    assert all(0 < w <= first for w in again)  # refused calls took nothing


async def test_rate_limiter_keys_are_independent(backend: Backend) -> None:
    limiter = backend.state.rate_limits
    assert await limiter.take("crm", 1.0, 1) == 0.0
    assert await limiter.take("crm", 1.0, 1) > 0
    assert await limiter.take("reports", 1.0, 1) == 0.0


# --- IdempotencyStore -------------------------------------------------------------------------

DAY = 24 * 3600.0


async def test_idempotency_begin_new_then_in_flight_or_mismatch(backend: Backend) -> None:
    idem = backend.state.idempotency
    assert await idem.begin("crm:k1", "fp-1", 900.0) == "new"
    assert await idem.begin("crm:k1", "fp-1", 900.0) == "in_flight"
    assert await idem.begin("crm:k1", "fp-2", 900.0) == "mismatch"
    assert await idem.begin("reports:k1", "fp-2", 900.0) == "new"  # another key


async def test_idempotency_finish_replays_the_stored_response(backend: Backend) -> None:
    idem = backend.state.idempotency
    body = {
        "data": [{"lead_id": "1042", "name": "Zoë ✓", "score": 1.5, "ok": True, "none": None}],
        "notices": [],
    }
    assert await idem.begin("crm:k1", "fp-1", 900.0) == "new"
    await idem.finish("crm:k1", "fp-1", StoredResponse(201, body), DAY)
    assert await idem.begin("crm:k1", "fp-1", 900.0) == StoredResponse(201, body)
    assert await idem.begin("crm:k1", "fp-2", 900.0) == "mismatch"


async def test_idempotency_abort_frees_the_key_for_its_own_request_only(backend: Backend) -> None:
    idem = backend.state.idempotency
    assert await idem.begin("crm:k1", "fp-1", 900.0) == "new"
    await idem.abort("crm:k1", "fp-2")  # not this request's record: kept
    assert await idem.begin("crm:k1", "fp-1", 900.0) == "in_flight"
    await idem.abort("crm:k1", "fp-1")
    assert await idem.begin("crm:k1", "fp-2", 900.0) == "new"


async def test_idempotency_abort_never_forgets_a_finished_call(backend: Backend) -> None:
    idem = backend.state.idempotency
    assert await idem.begin("crm:k1", "fp-1", 900.0) == "new"
    await idem.finish("crm:k1", "fp-1", StoredResponse(200, {"ok": True}), DAY)
    await idem.abort("crm:k1", "fp-1")
    assert await idem.begin("crm:k1", "fp-1", 900.0) == StoredResponse(200, {"ok": True})


async def test_idempotency_records_expire_after_their_ttl(backend: Backend) -> None:
    idem = backend.state.idempotency
    assert await idem.begin("crm:running", "fp-1", 0.05) == "new"
    assert await idem.begin("crm:done", "fp-1", 900.0) == "new"
    await idem.finish("crm:done", "fp-1", StoredResponse(200, {"ok": True}), 0.05)
    assert await idem.begin("crm:running", "fp-1", 0.05) == "in_flight"
    await backend.elapse(0.08)
    assert await idem.begin("crm:running", "fp-2", 900.0) == "new"
    assert await idem.begin("crm:done", "fp-2", 900.0) == "new"


# --- ReplyCacheStore --------------------------------------------------------------------------


async def test_reply_cache_returns_what_was_set_until_its_ttl(backend: Backend) -> None:
    cache = backend.state.reply_cache
    value = '{"text": "SUCCESS: campaigns ✓"}'.encode() + bytes(range(256))
    assert await cache.get("a1") is None
    await cache.set("a1", value, 0.05)
    await cache.set("b2", b"other", 900.0)
    assert await cache.get("a1") == value
    await backend.elapse(0.08)
    assert await cache.get("a1") is None
    assert await cache.get("b2") == b"other"


async def test_reply_cache_set_replaces_the_value_and_its_ttl(backend: Backend) -> None:
    cache = backend.state.reply_cache
    await cache.set("a1", b"old", 0.05)
    await cache.set("a1", b"new", 900.0)
    await backend.elapse(0.08)
    assert await cache.get("a1") == b"new"


# --- CredentialStateStore ---------------------------------------------------------------------


async def test_credential_state_round_trips_its_record_until_its_ttl(backend: Backend) -> None:
    creds = backend.state.credentials
    record = {
        "fp": "9f86d081",
        "status": "failed",
        "retry_at": 1_700_000_900.25,
        "failures": [1_700_000_000.5, 1_700_000_001.0],
        "changed_at": 1_700_000_000.5,
        "reason": "Login incorrect",
        "kind": None,
    }
    assert await creds.get("main:api-a") is None
    await creds.set("main:api-a", record, 0.05)
    await creds.set("main:api-b", {"status": "healthy"}, 900.0)
    assert await creds.get("main:api-a") == record
    await backend.elapse(0.08)
    assert await creds.get("main:api-a") is None
    assert await creds.get("main:api-b") == {"status": "healthy"}


async def test_credential_probe_lock_is_exclusive_until_unlocked(backend: Backend) -> None:
    creds = backend.state.credentials
    assert await creds.lock("main:api-a", 120.0) is True
    assert await creds.lock("main:api-a", 120.0) is False
    assert await creds.lock("main:api-b", 120.0) is True  # another credential
    await creds.unlock("main:api-a")
    assert await creds.lock("main:api-a", 120.0) is True


async def test_credential_probe_lock_expires_after_its_ttl(backend: Backend) -> None:
    creds = backend.state.credentials
    assert await creds.lock("main:api-a", 0.05) is True
    await backend.elapse(0.08)
    assert await creds.lock("main:api-a", 120.0) is True


async def test_credential_record_and_probe_lock_are_apart(backend: Backend) -> None:
    creds = backend.state.credentials
    assert await creds.lock("main:api-a", 120.0) is True
    assert await creds.get("main:api-a") is None  # a held lock is no record
    await creds.set("main:api-a", {"status": "healthy"}, 900.0)
    assert await creds.lock("main:api-a", 120.0) is False  # a record does not free the lock
    await creds.unlock("main:api-a")
    assert await creds.get("main:api-a") == {"status": "healthy"}  # unlocking keeps the record


# --- AgentLocks --------------------------------------------------------------------------------


async def test_agent_lock_is_exclusive_until_its_holder_releases_it(backend: Backend) -> None:
    agents = backend.state.agents
    assert await agents.acquire("main:1001", "call-1", 60.0) is True
    assert await agents.acquire("main:1001", "call-2", 60.0) is False
    assert await agents.acquire("main:1002", "call-3", 60.0) is True  # another agent
    await agents.release("main:1001", "call-2")  # not the holder: the lock stays
    assert await agents.acquire("main:1001", "call-4", 60.0) is False
    await agents.release("main:1001", "call-1")
    assert await agents.acquire("main:1001", "call-5", 60.0) is True


async def test_agent_lock_expires_and_the_late_holder_cannot_free_the_next(
    backend: Backend,
) -> None:
    agents = backend.state.agents
    assert await agents.acquire("main:1001", "slow", 0.05) is True
    await backend.elapse(0.08)
    assert await agents.acquire("main:1001", "next", 60.0) is True
    await agents.release("main:1001", "slow")  # the first call ends late
    assert await agents.acquire("main:1001", "third", 60.0) is False


# --- the stores together -----------------------------------------------------------------------


async def test_the_four_stores_share_a_backend_but_never_each_others_keys(
    backend: Backend,
) -> None:
    """One key in all four stores of one backend: four separate entries."""
    state = backend.state
    await state.reply_cache.set("k", b"cached", 900.0)
    await state.credentials.set("k", {"status": "healthy"}, 900.0)
    assert await state.idempotency.begin("k", "fp", 900.0) == "new"
    assert await state.rate_limits.take("k", 1.0, 1) == 0.0
    assert await state.credentials.lock("k", 120.0) is True
    assert await state.agents.acquire("k", "token", 120.0) is True
    assert await state.reply_cache.get("k") == b"cached"
    assert await state.credentials.get("k") == {"status": "healthy"}
    assert await state.idempotency.begin("k", "fp", 900.0) == "in_flight"
    assert await state.rate_limits.take("k", 1.0, 1) > 0
