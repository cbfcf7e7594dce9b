"""Record the REAL Agent API's replies into ``tests/data/agent_samples`` (not run by CI).

    .venv/bin/python tools/record_agent.py [--url https://127.0.0.1:18443] [--ca FILE]
                                           [--user 6666] [--password 1234]

Needs the real VICIdial of ``../shared/oracle/`` and its ``mysql`` client. It puts the agents of
``tools/oracle_agent.py`` in session (1201 paused, 1202 in a call; plus a webphone address for
1202 built the way ``vicidial.php`` builds one), sends each request of :data:`CASES` straight to
``/agc/api.php`` *as the gateway sends it* (``value`` always present, ``source`` last), and
writes each reply's exact bytes to ``<function>__<case>.txt`` with one ``manifest.json`` that
holds, per file, the function, the parameters sent (the login left out) and the agent state.
The login's password appears in the login lines VICIdial echoes it in (the oracle's test
password; the tests check the gateway never passes it on). It removes its agents at the end.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import ssl
import sys
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle_agent import DIAL_BODY, IN_CALL, PAUSED, SETUP, TEARDOWN, mysql
from oracle_check import REPO, arguments

OUT = REPO / "tests" / "data" / "agent_samples"
SOURCE = "gwrecord"
PHONE_PASS = "Phone-Secret-77"


def webphone_setup() -> str:
    """vicidial_session_data for IN_CALL with an address like vicidial.php's (base64 values)."""

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    url = (
        "https://127.0.0.1/agc/webphone/webphone.php?"
        f"phone_login={b64('gs102')}&phone_login={b64('gs102')}&phone_pass={b64(PHONE_PASS)}"
        f"&server_ip={b64('127.0.0.1')}&callerid={b64('1202')}&protocol={b64('SIP')}"
        f"&codecs={b64('ULAW,GSM')}&options={b64('--DISABLED--')}&system_key={b64('SYSKEY')}"
    )
    return (
        f"DELETE FROM vicidial_session_data WHERE user='{IN_CALL}';\n"
        "INSERT INTO vicidial_session_data SET session_name='rec1202',"
        f"user='{IN_CALL}',campaign_id='TESTCAMP',server_ip='127.0.0.1',conf_exten='8600062',"
        f"extension='SIP/gs102',login_time=NOW(),webphone_url='{url}',agent_login_call='';\n"
    )


