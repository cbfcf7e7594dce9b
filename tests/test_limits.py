"""Rate limits, concurrency caps, idempotency keys and the reply cache, end to end.

Every test runs a real gateway (in this process, on loopback) in front of the simulator and
counts what reached the simulator (``state.hits``), so "never sent twice" and "cost one upstream
call" are exact. Features that keep their state in the store (rate limits, idempotency records,
the reply cache) run against both backends: ``memory`` and a private ``redis-server`` (see
``tests/redis_server.py``; each test has its own key prefix).
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.config import AppConfig, RateLimit
from gateway.config_load import parse_config
from gateway.errors import RateLimited, Unavailable
from gateway.limits import IdempotentCall, begin_idempotent, check_rate
from gateway.metrics import Metrics
from gateway.sim import Faults, ManualClock, RunningSim
from gateway.store import Begin, StoredResponse, StoreFull, StoreUnavailable

from .conftest import CRM_SECRET, Gateway, config_dict, start_gateway
from .redis_server import (  # noqa: F401  (fixtures)
    RedisServer,
    find_binary,
    free_port,
    redis_prefix,
    redis_server,
)

LEAD = {"phone_number": "3125557001", "list_id": "101", "first_name": "Ada"}


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def state_cfg(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ``state:`` section for one store backend (redis: the private server, own prefix)."""
    if request.param == "memory":
        return {"backend": "memory"}
    server = request.getfixturevalue("redis_server")
    return {
        "backend": "redis",
        "url": server.url,
        "prefix": request.getfixturevalue("redis_prefix"),
    }


def make_doc(
    sim: RunningSim, state: dict[str, Any] | None = None, **upstream: Any
) -> dict[str, Any]:
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["upstreams"]["main"].update(upstream)
    if state is not None:
        doc["state"] = state
    return doc


@asynccontextmanager
async def running(
    sim: RunningSim,
    doc: dict[str, Any],
    logs: io.StringIO | None = None,
    *,
    timer: ManualClock | None = None,
) -> AsyncIterator[Gateway]:
    """A gateway for ``doc``, stopped (with its client session) when the block ends; ``timer``
    is the clock of its breakers and memory store (see :func:`pass_time`).

    One call is made first, without faults, so the credential is verified: until then calls
    queue behind the first one (lockout protection), which would blur every timing below. The
    simulator's log is cleared afterwards, so hit counts start at zero.
    """
    cfg = parse_config(doc)
    runner, base = await start_gateway(cfg, **({"timer": timer} if timer is not None else {}))
    try:
        async with aiohttp.ClientSession() as session:
            gw = Gateway(base, cfg, sim, session, logs or io.StringIO())
            faults, sim.state.faults = sim.state.faults, None
            status, body, _ = await gw.call("list_info", {"list_id": "101"}, app="reports")
            assert status == 200, body
            sim.state.faults = faults
            sim.state.clear_log()
            yield gw
    finally:
        await runner.cleanup()


async def pass_time(state_cfg: dict[str, Any], timer: ManualClock, seconds: float) -> None:
    """Let ``seconds`` pass for the store: the memory store runs on ``timer``, moved on at once;
    Redis keeps its own time, so for it the test waits."""
    if state_cfg["backend"] == "memory":
        timer.advance(seconds)
    else:
        await asyncio.sleep(seconds)


async def metric(gw: Gateway, name: str, **labels: str) -> float:
    """The value of one sample of ``/metrics`` (0 when the sample does not exist yet)."""
    async with gw.session.get(f"{gw.base_url}/metrics") as r:
        assert r.status == 200
        text = await r.text()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def lead_count(gw: Gateway, phone: str) -> int:
    """How many leads VICIdial holds with this phone number (asked through the gateway)."""
    status, body, _ = await gw.call("lead_search", {"phone_number": phone})
    if status == 404:
        return 0
    assert status == 200, body
    return int(body["data"][0]["records_found"])


