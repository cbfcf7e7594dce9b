"""Drive every Agent API function through the gateway against a REAL VICIdial (not run by CI).

    .venv/bin/python tools/oracle_agent.py [--url https://127.0.0.1:18443] [--ca FILE]
                                           [--user 6666] [--password 1234]

Like ``tools/oracle_check.py`` it runs a gateway in this process in front of the given VICIdial
(loopback by default). It puts two agents of its own in session with the ``mysql`` client
(``1201`` paused in SALESOUT, ``1202`` in a call in TESTCAMP: copies of the seed's ``1002`` and
``1001``), calls each function through ``POST /v1/agent/{function}``, and prints one line per
call. A call passes when:

- the gateway read VICIdial's reply (no "unrecognised VICIdial reply"), and its status is the
  one the reply's class gives (SUCCESS 200; an ERROR 4xx, or 502 for the gateway's own account);
- nothing of the login's password is in the reply;
- the same request sent straight to VICIdial afterwards answers a reply the catalog parses too.

Then the policy checks that need no VICIdial (an agent outside ``agent_users``: 403, and
VICIdial never sees it) and the double click (two external_dial at once for one agent: one is
409 ``agent_busy``). It removes its agents at the end. Exit status 1 if any check fails.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle_check import REPO, RESULTS, arguments, config_document, report

sys.path.insert(0, str(REPO))

from gateway.app import create_app
from gateway.auth import mint_token
from gateway.catalog import AGENT_CATALOG
from gateway.catalog.parser import parse_reply
from gateway.catalog.reply import ReplyShapeError
from gateway.config import Config
from gateway.config_load import parse_config

SECRET = "oracle-agent-hmac-secret-0123456789abcdefXYZ"
SOURCE = "gwagent"
PAUSED, IN_CALL = "1201", "1202"
LEAD = 5001  # the lead of the seed's agent in a call, so of IN_CALL too

# The two agents: users and live sessions copied from the seed's, under new ids.
SETUP = f"""
DELETE FROM vicidial_users WHERE user IN ('{PAUSED}','{IN_CALL}');
DELETE FROM vicidial_live_agents WHERE user IN ('{PAUSED}','{IN_CALL}');
CREATE TEMPORARY TABLE u AS SELECT * FROM vicidial_users WHERE user IN ('1002','1001');
UPDATE u SET user_id=NULL, custom_three=IF(user='1002','crm-{PAUSED}','crm-{IN_CALL}'),
  user=IF(user='1002','{PAUSED}','{IN_CALL}');
INSERT INTO vicidial_users SELECT * FROM u;
CREATE TEMPORARY TABLE a AS SELECT * FROM vicidial_live_agents WHERE user IN ('1002','1001');
UPDATE a SET live_agent_id=NULL, conf_exten=IF(user='1002','8600061','8600062'),
  user=IF(user='1002','{PAUSED}','{IN_CALL}');
