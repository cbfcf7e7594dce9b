"""The real VICIdial client against the simulator: POST form body, no query string, replies
passed on exactly (the bad-login line's password masked by its field)."""

from __future__ import annotations

import dataclasses

import pytest

from gateway.config_load import parse_config
from gateway.errors import UpstreamError
from gateway.sim import RunningSim
from gateway.upstream import SCRUBBED, VicidialUpstream

from .conftest import API_PASS, API_USER, config_dict


@pytest.mark.asyncio
async def test_call_posts_a_form_without_query_string(sim: RunningSim) -> None:
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file)).upstreams["main"]
    client = VicidialUpstream(cfg)
    try:
        reply = await client.call("campaigns_list", {"stage": "tab"}, source="crm")
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
        await client.call(
            "add_lead", {"phone_number": "3125550001", "list_id": "101"}, source="crm"
        )
        async with client.stream("did_log_export", {"stage": "tab"}, source="crm") as up:
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
        reply = await client.call("campaigns_list", {}, source="crm")
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
            await client.call("version", {}, source="crm")
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
            await client.call("version", {}, source="crm")
    finally:
        await client.close()