def sim_leads(sim: RunningSim, phone: str) -> int:
    return len(sim.state.find_leads(lambda lead: lead.phone_number == phone))


# --- rate limits --------------------------------------------------------------------------


async def test_rate_limit_429_after_the_burst_then_refills(
    sim: RunningSim, state_cfg: dict[str, Any]
) -> None:
    doc = make_doc(sim, state_cfg)
    doc["apps"]["crm"]["rate_limit"] = {"per_second": 2, "burst": 3}
    timer = ManualClock(1000.0)
    async with running(sim, doc, timer=timer) as gw:
        for _ in range(3):
            status, body, _ = await gw.call("version")
            assert status == 200, body
        status, body, headers = await gw.call("version")
        assert status == 429, body
        assert body["ok"] is False and body["function"] == "version"
        assert body["error"]["type"] == "rate_limited"
        # Less than one token is missing at 2 tokens/s: at most half a second, rounded up.
        assert headers["Retry-After"] == "1"
        assert sim.state.hits("version") == 3  # the refused call never reached VICIdial
        assert await metric(gw, "vicigw_rate_limited_total", app="crm") == 1
        assert (
            await metric(
                gw, "vicigw_requests_total", app="crm", function="version", outcome="rate_limited"
            )
            == 1
        )
        # Per app: another app's bucket is untouched.
        status, body, _ = await gw.call("campaigns_list", app="reports")
        assert status == 200, body
        # Refill: 2 tokens/s, so after 0.6 s exactly one more call goes through.
        await pass_time(state_cfg, timer, 0.6)
        status, body, _ = await gw.call("version")
        assert status == 200, body
        status, body, headers = await gw.call("version")
        assert (status, body["error"]["type"]) == (429, "rate_limited")
        assert sim.state.hits("version") == 4
        assert await metric(gw, "vicigw_rate_limited_total", app="crm") == 2


class OwnRateLimiter:
    """A rate-limit backend of its own: ``RateLimiter.take`` and nothing else."""

    def __init__(self, answer: float | StoreUnavailable) -> None:
        self.answer = answer
        self.taken: list[tuple[str, float, int]] = []

    async def take(self, key: str, rate: float, burst: int) -> float:
        self.taken.append((key, rate, burst))
        if isinstance(self.answer, StoreUnavailable):
            raise self.answer
        return self.answer


def limited(metrics: Metrics) -> float | None:
    return metrics.registry.get_sample_value("vicigw_rate_limited_total", {"app": "crm"})


def limited_app(per_second: float, burst: int) -> AppConfig:
    app = parse_config(config_dict()).apps["crm"]
    return dataclasses.replace(app, rate_limit=RateLimit(per_second, burst))


async def test_check_rate_asks_the_limiter_for_the_apps_bucket_and_rounds_the_wait_up() -> None:
    metrics = Metrics()
    allow = OwnRateLimiter(0.0)
    await check_rate(allow, limited_app(2.5, 4), metrics)
    assert allow.taken == [("crm", 2.5, 4)]
    with pytest.raises(RateLimited) as info:
        await check_rate(OwnRateLimiter(1.2), limited_app(2.5, 4), metrics)
    assert info.value.headers == {"Retry-After": "2"}
    with pytest.raises(RateLimited) as info:
        await check_rate(OwnRateLimiter(0.01), limited_app(2.5, 4), metrics)
    assert info.value.headers == {"Retry-After": "1"}  # never 0
    assert limited(metrics) == 2
    unlimited = OwnRateLimiter(5.0)
    await check_rate(unlimited, parse_config(config_dict()).apps["crm"], metrics)
    assert unlimited.taken == []  # no rate_limit: no bucket


async def test_check_rate_fails_open_when_the_limiter_is_unreachable(
    log_stream: io.StringIO,
) -> None:
    metrics = Metrics()
    await check_rate(
        OwnRateLimiter(StoreUnavailable("ConnectionError")), limited_app(1, 1), metrics
    )
    assert limited(metrics) is None  # never counted
    assert "rate limit not checked: shared store unreachable" in log_stream.getvalue()


