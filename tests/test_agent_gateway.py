"""The Agent API through the gateway (``POST /v1/agent/{function}``), against the simulator
over verified HTTPS: every function's success and main error, the agent policy, one call in
flight per agent, no retried writes, the webphone password, and the login lines.

The simulator's replies are the real ``agc/api.php``'s texts (``tests/test_sim_agent.py``
holds it to the recorded bytes); here the gateway's JSON for them is checked.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.auth import mint_token
from gateway.catalog import AGENT_CATALOG
from gateway.config import Config
from gateway.config_load import parse_config
from gateway.sim import RunningSim, SimState, start_simulator
from gateway.sim.faults import Faults

from .conftest import API_PASS, API_USER, config_dict, start_gateway

SECRET = "agent-gateway-test-hmac-secret-0123456789ab"
AGENTS_APP = {
    "keys": [{"kid": "agents-1", "alg": "HS256", "secret": SECRET}],
    "upstream": "main",
    "source": "agents",
    "agent_functions": sorted(AGENT_CATALOG),
    "agent_users": ["*"],
}
WIDGET_APP = {
    "keys": [{"kid": "widget-1", "alg": "HS256", "secret": SECRET + "w"}],
    "upstream": "main",
    "source": "widget",
    "agent_functions": [
        "external_dial",
        "external_pause",
        "external_hangup",
        "calls_in_queue_count",
    ],
    "agent_users": ["100*"],
    "agent_params": {
        "external_pause": {"value": {"allow": ["PAUSE", "RESUME"]}},
        "external_dial": {"phone_code": {"allow": ["1"]}},
    },
}
DIAL = {"value": "3125551212", "phone_code": "1", "search": "NO", "preview": "NO", "focus": "NO"}


@dataclass
class AgentGateway:
    base_url: str
    config: Config
    sim: RunningSim
    session: aiohttp.ClientSession
    metrics_url: str

    @property
    def state(self) -> SimState:
        return self.sim.state

    async def call(
        self,
        function: str,
        body: Any,
        *,
        app: str = "agents",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        hdrs = {"Authorization": f"Bearer {mint_token(self.config, app)}", **(headers or {})}
        url = f"{self.base_url}/v1/agent/{function}"
        async with self.session.post(url, json=body, headers=hdrs) as resp:
            return resp.status, await resp.json()

    async def raw(self, function: str, body: Any, app: str = "agents") -> str:
        hdrs = {"Authorization": f"Bearer {mint_token(self.config, app)}"}
        url = f"{self.base_url}/v1/agent/{function}"
        async with self.session.post(url, json=body, headers=hdrs) as resp:
            return await resp.text()

    async def metrics(self) -> str:
        async with self.session.get(self.metrics_url) as resp:
            return await resp.text()


async def _agent_gateway(
    password: str = API_PASS, user: str = API_USER
) -> AsyncIterator[AgentGateway]:
    state = SimState.seeded(api_users={API_USER: API_PASS})
    state.add_api_user("7777", "No-Agent-Api_0042", user_level=8).vdc_agent_api_access = False
    sim = await start_simulator("127.0.0.1", 0, state=state)
    doc = config_dict(sim.base_url, sim.ca_file, password=password, agents=AGENTS_APP,
                      widget=WIDGET_APP)  # fmt: skip
    doc["upstreams"]["main"]["credentials"][0]["user"] = user
    cfg = parse_config(doc)
    runner, base = await start_gateway(cfg)
    try:
        async with aiohttp.ClientSession() as session:
            yield AgentGateway(base, cfg, sim, session, f"{base}/metrics")
    finally:
        await runner.cleanup()
        await sim.close()


@pytest.fixture
async def agw() -> AsyncIterator[AgentGateway]:
    async for gw in _agent_gateway():
        yield gw


def paused_1003(state: SimState) -> None:
    state.put_agent("1003", "PAUSED", conf_exten="8600053")


def nothing(state: SimState) -> None:
    return None


# (function, setup, body, status, error.type or the data's subset)
CASES: list[tuple[str, Callable[[SimState], None], dict[str, Any], int, Any]] = [
    ("version", nothing, {}, 200, {"version": "2.14-81", "build": "240429-2220"}),
    ("webserver", nothing, {}, 200, {"set.timezone": None}),
    ("external_pause", nothing, {"agent_user": "1001", "value": "PAUSE"}, 200,
     {"value": "PAUSE", "agent_user": "1001"}),
    ("external_pause", nothing, {"agent_user": "1004", "value": "PAUSE"}, 409, "conflict"),
    ("external_pause", nothing, {"agent_user": "1001", "value": "RESUME"}, 409, "conflict"),
    ("external_dial", paused_1003, {"agent_user": "1003", **DIAL}, 200,
     {"value": "3125551212", "agent_user": "1003", "phone_code": "1", "search": "NO"}),
    ("external_dial", nothing, {"agent_user": "1001", **DIAL}, 409, "conflict"),
    ("external_hangup", nothing, {"agent_user": "1001", "value": "1"}, 200,
     {"value": "1", "agent_user": "1001"}),
    ("external_status", nothing, {"agent_user": "1001", "value": "SALE"}, 200,
     {"value_sent": "SALE", "agent_user": "1001"}),
    ("logout", nothing, {"agent_user": "1002", "value": "LOGOUT"}, 200, {"agent_user": "1002"}),
    ("recording", nothing, {"agent_user": "1001", "value": "STATUS"}, 200,
     {"agent_user": "1001"}),
    ("webphone_url", nothing, {"agent_user": "1002", "value": "DISPLAY"}, 409, "conflict"),
    ("call_agent", nothing, {"agent_user": "1001", "value": "CALL"}, 200, {"agent_user": "1001"}),
    ("audio_playback", nothing, {"agent_user": "1001", "stage": "STOP"}, 409, "conflict"),
    ("audio_playback", nothing, {"agent_user": "1001", "stage": "PLAY", "value": "hold-music"},
     200, {"value": "hold-music", "stage": "PLAY"}),
    ("preview_dial_action", nothing, {"agent_user": "1002", "value": "SKIP"}, 409, "conflict"),
    ("external_add_lead", nothing,
     {"agent_user": "1001", "phone_number": "3125551213", "phone_code": "1"}, 200,
     {"phone_number": "3125551213", "campaign_id": "TESTCAMP", "agent_user": "1001"}),
    ("change_ingroups", nothing,
     {"agent_user": "1002", "value": "CHANGE", "blended": "NO"}, 409, "conflict"),
    ("change_ingroups", nothing,
     {"agent_user": "1001", "value": "ADD", "blended": "NO"}, 422, "invalid_input"),
    ("update_fields", nothing, {"agent_user": "1001", "comments": "called back"}, 200,
     {"agent_user": "1001", "lead_id": "5001"}),
    ("update_fields", nothing, {"agent_user": "1002", "comments": "called back"}, 409,
     "conflict"),
    ("refresh_panel", nothing, {"agent_user": "1001", "formreload": "YES"}, 200,
     {"agent_user": "1001"}),
    ("refresh_panel", nothing, {"agent_user": "1001"}, 422, "invalid_input"),
    ("set_timer_action", nothing, {"agent_user": "1001", "value": "NONE"}, 200,
     {"agent_user": "1001", "value": "NONE"}),
    ("st_login_log", nothing, {"value": "nobody-in-crm", "vendor_id": "t1"}, 404, "not_found"),
    ("st_get_agent_active_lead", nothing, {"value": "nobody-in-crm", "vendor_id": "t1"}, 404,
     "not_found"),
    ("ra_call_control", nothing,
     {"agent_user": "1001", "value": "Y0000000000000000001", "stage": "HANGUP"}, 409,
     "conflict"),
    ("send_dtmf", nothing, {"agent_user": "1001", "value": "1P2"}, 200,
     {"value": "1P2", "agent_user": "1001"}),
    ("park_call", nothing, {"agent_user": "1001", "value": "PARK_CUSTOMER"}, 200,
     {"value": "PARK_CUSTOMER", "agent_user": "1001"}),
    ("park_call", nothing, {"agent_user": "1002", "value": "PARK_CUSTOMER"}, 409, "conflict"),
    ("transfer_conference", nothing, {"agent_user": "1001", "value": "HANGUP_XFER"}, 200,
     {"value": "HANGUP_XFER", "agent_user": "1001"}),
    ("transfer_conference", nothing, {"agent_user": "1002", "value": "HANGUP_XFER"}, 409,
     "conflict"),
    ("switch_lead", nothing, {"agent_user": "1001", "lead_id": 5002}, 409, "conflict"),
    ("vm_message", nothing, {"agent_user": "1001", "value": "vm-goodbye"}, 200,
     {"agent_user": "1001", "lead_id": "5001", "value": "vm-goodbye"}),
    ("vm_message", nothing, {"agent_user": "1002", "value": "vm-goodbye"}, 409, "conflict"),
    ("pause_code", nothing, {"agent_user": "1002", "value": "LUNCH"}, 200,
     {"agent_user": "1002"}),
    ("pause_code", nothing, {"agent_user": "1001", "value": "LUNCH"}, 409, "conflict"),
    ("calls_in_queue_count", nothing, {"agent_user": "1001", "value": "DISPLAY"}, 200,
     {"count": 1}),
    ("force_fronter_leave_3way", nothing, {"agent_user": "1002", "value": "LOCAL_ONLY"}, 409,
     "conflict"),
    ("force_fronter_audio_stop", nothing, {"agent_user": "1002", "value": "LOCAL_ONLY"}, 409,
     "conflict"),
    ("send_notification", nothing,
     {"recipient": "1001", "recipient_type": "USER", "notification_text": "hello"}, 422,
     "not_configured"),
]  # fmt: skip


def _subset(data: Any, expected: dict[str, Any]) -> bool:
    return isinstance(data, dict) and all(
        k in data and (v is None or data[k] == v) for k, v in expected.items()
    )


@pytest.mark.parametrize(
    ("function", "setup", "body", "status", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[3]}" for c in CASES],
)
async def test_each_function_through_the_gateway(
    agw: AgentGateway,
    function: str,
    setup: Callable[[SimState], None],
    body: dict[str, Any],
    status: int,
    expected: Any,
) -> None:
    setup(agw.state)
    got, reply = await agw.call(function, body)
    assert got == status, reply
    assert reply["function"] == function
    if status == 200:
        assert reply["ok"] is True and _subset(reply["data"], expected), reply
    else:
        assert reply["ok"] is False and reply["error"]["type"] == expected, reply
    # The gateway's own login is never shown.
    assert API_PASS not in json.dumps(reply)


def test_every_function_has_a_case() -> None:
    assert {c[0] for c in CASES} == set(AGENT_CATALOG)


async def test_the_readme_click_to_dial(agw: AgentGateway) -> None:
    """The README's example, for a paused agent that may dial: the same JSON, but the epoch."""
    paused_1003(agw.state)
    body = {"agent_user": "1003", "value": "3125551212", "phone_code": "1", "search": "NO",
            "preview": "NO", "focus": "YES"}  # fmt: skip
    status, reply = await agw.call("external_dial", body, app="agents")
    assert status == 200
    assert reply["result"] == "SUCCESS" and reply["message"] == "function set"
    data = dict(reply["data"])
    assert isinstance(data.pop("epoch"), int)
    assert data == {
        "value": "3125551212", "agent_user": "1003", "phone_code": "1", "search": "NO",
        "preview": "NO", "focus": "YES", "vendor_id": None, "dial_prefix": None,
        "group_alias": None, "caller_id_number": None, "alt_dial": None,
    }  # fmt: skip


