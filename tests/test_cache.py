"""The reply cache and request coalescing (gateway.cache), on a memory store, without a server.

End-to-end behaviour (50 polling clients, replicas sharing one Redis) is in test_limits.py,
test_replicas.py and bench/coalescing.py; here each rule of the module on its own.
"""

from __future__ import annotations

import asyncio

import pytest

from gateway.cache import ReplyCache
from gateway.errors import UpstreamTimeout
from gateway.metrics import Metrics
from gateway.refusal import Kind
from gateway.store import StoreUnavailable
from gateway.store_memory import MemoryReplyCacheStore, MemoryTable
from gateway.upstream import UpstreamReply

PARAMS = {"campaign_id": "TESTCAMP", "stage": "tab"}


def _reply(status: int = 200, refusal: Kind | None = None) -> UpstreamReply:
    return UpstreamReply(status, "text/html", "campaign_id\nTESTCAMP\n", "api-a", 0.01, refusal)


class Calls:
    """A stand-in for the upstream call: counts calls, answers when released."""

    def __init__(self, reply: UpstreamReply) -> None:
        self.reply = reply
        self.count = 0
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self) -> UpstreamReply:
        self.count += 1
        await self.release.wait()
        return self.reply


def _counts(metrics: Metrics) -> dict[str, float]:
    out = {}
    for family in metrics.registry.collect():
        for sample in family.samples:
            if sample.name == "vicigw_cache_lookups_total":
                out[sample.labels["result"]] = sample.value
    return out


async def test_a_reply_is_served_from_the_cache_for_its_ttl() -> None:
    clock = [100.0]
    store = MemoryReplyCacheStore(MemoryTable(clock=lambda: clock[0]))
    metrics = Metrics()
    cache = ReplyCache(store, metrics)
    calls = Calls(_reply())
    first = await cache.get_or_call("main", "campaigns_list", PARAMS, 5.0, calls)
    again = await cache.get_or_call("main", "campaigns_list", PARAMS, 5.0, calls)
    assert calls.count == 1
    assert (again.status, again.text, again.credential) == (200, first.text, "api-a")
    clock[0] += 5.1  # past the TTL
    await cache.get_or_call("main", "campaigns_list", PARAMS, 5.0, calls)
    assert calls.count == 2
    assert _counts(metrics) == {"miss": 2.0, "hit": 1.0}


async def test_other_params_or_functions_are_other_entries() -> None:
    cache = ReplyCache(MemoryReplyCacheStore(), Metrics())
    calls = Calls(_reply())
    await cache.get_or_call("main", "campaigns_list", PARAMS, 5.0, calls)
    await cache.get_or_call("main", "campaigns_list", {**PARAMS, "campaign_id": "X"}, 5.0, calls)
    await cache.get_or_call("main", "hopper_list", PARAMS, 5.0, calls)
    await cache.get_or_call("other", "campaigns_list", PARAMS, 5.0, calls)
    assert calls.count == 4
    # The same params in another order are the same request.
    await cache.get_or_call("main", "campaigns_list", dict(reversed(PARAMS.items())), 5.0, calls)
    assert calls.count == 4


async def test_identical_calls_in_flight_share_one_upstream_call() -> None:
    metrics = Metrics()
    cache = ReplyCache(MemoryReplyCacheStore(), metrics)
    calls = Calls(_reply())
    calls.release.clear()
    waiting = [
        asyncio.create_task(cache.get_or_call("main", "campaigns_list", PARAMS, 0.0, calls))
        for _ in range(5)
    ]
    await asyncio.sleep(0)  # let every task reach the cache
    calls.release.set()
    replies = await asyncio.gather(*waiting)
    assert calls.count == 1
    assert {r.text for r in replies} == {calls.reply.text}
    assert _counts(metrics) == {"miss": 1.0, "shared": 4.0}
    # TTL 0: nothing was stored, the next call goes to VICIdial again.
    await cache.get_or_call("main", "campaigns_list", PARAMS, 0.0, calls)
    assert calls.count == 2


async def test_a_failure_reaches_every_waiter_and_is_not_cached() -> None:
    cache = ReplyCache(MemoryReplyCacheStore(), Metrics())
    release = asyncio.Event()
    count = 0

    async def failing() -> UpstreamReply:
        nonlocal count
        count += 1
        await release.wait()
        raise UpstreamTimeout("VICIdial did not answer")

    waiting = [
        asyncio.create_task(cache.get_or_call("main", "campaigns_list", PARAMS, 5.0, failing))
        for _ in range(3)
    ]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert count == 1 and all(isinstance(r, UpstreamTimeout) for r in results)
    release.set()
    with pytest.raises(UpstreamTimeout):
        await cache.get_or_call("main", "campaigns_list", PARAMS, 5.0, failing)
    assert count == 2


@pytest.mark.parametrize(
    "reply",
    [_reply(status=500), _reply(refusal="bad_login")],
    ids=["http-error", "login-refusal"],
)
async def test_only_ordinary_answers_are_cached(reply: UpstreamReply) -> None:
    cache = ReplyCache(MemoryReplyCacheStore(), Metrics())
    calls = Calls(reply)
    await cache.get_or_call("main", "campaigns_list", PARAMS, 5.0, calls)
    await cache.get_or_call("main", "campaigns_list", PARAMS, 5.0, calls)
    assert calls.count == 2


class DownStore:
    """A reply-cache store whose backend cannot be reached."""

    async def get(self, key: str) -> bytes | None:
        raise StoreUnavailable("down")

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        raise StoreUnavailable("down")


async def test_an_unreachable_store_means_no_cache_not_an_error() -> None:
    cache = ReplyCache(DownStore(), Metrics())
    calls = Calls(_reply())
    for _ in range(2):
        reply = await cache.get_or_call("main", "campaigns_list", PARAMS, 5.0, calls)
        assert reply.status == 200
    assert calls.count == 2
