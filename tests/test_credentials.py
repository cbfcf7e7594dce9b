"""Credential failover and lockout protection, against the simulator's real login rule."""

from __future__ import annotations

import asyncio
import io
import sys
import time
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web

from gateway.app import METRICS_KEY, create_app
from gateway.config import parse_config
from gateway.sim import ManualClock, RunningSim, SimState, start_simulator

from .conftest import API_PASS, API_USER, Gateway, config_dict

REPO = Path(__file__).resolve().parent.parent
SECOND_USER, SECOND_PASS = "6667", "Second-Pass_0043"


async def _gateway(cfg_doc: dict, sim: RunningSim, log_stream: io.StringIO, *, clock=time.time):  # type: ignore[no-untyped-def]
    cfg = parse_config(cfg_doc)
    app = create_app(cfg, clock=clock)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    session = aiohttp.ClientSession()
    gw = Gateway(f"http://127.0.0.1:{runner.addresses[0][1]}", cfg, sim, session, log_stream)
    return gw, runner, app


def _two_credentials(sim: RunningSim, first_pass: str) -> dict:
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["upstreams"]["main"]["credentials"] = [
        {"name": "api-a", "user": API_USER, "pass": first_pass},
        {"name": "api-b", "user": SECOND_USER, "pass": SECOND_PASS},
    ]
    return doc


