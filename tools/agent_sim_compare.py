"""Send the same Agent API requests to a REAL VICIdial and to the simulator, side by side.

    .venv/bin/python tools/agent_sim_compare.py [--url http://127.0.0.1:18080] [--only WORD]

Needs the real VICIdial of ``../shared/oracle/`` and its ``mysql`` client (database
``asterisk`` as root): before each request, agent 1003 (and for a few cases 1004) is put in the
same state on both sides, with SQL on the real one and ``SimState.put_agent`` on the simulator.
Agents 1001 and 1002 are never touched. Prints SAME or DIFF per request (epochs and dates
normalised; new lead ids differ by seed data and are normalised too) and restores what it
changed on the real server at the end: 1003's user row, its sessions, queues and channels,
SURVEY's api_manual_dial, lead 5002, the leads it added, and its vicidial_manager rows.
Exit status 1 if any reply differs.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gateway.sim import SimState, start_simulator  # noqa: E402
from gateway.sim.agents import AutoCall, Recording  # noqa: E402
from gateway.sim.server import AGENT_API_PATH  # noqa: E402

Setup = Callable[[SimState], None]
LOGIN = {"source": "test", "user": "6666", "pass": "1234"}
CALL_5002 = "M6031200000000005002"
CASES: list[tuple[Setup | None, dict[str, str]]] = []


def sql(stmt: str) -> str:
    done = subprocess.run(
        ["mysql", "-N", "asterisk", "-e", stmt], check=True, capture_output=True, text=True
    )
    return done.stdout.rstrip("\n")


def quoted(value: str) -> str:
    """A value read with ``mysql -N`` as an SQL literal (it prints NULL as NULL)."""
    return "NULL" if value == "NULL" else f"'{value}'"


def case(setup: Setup | None, **query: str) -> None:
    CASES.append((setup, query))


# --- agent states, on both sides ------------------------------------------------------------


def _live_1003(state: SimState, status: str, campaign: str = "TESTCAMP", lead: int = 0,
               callerid: str = "") -> None:  # fmt: skip
    sql("DELETE FROM vicidial_live_agents WHERE user='1003'")
    sql(
        "INSERT INTO vicidial_live_agents (user,server_ip,conf_exten,extension,status,lead_id,"
        "campaign_id,callerid,channel,closer_campaigns,outbound_autodial,last_call_time,"
        f"last_update_time,last_call_finish,last_state_change) VALUES ('1003','127.0.0.1',"
        f"'8600053','SIP/gs102','{status}',{lead},'{campaign}','{callerid}','',' SALESLINE -',"
        "'N',NOW(),NOW(),NOW(),NOW())"
    )
    state.put_agent("1003", status, campaign_id=campaign, lead_id=lead, callerid=callerid,
                    conf_exten="8600053")  # fmt: skip
    state.agentapi.sessions["1003"].closer_campaigns = " SALESLINE -"


def ready(state: SimState) -> None:
    _live_1003(state, "READY")


def paused(state: SimState) -> None:
    _live_1003(state, "PAUSED")


def incall(state: SimState) -> None:
    _live_1003(state, "INCALL", lead=5002, callerid=CALL_5002)
    sql("UPDATE vicidial_users SET custom_three='CRM3' WHERE user='1003'")
    state.useradmin.user_details(state.users["1003"]).custom[2] = "CRM3"


def survey_queue(state: SimState) -> None:
    _live_1003(state, "READY", campaign="SURVEY")
    sql("UPDATE vicidial_campaigns SET api_manual_dial='QUEUE' WHERE campaign_id='SURVEY'")
    state.agentapi.campaigns["SURVEY"].api_manual_dial = "QUEUE"


def with_session_data(url: str, login_call: str) -> Setup:
    def setup(state: SimState) -> None:
        ready(state)
        sql("DELETE FROM vicidial_session_data WHERE user='1003'")
        sql(
            "INSERT INTO vicidial_session_data SET session_name='sim1003',user='1003',"
            "campaign_id='TESTCAMP',server_ip='127.0.0.1',conf_exten='8600053',"
            f"extension='SIP/gs102',login_time=NOW(),webphone_url='{url}',"
            f"agent_login_call='{login_call}'"
        )
        session = state.agentapi.sessions["1003"]
        session.webphone_url, session.agent_login_call = url, login_call

    return setup


def playing(state: SimState) -> None:
    ready(state)
    sql("DELETE FROM live_channels WHERE extension='8600053'")
    sql("INSERT INTO live_channels SET channel='IAX2/ASTplay-000123',server_ip='127.0.0.1',"
        "channel_group='',extension='8600053',channel_data=''")  # fmt: skip
    state.agentapi.sessions["1003"].audio_playing = True


def recording_3(state: SimState) -> None:
    ready(state)
    sql("UPDATE vicidial_live_agents SET external_recording='3' WHERE user='1003'")
    state.agentapi.recordings[3] = Recording(
        3, "20240603-140003_3125550010_1002", "127.0.0.1", "2024-06-03 14:00:03"
    )
    state.agentapi.sessions["1003"].recording_id = "3"


def with_fronter(state: SimState) -> None:
    incall(state)
    sql("DELETE FROM vicidial_live_agents WHERE user='1004'")
    sql(
        "INSERT INTO vicidial_live_agents (user,server_ip,conf_exten,extension,status,lead_id,"
        "campaign_id,callerid,channel,closer_campaigns,last_call_time,last_update_time,"
        "last_call_finish,last_state_change) VALUES ('1004','127.0.0.1','8600054','SIP/1004',"
        "'INCALL',5002,'TESTCAMP','','','','2024-01-01',NOW(),NOW(),NOW())"
    )
    state.put_agent("1004", "INCALL", lead_id=5002, conf_exten="8600054", callerid="x")


def with_remote_call(state: SimState) -> None:
    incall(state)
    sql(f"DELETE FROM vicidial_auto_calls WHERE callerid='{CALL_5002}'")
    sql(
        "INSERT INTO vicidial_auto_calls SET server_ip='127.0.0.1',campaign_id='TESTCAMP',"
        f"status='LIVE',lead_id=5002,uniqueid='1.2',callerid='{CALL_5002}',channel='SIP/x',"
        "phone_code='1',phone_number='3125550002',call_time=NOW(),call_type='OUT',stage='LIVE',"
        "last_update_time=NOW(),queue_position=1"
    )
    state.agentapi.auto_calls[CALL_5002] = AutoCall(CALL_5002, "TESTCAMP", 5002, "3125550002")


def three_way(state: SimState) -> None:
    incall(state)
    sql("DELETE FROM live_sip_channels WHERE extension='8600053'")
    sql("INSERT INTO live_sip_channels SET channel='SIP/x-1',server_ip='127.0.0.1',"
        "channel_group='DC8600053W',extension='8600053',channel_data=''")  # fmt: skip
    state.agentapi.sessions["1003"].three_way = True


LOGIN_CALL = (
    "||2026-12-05 05:00:00|NEW|N|127.0.0.1||Originate|S1205050000008600053|Channel: SIP/gs102|"
    "Context: default|Exten: 8600053|Priority: 1|Callerid: S1205050000008600053 <0000000000>|||||"
)
WEBPHONE = "https://127.0.0.1/agc/webphone/webphone.php?phone_login=Z3MxMDI=&phone_pass=dGVzdA=="
DIAL = {"agent_user": "1003", "search": "NO", "preview": "NO", "focus": "NO"}
A3 = {"agent_user": "1003"}

case(None, function="version")
case(None, function="coffee")
case(None, function="external_pause", source="t")
case(None, function="bogus")
case(None, function="external_pause", agent_user="1004", value="PAUSE")
case(None, function="external_pause", user="7780", agent_user="1003", value="PAUSE",
     **{"pass": "7780pass"})  # fmt: skip
case(None, function="webserver", user="7780", **{"pass": "7780pass"})
case(None, function="external_pause", user="7777", **{"pass": "5678"})
case(ready, function="external_pause", value="RESUME", **A3)
case(ready, function="external_pause", value="PAUSE", **A3)
case(ready, function="external_pause", value="PAUSE", alt_user="NOSUCH", **A3)
case(paused, function="external_pause", value="RESUME", **A3)
case(ready, function="logout", value="X", **A3)
case(ready, function="external_hangup", value="1", **A3)
case(ready, function="external_status", value="CALLBK", callback_datetime="2026-12-24 10:00:00",
     callback_type="USERONLY", callback_comments="call+back", **A3)  # fmt: skip
case(ready, function="recording", value="STATUS", **A3)
case(ready, function="recording", value="STOP", **A3)
case(recording_3, function="recording", value="STATUS", **A3)
case(ready, function="webphone_url", value="DISPLAY", **A3)
case(with_session_data("", ""), function="webphone_url", value="DISPLAY", **A3)
case(with_session_data(WEBPHONE, LOGIN_CALL), function="webphone_url", value="LAUNCH", **A3)
case(with_session_data(WEBPHONE, LOGIN_CALL), function="call_agent", value="CALL", **A3)
case(ready, function="audio_playback", value="hello", stage="STOP", **A3)
case(playing, function="audio_playback", value="hello", stage="PLAY", dial_override="Y", **A3)
case(paused, function="pause_code", value="BREAK", **A3)
case(ready, function="calls_in_queue_count", value="DISPLAY", **A3)
case(ready, function="set_timer_action", value="WEBFORM", notes="hi+there", rank="10", **A3)
case(ready, function="external_dial", value="3125551234", **DIAL)
case(paused, function="external_dial", value="3125551234", phone_code="1", dial_prefix="9",
     vendor_id="V1", **DIAL)  # fmt: skip
case(paused, function="external_dial", value="3125551234", lead_id="99999", **DIAL)
case(paused, function="external_dial", value="3125551234", dial_ingroup="NOPE", **DIAL)
case(survey_queue, function="external_dial", value="3125551234", **DIAL)
case(None, function="external_dial", value="3125551234", **DIAL)
case(paused, function="preview_dial_action", value="ALTDIAL", **A3)
case(ready, function="change_ingroups", value="ADD", blended="NO", ingroup_choices=" SUPPORT -",
     **A3)  # fmt: skip
case(incall, function="update_fields", first_name="Zed", formreload="Y", **A3)
# "Frank" holds "rank": api.php sets rank too (to the empty rank parameter).
case(incall, function="update_fields", first_name="Frank", **A3)
case(ready, function="refresh_panel", formreload="Y", **A3)
case(incall, function="park_call", value="PARK_CUSTOMER", **A3)
case(incall, function="transfer_conference", value="LOCAL_CLOSER", ingroup_choices="SALESLINE",
     **A3)  # fmt: skip
case(incall, function="transfer_conference", value="HANGUP_XFER",
     multi_dial_phones="3125550001,3125550002,123", **A3)  # fmt: skip
case(three_way, function="transfer_conference", value="HANGUP_XFER", tw_check="YES", **A3)
case(incall, function="switch_lead", lead_id="5001", **A3)
case(incall, function="vm_message", value="vmfile|two", **A3)
case(incall, function="st_get_agent_active_lead", value="CRM3", vendor_id="T1")
case(with_fronter, function="force_fronter_leave_3way", value="LOCAL_ONLY", **A3)
case(with_remote_call, function="ra_call_control", value=CALL_5002, stage="HANGUP", **A3)
case(ready, function="external_add_lead", phone_number="3125550199", phone_code="1",
     dnc_check="YES", **A3)  # fmt: skip
case(ready, function="external_add_lead", phone_number="3125550000", phone_code="1", **A3)
case(ready, function="send_notification", recipient="1003", recipient_type="USER")
# POSTed without value: api.php acts on the last form field's value ("xyz").
case(None, _post="1", function="external_pause", agent_user="1004", extra="xyz")


def normalise(text: str) -> str:
    text = re.sub(r"\b1[789]\d{8}\b", "<EPOCH>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "<DATE>", text)
    return re.sub(r"(lead added - [^|]*\|[^|]*\|[^|]*\|)\d+", r"\1<LEAD>", text)


def sim_state() -> SimState:
    state = SimState.seeded(api_users={"6666": "1234"})
    state.add_api_user("7780", "7780pass", allowed_functions=["version", "agent_status",
                       "lead_search"], user_level=8, user_group="MANAGERS")  # fmt: skip
    state.add_api_user("7777", "5678", user_level=8).vdc_agent_api_access = False
    return state


class Saved:
    """What the run changes on the real server, to put back."""

    def __init__(self) -> None:
        self.user_1003 = sql(
            "SELECT closer_campaigns,closer_default_blended,custom_three,custom_four,"
            "agentcall_manual FROM vicidial_users WHERE user='1003'"
        ).split("\t")
        self.lead_5002 = sql(
            "SELECT first_name,address1,`rank`,modify_date FROM vicidial_list WHERE lead_id=5002"
        ).split("\t")
        self.survey = sql(
            "SELECT api_manual_dial FROM vicidial_campaigns WHERE campaign_id='SURVEY'"
        )
        self.max_lead = int(sql("SELECT IFNULL(MAX(lead_id),0) FROM vicidial_list"))
        self.max_manager = int(sql("SELECT IFNULL(MAX(man_id),0) FROM vicidial_manager"))

    def restore(self) -> None:
        closer, blended, three, four, manual = (self.user_1003 + [""] * 5)[:5]
        sql(
            f"UPDATE vicidial_users SET closer_campaigns={quoted(closer)},closer_default_blended="
            f"{quoted(blended)},custom_three={quoted(three)},custom_four={quoted(four)},"
            f"agentcall_manual={quoted(manual)} WHERE user='1003'"
        )
        first, address1, rank, modified = (self.lead_5002 + [""] * 4)[:4]
        sql(f"UPDATE vicidial_list SET first_name={quoted(first)},address1={quoted(address1)},"
            f"`rank`={quoted(rank)},modify_date={quoted(modified)} WHERE lead_id=5002")  # fmt: skip
        sql(f"UPDATE vicidial_campaigns SET api_manual_dial={quoted(self.survey)} "
            "WHERE campaign_id='SURVEY'")  # fmt: skip
        sql(f"DELETE FROM vicidial_list WHERE lead_id>{self.max_lead} AND list_id=998")
        sql(
            f"DELETE FROM vicidial_manager WHERE man_id>{self.max_manager} AND (cmd_line_b LIKE "
            f"'%8600053%' OR callerid LIKE '%0000005002' OR callerid LIKE 'PLAY%' "
            f"OR callerid='hello' OR callerid LIKE 'S12050500000086000%')"
        )
        for stmt in (
            "DELETE FROM vicidial_live_agents WHERE user IN ('1003','1004')",
            "DELETE FROM vicidial_live_inbound_agents WHERE user='1003'",
            "DELETE FROM vicidial_manual_dial_queue WHERE user='1003'",
            "DELETE FROM vicidial_session_data WHERE user='1003'",
            f"DELETE FROM vicidial_auto_calls WHERE callerid='{CALL_5002}'",
            "DELETE FROM live_channels WHERE extension IN ('8600053','8600054')",
            "DELETE FROM live_sip_channels WHERE extension='8600053'",
            "DELETE FROM vicidial_3way_press_live WHERE user='1003'",
            "DELETE FROM vicidial_3way_press_multi WHERE user='1003'",
        ):
            sql(stmt)


async def run(url: str, only: str | None) -> int:
    saved = Saved()
    sql("UPDATE vicidial_users SET agentcall_manual='1' WHERE user='1003'")
    state = sim_state()
    sim = await start_simulator(state=state, tls=False)
    differ = 0
    try:
        async with aiohttp.ClientSession() as session:
            for setup, query in CASES:
                if only and only not in query.get("function", ""):
                    continue
                state = sim.state
                if setup is not None:
                    setup(state)
                params = {**LOGIN, **query}
                post = params.pop("_post", None) is not None
                replies = []
                for target in (url + AGENT_API_PATH, sim.base_url + AGENT_API_PATH):
                    how = {"data": params} if post else {"params": params}
                    async with session.request("POST" if post else "GET", target, **how) as resp:
                        replies.append((resp.status, await resp.text()))
                same = [(s, normalise(t)) for s, t in replies]
                differ += same[0] != same[1]
                print("SAME" if same[0] == same[1] else "DIFF", query, flush=True)
                print(f"    real {replies[0][0]}: {replies[0][1]!r}")
                if same[0] != same[1]:
                    print(f"    sim  {replies[1][0]}: {replies[1][1]!r}")
    finally:
        await sim.close()
        saved.restore()
    print(f"{len(CASES)} requests, {differ} differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:18080")
    parser.add_argument("--only", help="only functions whose name contains this")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.url, args.only))


if __name__ == "__main__":
    sys.exit(main())
