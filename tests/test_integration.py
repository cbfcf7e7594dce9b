"""The gateway and the simulator as two real servers: JSON in, VICIdial over verified HTTPS."""

from __future__ import annotations

import io
import json
import ssl
import time

import aiohttp
import jwt
import pytest
from aiohttp import web

from gateway.app import create_app
from gateway.config_load import parse_config
from gateway.sim import ManualClock, SimState, start_simulator

from .conftest import API_PASS, API_USER, CRM_SECRET, Gateway, config_dict, start_gateway

# --- success JSON for each function ---------------------------------------------------------


async def test_version(gateway: Gateway) -> None:
    status, body, headers = await gateway.call("version")
    assert status == 200
    assert body["ok"] is True and body["function"] == "version" and body["result"] == "SUCCESS"
    assert body["data"]["version"] == "2.14-194"
    assert body["data"]["build"] == "241004-1518"
    assert isinstance(body["data"]["epoch"], int)
    assert body["request_id"] == headers["X-Request-ID"]


async def test_add_lead_then_search_update_and_read(gateway: Gateway) -> None:
    status, body, _ = await gateway.call(
        "add_lead",
        {"phone_number": "3125559876", "list_id": "101", "first_name": "Ada", "last_name": "L"},
    )
    assert status == 200, body
    assert body["result"] == "SUCCESS"
    assert body["message"] == "LEAD HAS BEEN ADDED"
    data = body["data"]
    assert data["phone_number"] == "3125559876" and data["list_id"] == "101"
    assert isinstance(data["lead_id"], str) and data["lead_id"].isdigit()
    assert "user" not in data  # the gateway's VICIdial login is never returned
    lead_id = data["lead_id"]

    status, body, _ = await gateway.call("lead_search", {"phone_number": "3125559876"})
    assert status == 200, body
    assert body["data"] == [{"search_key": "3125559876", "records_found": 1, "lead_ids": [lead_id]}]

    status, body, _ = await gateway.call(
        "update_lead", {"lead_id": lead_id, "city": "Evanston", "comments": "called | twice"}
    )
    assert status == 200, body
    assert body["message"] == "LEAD HAS BEEN UPDATED"
    assert body["data"]["lead_id"] == lead_id
    assert body["data"]["vl_affected_rows"] == 1

    status, body, _ = await gateway.call("lead_all_info", {"lead_id": lead_id})
    assert status == 200, body
    (lead,) = body["data"]
    assert lead["lead_id"] == lead_id
    assert lead["first_name"] == "Ada" and lead["city"] == "Evanston"
    assert lead["comments"] == "called | twice"
    assert lead["phone_number"] == "3125559876"
    # Added without a date of birth: VICIdial stores MySQL's zero date, the README promises null.
    assert lead["date_of_birth"] is None


async def test_campaigns_list(gateway: Gateway) -> None:
    status, body, _ = await gateway.call("campaigns_list")
    assert status == 200, body
    ids = [c["campaign_id"] for c in body["data"]]
    assert ids == ["TESTCAMP", "SALESOUT", "SURVEY"]
    first = body["data"][0]
    assert first["campaign_name"] == "Test Campaign"
    assert first["dial_level"] == 1.0 and first["dial_timeout"] == 26
    assert first["dial_prefix"] == "9" and first["manual_dial_prefix"] is None


async def test_agent_status(gateway: Gateway) -> None:
    status, body, _ = await gateway.call("agent_status", {"agent_user": "1001"})
    assert status == 200, body
    assert body["data"]["status"] == "INCALL"
    assert body["data"]["lead_id"] == "5001"
    assert body["data"]["calls_today"] == 3


async def test_list_info(gateway: Gateway) -> None:
    status, body, _ = await gateway.call("list_info", {"list_id": "101", "leads_counts": True})
    assert status == 200, body
    info = body["data"]
    assert info["list_id"] == "101" and info["campaign_id"] == "TESTCAMP"
    assert isinstance(info["all_leads_count"], int)
    assert isinstance(info["new_leads_count"], int)


# --- VICIdial errors mapped to statuses -----------------------------------------------------


