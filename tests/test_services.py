"""The composition root (``gateway.services``): each long-lived part built once, shared by the
generations a reload swaps, and closed once. Reloads themselves: ``test_reload.py``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from gateway.config_load import load_config, parse_config
from gateway.services import open_services
from gateway.sim import ManualClock
from gateway.store_memory import MemoryRateLimiter
from gateway.upstream import VicidialUpstream

from .conftest import config_dict


def _client(services_upstream: object) -> VicidialUpstream:
    assert isinstance(services_upstream, VicidialUpstream)
    return services_upstream


async def test_the_first_generation_is_built_on_the_lasting_parts() -> None:
    cfg = parse_config(config_dict())
    services = open_services(cfg)
    try:
        gen = services.generations.current
        assert gen.config is cfg
        client = _client(gen.upstreams["main"])
        # The client's credential pool, breaker and metrics are the process's own.
        assert client.credentials.states is services.credentials.states
        assert client.breaker is services.breakers(cfg.upstreams["main"])
        assert client.metrics is services.metrics
        assert services.cache.store is services.state.reply_cache
        assert services.cache.metrics is services.metrics
        assert isinstance(services.state.rate_limits, MemoryRateLimiter)  # the default backend
        assert services.credentials.logins("main") == {"6666": "api-a"}
        assert (
            services.metrics.registry.get_sample_value(
                "vicigw_credential_state",
                {"upstream": "main", "credential": "api-a", "state": "unverified"},
            )
            == 1.0
        )
    finally:
        await services.close()
    assert client.pool.session.closed


async def test_a_reload_swaps_the_generation_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config_dict()))
    services = open_services(load_config(path))
    try:
        first = services.generations.current
        first_client = _client(first.upstreams["main"])
        parts = (services.state, services.concurrency, services.cache, services.custom_fields)
        doc = config_dict()
        doc["apps"]["reports"]["functions"] = ["version"]
        path.write_text(yaml.safe_dump(doc))
        assert await services.generations.reload() is True
        second = services.generations.current
        assert second is not first and second.config.apps["reports"].functions == {"version"}
        client = _client(second.upstreams["main"])
        assert client is not first_client
        assert client.pool is first_client.pool  # same TLS settings: the pool is kept
        assert client.breaker is first_client.breaker
        assert client.credentials.states is services.credentials.states
        assert (services.state, services.concurrency, services.cache, services.custom_fields) == (
            parts
        )
    finally:
        await services.close()
    assert first_client.pool.session.closed


async def test_close_closes_the_generations_then_the_state_backend() -> None:
    services = open_services(parse_config(config_dict()))
    client = _client(services.generations.current.upstreams["main"])
    seen: list[bool] = []

    async def closer() -> None:  # the backend's own (a Redis connection's close)
        seen.append(client.pool.session.closed)

    state = dataclasses.replace(services.state, closer=closer)
    await dataclasses.replace(services, state=state).close()
    assert seen == [True]  # the pools first, then the store they may still have used


async def test_the_timer_is_the_clock_of_the_breakers_and_the_memory_state() -> None:
    timer = ManualClock(1000.0)
    cfg = parse_config(config_dict())
    services = open_services(cfg, timer=timer)
    try:
        breaker = services.breakers(cfg.upstreams["main"])
        for _ in range(cfg.upstreams["main"].breaker_failures):
            breaker.failed()
        assert breaker.opened_at == 1000.0
        crm = cfg.apps["crm"]
        limiter = services.state.rate_limits
        assert await limiter.take(crm.name, 1.0, 1) == 0
        assert await limiter.take(crm.name, 1.0, 1) == 1.0  # empty: a whole second to wait
        timer.advance(1.0)
        assert await limiter.take(crm.name, 1.0, 1) == 0  # refilled by the timer alone
    finally:
        await services.close()