async def test_unreachable_redis_rate_limit_fails_open_idempotency_fails_closed(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    dead = {"backend": "redis", "url": f"redis://127.0.0.1:{free_port()}/0", "prefix": "dead"}
    doc = make_doc(sim, dead, cache={"campaigns_list": "1s"})
    doc["apps"]["crm"]["rate_limit"] = {"per_second": 0.1, "burst": 1}
    async with running(sim, doc, log_stream) as gw:
        for _ in range(4):  # far over burst 1: the limit is not enforced without the store
            status, body, _ = await gw.call("version")
            assert status == 200, body
        assert sim.state.hits("version") == 4
        assert await metric(gw, "vicigw_rate_limited_total", app="crm") == 0
        # Without the store "at most once" cannot be promised: 503, and nothing is sent.
        status, body, headers = await gw.call("add_lead", LEAD, headers={"Idempotency-Key": "k-1"})
        assert status == 503, body
        assert body["error"]["type"] == "unavailable"
        assert headers["Retry-After"] == "5"
        assert sim.state.hits("add_lead") == 0
        # The same call without a key still works, and so does the (uncached) read.
        status, body, _ = await gw.call("add_lead", LEAD)
        assert status == 200, body
        assert sim.state.hits("add_lead") == 1
        status, body, _ = await gw.call("campaigns_list")
        assert status == 200, body
        status, body, _ = await gw.call("campaigns_list")
        assert status == 200, body
        assert sim.state.hits("campaigns_list") == 2  # no cache without the store
    assert "rate limit not checked: shared store unreachable" in log_stream.getvalue()


REDIS_PASS = "Redis-Pw_0077xyz"


@pytest.fixture(scope="module")
def redis_with_password() -> Iterator[RedisServer]:
    """A private redis-server of its own that refuses clients without ``REDIS_PASS``."""
    binary = find_binary()
    if binary is None:
        pytest.fail("redis-server is not installed; see tests/redis_server.py")
    with RedisServer(binary, ("--requirepass", REDIS_PASS)) as server:
        yield server


@pytest.mark.parametrize("how", ["file", "inline"])
async def test_redis_password_from_state_password_or_the_url(
    sim: RunningSim,
    redis_with_password: RedisServer,
    tmp_path: Path,
    log_stream: io.StringIO,
    how: str,
) -> None:
    port = redis_with_password.port
    state: dict[str, Any] = {"backend": "redis", "prefix": f"pw-{how}"}
    if how == "file":
        (tmp_path / "redis-pass").write_text(REDIS_PASS + "\n")
        (tmp_path / "redis-pass").chmod(0o600)
        state.update(url=f"redis://127.0.0.1:{port}/0", password={"file": "redis-pass"})
    else:  # still works, with a warning, and the password is kept out of the URL
        state.update(url=f"redis://:{REDIS_PASS}@127.0.0.1:{port}/0")
    doc = make_doc(sim, state)
    doc["apps"]["crm"]["rate_limit"] = {"per_second": 0.1, "burst": 1}
    cfg = parse_config(doc, base_dir=tmp_path)
    assert cfg.state.url == f"redis://127.0.0.1:{port}/0"
    runner, base = await start_gateway(cfg)
    try:
        async with aiohttp.ClientSession() as session:
            gw = Gateway(base, cfg, sim, session, log_stream)
            status, body, _ = await gw.call("version")
            assert status == 200, body
            status, body, _ = await gw.call("version")
            assert status == 429, body  # the bucket lives in the password-protected Redis
    finally:
        await runner.cleanup()
    assert "shared store unreachable" not in log_stream.getvalue()
    assert REDIS_PASS not in log_stream.getvalue()


async def test_redis_without_its_password_is_unreachable(
    sim: RunningSim, redis_with_password: RedisServer, log_stream: io.StringIO
) -> None:
    url = f"redis://127.0.0.1:{redis_with_password.port}/0"
    doc = make_doc(sim, {"backend": "redis", "url": url, "prefix": "pw-none"})
    doc["apps"]["crm"]["rate_limit"] = {"per_second": 0.1, "burst": 1}
    async with running(sim, doc, log_stream) as gw:
        for _ in range(3):  # the limit cannot be checked: it fails open
            status, body, _ = await gw.call("version")
            assert status == 200, body
    assert "rate limit not checked: shared store unreachable" in log_stream.getvalue()


# --- concurrency caps ---------------------------------------------------------------------


async def test_upstream_cap_queues_then_refuses_after_queue_timeout(sim: RunningSim) -> None:
    doc = make_doc(sim, max_concurrency=2, queue_timeout="0.3s")
    sim.state.faults = Faults("slow", delay=1.0, functions=frozenset({"campaigns_list"}))
    async with running(sim, doc) as gw:
        slow = [asyncio.create_task(gw.call("campaigns_list")) for _ in range(2)]
        await asyncio.sleep(0.2)
        assert await metric(gw, "vicigw_inflight_requests", upstream="main") == 2
        started = time.monotonic()
        status, body, headers = await gw.call("version", app="crm")
        waited = time.monotonic() - started
        # Refused once the queue timeout ran out, while the slow calls still held the slots.
        assert not any(t.done() for t in slow)
        assert status == 503, body
        assert body["error"]["type"] == "unavailable"
        assert "upstream main" in body["error"]["message"]
        assert headers["Retry-After"] == "1"
        assert waited >= 0.25  # it did wait for a slot (queue_timeout 0.3 s) before refusing
        assert [r[0] for r in await asyncio.gather(*slow)] == [200, 200]
        assert sim.state.hits("campaigns_list") == 2
        assert sim.state.hits("version") == 0  # the refused call never left
        status, body, _ = await gw.call("version")  # slots free again
        assert status == 200, body


async def test_upstream_cap_waits_for_a_slot_within_queue_timeout(sim: RunningSim) -> None:
    doc = make_doc(sim, max_concurrency=1, queue_timeout="3s")
    sim.state.faults = Faults("slow", delay=0.4, functions=frozenset({"campaigns_list"}))
    async with running(sim, doc) as gw:
        started = time.monotonic()
        results = await asyncio.gather(*(gw.call("campaigns_list") for _ in range(3)))
        elapsed = time.monotonic() - started
        assert [r[0] for r in results] == [200, 200, 200]
        assert elapsed >= 1.1  # one at a time: 3 x 0.4 s
        assert sim.state.hits("campaigns_list") == 3


async def test_app_cap_refuses_that_app_only(sim: RunningSim) -> None:
    doc = make_doc(sim, queue_timeout="0.3s")
    doc["apps"]["crm"]["max_concurrency"] = 1
    sim.state.faults = Faults("slow", delay=1.0, functions=frozenset({"campaigns_list"}))
    async with running(sim, doc) as gw:
        first = asyncio.create_task(gw.call("campaigns_list"))
        await asyncio.sleep(0.2)
        status, body, headers = await gw.call("version")
        assert (status, body["error"]["type"]) == (503, "unavailable"), body
        assert "app crm" in body["error"]["message"]
        assert headers["Retry-After"] == "1"
        # Another app is not held back by crm's cap: answered while crm's call is still out.
        status, body, _ = await gw.call("list_info", {"list_id": "101"}, app="reports")
        assert status == 200, body
        assert not first.done()
        assert (await first)[0] == 200
        assert sim.state.hits("version") == 0


async def test_class_cap_limits_writes_not_reads(sim: RunningSim) -> None:
    doc = make_doc(sim, class_concurrency={"write": 1}, queue_timeout="0.3s")
    sim.state.faults = Faults("slow", delay=1.0, functions=frozenset({"add_lead"}))
    async with running(sim, doc) as gw:
        first = asyncio.create_task(gw.call("add_lead", LEAD))
        await asyncio.sleep(0.2)
        other = {**LEAD, "phone_number": "3125557002"}
        status, body, headers = await gw.call("add_lead", other)
        assert (status, body["error"]["type"]) == (503, "unavailable"), body
        assert "class main/write" in body["error"]["message"]
        assert headers["Retry-After"] == "1"
        status, body, _ = await gw.call("campaigns_list")  # reads are another class
        assert status == 200, body
        status, body, _ = await first
        assert status == 200, body
        assert sim.state.hits("add_lead") == 1  # the refused write never reached VICIdial
        assert sim_leads(sim, "3125557002") == 0


async def test_app_queued_on_its_own_cap_does_not_hold_upstream_slots(sim: RunningSim) -> None:
    doc = make_doc(sim, max_concurrency=2, queue_timeout="1.5s")
    doc["apps"]["crm"]["max_concurrency"] = 1
    sim.state.faults = Faults("slow", delay=1.6, functions=frozenset({"campaigns_list"}))
    async with running(sim, doc) as gw:
        crm = [asyncio.create_task(gw.call("campaigns_list")) for _ in range(2)]
        await asyncio.sleep(0.2)
        assert sim.state.hits("campaigns_list") == 1  # one call is at VICIdial, one queued
        status, body, _ = await gw.call("list_info", {"list_id": "101"}, app="reports")
        # Answered while crm's first call is at VICIdial and its second waits on crm's cap.
        assert not any(t.done() for t in crm)
        await asyncio.gather(*crm)
        assert status == 200, body


# --- idempotency keys ---------------------------------------------------------------------


async def test_idempotent_replay_returns_the_stored_json(
    sim: RunningSim, state_cfg: dict[str, Any]
) -> None:
    async with running(sim, make_doc(sim, state_cfg)) as gw:
        key = {"Idempotency-Key": "order-1001"}
        status, first, headers = await gw.call("add_lead", LEAD, headers=key)
        assert status == 200, first
        assert "Idempotent-Replayed" not in headers
        for _ in range(2):
            status, again, headers = await gw.call("add_lead", LEAD, headers=key)
            assert status == 200
            assert again == first  # the identical JSON, lead_id and request_id included
            assert headers["Idempotent-Replayed"] == "true"
        assert sim.state.hits("add_lead") == 1
        assert sim_leads(sim, LEAD["phone_number"]) == 1
        assert await lead_count(gw, LEAD["phone_number"]) == 1
        # A VICIdial refusal is an outcome too: stored and replayed, not sent again.
        bad = {"phone_number": "12345", "list_id": "101"}
        status, refused, _ = await gw.call("add_lead", bad, headers={"Idempotency-Key": "bad-1"})
        assert (status, refused["error"]["type"]) == (422, "invalid_input")
        status, again, headers = await gw.call(
            "add_lead", bad, headers={"Idempotency-Key": "bad-1"}
        )
        assert (status, again) == (422, refused)
        assert headers["Idempotent-Replayed"] == "true"
        assert sim.state.hits("add_lead") == 2


class RefusingIdempotencyStore:
    """An idempotency backend of its own that cannot take a record: ``IdempotencyStore``."""

    def __init__(self, error: StoreUnavailable) -> None:
        self.error = error

    async def begin(self, key: str, fingerprint: str, ttl: float) -> Begin | StoredResponse:
        raise self.error

    async def finish(
        self, key: str, fingerprint: str, response: StoredResponse, ttl: float
    ) -> None:
        raise self.error

    async def abort(self, key: str, fingerprint: str) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "retry_after", "says"),
    [
        (StoreFull("full"), "60", "too many idempotency records"),
        (StoreUnavailable("ConnectionError"), "5", "cannot be reached"),
    ],
)
async def test_idempotent_calls_fail_closed_when_the_store_cannot_take_the_record(
    error: StoreUnavailable, retry_after: str, says: str
) -> None:
    app = parse_config(config_dict()).apps["crm"]
    store = RefusingIdempotencyStore(error)
    with pytest.raises(Unavailable) as info:
        await begin_idempotent(store, app, "order-1", "add_lead", {"phone_number": "1"})
    assert info.value.headers == {"Retry-After": retry_after}
    assert says in info.value.message
    # A started call's finish and abort never raise: the outcome is already decided.
    call = IdempotentCall(store, "crm:d", "fp")
    await call.finish(200, {"ok": True})
    await call.abort()