async def test_not_found_is_404(gateway: Gateway) -> None:
    status, body, _ = await gateway.call("agent_status", {"agent_user": "9999"})
    assert status == 404
    assert body["ok"] is False and body["error"]["type"] == "not_found"
    assert body["error"]["message"] == "AGENT NOT FOUND"
    status, body, _ = await gateway.call("lead_all_info", {"lead_id": 999999})
    assert (status, body["error"]["type"]) == (404, "not_found")


@pytest.mark.parametrize(
    "numbers",
    [["9995550000"], ["9995550000", "9995550001"], ["3125550001", "9995550000"]],
    ids=["one-none", "several-none", "several-some"],
)
async def test_lead_search_is_200_with_a_row_per_number(
    gateway: Gateway, numbers: list[str]
) -> None:
    """One rule for lead_search, however many numbers and whatever matched: 200, one row per
    number searched, records_found 0 and lead_ids [] where a number has no lead."""
    status, body, _ = await gateway.call("lead_search", {"phone_number": numbers})
    assert status == 200, body
    assert body["ok"] is True and body["result"] == "SUCCESS"
    assert [row["search_key"] for row in body["data"]] == numbers
    for row in body["data"]:
        if row["search_key"].startswith("999"):
            assert (row["records_found"], row["lead_ids"]) == (0, [])
        else:
            assert row["records_found"] >= 1 and len(row["lead_ids"]) == row["records_found"]


async def test_duplicate_is_409_with_existing_lead(gateway: Gateway) -> None:
    payload = {"phone_number": "3125554321", "list_id": "101", "duplicate_check": "DUPLIST"}
    status, first, _ = await gateway.call("add_lead", payload)
    assert status == 200, first
    status, body, _ = await gateway.call("add_lead", payload)
    assert status == 409
    assert body["error"]["type"] == "conflict"
    assert body["error"]["details"]["duplicate_lead_id"] == first["data"]["lead_id"]


async def test_rejected_input_is_422(gateway: Gateway) -> None:
    status, body, _ = await gateway.call("add_lead", {"phone_number": "12345", "list_id": "101"})
    assert status == 422
    assert body["error"]["type"] == "invalid_input"
    assert body["error"]["message"] == "INVALID PHONE NUMBER LENGTH"


# --- 401 ------------------------------------------------------------------------------------


def _token(
    claims: dict[str, object], key: str = CRM_SECRET, kid: str = "crm-1", alg: str = "HS256"
) -> str:
    now = int(time.time())
    base: dict[str, object] = {
        "iss": "vicidial-gateway",
        "aud": "vicidial-gateway",
        "exp": now + 300,
        "iat": now,
    }
    base.update(claims)
    return jwt.encode(
        {k: v for k, v in base.items() if v is not None}, key, algorithm=alg, headers={"kid": kid}
    )


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(_token({}, key="x" * 40), id="bad-signature"),
        pytest.param(_token({"exp": int(time.time()) - 3600}), id="expired"),
        pytest.param(_token({"aud": "someone-else"}), id="wrong-aud"),
        pytest.param(_token({"iss": "someone-else"}), id="wrong-iss"),
        pytest.param(_token({}, kid="nope"), id="unknown-kid"),
        pytest.param(
            jwt.encode(
                {
                    "iss": "vicidial-gateway",
                    "aud": "vicidial-gateway",
                    "exp": int(time.time()) + 300,
                },
                None,
                algorithm="none",
                headers={"kid": "crm-1"},
            ),
            id="alg-none",
        ),
    ],
)
async def test_bad_tokens_are_401(gateway: Gateway, token: str) -> None:
    status, body, headers = await gateway.call("version", token=token)
    assert status == 401
    assert body["error"]["type"] == "unauthorized"
    assert "WWW-Authenticate" in headers
    assert len(gateway.sim.state.requests) == 0


async def test_no_token_is_401(gateway: Gateway) -> None:
    async with gateway.session.post(f"{gateway.base_url}/v1/non-agent/version") as r:
        assert r.status == 401
        body = await r.json()
    assert body["error"]["type"] == "unauthorized"


# --- 403 / 400 / 404 / 405 / 413 --------------------------------------------------------------


