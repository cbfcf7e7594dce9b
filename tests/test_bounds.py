"""Every per-key structure the gateway keeps in memory has a bound (docs/operations.md lists them).

One test per bound: the memory store (``state.max_entries``, end to end here; the eviction order
is in ``test_store_memory.py``), request coalescing, concurrency semaphores, credential state and
its failure times, and the verified-token cache.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from gateway.app import SERVICES
from gateway.auth import Authenticator, mint_token
from gateway.cache import ReplyCache
from gateway.config_load import parse_config
from gateway.credentials import FAILURE_WINDOW, MAX_FAILURES, CredentialPool, Lease
from gateway.errors import ConfigError, Unavailable
from gateway.limits import Concurrency
from gateway.metrics import Metrics
from gateway.sim import RunningSim
from gateway.store_memory import MemoryReplyCacheStore
from gateway.upstream import UpstreamReply

from .conftest import API_PASS, config_dict
from .test_limits import LEAD, make_doc, running, sim_leads
from .test_reload import start, write_config, write_secret


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- idempotency records: state.max_entries ---------------------------------------------------


def test_max_entries_setting() -> None:
    assert parse_config(config_dict()).state.max_entries == 100_000
    doc = config_dict()
    doc["state"] = {"backend": "memory", "max_entries": 500}
    assert parse_config(doc).state.max_entries == 500
    doc["state"]["max_entries"] = 0
    with pytest.raises(ConfigError) as info:
        parse_config(doc)
    assert any(e.startswith("state.max_entries") for e in info.value.errors)


async def test_full_memory_store_refuses_new_idempotent_calls_and_forgets_none(
    sim: RunningSim,
) -> None:
    doc = make_doc(sim, {"backend": "memory", "max_entries": 3})
    async with running(sim, doc) as gw:
        first: dict[str, Any] = {}
        accepted = 0
        for i in range(10):
            lead = {**LEAD, "phone_number": f"31255570{i:02d}"}
            status, body, headers = await gw.call(
                "add_lead", lead, headers={"Idempotency-Key": f"order-{i}"}
            )
            if status == 503:
                break
            assert status == 200, body
            first[f"order-{i}"] = (lead, body)
            accepted += 1
        else:
            pytest.fail("the store never filled up")
        assert 1 <= accepted <= 3  # the store also holds the credential's state
        assert body["error"]["type"] == "unavailable" and "idempotency" in body["error"]["message"]
        assert headers["Retry-After"] == "60"
        assert sim.state.hits("add_lead") == accepted  # the refused call never left
        assert sim_leads(sim, f"31255570{accepted:02d}") == 0
        # Every finished call is still remembered: its retry replays, nothing is sent again.
        for key, (lead, body) in first.items():
            status, again, headers = await gw.call(
                "add_lead", lead, headers={"Idempotency-Key": key}
            )
            assert (status, again) == (200, body)
            assert headers["Idempotent-Replayed"] == "true"
        assert sim.state.hits("add_lead") == accepted
        # Calls without a key are not affected.
        status, body, _ = await gw.call("add_lead", {**LEAD, "phone_number": "3125557099"})
        assert status == 200, body


# --- request coalescing -------------------------------------------------------------------


async def test_coalescing_keeps_an_entry_only_while_its_call_runs() -> None:
    """At most one entry per distinct call in progress: none once the calls have ended,
    however they ended (answer, failure, cancelled caller)."""
    cache = ReplyCache(MemoryReplyCacheStore(), Metrics())
    release = asyncio.Event()

    async def answer() -> UpstreamReply:
        await release.wait()
        return UpstreamReply(200, "text/plain", "SUCCESS: x", "api-a", 0.0)

    async def fail() -> UpstreamReply:
        await release.wait()
        raise Unavailable("no")

    calls = [
        asyncio.create_task(
            cache.get_or_call("main", "lists", {"n": str(i)}, 0.0, fail if i % 2 else answer)
        )
        for i in range(100)
    ]
    shared = [
        asyncio.create_task(cache.get_or_call("main", "lists", {"n": "0"}, 0.0, answer))
        for _ in range(10)
    ]
    await asyncio.sleep(0)
    assert len(cache._inflight) == 100  # one per distinct call, shared ones included
    calls[2].cancel()  # a caller that goes away
    shared[0].cancel()
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*calls, *shared, return_exceptions=True)
    assert sum(isinstance(r, UpstreamReply) for r in results) == 49 + 9
    assert len(cache._inflight) == 0


# --- concurrency semaphores ---------------------------------------------------------------


async def test_concurrency_keeps_semaphores_only_while_they_are_used() -> None:
    cfg = parse_config(config_dict())
    upstream = cfg.upstreams["main"]
    upstream = dataclasses.replace(upstream, class_concurrency={"export": 1})
    crm = dataclasses.replace(cfg.apps["crm"], max_concurrency=1)
    concurrency = Concurrency()
    # Apps and limits come and go with reloads: none leaves a semaphore behind.
    for i in range(200):
        app = dataclasses.replace(crm, name=f"app{i}", max_concurrency=1 + i % 7)
        async with concurrency.slots(app, upstream, "read"):
            assert len(concurrency) == 2  # app, upstream
    assert len(concurrency) == 0
    # A caller waiting for a slot keeps it alive and gets it.
    entered = asyncio.Event()
    done = asyncio.Event()

    async def hold() -> None:
        async with concurrency.slots(crm, upstream, "export"):
            entered.set()
            await done.wait()

    holder = asyncio.create_task(hold())
    await entered.wait()
    waiter = asyncio.create_task(_take(concurrency, crm, upstream))
    await asyncio.sleep(0.01)
    assert len(concurrency) == 3 and not waiter.done()
    done.set()
    await holder
    assert await waiter == "got it"
    assert len(concurrency) == 0


async def _take(concurrency: Concurrency, app: Any, upstream: Any) -> str:
    async with concurrency.slots(app, upstream, "export"):
        return "got it"


# --- credential state -----------------------------------------------------------------------


async def test_credential_failure_times_are_bounded_and_the_lockout_rule_unchanged() -> None:
    clock = Clock()
    cred = parse_config(config_dict()).upstreams["main"].credentials[0]
    pool = CredentialPool("main", [cred], cooldown=1.0, clock=clock)
    failed_at = []
    for _ in range(200):  # e.g. many calls in flight when the password was changed
        failed_at.append(clock.now)
        lease = Lease(cred, probe=False, state=pool.state(cred.name))
        await pool.login_failed(lease, "ip_blocked")
        clock.now += 1.0
    state = pool.state(cred.name)
    assert len(state.failures) == MAX_FAILURES
    # No probe until the third most recent failure has left VICIdial's 15-minute window.
    assert pool.usable_count() == 0
    assert pool.retry_after() == failed_at[-MAX_FAILURES] + FAILURE_WINDOW - clock.now
    # A refused password may also come back sooner: when its secret changes (seen within
    # `recheck`, the config watch interval).
    state.kind = "bad_login"
    assert pool.retry_after() == pool.recheck
    state.kind = "ip_blocked"
    clock.now = failed_at[-MAX_FAILURES] + FAILURE_WINDOW - 0.5
    assert pool.usable_count() == 0
    clock.now = failed_at[-MAX_FAILURES] + FAILURE_WINDOW + 0.5
    assert pool.usable_count() == 1


async def test_reload_forgets_removed_credentials_but_not_their_recent_failures(
    sim: RunningSim, tmp_path: Path
) -> None:
    write_secret(tmp_path, "pass_a", API_PASS)
    path = write_config(tmp_path, sim, credentials=[("api-a", "6666", "pass_a")])
    runner, app, _base = await start(path)
    services = app[SERVICES]
    generations = services.generations
    try:
        for i in range(20):  # a credential renamed on each reload
            write_config(tmp_path, sim, credentials=[(f"api-{i}", "6666", "pass_a")])
            assert await generations.reload() is True
        await asyncio.sleep(0.1)  # old generations are retired once idle
        assert set(services.credentials.states) == {("main", "api-19")}
        # A removed credential VICIdial refused recently is remembered (re-adding it must not
        # spend more of its failures), until the failure has left the window.
        state = services.credentials.states[("main", "api-19")]
        state.failures.append(generations.clock())
        write_config(tmp_path, sim, credentials=[("api-x", "6666", "pass_a")])
        assert await generations.reload() is True
        await asyncio.sleep(0.1)
        assert set(services.credentials.states) == {("main", "api-19"), ("main", "api-x")}
    finally:
        await runner.cleanup()


# --- the verified-token cache ---------------------------------------------------------------


def test_token_cache_holds_at_most_token_cache_size() -> None:
    doc = config_dict()
    doc["auth"]["token_cache_size"] = 5
    cfg = parse_config(doc)
    auth = Authenticator(cfg)
    for i in range(50):
        token = mint_token(cfg, "crm", subject=f"caller-{i}")
        assert auth.authenticate(f"Bearer {token}").app.name == "crm"
        assert len(auth._cache) <= 5
    assert len(auth._cache) == 5
    doc["auth"]["token_cache_size"] = 0
    auth = Authenticator(parse_config(doc))
    auth.authenticate(f"Bearer {mint_token(cfg, 'crm')}")
    assert len(auth._cache) == 0
