"""Check the values the gateway accepts in another spelling against a REAL VICIdial (not run by CI).

    .venv/bin/python tools/oracle_values.py [--url https://127.0.0.1:18443] [--ca FILE]
                                            [--user 6666] [--password 1234]

Like ``tools/oracle_check.py`` it runs a gateway in this process in front of the given VICIdial
(loopback by default) and prints one line per check. For each spelling the gateway converts it
shows that VICIdial reads the caller's spelling and the one the gateway sends the same way (the
value given straight to VICIdial, beside the value sent through the gateway, with what VICIdial
stored or answered), and for the new refusals why VICIdial needs them:

1. ``local_gmt`` ``-5``/``9.5`` (stored as ``-5.00``/``9.50``) and the phone Y/N options in
   lower case (ENUM columns store upper case);
2. ``call_dispo_report`` ``status_breakdown``/``show_percentages`` ``1``/``Y`` and ``0``/``N``;
3. date-times written ``YYYY-MM-DD+HH:MM:SS``; a callback comment with a ``+``;
4. ``--BLANK--`` in short lead fields, and the insert that stores it as text (refused);
5. ``list_exists_check`` ``y``, an empty ``tz_method``, ``sounds_list`` ``stage`` in upper case;
6. ``check_phone_number``'s NANPA error: ``not_configured``.

Writes phones 9501-9502 (server 127.0.0.1) and leads with phone numbers 3125530000-3125530099
in list 101, and deletes them again (reads and deletes with the ``mysql`` client, which it needs).
Exit status 1 if any check fails.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle_check import Gateway, Oracle, arguments, report, run_checks

FUNCTIONS = [
    "add_phone",
    "update_phone",
    "call_dispo_report",
    "agent_stats_export",
    "add_lead",
    "update_lead",
    "batch_update_lead",
    "sounds_list",
    "check_phone_number",
]
SERVER = "127.0.0.1"
PHONES = ("9501", "9502")
LEAD_PHONES = "312553000%"


def sql(statement: str) -> str:
    out = subprocess.run(
        ["mysql", "-N", "asterisk", "-e", statement], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def cleanup() -> None:
    exts = ",".join(f"'{e}'" for e in PHONES)
    sql(f"DELETE FROM phones WHERE extension IN ({exts}) AND server_ip='{SERVER}'")
    sql(
        "DELETE FROM vicidial_callbacks WHERE lead_id IN (SELECT lead_id FROM vicidial_list "
        f"WHERE phone_number LIKE '{LEAD_PHONES}')"
    )
    sql(f"DELETE FROM vicidial_list WHERE phone_number LIKE '{LEAD_PHONES}'")


def phone(ext: str, **extra: str) -> dict[str, str]:
    return {
        "extension": ext,
        "dialplan_number": ext,
        "voicemail_id": ext,
        "phone_login": f"gw{ext}",
        "phone_pass": "test",
        "server_ip": SERVER,
        "protocol": "SIP",
        "registration_password": f"reg{ext}",
        "phone_full_name": f"Gateway check {ext}",
        "outbound_cid": "3125550100",
        **extra,
    }


def stored_phone(ext: str, columns: str) -> str:
    return sql(f"SELECT {columns} FROM phones WHERE extension='{ext}' AND server_ip='{SERVER}'")


async def check_phones(oracle: Oracle, gw: Gateway) -> None:
    lower = {"is_webphone": "y", "webphone_auto_answer": "n", "on_hook_agent": "y"}
    status, _ = await gw.call("add_phone", phone("9501", local_gmt="-5", **lower))
    report(status == 200, f"gateway: add_phone local_gmt=-5 and y/n options ({status})")
    got = stored_phone("9501", "local_gmt, is_webphone, webphone_auto_answer, on_hook_agent")
    report(got.split() == ["-5.00", "Y", "N", "Y"], f"  stored as -5.00 Y N Y ({got!r})")
    _, text = await oracle.call("add_phone", **phone("9502", local_gmt="-5", **lower))
    got = stored_phone("9502", "local_gmt, is_webphone, webphone_auto_answer, on_hook_agent")
    report(
        text.startswith("SUCCESS") and got.split() == ["-5", "Y", "N", "Y"],
        f"  straight to VICIdial -5 is a valid time zone too, options in upper case ({got!r})",
    )
    status, _ = await gw.call(
        "update_phone", {"extension": "9501", "server_ip": SERVER, "local_gmt": "9.5"}
    )
    got = stored_phone("9501", "local_gmt")
    report(status == 200 and got == "9.50", f"gateway: update_phone local_gmt=9.5 -> {got!r}")
    status, _ = await gw.call(
        "update_phone", {"extension": "9501", "server_ip": SERVER, "local_gmt": "-5.5"}
    )
    _, text = await oracle.call(
        "update_phone", extension="9502", server_ip=SERVER, local_gmt="-5.5"
    )
    report(
        status == 400 and "VALID TIMEZONE" in text,
        f"gateway refuses local_gmt=-5.5 ({status}), as VICIdial does ({text.strip()!r})",
    )


DISPO = {"campaigns": "---ALL---", "query_date": "2024-06-01", "end_date": "2024-06-30"}


async def check_dispo_report(oracle: Oracle, gw: Gateway) -> None:
    straight = {}
    for flag in ("1", "Y", "0", "N", ""):
        _, straight[flag] = await oracle.call(
            "call_dispo_report", **DISPO, status_breakdown=flag, show_percentages=flag
        )
    report(
        straight["1"] == straight["Y"] and "%" in straight["1"],
        "VICIdial: status_breakdown=1 reads as Y (the same report, with percentages)",
    )
    report(
        straight["0"] == straight["N"] == straight[""] and "%" not in straight["0"],
        "VICIdial: 0 and N read as empty (no breakdown)",
    )
    cases: tuple[tuple[str | bool, bool], ...] = (
        ("1", True),
        ("Y", True),
        (True, True),
        ("0", False),
        (False, False),
    )
    for value, on in cases:
        status, body = await gw.call(
            "call_dispo_report", {**DISPO, "status_breakdown": value, "show_percentages": value}
        )
        statuses = body.get("data", {}).get("total", {}).get("statuses") if status == 200 else None
        ok = status == 200 and bool(statuses) == on
        ok = ok and all((s["percent"] is not None) == on for s in statuses or ())
        report(ok, f"gateway: status_breakdown={value!r} -> breakdown {bool(statuses)} ({status})")


STATS = {"datetime_start": "2024-06-03+00:00:00", "datetime_end": "2024-06-03+23:59:59"}
STATS_SPACE = {k: v.replace("+", " ") for k, v in STATS.items()}


async def check_datetimes(oracle: Oracle, gw: Gateway) -> None:
    _, plus = await oracle.call("agent_stats_export", **STATS, stage="tab")
    _, space = await oracle.call("agent_stats_export", **STATS_SPACE, stage="tab")
    report(plus == space and bool(plus), "VICIdial: datetime_start with + reads as the space")
    status_plus, body_plus = await gw.call("agent_stats_export", STATS)
    status_space, body_space = await gw.call("agent_stats_export", STATS_SPACE)
    report(
        status_plus == status_space == 200 and body_plus["data"] == body_space["data"],
        f"gateway: the same rows for + and space ({status_plus}, {status_space})",
    )
    callback = {
        "list_id": "101",
        "campaign_id": "TESTCAMP",
        "callback": "Y",
        "callback_type": "ANYONE",
        "callback_datetime": "2030-01-02+10:00:00",
        "callback_comments": "call 1+1",
    }
    status, body = await gw.call("add_lead", {"phone_number": "3125530001", **callback})
    lead = str(body.get("data", {}).get("lead_id", "")) if status == 200 else "0"
    got = sql(f"SELECT callback_time, comments FROM vicidial_callbacks WHERE lead_id={lead}")
    report(
        got == "2030-01-02 10:00:00\tcall 1+1",
        f"gateway: callback_datetime with + and a comment with + ({status}, {got!r})",
    )
    _, text = await oracle.call("add_lead", phone_number="3125530002", **callback)
    lead = text.split("|")[2] if text.startswith("SUCCESS") else "0"
    got = sql(f"SELECT callback_time FROM vicidial_callbacks WHERE lead_id={lead}")
    report(got == "2030-01-02 10:00:00", f"  straight to VICIdial the + reads as the space {got!r}")


async def check_blank(oracle: Oracle, gw: Gateway) -> None:
    status, body = await gw.call(
        "add_lead",
        {"phone_number": "3125530003", "list_id": "101", "title": "Dr", "state": "IL"},
    )
    lead = str(body.get("data", {}).get("lead_id", "")) if status == 200 else "0"
    status, _ = await gw.call(
        "update_lead", {"lead_id": lead, "title": "--BLANK--", "state": "--BLANK--"}
    )
    got = sql(f"SELECT CONCAT('[', title, '|', state, ']') FROM vicidial_list WHERE lead_id={lead}")
    report(status == 200 and got == "[|]", f"gateway: update_lead title/state --BLANK-- ({got})")
    sql(f"UPDATE vicidial_list SET state='IL' WHERE lead_id={lead}")
    status, _ = await gw.call("batch_update_lead", {"lead_ids": [lead], "state": "--BLANK--"})
    got = sql(f"SELECT CONCAT('[', state, ']') FROM vicidial_list WHERE lead_id={lead}")
    report(status == 200 and got == "[]", f"gateway: batch_update_lead state --BLANK-- ({got})")
    insert = {
        "search_method": "PHONE_NUMBER",
        "phone_number": "3125530004",
        "phone_code": "1",
        "list_id": "101",
        "insert_if_not_found": "Y",
        "title": "--BLANK--",
    }
    status, _ = await gw.call("update_lead", insert)
    report(status == 400, f"gateway refuses title=--BLANK-- with insert_if_not_found=Y ({status})")
    await oracle.call("update_lead", **insert)
    got = sql("SELECT title FROM vicidial_list WHERE phone_number='3125530004'")
    report(got == "--BL", f"  straight to VICIdial the inserted lead's title is {got!r}")


async def check_other_spellings(oracle: Oracle, gw: Gateway) -> None:
    status, _ = await gw.call(
        "add_lead", {"phone_number": "3125530005", "list_id": "99999", "list_exists_check": "y"}
    )
    _, text = await oracle.call(
        "add_lead", phone_number="3125530005", list_id="99999", list_exists_check="y"
    )
    report(
        status == 422 and "NOT A DEFINED LIST ID" in text,
        f"list_exists_check=y checks the list, through the gateway ({status}) and straight",
    )
    status, _ = await gw.call(
        "add_lead", {"phone_number": "3125530006", "list_id": "101", "tz_method": ""}
    )
    report(status == 200, f"gateway: add_lead tz_method='' ({status})")
    _, upper = await oracle.call("sounds_list", stage="DATE", format="tab")
    _, lower = await oracle.call("sounds_list", stage="date", format="tab")
    status_upper, body_upper = await gw.call("sounds_list", {"stage": "DATE"})
    status_lower, body_lower = await gw.call("sounds_list", {"stage": "date"})
    report(
        upper == lower
        and (status_upper, body_upper.get("data")) == (status_lower, body_lower.get("data")),
        f"sounds_list stage=DATE reads as date (VICIdial: {lower.strip()[:60]!r})",
    )


async def check_nanpa(oracle: Oracle, gw: Gateway) -> None:
    body = {"phone_number": "3125551212", "local_call_time": "24hours", "tz_method": "NANPA"}
    _, text = await oracle.call("check_phone_number", **body)
    status, payload = await gw.call("check_phone_number", body)
    error = payload.get("error", {})
    report(
        "NANPA options disabled" in text
        and (status, error.get("type")) == (422, "not_configured")
        and "refused the gateway" not in error.get("message", ""),
        f"NANPA without NANPA data: {status} {error.get('type')} {error.get('message')!r}",
    )


async def main() -> int:
    args = arguments(__doc__.split("\n", 1)[0])
    if not shutil.which("mysql"):
        print("needs the mysql client (reads what VICIdial stored)", file=sys.stderr)
        return 2
    # add_phone flags the server for a conf rebuild: put the seed's flag back afterwards.
    rebuild = sql(f"SELECT rebuild_conf_files FROM servers WHERE server_ip='{SERVER}'")
    cleanup()
    try:
        return await run_checks(
            args,
            [
                check_phones,
                check_dispo_report,
                check_datetimes,
                check_blank,
                check_other_spellings,
                check_nanpa,
            ],
            FUNCTIONS,
        )
    finally:
        cleanup()
        sql(f"UPDATE servers SET rebuild_conf_files='{rebuild}' WHERE server_ip='{SERVER}'")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