INSERT INTO vicidial_live_agents SELECT * FROM a;
"""
TEARDOWN = f"""
DELETE FROM vicidial_users WHERE user IN ('{PAUSED}','{IN_CALL}');
DELETE FROM vicidial_live_agents WHERE user IN ('{PAUSED}','{IN_CALL}');
DELETE FROM vicidial_manual_dial_queue WHERE user IN ('{PAUSED}','{IN_CALL}');
"""

DIAL_BODY = {
    "value": "3125551212",
    "phone_code": "1",
    "search": "NO",
    "preview": "NO",
    "focus": "NO",
}

# (function, body): every function, with an agent in the state it needs where one does.
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("version", {}),
    ("webserver", {}),
    ("external_pause", {"agent_user": PAUSED, "value": "PAUSE"}),
    ("external_pause", {"agent_user": PAUSED, "value": "RESUME"}),
    ("external_pause", {"agent_user": "1299", "value": "PAUSE"}),
    ("pause_code", {"agent_user": PAUSED, "value": "BRK"}),
    ("external_dial", {"agent_user": PAUSED, **DIAL_BODY}),
    ("external_dial", {"agent_user": IN_CALL, **DIAL_BODY}),
    ("preview_dial_action", {"agent_user": PAUSED, "value": "SKIP"}),
    ("external_hangup", {"agent_user": IN_CALL, "value": "1"}),
    ("external_status", {"agent_user": IN_CALL, "value": "A"}),
    ("logout", {"agent_user": PAUSED, "value": "LOGOUT"}),
    ("recording", {"agent_user": IN_CALL, "value": "STATUS"}),
    ("webphone_url", {"agent_user": IN_CALL, "value": "DISPLAY"}),
    ("call_agent", {"agent_user": PAUSED, "value": "CALL"}),
    ("audio_playback", {"agent_user": IN_CALL, "stage": "STOP"}),
    ("external_add_lead", {"agent_user": PAUSED, "phone_number": "3125551213", "phone_code": "1"}),
    ("change_ingroups", {"agent_user": PAUSED, "value": "CHANGE", "blended": "NO"}),
    ("update_fields", {"agent_user": IN_CALL, "comments": "called back"}),
    ("refresh_panel", {"agent_user": IN_CALL, "formreload": "YES"}),
    ("set_timer_action", {"agent_user": IN_CALL, "value": "NONE"}),
    ("st_login_log", {"value": f"crm-{PAUSED}", "vendor_id": "team1"}),
    ("st_get_agent_active_lead", {"value": f"crm-{IN_CALL}", "vendor_id": "team1"}),
    (
        "ra_call_control",
        {"agent_user": IN_CALL, "value": "Y0000000000000000001", "stage": "HANGUP"},
    ),
    ("send_dtmf", {"agent_user": IN_CALL, "value": "1P2"}),
    ("park_call", {"agent_user": IN_CALL, "value": "PARK_CUSTOMER"}),
    ("transfer_conference", {"agent_user": IN_CALL, "value": "HANGUP_XFER"}),
    ("switch_lead", {"agent_user": IN_CALL, "lead_id": 5002}),
    ("vm_message", {"agent_user": IN_CALL, "value": "vm-goodbye"}),
    ("calls_in_queue_count", {"agent_user": PAUSED, "value": "DISPLAY"}),
    ("force_fronter_leave_3way", {"agent_user": IN_CALL, "value": "LOCAL_ONLY"}),
    ("force_fronter_audio_stop", {"agent_user": IN_CALL, "value": "LOCAL_ONLY"}),
    (
        "send_notification",
        {"recipient": PAUSED, "recipient_type": "USER", "notification_text": "hello"},
    ),
]


def mysql(sql: str) -> None:
    subprocess.run(["mysql", "asterisk"], input=sql, text=True, check=True)


def read_sql(sql: str) -> str:
    out = subprocess.run(
        ["mysql", "-N", "asterisk"], input=sql, text=True, check=True, capture_output=True
    )
    return out.stdout.strip()


def config(url: str, ca: Path, user: str, password: str) -> Config:
    apps = {
        "agents": {
            "keys": [{"kid": "agents-1", "alg": "HS256", "secret": SECRET}],
            "upstream": "main",
            "source": SOURCE,
            "agent_functions": sorted(AGENT_CATALOG),
            "agent_users": ["*"],
        },
        "widget": {
            "keys": [{"kid": "widget-1", "alg": "HS256", "secret": SECRET + "w"}],
            "upstream": "main",
            "source": SOURCE,
            "agent_functions": ["external_dial", "external_pause"],
            "agent_users": [PAUSED],
        },
    }
    return parse_config(config_document(url, ca, user, password, apps))


def expected_status(result: str, error_type: str | None) -> set[int]:
    if result != "ERROR":
        return {200}
    return {
        "invalid_input": {422},
        "conflict": {409},
        "not_found": {404},
        "upstream_error": {502},
        "not_configured": {422},
    }.get(error_type or "", {502})


async def run(args: Any) -> int:
    if shutil.which("mysql") is None:
        print("needs the mysql client (the agents are put in session with SQL)")
        return 1
    ca = Path(args.ca)
    ctx = ssl.create_default_context(cafile=str(ca))
    cfg = config(args.url, ca, args.user, args.password)
    mysql(SETUP)
    runner = web.AppRunner(create_app(cfg), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}/v1/agent"
    try:
        async with aiohttp.ClientSession() as session:
            agents = {"Authorization": f"Bearer {mint_token(cfg, 'agents')}"}
            widget = {"Authorization": f"Bearer {mint_token(cfg, 'widget')}"}

            async def via_gateway(fn: str, body: dict[str, Any], hdr: dict[str, str]) -> Any:
                async with session.post(f"{base}/{fn}", json=body, headers=hdr) as resp:
                    return resp.status, await resp.text()

            async def straight(fn: str, body: dict[str, Any]) -> str:
                form = {k: str(v) for k, v in body.items()}
                form.update(function=fn, user=args.user, source=SOURCE)
                form["pass"] = args.password
                url = f"{args.url}/agc/api.php"
                async with session.post(url, data=form, ssl=ctx) as resp:
                    return await resp.text()

            for fn, body in CALLS:
                status, text = await via_gateway(fn, body, agents)
                got = json.loads(text)
                unread = status == 502 and "unrecognised" in got.get("error", {}).get("message", "")
                error_type = got.get("error", {}).get("type")
                ok_status = status in expected_status(got.get("result", ""), error_type)
                leak = args.password in text
                report(
                    not unread and ok_status and not leak,
                    f"gateway {fn} {body.get('value', '')!s:>10}: {status} {got.get('result')} "
                    f"{error_type or got.get('message')}"
                    + (" UNREAD" if unread else "")
                    + (" PASSWORD IN REPLY" if leak else ""),
                )
                raw = await straight(fn, body)
                try:
                    parse_reply(AGENT_CATALOG[fn], raw, params={k: str(v) for k, v in body.items()})
                    report(True, f"  straight {fn}: the catalog reads {raw[:60]!r}")
                except ReplyShapeError as exc:
                    report(False, f"  straight {fn}: the catalog cannot read it ({exc})")

            # VICIdial's weaknesses the gateway stops, each shown straight beside it:
            # 1. update_fields reads a field name anywhere in the body as that field sent.
            mysql(f"UPDATE vicidial_list SET `rank`=7 WHERE lead_id={LEAD};")
            frank = {"agent_user": IN_CALL, "comments": "Frank called"}
            status, text = await via_gateway("update_fields", frank, agents)
            report(status == 400 and '"rank"' in text, f"update_fields 'Frank': gateway {status}")
            await straight("update_fields", frank)
            rank = read_sql(f"SELECT `rank` FROM vicidial_list WHERE lead_id={LEAD};")
            report(rank == "0", f"  straight, the lead's rank 7 became {rank!r}")
            # 2. Without a value, $value is the last form field's: the gateway always sends one.
            lead = {"agent_user": PAUSED, "phone_number": "3125551214", "phone_code": "1"}
            status, text = await via_gateway("external_add_lead", lead, agents)
            stored = json.loads(text).get("data", {}).get("phone_number")
            report(stored == "3125551214", f"external_add_lead through the gateway: {stored!r}")
            raw = await straight("external_add_lead", lead)  # pass is its last field
            report(
                raw.startswith("SUCCESS: lead added - ") and "3125551214" not in raw,
                "  straight, VICIdial stored the last form field (the password) as the number",
            )

            # The policy, before VICIdial: an agent outside agent_users.
            status, text = await via_gateway(
                "external_pause", {"agent_user": IN_CALL, "value": "PAUSE"}, widget
            )
            report(status == 403, f"widget may not act on {IN_CALL}: {status}")

            # The double click: two dials at once for one agent, one is agent_busy.
            dial = {"agent_user": PAUSED, **DIAL_BODY}
            first, second = await asyncio.gather(
                via_gateway("external_dial", dial, widget),
                via_gateway("external_dial", dial, widget),
            )
            statuses = sorted([first[0], second[0]])
            busy = any('"agent_busy"' in t for _, t in (first, second))
            report(
                busy and statuses[1] == 409,
                f"double click: {statuses} (one agent_busy: {busy})",
            )
    finally:
        await runner.cleanup()
        mysql(TEARDOWN)
    failed = [what for ok, what in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def main() -> int:
    return asyncio.run(run(arguments(__doc__.split("\n", 1)[0])))


if __name__ == "__main__":
    sys.exit(main())