async def test_successful_replay_is_counted_as_replayed(sim: RunningSim) -> None:
    async with running(sim, make_doc(sim)) as gw:
        key = {"Idempotency-Key": "order-count"}
        assert (await gw.call("add_lead", LEAD, headers=key))[0] == 200
        status, _, headers = await gw.call("add_lead", LEAD, headers=key)
        assert status == 200 and headers["Idempotent-Replayed"] == "true"
        labels = {"app": "crm", "function": "add_lead"}
        assert await metric(gw, "vicigw_requests_total", outcome="ok", **labels) == 1
        assert await metric(gw, "vicigw_requests_total", outcome="replayed", **labels) == 1


async def test_idempotency_key_with_another_request_is_422(
    sim: RunningSim, state_cfg: dict[str, Any]
) -> None:
    async with running(sim, make_doc(sim, state_cfg)) as gw:
        key = {"Idempotency-Key": "order-1002"}
        status, body, _ = await gw.call("add_lead", LEAD, headers=key)
        assert status == 200, body
        # The same parameters in another order are the same request...
        reordered = dict(reversed(list(LEAD.items())))
        status, body, headers = await gw.call("add_lead", reordered, headers=key)
        assert status == 200 and headers["Idempotent-Replayed"] == "true"
        # ...a changed value is not.
        status, body, headers = await gw.call(
            "add_lead", {**LEAD, "first_name": "Bob"}, headers=key
        )
        assert status == 422, body
        # Not invalid_input (VICIdial refused a value): the key is the caller's mistake.
        assert body["error"]["type"] == "idempotency_key_reused"
        assert body["error"]["details"] == {"header": "Idempotency-Key"}
        assert "Idempotent-Replayed" not in headers
        assert sim.state.hits("add_lead") == 1