async def test_function_not_allowed_is_403(gateway: Gateway) -> None:
    status, body, _ = await gateway.call("add_lead", {"phone_number": "3125550000"}, app="reports")
    assert status == 403 and body["error"]["type"] == "forbidden"


async def test_value_not_in_allow_is_403(gateway: Gateway) -> None:
    status, body, _ = await gateway.call("add_lead", {"phone_number": "3125550000", "list_id": "7"})
    assert status == 403 and body["error"]["type"] == "forbidden"
    assert body["error"]["details"] == {"parameter": "list_id"}
    assert len(gateway.sim.state.requests) == 0


@pytest.mark.parametrize("name", ["pass", "user", "DB", "source", "function", "stage", "bogus"])
async def test_forbidden_or_unknown_parameter_is_400(gateway: Gateway, name: str) -> None:
    status, body, _ = await gateway.call("campaigns_list", {name: "x"})
    assert status == 400
    assert body["error"]["type"] == "bad_request"
    assert body["error"]["details"]["parameter"] == name
    assert len(gateway.sim.state.requests) == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[1, 2]", "must be a JSON object"),
        (b'"text"', "must be a JSON object"),
        (b"{not json", "not valid JSON"),
        (b'{"campaign_id": "A", "campaign_id": "B"}', "duplicate key"),
    ],
)
async def test_bad_bodies_are_400(gateway: Gateway, raw: bytes, message: str) -> None:
    status, body, _ = await gateway.call("campaigns_list", raw=raw)
    assert status == 400
    assert body["error"]["type"] == "bad_request"
    assert message in body["error"]["message"]


async def test_unknown_function_is_404(gateway: Gateway) -> None:
    status, body, _ = await gateway.call("no_such_function", {})
    assert status == 404 and body["error"]["type"] == "unknown_function"
    # The joke handler is not a function the gateway exposes.
    status, body, _ = await gateway.call("coffee", {})
    assert status == 404 and body["error"]["type"] == "unknown_function"


async def test_unknown_route_and_wrong_method_are_json(gateway: Gateway) -> None:
    async with gateway.session.get(f"{gateway.base_url}/nope") as r:
        assert r.status == 404
        assert (await r.json())["error"]["type"] == "not_found"
        assert r.headers["X-Request-ID"]
    async with gateway.session.get(f"{gateway.base_url}/v1/non-agent/version") as r:
        assert r.status == 405
        body = await r.json()
        assert body["error"]["type"] == "method_not_allowed"
        assert body["function"] == "version"


async def test_oversized_body_is_413(gateway: Gateway) -> None:
    big = json.dumps({"comments": "x" * 100_000}).encode()
    status, body, _ = await gateway.call("add_lead", raw=big)
    assert status == 413
    assert body["error"]["type"] == "too_large"
    assert len(gateway.sim.state.requests) == 0


async def test_request_id_is_echoed(gateway: Gateway) -> None:
    status, body, headers = await gateway.call("version", headers={"X-Request-ID": "abc-123"})
    assert status == 200
    assert headers["X-Request-ID"] == "abc-123" and body["request_id"] == "abc-123"


# --- the gateway's own VICIdial login --------------------------------------------------------


async def test_wrong_upstream_password_is_502_without_the_password(sim, log_stream) -> None:  # type: ignore[no-untyped-def]
    wrong = "Wrong-Pass_777abc"
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file, password=wrong))
    runner, base = await start_gateway(cfg)
    gw_session = aiohttp.ClientSession()
    gw = Gateway(base, cfg, sim, gw_session, log_stream)
    try:
        status, body, headers = await gw.call("campaigns_list")
    finally:
        await gw_session.close()
        await runner.cleanup()
    assert status == 502
    assert body["error"]["type"] == "upstream_error"
    assert "login" in body["error"]["message"]
    everything = json.dumps(body) + json.dumps(dict(headers)) + log_stream.getvalue()
    assert wrong not in everything
    assert API_PASS not in everything
    assert f"|{API_USER}|" not in json.dumps(body)
    assert sim.state.failed_logins(API_USER) == 1


