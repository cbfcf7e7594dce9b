"""The circuit breaker (``gateway.breaker``) on its own, with an injected clock: when it opens,
what it answers while open, and the single version probe that closes it. Through the gateway
and the simulator: ``test_faults.py``."""

from __future__ import annotations

import asyncio

import pytest

from gateway.breaker import Breakers, CircuitBreaker
from gateway.config_load import parse_config
from gateway.errors import Unavailable, UpstreamTimeout, error_response
from gateway.metrics import Metrics
from gateway.sim import ManualClock

from .conftest import config_dict


class Ping:
    """VICIdial's ``version``: counts the probes; ``down`` makes them fail; ``hold`` keeps
    them waiting until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.down = False
        self.hold: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def __call__(self) -> str:
        self.calls += 1
        self.started.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.down:
            raise UpstreamTimeout("VICIdial did not answer version in time")
        return "2.14-917a"


def breaker(clock: ManualClock, changes: list[bool], failures: int = 3) -> CircuitBreaker:
    return CircuitBreaker(failures, 30.0, clock=clock, on_change=changes.append)


async def refused(b: CircuitBreaker, ping: Ping) -> Unavailable:
    with pytest.raises(Unavailable) as info:
        await b.before_call(ping)
    assert "circuit breaker open" in info.value.message
    return info.value


async def test_closed_lets_calls_through_without_a_probe() -> None:
    ping, changes = Ping(), []
    b = breaker(ManualClock(1000.0), changes)
    for _ in range(5):
        await b.before_call(ping)
    assert (ping.calls, changes, b.opened_at) == (0, [], None)


async def test_opens_at_failures_in_a_row_and_any_answer_resets_the_count() -> None:
    ping, changes, clock = Ping(), [], ManualClock(1000.0)
    b = breaker(clock, changes, failures=3)
    b.failed()
    b.failed()
    b.succeeded()  # VICIdial answered (even an ERROR line): the count starts again
    b.failed()
    b.failed()
    await b.before_call(ping)
    assert changes == []
    b.failed()
    assert (changes, b.opened_at) == ([True], 1000.0)
    await refused(b, ping)
    assert ping.calls == 0  # open: refused at once, VICIdial not asked


async def test_while_open_retry_after_is_the_remaining_time() -> None:
    ping, changes, clock = Ping(), [], ManualClock(1000.0)
    b = breaker(clock, changes, failures=1)
    b.failed()
    assert (await refused(b, ping)).retry_after == 31
    clock.advance(10.5)
    exc = await refused(b, ping)
    assert exc.retry_after == 20
    assert error_response(exc).headers["Retry-After"] == "20"
    clock.advance(19.4)
    assert (await refused(b, ping)).retry_after == 1


async def test_half_open_one_answered_probe_closes_it() -> None:
    ping, changes, clock = Ping(), [], ManualClock(1000.0)
    b = breaker(clock, changes, failures=2)
    b.failed()
    b.failed()
    clock.advance(30.0)
    await b.before_call(ping)
    assert (ping.calls, changes, b.opened_at, b.consecutive) == (1, [True, False], None, 0)
    await b.before_call(ping)
    assert ping.calls == 1  # closed again: no more probes
    b.failed()
    assert b.opened_at is None  # the count starts from zero


async def test_half_open_a_failed_probe_opens_it_for_a_full_period() -> None:
    ping, changes, clock = Ping(), [], ManualClock(1000.0)
    b = breaker(clock, changes, failures=1)
    b.failed()
    clock.advance(45.0)
    ping.down = True
    exc = await refused(b, ping)
    assert (exc.retry_after, b.opened_at, ping.calls) == (31, 1045.0, 1)
    assert changes == [True, True]
    clock.advance(29.0)
    assert (await refused(b, ping)).retry_after == 2
    assert ping.calls == 1  # the new period is not probed either


async def test_concurrent_calls_wait_for_one_probe() -> None:
    ping, changes, clock = Ping(), [], ManualClock(1000.0)
    b = breaker(clock, changes, failures=1)
    b.failed()
    clock.advance(31.0)
    ping.hold = asyncio.Event()
    first = asyncio.create_task(b.before_call(ping))
    await ping.started.wait()
    others = [asyncio.create_task(b.before_call(ping)) for _ in range(3)]
    await asyncio.sleep(0)  # let them reach the probe's lock
    assert not any(task.done() for task in others)
    ping.hold.set()
    await asyncio.gather(first, *others)
    assert (ping.calls, changes, b.opened_at) == (1, [True, False], None)


async def test_calls_waiting_for_a_failed_probe_are_refused_without_another() -> None:
    ping, changes, clock = Ping(), [], ManualClock(1000.0)
    b = breaker(clock, changes, failures=1)
    b.failed()
    clock.advance(31.0)
    ping.hold, ping.down = asyncio.Event(), True
    first = asyncio.create_task(b.before_call(ping))
    await ping.started.wait()
    second = asyncio.create_task(b.before_call(ping))
    await asyncio.sleep(0)
    ping.hold.set()
    for task in (first, second):
        with pytest.raises(Unavailable) as info:
            await task
        assert info.value.retry_after == 31
    assert ping.calls == 1


def test_one_breaker_per_upstream_kept_across_configs_with_the_new_limits() -> None:
    metrics = Metrics()
    breakers = Breakers(metrics)
    doc = config_dict()
    doc["upstreams"]["main"]["breaker_failures"] = 2
    first_cfg = parse_config(doc).upstreams["main"]

    def gauge() -> float | None:
        return metrics.registry.get_sample_value("vicigw_circuit_open", {"upstream": "main"})

    first = breakers(first_cfg)
    assert gauge() == 0
    first.failed()
    first.failed()
    assert first.opened_at is not None and gauge() == 1  # the gauge follows the breaker
    doc["upstreams"]["main"]["breaker_failures"] = 7
    doc["upstreams"]["main"]["breaker_open_for"] = "5s"
    again = breakers(parse_config(doc).upstreams["main"])
    assert again is first  # a reload keeps what it counted (still open)
    assert (again.failures, again.open_for) == (7, 5.0) and again.opened_at is not None
    doc["upstreams"]["other"] = doc["upstreams"].pop("main")
    for app in doc["apps"].values():
        app["upstream"] = "other"
    other = breakers(parse_config(doc).upstreams["other"])
    assert other is not first and other.opened_at is None