async def test_idempotency_key_in_flight_is_409(sim: RunningSim, state_cfg: dict[str, Any]) -> None:
    sim.state.faults = Faults("slow", delay=1.0, functions=frozenset({"add_lead"}))
    async with running(sim, make_doc(sim, state_cfg)) as gw:
        key = {"Idempotency-Key": "order-1003"}
        first = asyncio.create_task(gw.call("add_lead", LEAD, headers=key))
        await asyncio.sleep(0.3)
        status, body, headers = await gw.call("add_lead", LEAD, headers=key)
        assert status == 409, body
        # Not conflict (a duplicate: never retry): this one is to be retried shortly.
        assert body["error"]["type"] == "idempotency_in_progress"
        assert body["error"]["details"] == {"header": "Idempotency-Key"}
        assert headers["Retry-After"] == "1"
        status, done, _ = await first
        assert status == 200, done
        status, body, headers = await gw.call("add_lead", LEAD, headers=key)
        assert (status, body) == (200, done) and headers["Idempotent-Replayed"] == "true"
        assert sim.state.hits("add_lead") == 1


async def test_client_that_times_out_and_retries_never_creates_a_second_lead(
    sim: RunningSim, state_cfg: dict[str, Any]
) -> None:
    sim.state.faults = Faults("slow", delay=1.2, functions=frozenset({"add_lead"}))
    lead = {**LEAD, "phone_number": "3125557010"}
    async with running(sim, make_doc(sim, state_cfg)) as gw:
        headers = {
            "Authorization": f"Bearer {gw.token()}",
            "Idempotency-Key": "checkout-7f3a",
        }
        url = f"{gw.base_url}/v1/non-agent/add_lead"
        seen: list[int | str] = []
        final: tuple[dict[str, Any], str | None] | None = None
        # A client with a 0.4 s timeout that retries (bounded) until it gets an answer.
        for _ in range(40):
            try:
                async with (
                    aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.4)) as client,
                    client.post(url, json=lead, headers=headers) as r,
                ):
                    seen.append(r.status)
                    if r.status == 200:
                        final = (await r.json(), r.headers.get("Idempotent-Replayed"))
                        break
                    assert r.status == 409, await r.text()  # the first call is still running
            except TimeoutError:
                seen.append("timeout")
            await asyncio.sleep(0.1)
        assert final is not None, seen
        assert seen[0] == "timeout" and 409 in seen
        body, replayed = final
        assert replayed == "true"
        assert body["ok"] is True and body["data"]["phone_number"] == lead["phone_number"]
        sim.state.faults = None
        assert sim.state.hits("add_lead") == 1
        assert await lead_count(gw, lead["phone_number"]) == 1
        assert sim_leads(sim, lead["phone_number"]) == 1


