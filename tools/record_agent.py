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

Besides one reply per function case, it records each function's "agent not logged in" and "not
valid" lines, and into ``shared/`` (own ``manifest.json``) the replies every function shares:
Invalid Source, a bad password, a locked account (9901, unlocked after), no Agent API access,
a login whose ``api_allowed_functions`` leaves the function out (7780), System API NOT ACTIVE
(``system_settings.vdc_agent_api_active`` off, then restored), an unknown function, the coffee
joke, ``format=debug``, ``close_window_link=1`` and an ``alt_user`` that matches nobody. Each
manifest entry also holds the whole form sent (``request``, the login as ``{user}``/``{pass}``)
and the agent state it was taken in (``state``). It only talks to a loopback address.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import json
import shutil
import ssl
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle_agent import DIAL_BODY, IN_CALL, PAUSED, SETUP, TEARDOWN, mysql, read_sql
from oracle_check import REPO, arguments

OUT = REPO / "tests" / "data" / "agent_samples"
SHARED_OUT = OUT / "shared"
STATES = {
    PAUSED: f"{PAUSED} paused in SALESOUT (a copy of the seed's 1002)",
    IN_CALL: f"{IN_CALL} in a call in TESTCAMP on lead 5001 (a copy of the seed's 1001)",
    "1299": "1299 has no session (no vicidial_live_agents row)",
}
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


