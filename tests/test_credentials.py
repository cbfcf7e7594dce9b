"""Credential failover and lockout protection, against the simulator's real login rule."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
import time
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp import web

from gateway.app import SERVICES, create_app
from gateway.config_load import parse_config
from gateway.credentials import (
    FAILURE_WINDOW,
    CredentialPool,
    CredentialState,
    KnownCredentials,
    NoCredential,
)
from gateway.sim import ManualClock, RunningSim, SimState, start_simulator

from .conftest import API_PASS, API_USER, Gateway, config_dict
from .redis_server import RedisServer, redis_prefix, redis_server  # noqa: F401
from .scrape import scrape

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
        metrics = app[SERVICES].metrics.render().decode()
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
    clock = ManualClock(time.time())
    gw, runner, _ = await _gateway(doc, sim, log_stream, clock=clock)
    body = {"phone_number": "3125554455", "list_id": "101"}
    headers = {"Idempotency-Key": "order-4455"}
    try:
        status, first, _ = await gw.call("add_lead", body, headers=headers)
        assert (status, first["error"]["type"]) == (502, "upstream_error")
        sim.state.set_password(API_USER, API_PASS)  # the password is put right
        clock.advance(0.2)  # past the cool-down: the credential is probed again
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


# --- which credential serves, and why none does (issue 11, items 1 and 2) -----------------


def _audit_records(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text().splitlines()]


def _log_records(stream: io.StringIO) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _transitions(stream: io.StringIO) -> list[tuple[str, str, str, str]]:
    return [
        (r["credential"], r["from"], r["to"], r["reason"])
        for r in _log_records(stream)
        if r["message"] == "credential state changed"
    ]


async def test_the_credential_that_served_is_in_metrics_audit_and_log(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    doc = _two_credentials(sim, "Stale-Pass_001")
    doc["audit"] = {"file": str(tmp_path / "audit.log")}
    gw, runner, _ = await _gateway(doc, sim, log_stream)
    try:
        for _ in range(2):  # api-a is refused once, api-b serves both calls
            status, body, _ = await gw.call("campaigns_list")
            assert status == 200, body
        page = await scrape(gw.session, gw.base_url)
    finally:
        await gw.session.close()
        await runner.cleanup()
    requests = "vicigw_upstream_requests_total"
    assert page.value(requests, credential="api-b", function="campaigns_list") == 2
    assert page.find(requests, credential="api-a") == []  # refused: a login failure, not a call
    assert page.value("vicigw_upstream_duration_seconds_count", credential="api-b") == 2
    assert [r["credential"] for r in _audit_records(tmp_path / "audit.log")] == ["api-b"] * 2
    assert _transitions(log_stream) == [
        ("api-a", "unverified", "failed", "login incorrect"),
        ("api-b", "unverified", "healthy", "login accepted"),
    ]
    warned = [r for r in _log_records(log_stream) if r["message"] == "credential state changed"]
    assert {r["level"] for r in warned} == {"warning"}
    assert "Stale-Pass_001" not in log_stream.getvalue() + page.text


async def test_a_503_without_a_usable_credential_says_why_and_the_real_wait(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    doc = _two_credentials(sim, "Stale-Pass_001")
    doc["upstreams"]["main"]["credentials"][1]["pass"] = "Stale-Pass_002"
    doc["audit"] = {"file": str(tmp_path / "audit.log")}
    doc["server"]["config_watch_interval"] = "3s"
    gw, runner, _ = await _gateway(doc, sim, log_stream)
    try:
        status, _, _ = await gw.call("campaigns_list")
        assert status == 502  # this call saw both logins refused
        status, body, headers = await gw.call("campaigns_list")
        assert (status, body["error"]["type"]) == (503, "unavailable")
        # A refused password comes back when its secret changes, which the gateway sees within
        # config_watch_interval: that is the wait, not the 15-minute cool-down.
        assert headers["Retry-After"] == "3"
    finally:
        await gw.session.close()
        await runner.cleanup()
    first, second = _audit_records(tmp_path / "audit.log")
    assert (first["status"], first["credential"]) == (502, "api-b")
    assert (second["status"], second["credential"]) == (503, None)
    assert "api-a failed (login incorrect" in second["reason"]
    assert "api-b failed (login incorrect" in second["reason"]
    assert "api-a failed (login incorrect" in first["reason"]  # why none other took it
    assert sim.state.login_attempts(API_USER) == sim.state.login_attempts(SECOND_USER) == 1


async def test_a_failed_credential_due_for_a_probe_is_logged(log_stream: io.StringIO) -> None:
    clock = ManualClock(time.time())
    state = SimState.seeded(api_users={API_USER: "Changed-Elsewhere_9"}, clock=clock)
    sim = await start_simulator("127.0.0.1", 0, state=state)
    doc = config_dict(sim.base_url, sim.ca_file)
    gw, runner, _ = await _gateway(doc, sim, log_stream, clock=clock)
    try:
        assert (await gw.call("campaigns_list"))[0] == 502
        state.set_password(API_USER, API_PASS)
        clock.advance(901)
        assert (await gw.call("campaigns_list"))[0] == 200
    finally:
        await gw.session.close()
        await runner.cleanup()
        await sim.close()
    assert _transitions(log_stream) == [
        ("api-a", "unverified", "failed", "login incorrect"),
        ("api-a", "failed", "unverified", "cool-down over: probe due"),
        ("api-a", "unverified", "healthy", "login accepted"),
    ]


async def test_a_held_credential_is_never_sent(sim: RunningSim, log_stream: io.StringIO) -> None:
    doc = _two_credentials(sim, API_PASS)
    doc["upstreams"]["main"]["credentials"][0]["hold"] = True
    gw, runner, _ = await _gateway(doc, sim, log_stream)
    try:
        status, body, _ = await gw.call("campaigns_list")
        assert status == 200, body
        page = await scrape(gw.session, gw.base_url)
        assert page.value("vicigw_credential_state", credential="api-a", state="held") == 1
        assert page.value("vicigw_upstream_requests_total", credential="api-b") == 1
    finally:
        await gw.session.close()
        await runner.cleanup()
    assert sim.state.login_attempts(API_USER) == 0

    doc["upstreams"]["main"]["credentials"] = doc["upstreams"]["main"]["credentials"][:1]
    doc["server"]["config_watch_interval"] = "2s"
    gw, runner, _ = await _gateway(doc, sim, log_stream)
    try:
        status, body, headers = await gw.call("campaigns_list")
        # On hold until the config says otherwise, which is seen within config_watch_interval.
        assert (status, body["error"]["type"], headers["Retry-After"]) == (503, "unavailable", "2")
    finally:
        await gw.session.close()
        await runner.cleanup()
    assert sim.state.login_attempts(API_USER) == 0


# --- the last change of a secret survives a restart (item 4) --------------------------------


async def test_last_change_is_the_secret_files_time_and_survives_a_restart(
    sim: RunningSim, tmp_path: Path, log_stream: io.StringIO
) -> None:
    secret = tmp_path / "pass_a"
    secret.write_text(API_PASS + "\n")
    rotated = int(time.time()) - 91 * 86400
    os.utime(secret, (rotated, rotated))
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["upstreams"]["main"]["credentials"][0]["pass"] = {"file": str(secret)}
    seen = []
    for _ in range(2):  # a restart: a new process state, the same file
        gw, runner, _ = await _gateway(doc, sim, log_stream)
        try:
            assert (await gw.call("campaigns_list"))[0] == 200
            page = await scrape(gw.session, gw.base_url)
        finally:
            await gw.session.close()
            await runner.cleanup()
        seen.append(page.value("vicigw_credential_last_change_timestamp_seconds"))
    assert seen == [rotated, rotated]


# --- vicigw credentials check (item 7) --------------------------------------------------------


async def _check(config: Path, *extra: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "credentials",
        "check",
        "--config",
        str(config),
        *extra,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_credentials_check_needs_only_the_vicidial_credentials(
    sim: RunningSim, tmp_path: Path
) -> None:
    doc = _two_credentials(sim, API_PASS)
    # The apps' JWT secrets are not there (the check runs where only the VICIdial logins are).
    doc["apps"]["crm"]["keys"][0]["secret"] = {"env": "VICIGW_TEST_UNSET_CRM_SECRET"}
    doc["apps"]["reports"]["keys"][0]["secret"] = {"file": str(tmp_path / "absent")}
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(doc))
    code, out, err = await _check(tmp_path / "c.yaml")
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[1].split()[:2] == ["main/api-a", "ok"]
    assert lines[2].split()[:2] == ["main/api-b", "ok"]
    # With the memory backend it cannot know what a running gateway knows, and says so.
    assert "state.backend is memory" in err


async def test_credentials_check_respects_the_shared_credential_state(
    sim: RunningSim,
    tmp_path: Path,
    log_stream: io.StringIO,
    redis_server: RedisServer,  # noqa: F811
    redis_prefix: str,  # noqa: F811
) -> None:
    doc = config_dict(sim.base_url, sim.ca_file, password="Stale-Pass_001")
    doc["state"] = {"backend": "redis", "url": redis_server.url, "prefix": redis_prefix}
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(doc))
    gw, runner, _ = await _gateway(doc, sim, log_stream)
    try:
        assert (await gw.call("campaigns_list"))[0] == 502  # the gateway saw it refused
    finally:
        await gw.session.close()
        await runner.cleanup()
    assert sim.state.failed_logins(API_USER) == 1

    code, out, err = await _check(tmp_path / "c.yaml")
    assert code == 1
    row = out.splitlines()[1].split(maxsplit=2)
    assert row[:2] == ["main/api-a", "skipped"], out
    assert "login incorrect" in row[2] and "--force" in row[2]
    assert sim.state.login_attempts(API_USER) == 1  # not tried: the cool-down is not over
    assert "state.backend is memory" not in err

    # --force skips the cool-down, never the budget: 3 failures in 15 minutes, the gateway's own.
    for _ in range(2):
        code, out, _ = await _check(tmp_path / "c.yaml", "--force")
        assert code == 1 and out.splitlines()[1].split()[:2] == ["main/api-a", "FAILED"], out
    code, out, _ = await _check(tmp_path / "c.yaml", "--force")
    assert code == 1
    row = out.splitlines()[1].split(maxsplit=2)
    assert row[:2] == ["main/api-a", "skipped"], out
    assert "3 failed logins in 15 minutes" in row[2]
    assert sim.state.failed_logins(API_USER) == 3
    assert "Stale-Pass_001" not in out

    # The gateway counts the check's failures too: it does not probe the credential again.
    gw, runner, _ = await _gateway(doc, sim, log_stream)
    try:
        status, body, _ = await gw.call("campaigns_list")
        assert (status, body["error"]["type"]) == (503, "unavailable")
    finally:
        await gw.session.close()
        await runner.cleanup()
    assert sim.state.failed_logins(API_USER) == 3


async def test_a_call_on_an_older_config_never_sends_an_outdated_secret() -> None:
    """A call that started before a reload changed a secret may need a credential afterwards
    (a retry, a failover): it must not send its configuration's old password."""
    old_doc, new_doc = config_dict(), config_dict(password="Rotated-Pass_0099")
    for doc in (old_doc, new_doc):
        doc["upstreams"]["main"]["credentials"].append(
            {"name": "api-b", "user": SECOND_USER, "pass": SECOND_PASS}
        )
    states: dict = {}  # type: ignore[type-arg]
    old = CredentialPool("main", parse_config(old_doc).upstreams["main"].credentials, states=states)
    new = CredentialPool("main", parse_config(new_doc).upstreams["main"].credentials, states=states)
    lease = await old.acquire(set())
    assert lease.credential.name == "api-b"  # api-a's secret here is outdated: skipped
    await old.released(lease)
    with pytest.raises(NoCredential) as refused:
        await old.acquire({"api-b"})
    assert refused.value.retry_after == 1
    assert "api-a secret changed since this call started" in refused.value.reason
    lease = await new.acquire(set())
    assert lease.credential.password.reveal() == "Rotated-Pass_0099"


def test_known_credentials_keep_every_password_and_login_across_configs() -> None:
    known = KnownCredentials()
    doc = config_dict()
    known.learn(parse_config(doc).upstreams)
    doc["upstreams"]["main"]["credentials"] = [
        {"name": "api-b", "user": SECOND_USER, "pass": SECOND_PASS}
    ]
    known.learn(parse_config(doc).upstreams)
    # Rotated away, still scrubbed and still named.
    assert known.passwords("main") == {API_PASS, SECOND_PASS}
    assert known.logins("main") == {API_USER: "api-a", SECOND_USER: "api-b"}
    assert known.passwords("other") == set() and known.logins("other") == {}


def test_known_credentials_forget_the_unconfigured_unless_refused_recently() -> None:
    known = KnownCredentials()
    now = 10_000.0
    for name in ("kept", "gone", "refused", "refused-long-ago"):
        known.states[("main", name)] = CredentialState("fp", now)
    known.states[("main", "refused")].failures.append(now - FAILURE_WINDOW + 1)
    known.states[("main", "refused-long-ago")].failures.append(now - FAILURE_WINDOW)
    known.forget({("main", "kept")}, now)
    assert set(known.states) == {("main", "kept"), ("main", "refused")}
