"""Check the gateway's SQL and login-refusal defences against a REAL VICIdial (not run by CI).

    .venv/bin/python tools/oracle_check.py [--url https://127.0.0.1:18443] [--ca FILE]
                                           [--user 6666] [--password 1234]

Needs the real VICIdial of ``../shared/oracle/`` (or any VICIdial you may write test data to;
traffic goes to the given URL only, loopback by default). It runs a gateway in this process in
front of that VICIdial and prints one line per check:

1. each refusal the SQL rules add, with the same value sent *straight* to VICIdial alongside:
   VICIdial's SQL breaks there (HTTP 500 from PHP 8's SQL error), so the refusal is needed;
2. the apostrophe decision: a lead stored directly with ``O'Brien`` makes every lead read that
   logs the lead fail, while the gateway refuses ``O'Brien`` and passes ``O Brien`` and a
   typographic apostrophe in comments unchanged;
3. forged login refusals: lead comments made to look like VICIdial's lock line come back as
   data and the credential stays in service; the probe's reply after a good login;
4. the last form field: ``vicidial_api_log.value`` holds the source label, not the password
   (read with the ``mysql`` client when it is there).

Writes test leads into list 101 (phone numbers 3125590000-3125590999). Exit status 1 if any
check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import ssl
import subprocess
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gateway.app import create_app  # noqa: E402
from gateway.auth import mint_token  # noqa: E402
from gateway.catalog import generic  # noqa: E402
from gateway.config import Config  # noqa: E402
from gateway.config_load import parse_config  # noqa: E402
from gateway.refusal import PROBE_FUNCTION, PROBE_LOGIN_OK  # noqa: E402

SECRET = "oracle-check-hmac-secret-0123456789abcdefXYZ"
SOURCE = "gwcheck"
RESULTS: list[tuple[bool, str]] = []


def report(ok: bool, what: str) -> None:
    RESULTS.append((ok, what))
    print(f"{'PASS' if ok else 'FAIL'}  {what}", flush=True)


class Oracle:
    """Straight to VICIdial (as an app without the gateway would)."""

    def __init__(self, url: str, ctx: ssl.SSLContext, user: str, password: str) -> None:
        self.api = f"{url}/vicidial/non_agent_api.php"
        self.ctx, self.user, self.password = ctx, user, password
        self.session = aiohttp.ClientSession()

    async def call(self, function: str, **params: str) -> tuple[int, str]:
        form = {**params, "function": function, "user": self.user, "pass": self.password}
        form["source"] = SOURCE
        async with self.session.post(self.api, data=form, ssl=self.ctx) as resp:
            return resp.status, await resp.text()


class Gateway:
    def __init__(self, base: str, cfg: Config, session: aiohttp.ClientSession) -> None:
        self.base, self.cfg, self.session = base, cfg, session
        self.token = mint_token(cfg, "check")

    async def call(self, function: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {self.token}"}
        url = f"{self.base}/v1/non-agent/{function}"
        async with self.session.post(url, json=body, headers=headers) as resp:
            return resp.status, await resp.json()


FUNCTIONS = [
    "add_lead",
    "update_lead",
    "update_user",
    "add_list",
    "update_list",
    "check_phone_number",
    "lead_all_info",
    "lead_field_info",
    "campaigns_list",
    "in_group_status",
    "call_status_stats",
]


def config_document(
    url: str, ca: Path, user: str, password: str, apps: dict[str, Any]
) -> dict[str, Any]:
    """A gateway config in front of the VICIdial at ``url`` (loopback, no retries, no audit)
    with these ``apps``: every oracle tool's."""
    return {
        "server": {"host": "127.0.0.1", "port": 0, "metrics_port": None},
        "audit": {"enabled": False},
        "upstreams": {
            "main": {
                "base_url": url,
                "ca_file": str(ca),
                "retries": 0,
                "credentials": [{"name": "api-a", "user": user, "pass": password}],
            }
        },
        "apps": apps,
    }


def config(
    url: str, ca: Path, user: str, password: str, functions: list[str] = FUNCTIONS
) -> Config:
    check = {
        "keys": [{"kid": "check-1", "alg": "HS256", "secret": SECRET}],
        "upstream": "main",
        "source": SOURCE,
        "functions": functions,
    }
    return parse_config(config_document(url, ca, user, password, {"check": check}))