# A recording in progress, as the dialer leaves it: its id in vicidial_live_agents and its row.
RECORDING_ID = "990001"
RECORDING_ON = (
    f"DELETE FROM recording_log WHERE recording_id={RECORDING_ID};\n"
    f"INSERT INTO recording_log SET recording_id={RECORDING_ID}, channel='Local/58600062@default',"
    "server_ip='127.0.0.1', extension='8600062', start_time=NOW(), "
    f"start_epoch=UNIX_TIMESTAMP(), filename='20261205-rec_{IN_CALL}', lead_id=5001, "
    f"user='{IN_CALL}', vicidial_id='M6031200000000005001';\n"
    f"UPDATE vicidial_live_agents SET external_recording='{RECORDING_ID}' WHERE user='{IN_CALL}';"
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
    ("ok_status_active", "recording", {"agent_user": IN_CALL, "value": "STATUS"}, None,
     RECORDING_ON),
    ("ok_stop", "recording", {"agent_user": IN_CALL, "value": "STOP"}, None, ""),
    ("err_stop", "recording", {"agent_user": IN_CALL, "value": "STOP"}, None,
     f"UPDATE vicidial_live_agents SET external_recording='STOP' WHERE user='{IN_CALL}';"),
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


def _first_params(function: str) -> dict[str, Any]:
    return next(params for _, fn, params, _, _ in CASES if fn == function)


# Every function that acts on an agent: its reply for an agent with no session, and for a
# request missing what it needs (value empty, or an unknown one).
AGENT_FUNCTIONS = sorted({fn for _, fn, params, _, _ in CASES if "agent_user" in params})
CASES += [
    ("err_not_logged_in", fn, {**_first_params(fn), "agent_user": "1299"}, None, "")
    for fn in AGENT_FUNCTIONS
    if not any(c == "err_not_logged_in" and f == fn for c, f, _, _, _ in CASES)
]
CASES += [
    ("err_no_fields" if fn == "refresh_panel" else "err_not_valid", fn, {"agent_user": PAUSED},
     None, "")
    for fn in AGENT_FUNCTIONS
    # update_fields has no "not valid": without a field it answers as err_no_lead/no_fields
    if fn != "update_fields"
    and not any(c == "err_not_valid" and f == fn for c, f, _, _, _ in CASES)
]  # fmt: skip

LOCK_9901 = (
    "UPDATE vicidial_users SET failed_login_count=10, last_login_date=NOW() WHERE user='9901';"
)
API_OFF = "UPDATE system_settings SET vdc_agent_api_active='0';"
API_ON = "UPDATE system_settings SET vdc_agent_api_active='1';"
PAUSE = {"agent_user": PAUSED, "value": "PAUSE"}

# The replies every function shares, into shared/: (name, function, parameters, login, SQL
# before, SQL after, note). A parameter named "source" replaces the recorder's own.
SharedCase = tuple[str, str, dict[str, Any], tuple[str, str] | None, str, str, str]
SHARED_CASES: list[SharedCase] = [
    ("err_invalid_source", "external_pause", {**PAUSE, "source": "x"}, None, "", "",
     "source of one character"),
    ("err_bad_login", "external_pause", PAUSE, ("9902", "Wrong-Pass-9902"),
     "UPDATE vicidial_users SET failed_login_count=0 WHERE user='9902';",
     "UPDATE vicidial_users SET failed_login_count=0 WHERE user='9902';", "wrong password"),
    ("err_locked", "external_pause", PAUSE, ("9901", "lock9901"), LOCK_9901,
     "UPDATE vicidial_users SET failed_login_count=0 WHERE user='9901';",
     "9901 with failed_login_count=10 and a login just now (right password)"),
    ("err_no_agent_api", "external_pause", PAUSE, ("7777", "5678"), "", "",
     "7777: vdc_agent_api_access=0"),
    ("err_no_permission", "external_pause", PAUSE, ("7780", "7780pass"), "", "",
     "7780: api_allowed_functions ' version agent_status lead_search '"),
    ("ok_permitted", "version", {}, ("7780", "7780pass"), "", "",
     "7780: version is in its api_allowed_functions"),
    ("err_api_not_active", "external_pause", PAUSE, None, API_OFF, API_ON,
     "system_settings.vdc_agent_api_active=0 (restored after)"),
    ("err_unknown_function", "no_such_function", {}, None, "", "", "unknown function"),
    ("coffee", "coffee", {}, None, "", "", "the teapot"),
    ("ok_debug_version", "version", {"format": "debug"}, None, "", "",
     "format=debug on version: ignored (version answers before the login is read)"),
    ("ok_debug_pause", "external_pause", {**PAUSE, "format": "debug"}, None, "", "",
     "format=debug on a function"),
    ("ok_close_window", "external_pause", {**PAUSE, "close_window_link": "1"}, None, "", "",
     "close_window_link=1"),
    ("ok_close_window_version", "version", {"close_window_link": "1"}, None, "", "",
     "close_window_link=1 on version: ignored"),
    ("webphone_url_launch", "webphone_url", {"agent_user": IN_CALL, "value": "LAUNCH"}, None,
     webphone_setup(), "", "value=LAUNCH (the catalog offers DISPLAY only): an HTML refresh to "
     "the webphone address, phone password included"),
    ("err_alt_user_not_found", "external_pause", {"agent_user": "", "alt_user": "nobody",
                                                  "value": "PAUSE"}, None, "", "",
     "alt_user matching no user's custom_three"),
    ("err_alt_user_dash", "external_pause", {"agent_user": "", "alt_user": f"crm-{PAUSED}",
                                             "value": "PAUSE"}, None, "", "",
     f"alt_user crm-{PAUSED} (its custom_three): the filter drops the dash"),
]  # fmt: skip

# The permission line of every function (7780 may call version, agent_status, lead_search only):
# its fields differ from function to function.
SHARED_CASES += [
    (f"err_no_permission__{fn}", fn, _first_params(fn), ("7780", "7780pass"), "", "",
     "7780: the function is not in its api_allowed_functions")
    for fn in sorted({fn for _, fn, _, _, _ in CASES} - {"version"})
]  # fmt: skip


def loopback_only(url: str) -> None:
    """Refuse any VICIdial address that is not on this machine."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"record_agent talks to loopback only, not {host!r}")


def state_of(params: dict[str, Any]) -> str:
    agent = str(params.get("agent_user", ""))
    if agent in STATES:
        return STATES[agent]
    return "no agent_user" if not agent else f"agent_user {agent}"


async def send(
    session: aiohttp.ClientSession,
    args: Any,
    ctx: ssl.SSLContext,
    function: str,
    params: dict[str, Any],
    login: tuple[str, str] | None,
) -> tuple[dict[str, str], dict[str, str], int, bytes]:
    """POST one request as the gateway sends it; return (params, request, status, body)."""
    user, password = login or (args.user, args.password)
    sent = {k: str(v) for k, v in params.items() if k != "source"}
    sent.setdefault("value", "")  # as the gateway sends it
    source = str(params.get("source", SOURCE))
    form = {**sent, "function": function, "user": user, "pass": password, "source": source}
    url = f"{args.url}/agc/api.php"
    async with session.post(url, data=form, ssl=ctx, allow_redirects=False) as resp:
        body = await resp.read()
        location = resp.headers.get("Location")
    if location is not None:  # webphone_url LAUNCH: a redirect, the body says little
        print(f"  {function}: redirect to {location[:60]}...")
    request = {**form, "user": "{user}", "pass": "{pass}"}
    return sent, request, resp.status, body


async def record(args: Any) -> int:
    loopback_only(args.url)
    if shutil.which("mysql") is None:
        print("needs the mysql client (the agents are put in session with SQL)")
        return 1
    ctx = ssl.create_default_context(cafile=str(args.ca))
    OUT.mkdir(parents=True, exist_ok=True)
    SHARED_OUT.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {}
    shared: dict[str, Any] = {}
    lock_row = read_sql(
        "SELECT failed_login_count, IFNULL(last_login_date,'') FROM vicidial_users "
        "WHERE user='9901';"
    ).split("\t")
    mysql(SETUP)
    try:
        async with aiohttp.ClientSession() as session:
            for case, function, params, login, before in CASES:
                if before:
                    mysql(before)
                sent, request, status, body = await send(session, args, ctx, function, params,
                                                         login)  # fmt: skip
                name = f"{function}__{case}.txt"
                (OUT / name).write_bytes(body)
                manifest[name] = {
                    "function": function,
                    "params": sent,
                    "request": request,
                    "login": "the oracle tool's" if login is None else f"user {login[0]}",
                    "http_status": status,
                    "state": state_of(params),
                }
                print(f"{name}: {status} {body[:70]!r}")
            for case, function, params, login, before, after, note in SHARED_CASES:
                if before:
                    mysql(before)
                try:
                    sent, request, status, body = await send(session, args, ctx, function,
                                                             params, login)  # fmt: skip
                finally:
                    if after:
                        mysql(after)
                name = f"{case}.txt"
                (SHARED_OUT / name).write_bytes(body)
                shared[name] = {
                    "function": function,
                    "params": sent,
                    "request": request,
                    "login": "the oracle tool's" if login is None else f"user {login[0]}",
                    "http_status": status,
                    "state": f"{note}; {state_of(params)}",
                }
                print(f"shared/{name}: {status} {body[:70]!r}")
        mysql("UPDATE vicidial_users SET failed_login_count=0 WHERE user='9902';")
    finally:
        mysql(API_ON)
        if len(lock_row) == 2:
            last = f"'{lock_row[1]}'" if lock_row[1] else "NULL"
            mysql(f"UPDATE vicidial_users SET failed_login_count={int(lock_row[0])}, "
                  f"last_login_date={last} WHERE user='9901';")  # fmt: skip
        mysql(TEARDOWN + f"DELETE FROM vicidial_session_data WHERE user='{IN_CALL}';")
        mysql("DELETE FROM vicidial_list WHERE phone_number='3125551215';")
        mysql(f"DELETE FROM recording_log WHERE recording_id={RECORDING_ID};")
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    (SHARED_OUT / "manifest.json").write_text(json.dumps(shared, indent=1, sort_keys=True) + "\n")
    print(f"{len(manifest)} replies in {OUT}, {len(shared)} in {SHARED_OUT}")
    return 0


def main() -> int:
    return asyncio.run(record(arguments(__doc__.split("\n", 1)[0])))


if __name__ == "__main__":
    sys.exit(main())