async def test_an_agent_outside_agent_users_never_reaches_vicidial(agw: AgentGateway) -> None:
    agw.state.clear_log()
    status, reply = await agw.call(
        "external_pause", {"agent_user": "2001", "value": "PAUSE"}, app="widget"
    )
    assert status == 403 and reply["error"]["details"] == {"agent_user": "2001"}
    status, reply = await agw.call(
        "external_pause", {"agent_user": "1001", "value": "LOGOUT"}, app="widget"
    )
    assert status in (400, 403)  # not a choice of external_pause, and not allowed either
    status, reply = await agw.call("send_dtmf", {"agent_user": "1001", "value": "1"}, app="widget")
    assert status == 403  # not in the widget's agent_functions
    assert agw.state.hits() == 0


async def test_a_double_click_dials_once(agw: AgentGateway) -> None:
    """Two dials at once for one agent: one reaches VICIdial, the other is agent_busy."""
    paused_1003(agw.state)
    agw.state.faults = Faults("slow", delay=0.5, functions=frozenset({"external_dial"}))
    agw.state.clear_log()
    body = {"agent_user": "1003", **DIAL}
    (s1, r1), (s2, r2) = await asyncio.gather(
        agw.call("external_dial", body), agw.call("external_dial", body)
    )
    assert sorted([s1, s2]) == [200, 409]
    busy = r1 if s1 == 409 else r2
    assert busy["error"]["type"] == "agent_busy"
    assert agw.state.hits("external_dial") == 1
    # Once the first has ended, the agent is free again (and VICIdial says it is in a call).
    agw.state.faults = None
    status, reply = await agw.call("external_dial", body)
    assert status == 409 and reply["error"]["type"] == "conflict"


