"""The simulator's Agent API (``/agc/api.php``), run as a real HTTPS server over verified TLS.

Every expected line is the reference server's reply to the same request, recorded side by side
(``shared/oracle``, agent 1003 put in the same state with SQL): only the epoch differs, and the
simulator's clock is fixed so the tests can spell it. Where the simulator goes further than the
real API (the agent screen acting on a flag at once: a pause pauses, a dial puts the agent in a
call), the tests check the state it leaves.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from gateway.auth import mint_token
from gateway.config_load import parse_config
from gateway.sim import ManualClock, RunningSim, SimState, start_simulator
from gateway.sim.agents import AutoCall, Recording
from gateway.sim.faults import Faults
from gateway.sim.handlers.agent_texts import COMMON, TEXTS, catalog_template, fill, line
from gateway.sim.server import AGENT_API_PATH

from .conftest import config_dict, start_gateway

EPOCH = 1796448565
API_USER = "6666"
API_PASS = "Agent-Sim_Pass.0042+/="  # uses the Agent API's extra password characters
LIMITED = "7780"
LIMITED_PASS = "7780pass"


class AgentClient:
    def __init__(self, sim: RunningSim, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session
        self.ssl = ssl.create_default_context(cafile=str(sim.ca_file))
        self.url = sim.base_url + AGENT_API_PATH

    async def call(
        self, function: str, *, method: str = "GET", auth: bool = True, **params: str
    ) -> tuple[int, str]:
        query: dict[str, str] = {"function": function}
        if auth:
            query = {"source": "test", "user": API_USER, "pass": API_PASS, **query}
        query.update(params)
        if method == "POST":
            kwargs: dict[str, object] = {"data": query}
        else:
            kwargs = {"params": query}
        async with self.session.request(method, self.url, ssl=self.ssl, **kwargs) as resp:  # type: ignore[arg-type]
            return resp.status, (await resp.read()).decode()

    async def text(self, function: str, **params: str) -> str:
        status, body = await self.call(function, **params)
        assert status == 200
        return body


@pytest.fixture
async def state() -> SimState:
    state = SimState.seeded(api_users={API_USER: API_PASS}, clock=ManualClock(float(EPOCH)))
    state.add_api_user(
        LIMITED,
        LIMITED_PASS,
        allowed_functions=["version", "agent_status", "lead_search"],
        user_level=8,
        user_group="MANAGERS",
    )
    state.add_api_user("7777", "5678", user_level=8).vdc_agent_api_access = False
    # Agent 1003 as it was logged in on the reference server for the recordings.
    state.put_agent("1003", "READY", conf_exten="8600053")
    state.agentapi.sessions["1003"].closer_campaigns = " SALESLINE -"
    return state


@pytest.fixture
async def api(state: SimState) -> AsyncIterator[AgentClient]:
    sim = await start_simulator("127.0.0.1", 0, state=state)
    try:
        async with aiohttp.ClientSession() as session:
            yield AgentClient(sim, session)
    finally:
        await sim.close()


def incall_1003(state: SimState) -> None:
    """1003 on an outbound call with lead 5002, as in the recorded replies."""
    state.put_agent(
        "1003", "INCALL", lead_id=5002, callerid="M6031200000000005002", conf_exten="8600053"
    )
    state.useradmin.user_details(state.users["1003"]).custom[2] = "CRM3"


def paused_1003(state: SimState) -> None:
    state.put_agent("1003", "PAUSED", conf_exten="8600053")


# --- the request flow ------------------------------------------------------------------------


async def test_version_coffee_and_unknown_function(api: AgentClient) -> None:
    assert await api.text("version", auth=False) == (
        f"VERSION: 2.14-81|BUILD: 240429-2220|DATE: 2026-12-05 05:29:25|EPOCH: {EPOCH}\n"
    )
    assert await api.call("coffee", auth=False) == (418, "Coffee: coffee|Error 418 I'm a teapot")
    assert await api.text("bogus") == ""


async def test_source_checked_before_login(api: AgentClient, state: SimState) -> None:
    body = await api.text("external_pause", source="t", user="6666", auth=False, value="PAUSE")
    assert body == "ERROR: Invalid Source - t\n"
    assert state.login_attempts("6666") == 0


async def test_bad_password_echoes_it_with_the_login_sql(api: AgentClient) -> None:
    body = await api.text("external_pause", agent_user="1003", value="PAUSE",
                          **{"pass": "wrong+pass/x="})  # fmt: skip
    lock_over = EPOCH - 900
    assert body == (
        "ERROR: Invalid Username/Password: |6666|wrong+pass/x=|0|1|BAD|0|api|SELECT count(*) "
        "from vicidial_users where user='6666' and pass='wrong+pass/x=' and user_level > 0 and "
        "active='Y' and ( (failed_login_count < 10) or (UNIX_TIMESTAMP(last_login_date) < "
        f"{lock_over}) );|\n"
    )


async def test_unknown_user_and_no_agent_api_access(api: AgentClient) -> None:
    body = await api.text("external_pause", user="nobody", **{"pass": "1234"})
    assert body.startswith("ERROR: Invalid Username/Password: |nobody|1234|0|0|BAD|0|api|SELECT")
    assert await api.text("external_pause", user="7777", **{"pass": "5678"}) == (
        "ERROR: Invalid Username/Password: |7777|5678|1|0|GOOD|\n"
    )


async def test_lockout_after_ten_failures(api: AgentClient, state: SimState) -> None:
    # VICIdial locks only within 15 minutes of the last stamped login (the Agent API stamps
    # none, so here it is a recent Non-Agent login).
    state.users[API_USER].last_login_date = EPOCH - 60
    for _ in range(10):
        body = await api.text("external_pause", **{"pass": "wrong1"})
        assert "|BAD|0|api|SELECT" in body
    assert await api.text("external_pause", **{"pass": "wrong1"}) == (
        "ERROR: Invalid Username/Password: |6666|wrong1|0|1|LOCK|\n"
    )
    # Locked: the right password fails too, until 15 minutes after the last login stamp.
    assert "|LOCK|" in await api.text("external_pause", agent_user="1003", value="PAUSE")
    assert state.login_stats("6666").locks == 2


async def test_agent_login_leaves_the_login_stamp_alone(api: AgentClient, state: SimState) -> None:
    state.users[API_USER].failed_login_count = 3
    await api.text("external_pause", agent_user="1003", value="PAUSE")
    assert state.users[API_USER].failed_login_count == 3
    assert state.users[API_USER].last_login_date is None


async def test_agent_level_users_log_in(api: AgentClient, state: SimState) -> None:
    state.add_api_user("1999", "agentpw", user_level=1)
    body = await api.text("send_dtmf", user="1999", agent_user="1003", value="1",
                          **{"pass": "agentpw"})  # fmt: skip
    assert body == "SUCCESS: send_dtmf function set - 1|1003\n"


async def test_system_api_switched_off(api: AgentClient, state: SimState) -> None:
    state.agentapi.api_active = False
    assert await api.text("external_pause") == "ERROR: System API NOT ACTIVE\n"


@pytest.mark.parametrize(
    ("function", "params", "first"),
    [
        ("external_pause", {"agent_user": "1003", "value": "PAUSE"}, "PAUSE"),
        ("external_dial", {"agent_user": "1003", "value": "3125551234", "search": "NO",
                           "preview": "NO", "focus": "NO"}, "3125551234"),
        ("switch_lead", {"agent_user": "1003", "lead_id": "5"}, "5"),
    ],
)  # fmt: skip
async def test_function_not_allowed(
    api: AgentClient, function: str, params: dict[str, str], first: str
) -> None:
    body = await api.text(function, user=LIMITED, **{"pass": LIMITED_PASS}, **params)
    assert body == (
        "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - "
        f"{first}|{LIMITED}|{function}|MANAGERS\n"
    )


async def test_webserver_permission_line_has_no_value(api: AgentClient) -> None:
    body = await api.text("webserver", user=LIMITED, **{"pass": LIMITED_PASS})
    assert body == (
        "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - "
        f"{LIMITED}|webserver|MANAGERS\n"
    )
    assert (await api.text("webserver")).startswith("<PRE>Webserver Data:\nset.timezone: ")


async def test_post_works_like_get(api: AgentClient) -> None:
    status, body = await api.call("send_dtmf", method="POST", agent_user="1003", value="12P3")
    assert (status, body) == (200, "SUCCESS: send_dtmf function set - 12P3|1003\n")


async def test_not_logged_in_and_alt_user(api: AgentClient, state: SimState) -> None:
    assert await api.text("external_pause", agent_user="1004", value="PAUSE") == (
        "ERROR: agent_user is not logged in - 1004\n"
    )
    assert await api.text("external_pause", agent_user="1003", value="PAUSE",
                          alt_user="NOSUCH") == (
        "ERROR: no user found - NOSUCH\n"
        f"SUCCESS: external_pause function set - PAUSE|{EPOCH}|1003\n"
    )  # fmt: skip
    state.useradmin.user_details(state.users["1003"]).custom[2] = "CRM3"
    state.put_agent("1003", "READY")
    assert await api.text("external_pause", alt_user="CRM3", value="PAUSE") == (
        f"SUCCESS: external_pause function set - PAUSE|{EPOCH}|1003\n"
    )


async def test_parameter_filters(api: AgentClient) -> None:
    # value keeps "|" and drops the rest; notes turn "+" into a space.
    assert await api.text("send_dtmf", agent_user="1003", value="1|2;#3") == (
        "SUCCESS: send_dtmf function set - 1|23|1003\n"
    )
    assert await api.text("set_timer_action", agent_user="1003", value="WEBFORM",
                          notes="hi+there!", rank="1x0") == (
        "SUCCESS: set_timer_action lead updated - 6666|1003|WEBFORM|hi there|10\n"
    )  # fmt: skip


# --- pause, logout, hangup, dispositions --------------------------------------------------------


async def test_pause_and_resume(api: AgentClient, state: SimState) -> None:
    assert await api.text("external_pause", agent_user="1003", value="RESUME") == (
        "ERROR: external_pause agent is not paused - RESUME|1003\n"
    )
    assert await api.text("external_pause", agent_user="1003", value="BOGUS") == (
        "ERROR: external_pause not valid - BOGUS|1003\n"
    )
    assert await api.text("external_pause", agent_user="1003", value="PAUSE") == (
        f"SUCCESS: external_pause function set - PAUSE|{EPOCH}|1003\n"
    )
    assert state.live_agents["1003"].status == "PAUSED"
    assert await api.text("pause_code", agent_user="1003", value="BREAK") == (
        "SUCCESS: pause_code function sent - 1003\n"
    )
    assert state.live_agents["1003"].pause_code == "BREAK"
    assert await api.text("external_pause", agent_user="1003", value="RESUME") == (
        f"SUCCESS: external_pause function set - RESUME|{EPOCH}|1003\n"
    )
    assert state.live_agents["1003"].status == "READY"
    assert await api.text("pause_code", agent_user="1003", value="BREAK") == (
        "ERROR: pause_code error - agent is not paused - 1003\n"
    )
    assert await api.text("pause_code", agent_user="1003", value="TOOLONGX") == (
        "ERROR: pause_code not valid - TOOLONGX|1003\n"
    )


async def test_pause_during_a_call_waits_for_the_disposition(
    api: AgentClient, state: SimState
) -> None:
    incall_1003(state)
    await api.text("external_pause", agent_user="1003", value="PAUSE")
    assert state.live_agents["1003"].status == "INCALL"
    assert await api.text("external_hangup", agent_user="1003", value="1") == (
        "SUCCESS: external_hangup function set - 1|1003\n"
    )
    agent = state.live_agents["1003"]
    assert (agent.status, agent.lead_id) == ("PAUSED", 5002)  # the disposition screen
    assert await api.text("external_status", agent_user="1003", value="SALE") == (
        "SUCCESS: external_status function set - SALE|1003\n"
    )
    assert (agent.status, agent.lead_id) == ("PAUSED", 0)
    assert state.leads[5002].status == "SALE"


async def test_hangup_and_status_errors(api: AgentClient) -> None:
    assert await api.text("external_hangup", agent_user="1003") == (
        "ERROR: external_hangup not valid - |1003\n"
    )
    # No call: the flag is set all the same.
    assert await api.text("external_hangup", agent_user="1003", value="1") == (
        "SUCCESS: external_hangup function set - 1|1003\n"
    )
    assert await api.text("external_status", agent_user="1003") == (
        "ERROR: external_status not valid - |1003\n"
    )


async def test_external_status_callback_and_dispo_code(api: AgentClient) -> None:
    body = await api.text("external_status", agent_user="1003", value="CALLBK",
                          callback_datetime="2026-12-24 10:00:00", callback_type="USERONLY",
                          callback_comments="call+back")  # fmt: skip
    assert body == (
        "SUCCESS: external_status function set - "
        "CALLBK!2026-12-24 10:00:00!USERONLY!call back!|1003\n"
    )
    assert await api.text("external_status", agent_user="1003", value="A", qm_dispo_code="77") == (
        "SUCCESS: external_status function set - A!!!!77|1003\n"
    )


async def test_logout(api: AgentClient, state: SimState) -> None:
    assert await api.text("logout", agent_user="1003", value="X") == (
        "ERROR: logout not valid - X|1003\n"
    )
    assert await api.text("logout", agent_user="1003", value="LOGOUT") == (
        f"SUCCESS: logout function set - LOGOUT|{EPOCH}|1003\n"
    )
    assert "1003" not in state.live_agents
    assert await api.text("send_dtmf", agent_user="1003", value="1") == (
        "ERROR: agent_user is not logged in - 1003\n"
    )


# --- dialing ---------------------------------------------------------------------------------

DIAL = {"agent_user": "1003", "search": "NO", "preview": "NO", "focus": "NO"}


async def test_dial_standard_needs_a_paused_agent(api: AgentClient, state: SimState) -> None:
    assert await api.text("external_dial", value="3125551234", **DIAL) == (
        "ERROR: agent_user is not paused - 1003\n"
    )
    paused_1003(state)
    assert await api.text("external_dial", value="3125551234", phone_code="1", **DIAL) == (
        f"SUCCESS: external_dial function set - 3125551234|1003|1|NO|NO|NO||{EPOCH}||||\n"
    )
    agent = state.live_agents["1003"]
    assert agent.status == "INCALL"
    assert state.leads[agent.lead_id].phone_number == "3125551234"
    assert await api.text("external_dial", value="3125551234", **DIAL) == (
        "ERROR: agent_user is not paused - 1003\n"
    )


async def test_dial_errors(api: AgentClient, state: SimState) -> None:
    paused_1003(state)
    assert await api.text("external_dial", agent_user="1003", value="1", search="NO") == (
        "ERROR: external_dial not valid - 1||NO||||1003|\n"
    )
    assert await api.text("external_dial", value="3125551234", lead_id="99999", **DIAL) == (
        "ERROR: lead_id is not valid - 1003|99999\n"
    )
    assert await api.text("external_dial", value="3125551234", group_alias="NOPE", **DIAL) == (
        "ERROR: group_alias is not valid - 1003|NOPE\n"
    )
    body = await api.text("external_dial", value="3125551234", outbound_cid="3125550000", **DIAL)
    assert body == "ERROR: outbound_cid is not allowed on this system - 1003|3125550000|DISABLED\n"
    body = await api.text("external_dial", value="3125551234", lead_id="5001", alt_dial="SEARCH",
                          **DIAL)  # fmt: skip
    assert body == "ERROR: phone number lead_id search not found - 1003||5001|\n"
    state.agentapi.user_flags[("1003", "agentcall_manual")] = False
    assert await api.text("external_dial", value="3125551234", **DIAL) == (
        "ERROR: agent_user is not allowed to place manual dial calls - 1003\n"
    )


async def test_dial_unknown_ingroup_is_a_notice(api: AgentClient, state: SimState) -> None:
    paused_1003(state)
    assert await api.text("external_dial", value="3125551234", dial_ingroup="NOPE", **DIAL) == (
        "NOTICE: defined dial_ingroup not found - NOPE\n"
        f"SUCCESS: external_dial function set - 3125551234|1003||NO|NO|NO||{EPOCH}||||\n"
    )


async def test_queue_mode_refuses_the_same_number_twice(api: AgentClient, state: SimState) -> None:
    state.put_agent("1003", "READY", campaign_id="SURVEY", conf_exten="8600053")
    state.agentapi.campaigns["SURVEY"].api_manual_dial = "QUEUE"
    ok = f"SUCCESS: external_dial function set - 3125551234|1003||NO|NO|NO||{EPOCH}||||\n"
    assert await api.text("external_dial", value="3125551234", **DIAL) == ok
    assert await api.text("external_dial", value="3125551234", **DIAL) == (
        "ERROR: phone_number is already in this agents manual dial queue - 1003|3125551234\n"
    )
    assert state.agentapi.manual_dial_queue == [("1003", "3125551234")]
    assert state.live_agents["1003"].status == "READY"


async def test_preview_dial_action(api: AgentClient, state: SimState) -> None:
    assert await api.text("preview_dial_action", agent_user="1003", value="SKIP") == (
        "ERROR: agent_user is not paused - 1003\n"
    )
    paused_1003(state)
    assert await api.text("preview_dial_action", agent_user="1003", value="ALTDIAL") == (
        "ERROR: alt number dialing not allowed on this campaign - 1003|TESTCAMP|N\n"
    )
    assert await api.text("preview_dial_action", agent_user="1003", value="NOPE") == (
        "ERROR: preview_dial_action not valid - NOPE||1003|\n"
    )
    assert await api.text("preview_dial_action", agent_user="1003", value="SKIP") == (
        "SUCCESS: preview_dial_action function set - SKIP|1003|SKIP\n"
    )
    state.agentapi.campaigns["TESTCAMP"].manual_preview_dial = "DISABLED"
    assert await api.text("preview_dial_action", agent_user="1003", value="SKIP") == (
        "ERROR: preview dialing not allowed on this campaign - 1003|TESTCAMP|DISABLED\n"
    )


# --- the call: park, transfer, switch, voicemail ----------------------------------------------


async def test_no_lead_or_no_call(api: AgentClient) -> None:
    assert await api.text("park_call", agent_user="1003", value="PARK_CUSTOMER") == (
        "ERROR: agent_user does not have a lead on their screen - 1003\n"
    )
    for function, params in (
        ("transfer_conference", {"value": "HANGUP_XFER"}),
        ("switch_lead", {"lead_id": "5002"}),
        ("vm_message", {"value": "vmfile"}),
    ):
        assert await api.text(function, agent_user="1003", **params) == (
            "ERROR: agent_user does not have a live call - 1003\n"
        )
    assert await api.text("force_fronter_leave_3way", agent_user="1003", value="LOCAL_ONLY") == (
        "ERROR: agent_user is not on a phone call - 1003\n"
    )


async def test_park_call(api: AgentClient, state: SimState) -> None:
    incall_1003(state)
    assert await api.text("park_call", agent_user="1003", value="X") == (
        "ERROR: park_call not valid - X|1003\n"
    )
    assert await api.text("park_call", agent_user="1003", value="PARK_CUSTOMER") == (
        "SUCCESS: park_call function set - PARK_CUSTOMER|1003\n"
    )
    assert state.live_agents["1003"].call_sub_status == "PARK"
    await api.text("park_call", agent_user="1003", value="GRAB_CUSTOMER")
    assert state.live_agents["1003"].call_sub_status == ""


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"value": "HANGUP_XFER"},
         "SUCCESS: transfer_conference function set - HANGUP_XFER|||NO|1003|M6031200000000005002|"),
        ({"value": "BLIND_TRANSFER", "phone_number": "3125559999"},
         "SUCCESS: transfer_conference function set - BLIND_TRANSFER||3125559999|NO|1003|"
         "M6031200000000005002|"),
        ({"value": "LOCAL_CLOSER", "ingroup_choices": "SALESLINE"},
         "SUCCESS: transfer_conference function set - LOCAL_CLOSER|SALESLINE||NO|1003|"
         "M6031200000000005002|"),
        ({"value": "DIAL_WITH_CUSTOMER", "consultative": "YES", "ingroup_choices": "SUPPORT",
          "phone_number": "555"},
         "SUCCESS: transfer_conference function set - DIAL_WITH_CUSTOMER|SUPPORT|555|YES|1003|"
         "M6031200000000005002|"),
        ({"value": "LOCAL_CLOSER", "ingroup_choices": "NOPE"},
         "ERROR: ingroup is not valid - NOPE"),
        ({"value": "LOCAL_CLOSER"}, "ERROR: ingroup is not valid - "),
        ({"value": "BLIND_TRANSFER", "cid_choice": "BOGUS"},
         "ERROR: cid_choice is not valid - 1003|BOGUS"),
        ({"value": "SOMETHINGELSE"}, "ERROR: value is not valid - SOMETHINGELSE|6666"),
        ({"value": "X"}, "ERROR: transfer_conference not valid - X|1003"),
    ],
)  # fmt: skip
async def test_transfer_conference(
    api: AgentClient, state: SimState, params: dict[str, str], expected: str
) -> None:
    incall_1003(state)
    assert await api.text("transfer_conference", agent_user="1003", **params) == expected + "\n"


async def test_blind_transfer_leaves_the_agent_in_dispo(api: AgentClient, state: SimState) -> None:
    incall_1003(state)
    await api.text("transfer_conference", agent_user="1003", value="BLIND_TRANSFER",
                   phone_number="3125559999")  # fmt: skip
    agent = state.live_agents["1003"]
    assert (agent.status, agent.lead_id, agent.callerid) == ("PAUSED", 5002, "")


async def test_switch_lead_and_vm_message(api: AgentClient, state: SimState) -> None:
    incall_1003(state)
    # No LF after this one, as in api.php.
    assert await api.text("switch_lead", agent_user="1003", lead_id="5001") == (
        "ERROR: agent call is not inbound - 1003|M6031200000000005002"
    )
    assert await api.text("switch_lead", agent_user="1003") == (
        "ERROR: switch_lead not valid - ||1003\n"
    )
    assert await api.text("vm_message", agent_user="1003", value="vmfile|two") == (
        "SUCCESS: vm_message function set - 1003|5002|vmfile|two|\n"
    )
    assert await api.text("vm_message", agent_user="1003", value="vmfile", lead_id="5001") == (
        "ERROR: current call does not match lead_id submitted - 1003\n"
    )


async def test_switch_lead_on_an_inbound_call(api: AgentClient, state: SimState) -> None:
    state.put_agent("1003", "INCALL", lead_id=5002, callerid="Y1205093100000005002")
    assert await api.text("switch_lead", agent_user="1003", lead_id="5001") == (
        "ERROR: campaign does not allow inbound lead search - 1003|TESTCAMP\n"
    )
    state.agentapi.campaigns["TESTCAMP"].agent_lead_search = "LIVE_CALL_INBOUND"
    assert await api.text("switch_lead", agent_user="1003", lead_id="5001") == (
        "SUCCESS: switch_lead function set - 1003|5001|VL5001|TESTCAMP|5002|\n"
    )
    assert state.live_agents["1003"].lead_id == 5001


async def test_fronter_functions(api: AgentClient, state: SimState) -> None:
    incall_1003(state)
    assert await api.text("force_fronter_leave_3way", agent_user="1003", value="LOCAL_ONLY") == (
        "ERROR: no fronter found - 1003\n"
    )
    assert await api.text("force_fronter_audio_stop", agent_user="1003", value="LOCAL_ONLY") == (
        "ERROR: no fronter found - 1003\n"
    )
    state.put_agent("1002", "INCALL", campaign_id="SALESOUT", lead_id=5002)
    assert await api.text("force_fronter_leave_3way", agent_user="1003", value="LOCAL_ONLY") == (
        "SUCCESS: force_fronter_leave_3way SENT - 1002"
    )
    assert await api.text("force_fronter_audio_stop", agent_user="1003", value="LOCAL_ONLY") == (
        "ERROR: force_fronter_audio_stop error - no audio playing in other agent session - "
        "8600052|127.0.0.1||1003|1002\n"
    )


async def test_ra_call_control(api: AgentClient, state: SimState) -> None:
    assert await api.text("ra_call_control", agent_user="1003", value="X") == (
        "ERROR: ra_call_control not valid - X|1003|\n"
    )
    assert await api.text("ra_call_control", agent_user="1003", value="NOCALL", stage="HANGUP") == (
        "ERROR: no active call found - NOCALL\n"
    )
    call = "M6031200000000005001"
    assert await api.text("ra_call_control", agent_user="1003", value=call, stage="BOGUS") == (
        "ERROR: stage is not valid - BOGUS\n"
    )
    assert await api.text("ra_call_control", agent_user="1003", value=call, stage="HANGUP") == (
        f"SUCCESS: ra_call_control hungup - 1003|{call}|HANGUP\n"
    )
    assert state.live_agents["1001"].status == "PAUSED"  # its call is gone


# --- session data, recording, audio, queue -------------------------------------------------------


async def test_webphone_url_carries_the_phone_password(api: AgentClient) -> None:
    url = await api.text("webphone_url", agent_user="1001", value="DISPLAY")
    query = parse_qs(urlsplit(url).query)
    assert base64.b64decode(query["phone_pass"][0]).decode() == "test"
    assert base64.b64decode(query["phone_login"][0]).decode() == "gs102"
    launch = await api.text("webphone_url", agent_user="1001", value="LAUNCH")
    assert launch.startswith(f'<META HTTP-EQUIV=Refresh CONTENT="0; URL={url}">\n</HEAD>\n')
    assert await api.text("webphone_url", agent_user="1003", value="DISPLAY") == (
        "ERROR: webphone_url error - no session data - 1003\n"
    )
    assert await api.text("webphone_url", agent_user="1003", value="X") == (
        "ERROR: webphone_url not valid - X|1003\n"
    )


async def test_call_agent(api: AgentClient) -> None:
    assert await api.text("call_agent", agent_user="1001", value="CALL") == (
        "SUCCESS: call_agent function sent - 1001\n"
    )
    assert await api.text("call_agent", agent_user="1003", value="CALL") == (
        "ERROR: call_agent error - no session data - 1003\n"
    )
    assert await api.text("call_agent", agent_user="1003", value="X") == (
        "ERROR: call_agent not valid - X|1003\n"
    )


async def test_recording(api: AgentClient, state: SimState) -> None:
    assert await api.text("recording", agent_user="1003", value="STATUS") == (
        "NOTICE: not recording - 1003|||||127.0.0.1|8600053|READY\n"
    )
    assert await api.text("recording", agent_user="1003", value="STOP") == (
        "ERROR: stop recording error - 1003|||||127.0.0.1|8600053|READY\n"
    )
    assert await api.text("recording", agent_user="1003", value="BAD") == (
        "ERROR: recording not valid - BAD|1003\n"
    )
    incall_1003(state)
    assert await api.text("recording", agent_user="1003", value="START", stage="MIDCALL") == (
        "SUCCESS: recording function sent - 1003|STARTMIDCALL||||127.0.0.1|8600053|INCALL\n"
    )
    assert await api.text("recording", agent_user="1003", value="STATUS") == (
        "NOTICE: recording active - 1003|4|20261205-052925_1003MIDCALL|127.0.0.1|"
        "2026-12-05 05:29:25|127.0.0.1|8600053|INCALL\n"
    )


async def test_audio_playback(api: AgentClient) -> None:
    assert await api.text("audio_playback", agent_user="1003", value="hello", stage="STOP") == (
        "ERROR: audio_playback error - no audio playing in agent session - "
        "8600053|127.0.0.1|STOP|1003\n"
    )
    assert await api.text("audio_playback", agent_user="1003", value="", stage="PLAY") == (
        "ERROR: audio_playback not valid - |PLAY|1003\n"
    )
    assert await api.text("audio_playback", agent_user="1004", value="x", stage="PLAY") == (
        "ERROR: agent_user is not logged in - PLAY|1004\n"
    )
    assert await api.text("audio_playback", agent_user="1003", value="hello", stage="PLAY") == (
        "SUCCESS: audio_playback function sent - hello|PLAY|1003\n"
    )
    assert await api.text("audio_playback", agent_user="1003", value="hi", stage="PLAY") == (
        "ERROR: audio_playback error - audio already playing in agent session - "
        "8600053|127.0.0.1|PLAY||1003\n"
    )


async def test_calls_in_queue_count_has_no_line_end(api: AgentClient) -> None:
    assert await api.text("calls_in_queue_count", agent_user="1003", value="DISPLAY") == (
        "SUCCESS: calls_in_queue_count - 1"
    )
    assert await api.text("calls_in_queue_count", agent_user="1003", value="X") == (
        "ERROR: calls_in_queue_count not valid - X|1003\n"
    )


# --- leads, panels, in-groups, CRM ids, notifications ------------------------------------------


async def test_update_fields(api: AgentClient, state: SimState) -> None:
    assert await api.text("update_fields", agent_user="1003", first_name="Z") == (
        "ERROR: agent_user does not have a lead on their screen - 1003\n"
    )
    assert await api.text("update_fields", agent_user="") == "ERROR: agent_user not valid - \n"
    incall_1003(state)
    body = await api.text("update_fields", agent_user="1003", first_name="Zed",
                          address1="1+Main+St", formreload="Y")  # fmt: skip
    assert body == (
        "SUCCESS: update_fields lead updated - 6666|1003|5002|1|1|address1,first_name,formreload|"
        'address1="1 Main St",first_name="Zed"|\n'
    )
    assert state.leads[5002].first_name == "Zed"
    assert await api.text("update_fields", agent_user="1003", vendor_lead_code="VL5002") == (
        "SUCCESS: update_fields lead updated - 6666|1003|5002|0|1|vendor_lead_code|"
        'vendor_lead_code="VL5002"|\n'
    )


async def test_refresh_panel_and_timer(api: AgentClient, state: SimState) -> None:
    assert await api.text("refresh_panel", agent_user="1003") == (
        "ERROR: no panels have been defined - 1003\n"
    )
    assert await api.text("refresh_panel", agent_user="1003", formreload="Y") == (
        "SUCCESS: refresh_panel request sent - 6666|1003|1|formreload|\n"
    )
    assert await api.text("set_timer_action", agent_user="1003", value="W") == (
        "ERROR: set_timer_action not valid - 1003|W\n"
    )
    state.agentapi.user_flags[(API_USER, "modify_campaigns")] = False
    assert await api.text("set_timer_action", agent_user="1003", value="WEBFORM") == (
        "ERROR: user is not allowed to modify campaign settings - 1003|6666\n"
    )


async def test_external_add_lead(api: AgentClient, state: SimState) -> None:
    assert await api.text("external_add_lead", agent_user="1003", phone_number="3125550000") == (
        "ERROR: external_add_lead not valid - 3125550000||1003|\n"
    )
    body = await api.text("external_add_lead", agent_user="1003", phone_number="3125550000",
                          phone_code="1", first_name="New")  # fmt: skip
    lead_id = max(state.leads)
    assert body == f"SUCCESS: lead added - 3125550000|TESTCAMP|998|{lead_id}|1003\n"
    assert (state.leads[lead_id].list_id, state.leads[lead_id].first_name) == ("998", "New")


async def test_change_ingroups(api: AgentClient, state: SimState) -> None:
    assert await api.text("change_ingroups", agent_user="1003", value="ADD", blended="NO") == (
        "ERROR: ingroup_choices are required for ADD and REMOVE values - 1003|ADD|\n"
    )
    assert await api.text("change_ingroups", agent_user="1003", value="ADD", blended="NO",
                          ingroup_choices=" NOPE -") == (
        "ERROR: ingroup does not exist - 1003|NOPE| NOPE -\n"
    )  # fmt: skip
    assert await api.text("change_ingroups", agent_user="1003", value="ADD", blended="NO",
                          ingroup_choices=" SUPPORT -") == (
        "SUCCESS: change_ingroups function set - 6666|1003| SALESLINE SUPPORT -|NO|\n"
    )  # fmt: skip
    assert state.agentapi.sessions["1003"].closer_campaigns == " SALESLINE SUPPORT -"
    assert await api.text("change_ingroups", agent_user="1003", value="X", blended="NO") == (
        "ERROR: change_ingroups not valid - X|NO||1003\n"
    )
    state.put_agent("1003", "READY", campaign_id="SURVEY")
    assert await api.text("change_ingroups", agent_user="1003", value="ADD", blended="YES",
                          ingroup_choices=" SUPPORT -") == (
        "ERROR: campaign does not allow inbound calls - 1003\n"
    )  # fmt: skip


async def test_crm_id_functions(api: AgentClient, state: SimState) -> None:
    assert await api.text("st_login_log", value="CRM1", vendor_id="T1") == (
        "ERROR: no user found - CRM1\n"
    )
    assert await api.text("st_login_log", value="CRM1") == "ERROR: st_login_log not valid - CRM1|\n"
    incall_1003(state)
    assert await api.text("st_login_log", value="CRM3", vendor_id="T1") == (
        "SUCCESS: st_login_log user found - 1003\n"
    )
    assert state.useradmin.details["1003"].custom[3] == "T1"
    assert await api.text("st_get_agent_active_lead", value="CRM3", vendor_id="T1") == (
        "SUCCESS: st_get_agent_active_lead lead found - 1003|3125550002|5002|VL5002|||WEB\n"
    )


async def test_send_notification(api: AgentClient, state: SimState) -> None:
    params = {"recipient": "1003", "recipient_type": "USER", "notification_text": "hi"}
    assert await api.text("send_notification", **params) == (
        "ERROR: Agent API Notifications are disabled on this system - 0\n"
    )
    state.agentapi.agent_notifications = 1
    assert await api.text("send_notification", **params) == (
        "SUCCESS: notification queued - 1003|USER|1\n"
    )
    assert state.agentapi.notifications[0].notification_text == "hi"


def test_put_agent_states() -> None:
    state = SimState.seeded()
    session = state.put_agent("1004", "INCALL", lead_id=5003)
    assert session is not None and state.live_agents["1004"].callerid.startswith("M")
    assert state.put_agent("1004", None) is None and "1004" not in state.live_agents
    with pytest.raises(ValueError, match="unknown agent status"):
        state.put_agent("1004", "NAPPING")


async def test_the_request_log_masks_the_password(api: AgentClient, state: SimState) -> None:
    await api.text("send_dtmf", agent_user="1003", value="1")
    assert state.requests[-1].function == "send_dtmf"
    assert API_PASS not in state.requests[-1].query_string


def test_catalog_templates_print_the_simulator_texts() -> None:
    """Where the catalog has a line, the simulator prints through it: same bytes as its text."""
    checked = 0
    for function, texts in TEXTS.items():
        for key in (*texts, *COMMON):
            if catalog_template(function, key) is None:
                continue
            names = re.findall(r"\{([a-z_0-9]+)\}", texts.get(key) or COMMON[key])
            values = {name: f"<{i}:{name}>" for i, name in enumerate(names)}
            assert line(function, key, values) == fill(texts.get(key) or COMMON[key], values)
            checked += 1
    assert checked > 100


async def test_ra_call_control_not_logged_in(api: AgentClient) -> None:
    body = await api.text("ra_call_control", agent_user="1004", value="X", stage="HANGUP")
    assert body == "ERROR: agent_user is not logged in - 1004\n"


# --- more paths recorded with session data, playing audio, a fronter and a remote call ----------


async def test_session_data_without_url_or_login_call(api: AgentClient, state: SimState) -> None:
    state.agentapi.sessions["1003"].webphone_url = ""
    assert await api.text("webphone_url", agent_user="1003", value="DISPLAY") == (
        "ERROR: webphone_url error - webphone url is empty - 1003\n"
    )
    assert await api.text("call_agent", agent_user="1003", value="CALL") == (
        "ERROR: call_agent error - entry is empty - 1003\n"
    )


async def test_audio_already_playing(api: AgentClient, state: SimState) -> None:
    state.agentapi.sessions["1003"].audio_playing = True
    play = {"agent_user": "1003", "value": "hello", "stage": "PLAY"}
    assert await api.text("audio_playback", **play, dial_override="Y") == (
        "NOTICE: audio_playback previous playback stopped - PLAY|Y|1003\n"
        "SUCCESS: audio_playback function sent - hello|PLAY|1003\n"
    )
    assert await api.text("audio_playback", agent_user="1003", value="hello", stage="PAUSE") == (
        "SUCCESS: audio_playback function sent - hello|PAUSE|1003\n"
    )
    assert await api.text("audio_playback", agent_user="1003", value="hello", stage="STOP") == (
        "SUCCESS: audio_playback function sent - hello|STOP|1003\n"
    )
    assert state.agentapi.sessions["1003"].audio_playing is False
    assert await api.text("audio_playback", agent_user="1003", value="hello", stage="ST") == (
        "ERROR: audio_playback not valid - hello|ST|1003\n"
    )


async def test_recording_of_an_earlier_id_and_stop(api: AgentClient, state: SimState) -> None:
    state.agentapi.recordings[3] = Recording(
        3, "20240603-140003_3125550010_1002", "127.0.0.1", "2024-06-03 14:00:03"
    )
    state.agentapi.sessions["1003"].recording_id = "3"
    assert await api.text("recording", agent_user="1003", value="STATUS") == (
        "NOTICE: recording active - 1003|3|20240603-140003_3125550010_1002|127.0.0.1|"
        "2024-06-03 14:00:03|127.0.0.1|8600053|READY\n"
    )
    assert await api.text("recording", agent_user="1003", value="STOP") == (
        "SUCCESS: recording function sent - 1003|STOP||||127.0.0.1|8600053|READY\n"
    )
    assert await api.text("recording", agent_user="1003", value="STATUS") == (
        "NOTICE: not recording - 1003|||||127.0.0.1|8600053|READY\n"
    )


async def test_ra_call_control_transfers(api: AgentClient, state: SimState) -> None:
    incall_1003(state)
    call = "M6031200000000005002"
    state.agentapi.auto_calls[call] = AutoCall(call, "TESTCAMP", 5002, "3125550002")
    ra = {"agent_user": "1003", "value": call}
    assert await api.text("ra_call_control", **ra, stage="EXTENSIONTRANSFER") == (
        "ERROR: phone_number is not valid - \n"
    )
    body = await api.text("ra_call_control", **ra, stage="INGROUPTRANSFER", ingroup_choices="NOPE")
    assert body == "ERROR: ingroup is not valid - NOPE\n"
    assert await api.text("ra_call_control", **ra, stage="INGROUPTRANSFER",
                          ingroup_choices="SALESLINE") == (
        f"SUCCESS: ra_call_control transfer - 1003|{call}|\n"
    )  # fmt: skip
    assert call not in state.agentapi.auto_calls
    assert state.live_agents["1003"].status == "PAUSED"


async def test_dial_a_lead_and_a_searched_alt_phone(api: AgentClient, state: SimState) -> None:
    paused_1003(state)
    dial = {"agent_user": "1003", "search": "YES", "preview": "NO", "focus": "YES"}
    assert await api.text("external_dial", value="", lead_id="5002", **dial) == (
        f"SUCCESS: external_dial function set - 3125550002|1003|1|YES|NO|YES||{EPOCH}||||\n"
    )
    assert state.live_agents["1003"].lead_id == 5002
    paused_1003(state)
    state.leads[5001].alt_phone = "3125550901"
    body = await api.text("external_dial", value="3125550901", lead_id="5001", alt_dial="SEARCH",
                          **dial)  # fmt: skip
    assert body == (
        f"SUCCESS: external_dial function set - 3125550901|1003|1|YES|NO|YES||{EPOCH}||||ALT\n"
    )
    paused_1003(state)
    body = await api.text("external_dial", value="3125551234", phone_code="1", dial_prefix="9",
                          vendor_id="V1", **DIAL)  # fmt: skip
    assert body == (
        f"SUCCESS: external_dial function set - 3125551234|1003|1|NO|NO|NO|V1|{EPOCH}|9|||\n"
    )


async def test_change_ingroups_remove_and_change_as_default(
    api: AgentClient, state: SimState
) -> None:
    assert await api.text("change_ingroups", agent_user="1003", value="REMOVE", blended="NO",
                          ingroup_choices=" SALESLINE -") == (
        "SUCCESS: change_ingroups function set - 6666|1003| -|NO|\n"
    )  # fmt: skip
    assert await api.text("change_ingroups", agent_user="1003", value="CHANGE", blended="YES",
                          ingroup_choices=" SUPPORT SALESLINE -", set_as_default="YES") == (
        "SUCCESS: change_ingroups function set - 6666|1003| SUPPORT SALESLINE -|YES|"
        "User settings set as default\n"
    )  # fmt: skip
    assert state.useradmin.details["1003"].closer_campaigns == " SUPPORT SALESLINE -"
    state.agentapi.user_flags[(API_USER, "change_agent_campaign")] = False
    assert await api.text("change_ingroups", agent_user="1003", value="CHANGE", blended="NO") == (
        "ERROR: user is not allowed to change agent in-groups - 6666\n"
    )


async def test_send_notification_recipients(api: AgentClient, state: SimState) -> None:
    """Texts from api.php's source: the reference server has notifications switched off (a
    system-wide setting the recordings left alone), so these are not recorded."""
    state.agentapi.agent_notifications = 1
    body = await api.text("send_notification", recipient="AGENTS", notification_text="hi")
    assert body == (
        "Invalid recipient_type (), NOTICE: found AGENTS as USER_GROUP<BR>\n"
        "SUCCESS: notification queued - AGENTS|USER_GROUP|1\n"
    )
    assert await api.text("send_notification", recipient="NOBODY", notification_text="hi") == (
        "Invalid recipient_type (), ERROR: no matching recipient found in users, user_groups, "
        "or campaigns - NOBODY\n"
    )
    assert await api.text("send_notification", recipient="1003", recipient_type="USER") == (
        "ERROR: invalid request - 1003|USER\n"
    )
    state.user_groups["ADMIN"].allowed_campaigns = " SALESOUT -"
    assert await api.text("send_notification", recipient="TESTCAMP", recipient_type="CAMPAIGN",
                          notification_text="hi") == (
        "ERROR: ACCESS TO CAMPAIGN TESTCAMP NOT ALLOWED FOR USER 6666 ( SALESOUT -) - |TESTCAMP\n"
    )  # fmt: skip


async def test_the_gateway_drives_a_simulated_agent(state: SimState) -> None:
    """End to end: POST /v1/agent/... through the gateway moves the simulated agent."""
    # The gateway takes VICIdial passwords of [-_0-9A-Za-z] only (the Non-Agent API's filter).
    state.add_api_user("6668", "GwAgent_Pass42")
    sim = await start_simulator("127.0.0.1", 0, state=state)
    doc = config_dict(sim.base_url, sim.ca_file)
    doc["upstreams"]["main"]["credentials"] = [
        {"name": "api-a", "user": "6668", "pass": "GwAgent_Pass42"}
    ]
    doc["apps"]["crm"]["agent_functions"] = ["external_pause", "webphone_url"]
    doc["apps"]["crm"]["agent_users"] = ["1001", "1003"]
    cfg = parse_config(doc)
    runner, base = await start_gateway(cfg)
    headers = {"Authorization": f"Bearer {mint_token(cfg, 'crm')}"}
    try:
        async with aiohttp.ClientSession() as session:
            body = {"agent_user": "1003", "value": "PAUSE"}
            async with session.post(
                f"{base}/v1/agent/external_pause", json=body, headers=headers
            ) as resp:
                assert resp.status == 200
                assert (await resp.json())["data"]["agent_user"] == "1003"
            assert state.live_agents["1003"].status == "PAUSED"
            body = {"agent_user": "1001", "value": "DISPLAY"}
            async with session.post(
                f"{base}/v1/agent/webphone_url", json=body, headers=headers
            ) as resp:
                assert resp.status == 200
                reply = await resp.text()
            # The stored URL carries the phone password (base64 of "test"); the gateway drops it.
            stored = state.agentapi.sessions["1001"].webphone_url
            assert stored is not None and "phone_pass=dGVzdA==" in stored
            assert "dGVzdA==" not in reply
    finally:
        await runner.cleanup()
        await sim.close()


async def test_faults_and_the_request_log(api: AgentClient, state: SimState) -> None:
    await api.text("send_dtmf", agent_user="1003", value="1")
    await api.text("send_dtmf", agent_user="1003", value="1", **{"pass": "wrong1"})
    assert [r.login for r in state.requests] == ["GOOD", "BAD"]
    state.faults = Faults("http500")
    assert await api.call("send_dtmf", agent_user="1003", value="9") == (500, "")
    assert state.agentapi.sessions["1003"].flags["external_dtmf"] == "1"  # the 9 never ran


@pytest.mark.parametrize(
    ("params", "link"),
    [
        ({"function": "send_dtmf", "agent_user": "1004", "value": "1"}, True),
        ({"function": "external_pause", "agent_user": "1003", "value": "X"}, True),
        ({"function": "bogus"}, True),
        ({"function": "external_add_lead", "agent_user": "1004"}, False),  # api.php exits
        ({"function": "external_pause", "agent_user": "1003", "value": "RESUME"}, False),
    ],
)
@pytest.mark.parametrize(("flag", "on"), [("1", True), ("abc", True), ("0", False), ("-1", False)])
async def test_close_window_link(
    api: AgentClient, params: dict[str, str], link: bool, flag: str, on: bool
) -> None:
    params = dict(params)
    function = params.pop("function")
    plain = await api.text(function, **params)
    body = await api.text(function, close_window_link=flag, **params)
    close = "\n<a href=\"javascript:window.opener='x';window.close();\">Close This Window</a>\n"
    assert body == plain + (close if link and on else "")


async def test_transfer_conference_multi_dial_and_3way_checks(
    api: AgentClient, state: SimState
) -> None:
    incall_1003(state)
    ok = "SUCCESS: transfer_conference function set - HANGUP_XFER|||NO|1003|M6031200000000005002"
    xfer = {"agent_user": "1003", "value": "HANGUP_XFER"}
    # Valid numbers are 5-18 digits, a number already in the list (as a substring) is skipped;
    # the counts are valid, given, and the rows the queued multi-dial changed.
    phones = "3125550001,3125550002,123,3125550001"
    assert await api.text("transfer_conference", **xfer, multi_dial_phones=phones) == (
        f"{ok}|Multi-phones: 2 4 1|\n"
    )
    assert await api.text("transfer_conference", **xfer, multi_dial_phones="3125550001,31255") == (
        f"{ok}|Multi-phones: 1 2 2|\n"
    )
    assert await api.text("transfer_conference", **xfer, multi_dial_phones="3125550001") == (
        f"{ok}|Multi-phones: 1 1 0|\n"  # the same list in the same second changes nothing
    )
    assert await api.text("transfer_conference", **xfer, multi_dial_phones="12,34") == (
        f"{ok}|Multi-phones: 0 2 0|\n"
    )
    state.agentapi.sessions["1003"].press_live = 1
    body = await api.text(
        "transfer_conference", **xfer, multi_dial_phones="3125550001", md_check="YES"
    )
    assert body == "ERROR: agent_user has previous active 3-way calls - 1003|1|0|YES\n"
    state.agentapi.sessions["1003"].three_way = True
    assert await api.text("transfer_conference", **xfer, tw_check="YES") == (
        "ERROR: agent_user has current active 3-way call - 1003|1|0|YES\n"
    )
    assert await api.text("transfer_conference", **xfer) == f"{ok}|\n"
    assert state.agentapi.sessions["1003"].three_way is False


async def test_fronter_over_ccc_names_the_lead(api: AgentClient, state: SimState) -> None:
    """CCC_REMOTE comes from another cluster: the lead is in lead_id, no local agent needed."""
    state.put_agent("1004", "INCALL", lead_id=5003, conf_exten="8600054", callerid="x")
    ccc = {"value": "CCC_REMOTE", "lead_id": "5003"}
    assert await api.text("force_fronter_leave_3way", agent_user="NOBODY", **ccc) == (
        "SUCCESS: force_fronter_leave_3way SENT - 1004"
    )
    assert await api.text("force_fronter_audio_stop", agent_user="NOBODY", **ccc) == (
        "ERROR: force_fronter_audio_stop error - no audio playing in other agent session - "
        "8600054|127.0.0.1||NOBODY|1004\n"
    )
    body = await api.text("force_fronter_leave_3way", agent_user="NOBODY", value="CCC_REMOTE")
    assert body == "ERROR: agent_user is not on a phone call - NOBODY\n"
    body = await api.text(
        "force_fronter_leave_3way", agent_user="NOBODY", value="LOCAL_ONLY", lead_id="5003"
    )
    assert body == "ERROR: agent_user is not logged in - NOBODY\n"


async def test_external_add_lead_dnc_checks(api: AgentClient, state: SimState) -> None:
    add = {"agent_user": "1003", "phone_code": "1"}
    body = await api.text("external_add_lead", phone_number="3125550199", dnc_check="YES", **add)
    assert body == "ERROR: add_lead PHONE NUMBER IN DNC - 3125550199|1003\n"
    state.put_agent("1003", "READY", campaign_id="SALESOUT")
    state.campaign_dnc["SALESOUT"] = {"3125550198"}
    body = await api.text(
        "external_add_lead", phone_number="3125550198", campaign_dnc_check="Y", **add
    )
    assert body == "ERROR: add_lead PHONE NUMBER IN CAMPAIGN DNC - 3125550198|SALESOUT|1003\n"
    # Without the check a DNC number goes in; vendor_id fills vendor_lead_code.
    body = await api.text("external_add_lead", value="3125550199", vendor_id="V9", **add)
    lead = state.leads[max(state.leads)]
    assert body == f"SUCCESS: lead added - 3125550199|SALESOUT|998|{lead.lead_id}|1003\n"
    assert lead.vendor_lead_code == "V9"


async def test_update_fields_needs_modify_leads(api: AgentClient, state: SimState) -> None:
    incall_1003(state)
    state.users[API_USER].modify_leads = 0
    assert await api.text("update_fields", agent_user="1003", first_name="X") == (
        "ERROR: user is not allowed to modify lead information - 1003|6666\n"
    )
    assert state.leads[5002].first_name != "X"


async def test_without_value_a_post_acts_on_the_last_form_field(api: AgentClient) -> None:
    """api.php's ``foreach($_POST as $key=>$value)`` leaves the last field's value in $value."""
    status, body = await api.call("external_pause", method="POST", agent_user="1004", extra="xyz")
    assert (status, body) == (200, "ERROR: external_pause not valid - xyz|1004\n")
    status, body = await api.call("external_pause", method="POST", agent_user="1003")
    assert body == "ERROR: external_pause not valid - 1003|1003\n"
    # A GET has no form fields: value stays empty.
    assert await api.text("external_pause", agent_user="1003", extra="xyz") == (
        "ERROR: external_pause not valid - |1003\n"
    )


async def test_update_fields_matches_names_inside_values(api: AgentClient, state: SimState) -> None:
    """A field counts when its name occurs anywhere in the request: "Frank" holds "rank"."""
    incall_1003(state)
    state.leads[5002].rank = "7"
    assert await api.text("update_fields", agent_user="1003", first_name="Frank") == (
        "SUCCESS: update_fields lead updated - 6666|1003|5002|1|1|first_name,rank|"
        'first_name="Frank",rank=""|\n'
    )
    assert state.leads[5002].rank == ""


# --- the recorded samples (tests/data/agent_samples), replayed against the simulator ----------

SAMPLES = Path(__file__).parent / "data" / "agent_samples"
MANIFEST: dict[str, dict[str, object]] = json.loads((SAMPLES / "manifest.json").read_text())
PHONE_PASS = "Phone-Secret-77"  # the recorder's phone password (tools/record_agent.py)


def recorder_world(state: SimState, sample: str) -> None:
    """The reference server as tools/record_agent.py left it for ``sample``: agent 1201 a copy of
    1002 (paused in SALESOUT), 1202 a copy of 1001 (in a call on lead 5001), CRM ids
    crm-1201 / crm-1202, and the few settings single samples were recorded with."""
    for copy, of, status, campaign, conf, lead, callerid in (
        ("1201", "1002", "PAUSED", "SALESOUT", "8600061", 0, ""),
        ("1202", "1001", "INCALL", "TESTCAMP", "8600062", 5001, "M6031200000000005001"),
    ):
        state.users[copy] = dataclasses.replace(state.users[of], user=copy)
        state.useradmin.user_details(state.users[copy]).custom[2] = f"crm-{copy}"
        state.put_agent(copy, status, campaign_id=campaign, lead_id=lead, callerid=callerid,
                        conf_exten=conf)  # fmt: skip
        state.agentapi.sessions[copy].closer_campaigns = state.agentapi.session(of).closer_campaigns
    state.add_api_user("9902", "lock9902")
    if sample == "external_dial__ok.txt":
        state.agentapi.user_flags[("1201", "agentcall_manual")] = True
    if sample in ("recording__ok_status_active.txt", "recording__ok_stop.txt"):
        # RECORDING_ON of the recorder: a recording in progress, as the dialer leaves it.
        state.agentapi.recordings[990001] = Recording(
            990001, "20261205-rec_1202", "127.0.0.1", state.now_text()
        )
        state.agentapi.sessions["1202"].recording_id = "990001"
    if sample == "recording__err_stop.txt":
        state.agentapi.sessions["1202"].recording_id = "STOP"
    if sample == "update_fields__ok.txt":
        state.leads[5001].comments = "called back"  # left so by an earlier run on that server
    if sample == "webphone_url__ok_display.txt":

        def b64(text: str) -> str:
            return base64.b64encode(text.encode()).decode()

        state.agentapi.sessions["1202"].webphone_url = (
            "https://127.0.0.1/agc/webphone/webphone.php?"
            f"phone_login={b64('gs102')}&phone_login={b64('gs102')}&phone_pass={b64(PHONE_PASS)}"
            f"&server_ip={b64('127.0.0.1')}&callerid={b64('1202')}&protocol={b64('SIP')}"
            f"&codecs={b64('ULAW,GSM')}&options={b64('--DISABLED--')}&system_key={b64('SYSKEY')}"
        )


def _normalised(text: str) -> str:
    text = re.sub(r"\b1[789]\d{8}\b", "<EPOCH>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "<DATE>", text)
    return re.sub(r"(lead added - [^|]*\|[^|]*\|[^|]*\|)\d+", r"\1<LEAD>", text)


@pytest.mark.parametrize("sample", sorted(s for s in MANIFEST if s != "webserver__ok.txt"))
async def test_recorded_sample(api: AgentClient, state: SimState, sample: str) -> None:
    """Each genuine reply, from the same request in the same state (epochs, dates and new lead
    ids aside). webserver describes its host and is left out."""
    entry = MANIFEST[sample]
    recorder_world(state, sample)
    login = {"user 9902": ("9902", "Wrong-Pass-9902"), "user 7777": ("7777", "5678")}.get(
        str(entry["login"]), (API_USER, API_PASS)
    )
    params = cast(dict[str, str], entry["params"])
    form = {"user": login[0], "pass": login[1], "function": str(entry["function"]), **params,
            "source": "gwrecord"}  # fmt: skip
    async with api.session.post(api.url, data=form, ssl=api.ssl) as resp:
        status, body = resp.status, (await resp.read()).decode()
    expected = (SAMPLES / sample).read_bytes().decode()
    assert status == entry["http_status"]
    assert _normalised(body) == _normalised(expected)