async def test_gateway_timeout_is_stored_and_never_sent_twice(
    sim: RunningSim, state_cfg: dict[str, Any]
) -> None:
    sim.state.faults = Faults("slow", delay=0.8, functions=frozenset({"add_lead"}))
    lead = {**LEAD, "phone_number": "3125557011"}
    async with running(sim, make_doc(sim, state_cfg, timeout="0.3s")) as gw:
        key = {"Idempotency-Key": "timeout-1"}
        status, first, _ = await gw.call("add_lead", lead, headers=key)
        assert (status, first["error"]["type"]) == (504, "upstream_timeout")
        await asyncio.sleep(0.8)  # VICIdial finishes the write after the gateway gave up
        assert sim_leads(sim, lead["phone_number"]) == 1
        status, again, headers = await gw.call("add_lead", lead, headers=key)
        assert (status, again) == (504, first)
        assert headers["Idempotent-Replayed"] == "true"
        assert sim.state.hits("add_lead") == 1
        assert sim_leads(sim, lead["phone_number"]) == 1


async def test_idempotency_key_is_per_app(sim: RunningSim, state_cfg: dict[str, Any]) -> None:
    doc = make_doc(sim, state_cfg)
    doc["apps"]["shop"] = {
        "keys": [{"kid": "shop-1", "alg": "HS256", "secret": CRM_SECRET + "-shop"}],
        "upstream": "main",
        "source": "shop",
        "functions": ["add_lead"],
    }
    async with running(sim, doc) as gw:
        key = {"Idempotency-Key": "shared-name"}
        status, crm, _ = await gw.call("add_lead", LEAD, headers=key)
        assert status == 200, crm
        status, shop, headers = await gw.call("add_lead", LEAD, app="shop", headers=key)
        assert status == 200, shop
        assert "Idempotent-Replayed" not in headers  # another app's key: a call of its own
        assert shop["data"]["lead_id"] != crm["data"]["lead_id"]
        assert sim.state.hits("add_lead") == 2