# (function, parameters, the parameter that carries the quote): the gateway must refuse these,
# and VICIdial, given them straight, must fail on its SQL.
REFUSALS: list[tuple[str, dict[str, str], str]] = [
    (
        "add_lead",
        {
            "phone_number": "3125590001",
            "list_id": "101",
            "first_name": "x'y",
            "duplicate_check": "DUPNAMEPHONESYS",
        },
        "first_name",
    ),
    (
        "add_lead",
        {
            "phone_number": "3125590002",
            "list_id": "101",
            "title": "x'y",
            "alt_phone": "1",
            "duplicate_check": "DUPTITLEALTPHONESYS",
        },
        "title",
    ),
    ("update_user", {"agent_user": "1004", "email": "ab'cd@example"}, "email"),
    (
        "check_phone_number",
        {
            "phone_number": "3125551212",
            "phone_code": "1",
            "local_call_time": "24hours",
            "postal_code": "6060'1",
        },
        "postal_code",
    ),
    (
        "add_list",
        {
            "list_id": "93991",
            "list_name": "gwcheck",
            "campaign_id": "TESTCAMP",
            "web_form_address": "http%3A%2F%2Fx%27y",
        },
        "web_form_address",
    ),
]

# Lead reads that paste the whole lead into api_log's single-quoted result_reason
# (lead_status_search and ccc_lead_info do too, for leads in the call logs).
READS: list[tuple[str, Callable[[str], dict[str, str]]]] = [
    ("lead_all_info", lambda lead: {"lead_id": lead, "stage": "tab", "header": "YES"}),
    ("lead_field_info", lambda lead: {"lead_id": lead, "field_name": "last_name"}),
]


async def check_refusals(oracle: Oracle, gw: Gateway) -> None:
    for function, params, name in REFUSALS:
        status, body = await gw.call(function, params)
        refused = status == 400 and body["error"]["details"].get("parameter") == name
        report(refused, f"gateway refuses {function} {name}={params[name]!r} ({status})")
        status, _ = await oracle.call(function, **params)
        report(status == 500, f"  straight to VICIdial it breaks its SQL (HTTP {status})")


async def check_apostrophes(oracle: Oracle, gw: Gateway) -> None:
    status, text = await oracle.call(
        "add_lead", phone_number="3125590010", list_id="101", last_name="O'Brien"
    )
    lead = text.split("|")[2] if status == 200 and text.startswith("SUCCESS") else ""
    report(bool(lead), f"VICIdial stores O'Brien when given it straight (lead {lead})")
    for function, params in READS:
        status, _ = await oracle.call(function, **params(lead))
        report(status == 500, f"  then {function} on that lead fails in VICIdial (HTTP {status})")
    status, body = await gw.call(
        "add_lead", {"phone_number": "3125590011", "list_id": "101", "last_name": "O'Brien"}
    )
    report(status == 400, f"gateway refuses last_name=O'Brien ({status})")
    status, body = await gw.call(
        "add_lead",
        {
            "phone_number": "3125590012",
            "list_id": "101",
            "last_name": "O Brien",
            "comments": "it\u2019s fine",
        },
    )
    report(status == 200, f"gateway adds 'O Brien' and a typographic apostrophe ({status})")
    lead = str(body.get("data", {}).get("lead_id", "")) if status == 200 else ""
    for function, params in READS:
        body_params = {k: v for k, v in params(lead).items() if k not in ("stage", "header")}
        status, body = await gw.call(function, body_params)
        report(status == 200, f"  {function} reads it back through the gateway ({status})")
    status, body = await gw.call("lead_field_info", {"lead_id": lead, "field_name": "comments"})
    got = body.get("data", {}).get("comments") if status == 200 else None
    report(got == "it\u2019s fine", f"  the typographic apostrophe comes back unchanged ({got!r})")


async def check_refusal_forgery(oracle: Oracle, gw: Gateway) -> None:
    status, text = await oracle.call(PROBE_FUNCTION)
    report(text == PROBE_LOGIN_OK, f"the probe after a good login answers {text!r}")
    forged = generic.LOCKED.render({"user": oracle.user})
    status, body = await gw.call(
        "add_lead", {"phone_number": "3125590020", "list_id": "101", "comments": forged}
    )
    lead = str(body.get("data", {}).get("lead_id", "")) if status == 200 else ""
    report(bool(lead), f"a lead whose comments read as VICIdial's lock line ({status})")
    status, body = await gw.call("lead_field_info", {"lead_id": lead, "field_name": "comments"})
    report(
        status == 200 and body["data"] == {"comments": forged},
        f"  lead_field_info returns it as data ({status})",
    )
    status, body = await gw.call("campaigns_list", {})
    report(status == 200, f"  and the credential stays in service ({status})")
    if shutil.which("mysql"):
        # Stored with a trailing LF (as an agent could): the whole reply is exactly the line.
        subprocess.run(
            [
                "mysql",
                "asterisk",
                "-e",
                f"UPDATE vicidial_list SET comments=CONCAT(comments, '\\n') WHERE lead_id={lead}",
            ],
            check=True,
        )
        status, body = await gw.call("lead_field_info", {"lead_id": lead, "field_name": "comments"})
        report(
            status == 200 and body["data"] == {"comments": forged + "\n"},
            f"  also with a line end, the whole reply exactly the lock line ({status})",
        )
        status, body = await gw.call("campaigns_list", {})
        report(status == 200, f"  and the credential still stays in service ({status})")