async def test_a_read_runs_beside_a_write_for_the_same_agent(agw: AgentGateway) -> None:
    agw.state.faults = Faults("slow", delay=0.5, functions=frozenset({"external_hangup"}))
    hangup = agw.call("external_hangup", {"agent_user": "1001", "value": "1"})
    count = agw.call("calls_in_queue_count", {"agent_user": "1001", "value": "DISPLAY"})
    (s1, _), (s2, r2) = await asyncio.gather(hangup, count)
    assert (s1, s2) == (200, 200) and isinstance(r2["data"]["count"], int)


async def test_a_write_is_never_sent_twice(agw: AgentGateway) -> None:
    """The connection breaks after VICIdial ran the function: 502, and no second call (the
    upstream has retries for reads)."""
    agw.state.faults = Faults("reset", functions=frozenset({"external_pause"}), remaining=1)
    agw.state.clear_log()
    status, reply = await agw.call("external_pause", {"agent_user": "1002", "value": "RESUME"})
    assert status == 502 and reply["error"]["type"] == "upstream_error"
    assert agw.state.hits("external_pause") == 1
    # A read is retried.
    agw.state.faults = Faults("reset", functions=frozenset({"calls_in_queue_count"}), remaining=1)
    status, _ = await agw.call("calls_in_queue_count", {"agent_user": "1001", "value": "DISPLAY"})
    assert status == 200 and agw.state.hits("calls_in_queue_count") == 2