async def test_read_only_functions_ignore_the_idempotency_key(
    sim: RunningSim, state_cfg: dict[str, Any]
) -> None:
    async with running(sim, make_doc(sim, state_cfg)) as gw:
        for key in ("same-key", "same-key", "not a valid key!"):
            status, body, headers = await gw.call(
                "campaigns_list", headers={"Idempotency-Key": key}
            )
            assert status == 200, body
            assert "Idempotent-Replayed" not in headers
        assert sim.state.hits("campaigns_list") == 3
        # On a mutating call the key is checked.
        status, body, _ = await gw.call("add_lead", LEAD, headers={"Idempotency-Key": "bad key!"})
        assert (status, body["error"]["type"]) == (400, "bad_request")
        assert sim.state.hits("add_lead") == 0


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param("truncate"),
        pytest.param("reset"),
    ],
)
async def test_reply_cut_after_the_write_is_not_sent_again_on_retry(
    sim: RunningSim, mode: str
) -> None:
    lead = {**LEAD, "phone_number": "3125557012"}
    async with running(sim, make_doc(sim)) as gw:
        key = {"Idempotency-Key": f"cut-{mode}"}
        sim.state.faults = Faults(mode, functions=frozenset({"add_lead"}), remaining=1)
        status, first, _ = await gw.call("add_lead", lead, headers=key)
        assert (status, first["error"]["type"]) == (502, "upstream_error")
        assert sim_leads(sim, lead["phone_number"]) == 1  # VICIdial did add it
        await gw.call("add_lead", lead, headers=key)  # the client retries with its key
        assert sim.state.hits("add_lead") == 1
        assert sim_leads(sim, lead["phone_number"]) == 1


