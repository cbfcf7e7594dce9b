"""Step 4 of a call, without a server: the calls to VICIdial within the caps, through the
reply cache, the export, and the gateway's own lookups (the process's real services; VICIdial
scripted at the edge)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest

from gateway.call.forward import Forwarder
from gateway.call.outcome import UpstreamUse
from gateway.catalog import CATALOG
from gateway.catalog.spec import FunctionSpec
from gateway.errors import Unavailable
from gateway.export import Buffered, Export
from gateway.services import Services
from gateway.upstream import Upstream

from .call_parts import VERSION, ScriptedUpstream, config, services, upstream_reply


def _forwarder(svc: Services, calls: list[UpstreamUse] | None = None) -> Forwarder:
    gen = svc.generations.current
    return Forwarder(
        app=gen.config.apps["crm"],
        upstream=gen.upstreams["main"],
        config=gen.config.upstreams["main"],
        concurrency=svc.concurrency,
        cache=svc.cache,
        metrics=svc.metrics,
        logins=svc.credentials.logins("main"),
        write_timeout=gen.config.server.write_timeout,
        request_id="r1",
        calls=calls if calls is not None else [],
    )


async def test_a_post_takes_a_slot_and_is_refused_when_they_stay_full() -> None:
    edge = ScriptedUpstream(hold=asyncio.Event())
    svc = services(config(max_concurrency=1, queue_timeout="50ms"), edge)
    try:
        forwarder = _forwarder(svc)
        first = asyncio.create_task(forwarder.post(CATALOG["version"], {}))
        while not edge.calls:
            await asyncio.sleep(0)
        inflight = {"upstream": "main"}
        assert svc.metrics.registry.get_sample_value("vicigw_inflight_requests", inflight) == 1
        with pytest.raises(Unavailable) as info:
            await forwarder.post(CATALOG["version"], {})
        assert info.value.retry_after == 1 and "upstream main" in info.value.message
        assert edge.hold is not None
        edge.hold.set()
        assert (await first).text == VERSION
        assert svc.metrics.registry.get_sample_value("vicigw_inflight_requests", inflight) == 0
        assert [(name, source) for name, _, source in edge.calls] == [("version", "crm")]
    finally:
        await svc.close()


async def test_fetch_answers_from_the_cache_where_it_is_on() -> None:
    edge = ScriptedUpstream()
    svc = services(config(cache={"version": "60s"}), edge)
    try:
        forwarder = _forwarder(svc)
        first = await forwarder.fetch(CATALOG["version"], {})
        again = await forwarder.fetch(CATALOG["version"], {})
        assert first.text == again.text == VERSION
        assert len(edge.calls) == 1
        await forwarder.fetch(CATALOG["campaigns_list"], {})  # not cached: always sent
        await forwarder.fetch(CATALOG["campaigns_list"], {})
        assert [name for name, _, _ in edge.calls] == ["version"] + ["campaigns_list"] * 2
    finally:
        await svc.close()


async def test_a_lookup_is_noted_and_a_refusal_of_the_gateways_login_ends_the_request() -> None:
    edge = ScriptedUpstream()
    svc = services(config(), edge)
    calls: list[UpstreamUse] = []
    try:
        forwarder = _forwarder(svc, calls)
        await forwarder.lookup(CATALOG["version"], {})
        assert calls == [UpstreamUse("main", "api-a", "version", "SUCCESS")]
        assert edge.calls[0][0] == "version"
        edge.replies["version"] = upstream_reply("", refusal="locked", retry_after=900)
        with pytest.raises(Unavailable) as info:
            await forwarder.lookup(CATALOG["version"], {})
        assert info.value.retry_after == 900 and info.value.notices == []
        assert [c.result for c in calls] == ["SUCCESS", "ERROR"]
    finally:
        await svc.close()


async def test_an_export_gets_its_deadline_the_write_timeout_and_the_logins() -> None:
    edge = ScriptedUpstream()
    svc = services(config(timeout="30s", class_timeouts={"export": "120s"}), edge)
    seen: dict[str, object] = {}

    async def exporter(
        spec: FunctionSpec,
        params: Mapping[str, str],
        upstream: Upstream,
        *,
        source: str,
        request_id: str,
        deadline: float,
        write_timeout: float,
        logins: Mapping[str, str],
    ) -> Export | Buffered:
        seen.update(
            spec=spec.name,
            upstream=upstream,
            source=source,
            request_id=request_id,
            left=deadline - asyncio.get_running_loop().time(),
            write_timeout=write_timeout,
            logins=dict(logins),
        )
        raise Unavailable("stop here")

    try:
        with pytest.raises(Unavailable):
            await _forwarder(svc).export(CATALOG["did_log_export"], {}, exporter)
        left = seen.pop("left")
        assert isinstance(left, float) and 100 < left <= 120  # the export class's timeout
        assert seen == {
            "spec": "did_log_export",
            "upstream": edge,
            "source": "crm",
            "request_id": "r1",
            "write_timeout": svc.generations.current.config.server.write_timeout,
            "logins": {"6666": "api-a"},
        }
    finally:
        await svc.close()