async def test_metrics_count_calls(gateway: Gateway) -> None:
    await gateway.call("version")
    await gateway.call("campaigns_list", {"bogus": 1})
    async with gateway.session.get(f"{gateway.base_url}/metrics") as r:
        assert r.status == 200
        text = await r.text()
    assert 'vicigw_requests_total{app="crm",function="version",outcome="ok"} 1.0' in text
    assert (
        'vicigw_requests_total{app="crm",function="campaigns_list",outcome="bad_request"} 1.0'
        in text
    )
    assert 'vicigw_request_duration_seconds_bucket{app="crm",function="version",le="0.005"}' in text
    assert API_PASS not in text and CRM_SECRET not in text


async def test_healthz(gateway: Gateway) -> None:
    async with gateway.session.get(f"{gateway.base_url}/healthz") as r:
        assert r.status == 200
        assert (await r.json())["ok"] is True


async def test_vicidial_lock_is_503_and_clears_after_15_minutes(log_stream: io.StringIO) -> None:
    """Someone else fails 10 logins: VICIdial locks the account, the right password included."""
    clock = ManualClock(time.time())
    state = SimState.seeded(api_users={API_USER: API_PASS}, clock=clock)
    sim = await start_simulator("127.0.0.1", 0, state=state)
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file))
    runner = web.AppRunner(create_app(cfg, clock=clock), access_log=None)
    try:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with aiohttp.ClientSession() as session:
            good = Gateway(base, cfg, sim, session, log_stream)
            status, _, _ = await good.call("campaigns_list")
            assert status == 200  # a successful login starts VICIdial's 15-minute window
            sim_tls = ssl.create_default_context(cafile=str(sim.ca_file))
            for _ in range(10):  # straight at VICIdial, not through the gateway
                async with session.post(
                    sim.api_url,
                    data={"function": "campaigns_list", "user": API_USER, "pass": "bad",
                          "source": "test"},
                    ssl=sim_tls,
                ) as r:
                    assert "Login incorrect" in await r.text()
            status, body, headers = await good.call("campaigns_list")
            assert (status, body["error"]["type"]) == (503, "unavailable")
            assert int(headers["Retry-After"]) > 0
            assert "locked" in body["error"]["message"]
            # Out of service: the gateway does not knock again before the cool-down.
            attempts = state.login_attempts(API_USER)
            status, body, _ = await good.call("campaigns_list")
            assert (status, body["error"]["type"]) == (503, "unavailable")
            assert state.login_attempts(API_USER) == attempts
            clock.advance(901)
            status, body, _ = await good.call("campaigns_list")
            assert status == 200, body
    finally:
        await runner.cleanup()
        await sim.close()


async def test_functions_lists_what_the_app_may_call(gateway: Gateway) -> None:
    headers = {"Authorization": f"Bearer {gateway.token('reports')}"}
    async with gateway.session.get(f"{gateway.base_url}/v1/functions", headers=headers) as r:
        assert r.status == 200
        body = await r.json()
    assert body["app"] == "reports"
    assert [f["name"] for f in body["functions"]] == ["campaigns_list", "list_info"]
    list_info = body["functions"][1]
    assert list_info["effect"] == "read_only"
    params = {p["name"]: p for p in list_info["params"]}
    assert params["list_id"]["required"] is True
    assert "stage" not in params and "header" not in params  # chosen by the gateway


async def test_functions_shows_the_app_rules(gateway: Gateway) -> None:
    headers = {"Authorization": f"Bearer {gateway.token()}"}
    async with gateway.session.get(f"{gateway.base_url}/v1/functions", headers=headers) as r:
        body = await r.json()
    add_lead = next(f for f in body["functions"] if f["name"] == "add_lead")
    assert add_lead["effect"] == "mutating"
    list_id = next(p for p in add_lead["params"] if p["name"] == "list_id")
    assert list_id["allowed_values"] == ["101", "102", "999"]


async def test_functions_needs_a_token(gateway: Gateway) -> None:
    async with gateway.session.get(f"{gateway.base_url}/v1/functions") as r:
        assert r.status == 401
        assert (await r.json())["error"]["type"] == "unauthorized"