# --- coalescing and the reply cache -------------------------------------------------------


async def test_fifty_identical_calls_cost_one_upstream_call(sim: RunningSim) -> None:
    doc = make_doc(sim, cache={"campaigns_list": "0s"}, max_concurrency=64)
    sim.state.faults = Faults("slow", delay=1.0, functions=frozenset({"campaigns_list"}))
    async with running(sim, doc) as gw:
        results = await asyncio.gather(
            *(gw.call("campaigns_list", app="crm" if i % 2 else "reports") for i in range(50))
        )
        assert [r[0] for r in results] == [200] * 50
        assert len({repr(r[1]["data"]) for r in results}) == 1
        assert sim.state.hits("campaigns_list") == 1
        lookups = {
            result: await metric(
                gw, "vicigw_cache_lookups_total", function="campaigns_list", result=result
            )
            for result in ("hit", "shared", "miss")
        }
        assert lookups == {"hit": 0, "shared": 49, "miss": 1}
        # TTL 0: nothing is kept; the next call asks VICIdial again.
        sim.state.faults = None
        status, _, _ = await gw.call("campaigns_list")
        assert status == 200
        assert sim.state.hits("campaigns_list") == 2


async def test_coalescing_is_not_limited_by_the_concurrency_cap(sim: RunningSim) -> None:
    doc = make_doc(sim, cache={"campaigns_list": "0s"}, queue_timeout="5s")
    sim.state.faults = Faults("slow", delay=1.0, functions=frozenset({"campaigns_list"}))
    async with running(sim, doc) as gw:
        results = await asyncio.gather(*(gw.call("campaigns_list") for _ in range(50)))
        assert [r[0] for r in results] == [200] * 50
        assert sim.state.hits("campaigns_list") == 1


async def test_cache_ttl_serves_without_calling_then_expires(
    sim: RunningSim, state_cfg: dict[str, Any]
) -> None:
    timer = ManualClock(1000.0)
    doc = make_doc(sim, state_cfg, cache={"campaigns_list": "1s"})
    async with running(sim, doc, timer=timer) as gw:
        status, first, _ = await gw.call("campaigns_list")
        assert status == 200, first
        assert sim.state.hits("campaigns_list") == 1
        for app in ("crm", "reports", "crm"):
            status, body, _ = await gw.call("campaigns_list", app=app)
            assert status == 200 and body["data"] == first["data"]
        assert sim.state.hits("campaigns_list") == 1  # within the TTL: none
        await pass_time(state_cfg, timer, 1.1)
        status, body, _ = await gw.call("campaigns_list")
        assert status == 200 and body["data"] == first["data"]
        assert sim.state.hits("campaigns_list") == 2  # after it: one more
        assert await metric(gw, "vicigw_cache_lookups_total", result="hit") == 3
        assert await metric(gw, "vicigw_cache_lookups_total", result="miss") == 2
        # Functions not listed in `cache` are never cached.
        await gw.call("list_info", {"list_id": "101"})
        await gw.call("list_info", {"list_id": "101"})
        assert sim.state.hits("list_info") == 2