# (case, function, parameters, login (user, pass) or None for the oracle tool's, SQL before)
Case = tuple[str, str, dict[str, Any], tuple[str, str] | None, str]
CASES: list[Case] = [
    ("ok", "version", {}, None, ""),
    ("ok", "webserver", {}, None, ""),
    ("ok_pause", "external_pause", {"agent_user": PAUSED, "value": "PAUSE"}, None, ""),
    ("ok_resume", "external_pause", {"agent_user": PAUSED, "value": "RESUME"}, None, ""),
    ("err_not_valid", "external_pause", {"agent_user": PAUSED, "value": "X"}, None, ""),
    ("err_not_logged_in", "external_pause", {"agent_user": "1299", "value": "PAUSE"}, None, ""),
    ("err_not_paused", "external_pause", {"agent_user": IN_CALL, "value": "RESUME"}, None, ""),
    ("ok", "pause_code", {"agent_user": PAUSED, "value": "BRK"}, None, ""),
    ("err_not_paused", "pause_code", {"agent_user": IN_CALL, "value": "BRK"}, None, ""),
    ("err_no_manual", "external_dial", {"agent_user": PAUSED, **DIAL_BODY}, None, ""),
    ("err_not_paused", "external_dial", {"agent_user": IN_CALL, **DIAL_BODY}, None,
     f"UPDATE vicidial_users SET agentcall_manual='1' WHERE user='{IN_CALL}';"),
    ("ok", "external_dial", {"agent_user": PAUSED, **DIAL_BODY}, None,
     f"UPDATE vicidial_users SET agentcall_manual='1' WHERE user='{PAUSED}';"),
    ("err_not_paused", "preview_dial_action", {"agent_user": IN_CALL, "value": "SKIP"}, None, ""),
    ("ok", "external_hangup", {"agent_user": IN_CALL, "value": "1"}, None, ""),
    ("ok", "external_status", {"agent_user": IN_CALL, "value": "SALE"}, None, ""),
    ("ok_callback", "external_status",
     {"agent_user": IN_CALL, "value": "CALLBK", "callback_datetime": "2030-01-02 10:00:00",
      "callback_type": "USERONLY", "callback_comments": "call back"}, None, ""),
    ("ok_status", "recording", {"agent_user": IN_CALL, "value": "STATUS"}, None, ""),
    ("ok_start", "recording", {"agent_user": IN_CALL, "value": "START"}, None, ""),
    ("ok_display", "webphone_url", {"agent_user": IN_CALL, "value": "DISPLAY"}, None,
     webphone_setup()),
    ("err_no_session", "webphone_url", {"agent_user": PAUSED, "value": "DISPLAY"}, None, ""),
    ("err_no_session", "call_agent", {"agent_user": PAUSED, "value": "CALL"}, None, ""),
    ("err_nothing_playing", "audio_playback", {"agent_user": IN_CALL, "stage": "STOP"}, None, ""),
    ("ok", "audio_playback", {"agent_user": IN_CALL, "stage": "PLAY", "value": "hold"}, None, ""),
    ("ok", "external_add_lead",
     {"agent_user": PAUSED, "phone_number": "3125551215", "phone_code": "1"}, None, ""),
    ("err_not_valid", "external_add_lead", {"agent_user": PAUSED, "phone_code": "1"}, None, ""),
    ("err_no_inbound", "change_ingroups", {"agent_user": PAUSED, "value": "CHANGE",
                                           "blended": "NO"}, None, ""),
    ("ok", "update_fields", {"agent_user": IN_CALL, "comments": "called back"}, None, ""),
    ("err_no_lead", "update_fields", {"agent_user": PAUSED, "comments": "x"}, None, ""),
    ("err_no_fields", "update_fields", {"agent_user": IN_CALL}, None, ""),
    ("ok", "refresh_panel", {"agent_user": IN_CALL, "formreload": "YES"}, None, ""),
    ("ok", "set_timer_action", {"agent_user": IN_CALL, "value": "NONE"}, None, ""),
    ("ok", "st_login_log", {"value": f"crm-{PAUSED}", "vendor_id": "team1"}, None, ""),
    ("err_no_user", "st_login_log", {"value": "nobody", "vendor_id": "team1"}, None, ""),
    ("err_no_lead", "st_get_agent_active_lead", {"value": f"crm-{PAUSED}", "vendor_id": "t1"},
     None, ""),
    ("ok", "st_get_agent_active_lead", {"value": f"crm-{IN_CALL}", "vendor_id": "t1"}, None, ""),
    ("err_no_call", "ra_call_control",
     {"agent_user": IN_CALL, "value": "Y0000000000000000001", "stage": "HANGUP"}, None, ""),
    ("ok", "send_dtmf", {"agent_user": IN_CALL, "value": "1P2"}, None, ""),
    ("ok", "park_call", {"agent_user": IN_CALL, "value": "PARK_CUSTOMER"}, None, ""),
    ("err_no_lead", "park_call", {"agent_user": PAUSED, "value": "PARK_CUSTOMER"}, None, ""),
    ("ok", "transfer_conference", {"agent_user": IN_CALL, "value": "HANGUP_XFER"}, None, ""),
    ("err_no_call", "transfer_conference", {"agent_user": PAUSED, "value": "HANGUP_XFER"},
     None, ""),
    ("err_not_inbound", "switch_lead", {"agent_user": IN_CALL, "lead_id": "5002"}, None, ""),
    ("ok", "vm_message", {"agent_user": IN_CALL, "value": "vm-goodbye"}, None, ""),
    ("ok", "calls_in_queue_count", {"agent_user": PAUSED, "value": "DISPLAY"}, None, ""),
    ("ok_local", "force_fronter_leave_3way", {"agent_user": IN_CALL, "value": "LOCAL_ONLY"},
     None, ""),
    ("err_not_playing", "force_fronter_audio_stop",
     {"agent_user": IN_CALL, "value": "LOCAL_ONLY"}, None, ""),
    ("err_disabled", "send_notification",
     {"recipient": PAUSED, "recipient_type": "USER", "notification_text": "hello"}, None, ""),
    ("ok", "logout", {"agent_user": PAUSED, "value": "LOGOUT"}, None, ""),
    # The login lines (the password is echoed; the bad one with the login SELECT).
    ("err_bad_login", "external_pause", {"agent_user": PAUSED, "value": "PAUSE"},
     ("9902", "Wrong-Pass-9902"), "UPDATE vicidial_users SET failed_login_count=0 "
     "WHERE user='9902';"),
    ("err_no_agent_api", "external_pause", {"agent_user": PAUSED, "value": "PAUSE"},
     ("7777", "5678"), ""),
]  # fmt: skip


async def record(args: Any) -> int:
    if shutil.which("mysql") is None:
        print("needs the mysql client (the agents are put in session with SQL)")
        return 1
    ctx = ssl.create_default_context(cafile=str(args.ca))
    OUT.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {}
    mysql(SETUP)
    try:
        async with aiohttp.ClientSession() as session:
            for case, function, params, login, before in CASES:
                if before:
                    mysql(before)
                user, password = login or (args.user, args.password)
                sent = {k: str(v) for k, v in params.items()}
                sent.setdefault("value", "")  # as the gateway sends it
                form = {**sent, "function": function, "user": user, "pass": password,
                        "source": SOURCE}  # fmt: skip
                async with session.post(f"{args.url}/agc/api.php", data=form, ssl=ctx) as resp:
                    body = await resp.read()
                name = f"{function}__{case}.txt"
                (OUT / name).write_bytes(body)
                manifest[name] = {
                    "function": function,
                    "params": sent,
                    "login": "the oracle tool's" if login is None else f"user {user}",
                    "http_status": resp.status,
                }
                print(f"{name}: {body[:70]!r}")
        mysql("UPDATE vicidial_users SET failed_login_count=0 WHERE user='9902';")
    finally:
        mysql(TEARDOWN + f"DELETE FROM vicidial_session_data WHERE user='{IN_CALL}';")
        mysql("DELETE FROM vicidial_list WHERE phone_number='3125551215';")
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"{len(manifest)} replies in {OUT}")
    return 0


def main() -> int:
    return asyncio.run(record(arguments(__doc__.split("\n", 1)[0])))


if __name__ == "__main__":
    sys.exit(main())