async def test_200_concurrent_calls_with_a_wrong_password_cost_one_failed_login(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    doc = config_dict(sim.base_url, sim.ca_file, password="Wrong-Pass_777abc")
    gw, runner, _ = await _gateway(doc, sim, log_stream)
    try:
        results = await asyncio.gather(*(gw.call("campaigns_list") for _ in range(200)))
    finally:
        await gw.session.close()
        await runner.cleanup()
    statuses = sorted({status for status, _, _ in results})
    assert statuses == [502, 503]  # the call that saw the refusal says so; the rest: no credential
    assert sum(1 for status, _, _ in results if status == 502) == 1
    assert all(h["Retry-After"] for s, _, h in results if s == 503)
    assert sim.state.login_attempts(API_USER) == 1
    assert sim.state.failed_logins(API_USER) == 1


async def test_failover_to_the_second_credential_even_for_add_lead(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    gw, runner, app = await _gateway(_two_credentials(sim, "Stale-Pass_001"), sim, log_stream)
    try:
        status, body, _ = await gw.call(
            "add_lead", {"phone_number": "3125558877", "list_id": "101"}
        )
        assert status == 200, body
        status, body, _ = await gw.call("lead_search", {"phone_number": "3125558877"})
        assert body["data"][0]["records_found"] == 1  # added exactly once
        status, _, _ = await gw.call("campaigns_list")
        assert status == 200
        metrics = app[METRICS_KEY].render().decode()
    finally:
        await gw.session.close()
        await runner.cleanup()
    assert sim.state.failed_logins(API_USER) == 1  # api-a tried once, then left alone
    assert 'vicigw_upstream_login_failures_total{credential="api-a",upstream="main"} 1.0' in metrics
    assert 'vicigw_credential_healthy{credential="api-a",upstream="main"} 0.0' in metrics
    assert 'vicigw_credential_healthy{credential="api-b",upstream="main"} 1.0' in metrics
    assert "Stale-Pass_001" not in log_stream.getvalue() + metrics


async def test_after_the_cooldown_one_probe_at_a_time(log_stream: io.StringIO) -> None:
    clock = ManualClock(time.time())
    state = SimState.seeded(api_users={API_USER: API_PASS}, clock=clock)
    sim = await start_simulator("127.0.0.1", 0, state=state)
    state.set_password(API_USER, "Changed-Elsewhere_9")
    doc = config_dict(sim.base_url, sim.ca_file)
    gw, runner, _ = await _gateway(doc, sim, log_stream, clock=clock)
    try:
        status, _, _ = await gw.call("campaigns_list")
        assert status == 502
        for _ in range(3):
            clock.advance(901)  # each cool-down over: a probe, which fails again
            results = await asyncio.gather(*(gw.call("campaigns_list") for _ in range(20)))
            assert sum(1 for s, _, _ in results if s == 502) == 1
        failures = state.failed_logins(API_USER)
        assert failures == 4  # 1 + one probe per cool-down ...
        clock.advance(901)
        await asyncio.gather(*(gw.call("campaigns_list") for _ in range(20)))
    finally:
        await gw.session.close()
        await runner.cleanup()
        await sim.close()
    # ... but never more than 3 in any 15-minute window: the oldest of the last three must
    # leave the window first (they were 901 s apart, so one probe per window at most).
    assert state.failed_logins(API_USER) == 5
    assert state.login_stats(API_USER).locks == 0


async def test_probe_budget_caps_failures_per_window(log_stream: io.StringIO) -> None:
    clock = ManualClock(time.time())
    state = SimState.seeded(api_users={API_USER: "Changed-Elsewhere_9"}, clock=clock)
    sim = await start_simulator("127.0.0.1", 0, state=state)
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["upstreams"]["main"]["credentials"][0]["pass"] = API_PASS
    doc["upstreams"]["main"]["credential_cooldown"] = "60s"  # short: the budget must still hold
    gw, runner, _ = await _gateway(doc, sim, log_stream, clock=clock)
    try:
        await gw.call("campaigns_list")
        for _ in range(10):
            clock.advance(61)
            await asyncio.gather(*(gw.call("campaigns_list") for _ in range(5)))
    finally:
        await gw.session.close()
        await runner.cleanup()
        await sim.close()
    # 10 cool-downs in 610 s, but at most 3 failures in any 900 s window.
    assert state.failed_logins(API_USER) == 3


async def test_credentials_check_cli(sim: RunningSim, tmp_path: Path) -> None:
    doc = _two_credentials(sim, API_PASS)
    (tmp_path / "ok.yaml").write_text(yaml.safe_dump(doc))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "credentials",
        "check",
        "--config",
        str(tmp_path / "ok.yaml"),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err
    lines = out.decode().splitlines()
    assert lines[1].split()[:2] == ["main/api-a", "ok"]
    assert lines[2].split()[:2] == ["main/api-b", "ok"]

    doc = _two_credentials(sim, "Stale-Pass_001")
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(doc))
    before = sim.state.login_attempts(SECOND_USER)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "credentials",
        "check",
        "--config",
        str(tmp_path / "bad.yaml"),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 1
    text = out.decode()
    assert "main/api-a" in text and "FAILED" in text and "login incorrect" in text
    assert "main/api-b" not in text  # stopped at the first failure
    assert sim.state.login_attempts(SECOND_USER) == before
    assert "Stale-Pass_001" not in text + err.decode() and API_PASS not in text


async def test_idempotency_key_is_freed_when_vicidial_refused_the_login(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    """VICIdial checks the login before acting: such a refusal is not the call's outcome."""
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["upstreams"]["main"]["credential_cooldown"] = "100ms"
    sim.state.set_password(API_USER, "Not-Yet-Rotated_1")
    gw, runner, _ = await _gateway(doc, sim, log_stream)
    body = {"phone_number": "3125554455", "list_id": "101"}
    headers = {"Idempotency-Key": "order-4455"}
    try:
        status, first, _ = await gw.call("add_lead", body, headers=headers)
        assert (status, first["error"]["type"]) == (502, "upstream_error")
        sim.state.set_password(API_USER, API_PASS)  # the password is put right
        await asyncio.sleep(0.2)  # past the cool-down: the credential is probed again
        status, second, resp_headers = await gw.call("add_lead", body, headers=headers)
        assert status == 200, second
        assert "Idempotent-Replayed" not in resp_headers
        status, third, resp_headers = await gw.call("add_lead", body, headers=headers)
        assert resp_headers["Idempotent-Replayed"] == "true"
        assert third["data"]["lead_id"] == second["data"]["lead_id"]
    finally:
        await gw.session.close()
        await runner.cleanup()
    assert sim.state.hits("add_lead") == 2  # the refused login and the one real insert
