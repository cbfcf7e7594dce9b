"""The real VICIdial client against the simulator: POST form body, no query string, replies
passed on exactly (the bad-login line's password masked by its field)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from gateway.catalog import CATALOG
from gateway.config import UpstreamConfig, parse_config
from gateway.errors import UpstreamError
from gateway.sim import RunningSim
from gateway.sim.faults import Faults
from gateway.upstream import SCRUBBED, VicidialUpstream

from .conftest import API_PASS, API_USER, config_dict


def upstream_config(sim: RunningSim, password: str = API_PASS, **settings: Any) -> UpstreamConfig:
    """The simulator's upstream with ``settings`` changed (as written in a config file)."""
    doc = config_dict(sim.base_url, sim.ca_file, password=password)
    doc["upstreams"]["main"].update(settings)
    return parse_config(doc).upstreams["main"]


@asynccontextmanager
async def opened(cfg: UpstreamConfig, **kwargs: Any) -> AsyncIterator[VicidialUpstream]:
    client = VicidialUpstream(cfg, **kwargs)
    try:
        yield client
    finally:
        await client.close()


def lead(phone: str) -> dict[str, str]:
    return {"phone_number": phone, "list_id": "101"}


@pytest.mark.asyncio
async def test_call_posts_a_form_without_query_string(sim: RunningSim) -> None:
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file)).upstreams["main"]
    client = VicidialUpstream(cfg)
    try:
        reply = await client.call(CATALOG["campaigns_list"], {"stage": "tab"}, source="crm")
    finally:
        await client.close()
    assert reply.status == 200 and reply.credential == "api-a"
    assert reply.content_type.startswith("text/html")
    assert "TESTCAMP\tTest Campaign" in reply.text
    (seen,) = sim.state.requests
    assert seen.method == "POST" and seen.query_string == ""
    assert seen.function == "campaigns_list"
    assert {"user", "pass", "source", "function", "stage"} <= set(seen.param_names)


@pytest.mark.asyncio
async def test_the_last_form_field_is_the_source_label(sim: RunningSim) -> None:
    # VICIdial writes the raw value of the last POST field into vicidial_api_log.value
    # (single-quoted, unfiltered): it must be the gateway's own harmless source label, never
    # the password (stored in clear) nor a caller's value (any character reaches SQL there).
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file)).upstreams["main"]
    client = VicidialUpstream(cfg)
    try:
        await client.call(CATALOG["add_lead"], lead("3125550001"), source="crm")
        async with client.stream(CATALOG["did_log_export"], {"stage": "tab"}, source="crm") as up:
            async for _ in up.batches:
                pass
    finally:
        await client.close()
    assert [r.body_names[-1] for r in sim.state.requests] == ["source", "source"]


@pytest.mark.asyncio
async def test_bad_login_reply_has_its_password_field_masked(sim: RunningSim) -> None:
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file, password="Wrong_pw_123")).upstreams[
        "main"
    ]
    client = VicidialUpstream(cfg)
    try:
        reply = await client.call(CATALOG["campaigns_list"], {}, source="crm")
    finally:
        await client.close()
    assert reply.refusal == "bad_login"
    assert reply.text == f"ERROR: Login incorrect, please try again: |{API_USER}|{SCRUBBED}|BAD|\n"
    assert "Wrong_pw_123" not in reply.text and API_PASS not in reply.text


@pytest.mark.asyncio
async def test_tls_is_verified(sim: RunningSim) -> None:
    # Without the simulator's CA (system trust only) the handshake must fail.
    cfg = parse_config(config_dict(sim.base_url)).upstreams["main"]
    client = VicidialUpstream(dataclasses.replace(cfg, ca_file=None))
    try:
        with pytest.raises(UpstreamError) as info:
            await client.call(CATALOG["version"], {}, source="crm")
    finally:
        await client.close()
    assert "TLS" in info.value.message
    assert len(sim.state.requests) == 0


@pytest.mark.asyncio
async def test_unreachable_upstream() -> None:
    cfg = parse_config(config_dict("https://127.0.0.1:9")).upstreams["main"]
    client = VicidialUpstream(cfg)
    try:
        with pytest.raises(UpstreamError):
            await client.call(CATALOG["version"], {}, source="crm")
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_the_spec_handed_over_decides_retries_not_the_catalog(sim: RunningSim) -> None:
    # A web-server error instead of VICIdial's answer is sent again only for a read: add_lead
    # is a write, so its 500 is passed on; the same function handed over as a read is retried.
    write = CATALOG["add_lead"]
    as_read = dataclasses.replace(write, effect="read_only")
    async with opened(upstream_config(sim, retry_backoff="1ms")) as client:
        sim.state.faults = Faults("http500", functions=frozenset({"add_lead"}), remaining=1)
        first = await client.call(write, lead("3125550101"), source="crm")
        sim.state.faults = Faults("http500", functions=frozenset({"add_lead"}), remaining=1)
        second = await client.call(as_read, lead("3125550102"), source="crm")
    assert (first.status, second.status) == (500, 200)
    assert "LEAD HAS BEEN ADDED" in second.text
    assert [r.function for r in sim.state.requests] == ["add_lead"] * 3


@pytest.mark.asyncio
async def test_the_spec_handed_over_decides_whether_a_refusal_is_looked_for(
    sim: RunningSim,
) -> None:
    # A function that needs no login cannot be refused one: its reply is never read as a
    # refusal. Here that reply is the bad-login line, which prints the password: withheld.
    listed = CATALOG["campaigns_list"]
    async with opened(upstream_config(sim, password="Wrong_pw_123")) as client:
        with pytest.raises(UpstreamError, match="withheld"):
            await client.call(dataclasses.replace(listed, needs_login=False), {}, source="crm")
        refused = await client.call(listed, {}, source="crm")
    assert refused.refusal == "bad_login"