async def test_webphone_url_without_the_phone_password(agw: AgentGateway) -> None:
    session = agw.state.agentapi.sessions["1001"]
    stored = session.webphone_url
    assert "phone_pass=" in stored
    secret = stored.split("phone_pass=", 1)[1].split("&", 1)[0]
    text = await agw.raw("webphone_url", {"agent_user": "1001", "value": "DISPLAY"})
    reply = json.loads(text)
    assert reply["ok"] is True
    assert reply["data"]["withheld"] == ["phone_pass"]
    assert secret not in text
    assert reply["data"]["address"] == stored.split("?", 1)[0]
    # Everything else of the address, as printed.
    kept = "&".join(f"{k}={v}" for k, v in reply["data"]["query"])
    assert kept == "&".join(
        item for item in stored.split("?", 1)[1].split("&") if not item.startswith("phone_pass=")
    )


async def test_update_fields_with_a_field_name_inside_a_value(agw: AgentGateway) -> None:
    agw.state.clear_log()
    status, reply = await agw.call(
        "update_fields", {"agent_user": "1001", "comments": "Frank called"}
    )
    assert status == 400 and reply["error"]["details"]["field"] == "rank"
    assert agw.state.hits() == 0


async def test_external_add_lead_stores_the_number_sent(agw: AgentGateway) -> None:
    """Without a value, agc/api.php would take the last form field's (the source label)."""
    body = {"agent_user": "1001", "phone_number": "3125551299", "phone_code": "1"}
    status, reply = await agw.call("external_add_lead", body)
    assert status == 200 and reply["data"]["phone_number"] == "3125551299"
    lead_id = int(reply["data"]["lead_id"])
    assert agw.state.leads[lead_id].phone_number == "3125551299"


def _metric(text: str, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return None


async def test_metrics_and_functions_list_name_the_agent_api(agw: AgentGateway) -> None:
    await agw.call("external_pause", {"agent_user": "1001", "value": "PAUSE"}, app="widget")
    text = await agw.metrics()
    assert _metric(text, "vicigw_requests_total", app="widget",
                   function="agent/external_pause", outcome="ok") == 1.0  # fmt: skip
    hdrs = {"Authorization": f"Bearer {mint_token(agw.config, 'widget')}"}
    async with agw.session.get(f"{agw.base_url}/v1/functions", headers=hdrs) as resp:
        listed = (await resp.json())["functions"]
    assert {(f["api"], f["name"], f["path"]) for f in listed} == {
        ("agent", name, f"/v1/agent/{name}") for name in WIDGET_APP["agent_functions"]
    }
    rules = next(f for f in listed if f["name"] == "external_pause")["params"]
    value = next(p for p in rules if p["name"] == "value")
    assert value["allowed_values"] == ["PAUSE", "RESUME"]


async def test_a_wrong_password_takes_the_credential_out_of_service() -> None:
    """The Agent API's bad-login line echoes the password sent: conclusive, masked, counted."""
    async for gw in _agent_gateway(password="Not-The-Password_01"):
        text = await gw.raw("external_pause", {"agent_user": "1001", "value": "PAUSE"})
        reply = json.loads(text)
        assert reply["error"]["type"] == "upstream_error"
        assert "Not-The-Password_01" not in text and "SELECT" not in text
        status, reply = await gw.call("external_pause", {"agent_user": "1001", "value": "PAUSE"})
        assert status == 503 and reply["error"]["type"] == "unavailable"  # not tried again
        assert gw.state.login_attempts(API_USER) == 1
        text = await gw.metrics()
        assert _metric(text, "vicigw_credential_state", credential="api-a", state="failed") == 1


async def test_no_agent_api_access_keeps_the_credential_in_service() -> None:
    async for gw in _agent_gateway(password="No-Agent-Api_0042", user="7777"):
        for _ in range(2):
            text = await gw.raw("external_pause", {"agent_user": "1001", "value": "PAUSE"})
            reply = json.loads(text)
            assert reply["error"]["type"] == "upstream_error"
            assert "vdc_agent_api_access" in reply["error"]["message"]
            assert "No-Agent-Api_0042" not in text
        assert gw.state.login_attempts("7777") == 2  # both reached VICIdial
        metrics = await gw.metrics()
        assert _metric(metrics, "vicigw_credential_state", credential="api-a", state="failed") == 0