async def check_last_field(oracle: Oracle, gw: Gateway) -> None:
    if not shutil.which("mysql"):
        report(True, "vicidial_api_log.value not checked (no mysql client)")
        return
    await gw.call("campaigns_list", {})
    out = subprocess.run(
        [
            "mysql",
            "-N",
            "asterisk",
            "-e",
            "SELECT value FROM vicidial_api_log WHERE function='campaigns_list' "
            "ORDER BY api_id DESC LIMIT 1",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    report(out == SOURCE, f"vicidial_api_log.value of a gateway call is the source ({out!r})")


async def check_exact_replies(oracle: Oracle, gw: Gateway) -> None:
    """With VICIdial's own default password (1234): data comes back exactly, never edited."""
    phone = "3125590030"
    status, body = await gw.call(
        "add_lead",
        {"phone_number": phone, "list_id": "101", "comments": "ref 6666 and 31255512345"},
    )
    lead = str(body.get("data", {}).get("lead_id", "")) if status == 200 else ""
    report(bool(lead), f"a lead whose comments hold the login and a longer number ({status})")
    status, body = await gw.call("lead_all_info", {"lead_id": lead})
    row = body["data"][0] if status == 200 else {}
    report(
        row.get("comments") == "ref 6666 and 31255512345",
        f"  lead_all_info returns the comments exactly ({row.get('comments')!r})",
    )
    report(
        row.get("user") == "api-a",
        f"  the lead's user shows the credential name ({row.get('user')!r})",
    )
    if oracle.password == "1234":
        status, body = await gw.call(
            "add_lead", {"phone_number": phone, "list_id": "101", "comments": "ref 1234 here"}
        )
        lead = str(body.get("data", {}).get("lead_id", "")) if status == 200 else ""
        status, body = await gw.call("lead_all_info", {"lead_id": lead})
        withheld = status == 502 and "withheld" in body["error"]["message"]
        report(withheld, f"  comments holding the password: the reply is withheld ({status})")


async def check_empty_list_items(oracle: Oracle, gw: Gateway) -> None:
    """An empty list item: VICIdial looks for an empty name and echoes it; the gateway refuses."""
    cases = [
        ("in_group_status", "in_groups", "SALESLINE||SUPPORT", "SALESLINE  SUPPORT|"),
        ("call_status_stats", "campaigns", "-TESTCAMP", "|"),
    ]
    for function, name, value, echoed in cases:
        status, text = await oracle.call(function, **{name: value})
        report(
            status == 200 and text.startswith(echoed),
            f"straight to VICIdial, {function} {name}={value!r} echoes the empty item "
            f"({text[:24]!r})",
        )
        status, body = await gw.call(function, {name: value})
        refused = status == 400 and body["error"]["details"].get("parameter") == name
        report(refused, f"  the gateway refuses it ({status})")


def arguments(description: str) -> argparse.Namespace:
    """The command line every oracle tool takes: where VICIdial is and the login to use."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", default="https://127.0.0.1:18443")
    parser.add_argument("--ca", default=str(REPO.parent / "shared/oracle/tls/ca.pem"))
    parser.add_argument("--user", default="6666")
    parser.add_argument("--password", default="1234")
    return parser.parse_args()


Check = Callable[[Oracle, Gateway], Awaitable[None]]


async def run_checks(
    args: argparse.Namespace, checks: Sequence[Check], functions: list[str] = FUNCTIONS
) -> int:
    """Run ``checks`` with a gateway (in this process) in front of the VICIdial of ``args``;
    print the tally; exit status 1 if any check failed."""
    ca = Path(args.ca)
    ctx = ssl.create_default_context(cafile=str(ca))
    cfg = config(args.url, ca, args.user, args.password, functions)
    runner = web.AppRunner(create_app(cfg), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    oracle = Oracle(args.url, ctx, args.user, args.password)
    try:
        async with aiohttp.ClientSession() as session:
            gw = Gateway(base, cfg, session)
            for check in checks:
                await check(oracle, gw)
    finally:
        await oracle.session.close()
        await runner.cleanup()
    failed = [what for ok, what in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


async def main() -> int:
    args = arguments(__doc__.split("\n", 1)[0])
    return await run_checks(
        args,
        [
            check_refusals,
            check_apostrophes,
            check_refusal_forgery,
            check_last_field,
            check_exact_replies,
            check_empty_list_items,
        ],
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
