"""Attacks on secrecy: drive whole sessions and search everything an outsider can see.

Everything captured: every response body and header, every log line (``setup_logging("DEBUG")``),
the audit records (stdout), and ``/metrics``. None of it may hold a VICIdial password (current,
wrong or another user's) or a JWT HMAC secret; no response body or header may hold the gateway's
VICIdial username (``apiuser6x``, chosen so nothing else can match it).

The first session runs against the simulator: every catalog function with plausible parameters
(from the ``# params:`` lines of ``tests/data/samples``), then every error class. The others run
against a fake VICIdial that echoes the password it received where real VICIdial (or a broken
one) prints it: the bad-login line, SQL debug output, HTML pickers, data rows, headers.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiohttp import web

from gateway.catalog import AGENT_CATALOG, CATALOG
from gateway.catalog.fields import field_type
from gateway.catalog.parser import ReplyShapeError, parse_reply
from gateway.catalog.spec import FunctionSpec
from gateway.catalog.stream import streamable
from gateway.config_load import parse_config
from gateway.sim import RunningSim

from ..conftest import without_request_ids
from .conftest import (
    API_PASS,
    API_USER,
    CRM_SECRET,
    OTHER_PASS,
    REPORTS_SECRET,
    SECRETS,
    WRONG_PASS,
    Captured,
    Reply,
    Seen,
    TLSFiles,
    captured_replies,
    plausible_body,
    recorder,
    sec_config_dict,
    serve_gateway,
    server_context,
    write_leaf,
)

# A caller's value that must never be logged either (logs carry no parameter values).
MARKER = "Zebra-Marker-0451"


@dataclass
class Haystack:
    """Everything an outsider (caller, log reader, metrics scraper) saw."""

    replies: list[Reply] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def add(self, replies: Iterable[Reply]) -> None:
        self.replies.extend(replies)

    def caller_view(self) -> str:
        parts = []
        for r in self.replies:
            parts.append(r.text)
            parts.extend(f"{k}: {v}" for k, v in r.headers.items())
        return "\n".join(parts)

    def everything(self) -> str:
        return self.caller_view() + "\n" + "\n".join(self.texts)

    def assert_clean(self, *, secrets: Iterable[str] = SECRETS) -> None:
        everything = self.everything()
        for secret in secrets:
            assert secret not in everything, f"secret {secret[:4]}… leaked"
        caller = self.caller_view()
        assert API_USER not in without_request_ids(caller), (
            "the gateway's VICIdial username reached a caller"
        )


def logs_of(stream: io.StringIO) -> str:
    text = stream.getvalue()
    for line in text.splitlines():
        json.loads(line)  # every log line is one JSON object
    return text


# --- the whole session against the simulator -----------------------------------------------------


async def test_a_whole_session_leaks_no_secret(
    sec_sim: RunningSim, log_stream: io.StringIO, capfd: pytest.CaptureFixture[str]
) -> None:
    cfg = parse_config(sec_config_dict(sec_sim.base_url, sec_sim.ca_file))
    seen = Haystack()
    statuses: dict[str, int] = {}
    async with serve_gateway(cfg) as gw:
        # Every catalog function, with plausible parameters.
        for name, spec in CATALOG.items():
            reply = await gw.call(name, plausible_body(spec, cfg.apps["crm"]))
            statuses[name] = reply.status
        # A streamed export, as NDJSON too.
        for name, spec in CATALOG.items():
            if streamable(spec):
                body = plausible_body(spec, cfg.apps["crm"])
                async with gw.session.post(
                    f"{gw.base_url}/v1/non-agent/{name}",
                    json=body,
                    headers={
                        "Authorization": f"Bearer {gw.token()}",
                        "Accept": "application/x-ndjson",
                    },
                ) as resp:
                    text = await resp.text()
                    seen.texts.append(text)
                    seen.texts.extend(f"{k}: {v}" for k, v in resp.headers.items())
                    assert API_USER not in without_request_ids(text)
        # Every error class the gateway answers.
        lead = {"phone_number": "3125557788", "list_id": "101", "comments": MARKER}
        checks: list[tuple[Reply, int, str]] = []
        ok = await gw.call("add_lead", {**lead, "duplicate_check": "DUPLIST"})
        assert ok.status == 200, ok.text
        big = b'{"comments": "' + b"x" * 70_000 + b'"}'
        bad_phone = {"phone_number": "12345", "list_id": "101"}
        forged = f"Bearer {MARKER}.x.y"
        checks += [
            (await gw.call("add_lead", {**lead, "duplicate_check": "DUPLIST"}), 409, "conflict"),
            (await gw.call("add_lead", bad_phone), 422, "invalid_input"),
            (await gw.call("agent_status", {"agent_user": "9999"}), 404, "not_found"),
            (await gw.call("campaigns_list", authorization=forged), 401, "unauthorized"),
            (await gw.call("campaigns_list", send_auth=False), 401, "unauthorized"),
            (await gw.call("add_lead", lead, app="reports"), 403, "forbidden"),
            (await gw.call("add_lead", {**lead, "list_id": "555"}), 403, "forbidden"),
            (await gw.call("add_lead", {**lead, "pass": API_PASS}), 400, "bad_request"),
            (await gw.call("add_lead", {**lead, "bogus": MARKER}), 400, "bad_request"),
            (await gw.call("no_such_function", lead), 404, "unknown_function"),
            (await gw.call("add_lead", raw=big), 413, "too_large"),
            (await gw.get("/v1/non-agent/add_lead"), 405, "method_not_allowed"),
            (await gw.get("/nope"), 404, "not_found"),
        ]
        key = {"Idempotency-Key": "leak-1"}
        keyed = {**lead, "phone_number": "3125557789"}
        assert (await gw.call("add_lead", keyed, headers=key)).status == 200
        reused = await gw.call("add_lead", {**keyed, "first_name": "Bob"}, headers=key)
        checks.append((reused, 422, "idempotency_key_reused"))
        for reply, status, error_type in checks:
            assert (reply.status, reply.error_type) == (status, error_type), reply.text
        functions = await gw.get("/v1/functions", headers={"Authorization": f"Bearer {gw.token()}"})
        assert functions.status == 200
        await gw.get("/healthz")
        seen.add(gw.replies)
        status, metrics, headers = await gw.get_text("/metrics")
        assert status == 200
        seen.texts += [metrics, *(f"{k}: {v}" for k, v in headers.items())]

    # A stale password: VICIdial refuses the login, the caller gets a 502.
    wrong = parse_config(sec_config_dict(sec_sim.base_url, sec_sim.ca_file, password=WRONG_PASS))
    async with serve_gateway(wrong) as bad:
        reply = await bad.call("campaigns_list")
        assert (reply.status, reply.error_type) == (502, "upstream_error"), reply.text
        await bad.call("version")
        seen.add(bad.replies)
        status, metrics, headers = await bad.get_text("/metrics")
        seen.texts += [metrics, *(f"{k}: {v}" for k, v in headers.items())]
    assert sec_sim.state.failed_logins(API_USER) == 1

    # Someone locks the account with 10 wrong passwords: the gateway answers 503, Retry-After.
    async with serve_gateway(cfg) as gw:
        assert (await gw.call("campaigns_list")).status == 200  # a fresh login: lock window open
        for _ in range(10):
            sec_sim.state.authenticate(API_USER, "Attacker-Guess-01")
        reply = await gw.call("campaigns_list")
        assert (reply.status, reply.error_type) == (503, "unavailable"), reply.text
        assert reply.headers["Retry-After"] == "900"
        seen.add(gw.replies)
        status, metrics, headers = await gw.get_text("/metrics")
        assert status == 200
        seen.texts += [metrics, *(f"{k}: {v}" for k, v in headers.items())]

    assert 500 not in statuses.values(), {n: s for n, s in statuses.items() if s == 500}
    logs = logs_of(log_stream)
    captured = capfd.readouterr()
    seen.texts += [logs, captured.out, captured.err]
    seen.assert_clean()
    assert MARKER not in logs, "a caller's parameter value was logged"


# --- the Agent API ------------------------------------------------------------------------------

AGENT_APP = {
    "keys": [{"kid": "agents-1", "alg": "HS256", "secret": REPORTS_SECRET + "-agents"}],
    "upstream": "main",
    "source": "agents",
    "agent_functions": sorted(AGENT_CATALOG),
    "agent_users": ["*"],
}
# Each Agent API function with parameters for an agent the simulator has in session (1001: in a
# call on lead 5001, with a webphone address that holds its phone's password; 1002: paused).
AGENT_BODIES: dict[str, dict[str, Any]] = {
    "version": {},
    "webserver": {},
    "external_hangup": {"agent_user": "1001", "value": "1"},
    "external_status": {"agent_user": "1001", "value": "SALE", "callback_comments": MARKER},
    "external_pause": {"agent_user": "1002", "value": "RESUME"},
    "logout": {"agent_user": "1002", "value": "LOGOUT"},
    "recording": {"agent_user": "1001", "value": "STATUS"},
    "webphone_url": {"agent_user": "1001", "value": "DISPLAY"},
    "call_agent": {"agent_user": "1001", "value": "CALL"},
    "audio_playback": {"agent_user": "1001", "stage": "PLAY", "value": "hold-music"},
    "external_dial": {"agent_user": "1001", "value": "3125551212", "phone_code": "1",
                      "search": "NO", "preview": "NO", "focus": "NO"},
    "preview_dial_action": {"agent_user": "1002", "value": "SKIP"},
    "external_add_lead": {"agent_user": "1001", "phone_number": "3125551213", "phone_code": "1",
                          "comments": MARKER},
    "change_ingroups": {"agent_user": "1001", "value": "CHANGE", "blended": "NO"},
    "update_fields": {"agent_user": "1001", "comments": MARKER},
    "refresh_panel": {"agent_user": "1001", "formreload": "YES"},
    "set_timer_action": {"agent_user": "1001", "value": "MESSAGE_ONLY", "notes": MARKER},
    "st_login_log": {"value": "crm-77", "vendor_id": "team-1"},
    "st_get_agent_active_lead": {"value": "crm-77", "vendor_id": "team-1"},
    "ra_call_control": {"agent_user": "1001", "value": "Y0000000000000000001", "stage": "HANGUP"},
    "send_dtmf": {"agent_user": "1001", "value": "1P2"},
    "park_call": {"agent_user": "1001", "value": "PARK_CUSTOMER"},
    "transfer_conference": {"agent_user": "1001", "value": "HANGUP_XFER"},
    "switch_lead": {"agent_user": "1001", "lead_id": 5002},
    "vm_message": {"agent_user": "1001", "value": "vm-goodbye"},
    "pause_code": {"agent_user": "1002", "value": "LUNCH"},
    "calls_in_queue_count": {"agent_user": "1001", "value": "DISPLAY"},
    "force_fronter_leave_3way": {"agent_user": "1001", "value": "LOCAL_ONLY"},
    "force_fronter_audio_stop": {"agent_user": "1001", "value": "LOCAL_ONLY"},
    "send_notification": {"recipient": "1001", "recipient_type": "USER",
                          "notification_text": MARKER},
}  # fmt: skip


def test_every_agent_function_is_in_the_session() -> None:
    assert set(AGENT_BODIES) == set(AGENT_CATALOG)


async def test_an_agent_api_session_leaks_no_secret(
    sec_sim: RunningSim, log_stream: io.StringIO, capfd: pytest.CaptureFixture[str]
) -> None:
    """Every Agent API function, a refused agent, a bad login and a login without Agent API
    access: no password (the gateway's or the agent phone's), no login SQL, no username."""
    phone_pass = sec_sim.state.agentapi.sessions["1001"].webphone_url.split("phone_pass=")[1]
    phone_pass = phone_pass.split("&", 1)[0]
    assert len(phone_pass) >= 4
    phone_secret = base64.b64decode(phone_pass).decode()
    seen = Haystack()
    statuses: dict[str, int] = {}
    cfg = parse_config(sec_config_dict(sec_sim.base_url, sec_sim.ca_file, agents=AGENT_APP))
    async with serve_gateway(cfg) as gw:
        for name, body in AGENT_BODIES.items():
            reply = await gw.call(name, body, app="agents", api="agent")
            statuses[name] = reply.status
        webphone = await gw.call("webphone_url", AGENT_BODIES["webphone_url"], app="agents",
                                 api="agent")  # fmt: skip
        assert webphone.status == 200 and webphone.body["data"]["withheld"] == ["phone_pass"]
        outside = await gw.call("send_dtmf", {"agent_user": "1001", "value": "1"}, app="crm",
                                api="agent")  # fmt: skip
        assert (outside.status, outside.error_type) == (403, "forbidden")
        seen.add(gw.replies)
        _, metrics, _ = await gw.get_text("/metrics")
        seen.texts.append(metrics)
    wrong = parse_config(
        sec_config_dict(sec_sim.base_url, sec_sim.ca_file, password=WRONG_PASS, agents=AGENT_APP)
    )
    async with serve_gateway(wrong) as bad:
        reply = await bad.call("external_pause", AGENT_BODIES["external_pause"], app="agents",
                               api="agent")  # fmt: skip
        assert (reply.status, reply.error_type) == (502, "upstream_error"), reply.text
        seen.add(bad.replies)
    sec_sim.state.users[API_USER].vdc_agent_api_access = False
    async with serve_gateway(cfg) as gw:
        reply = await gw.call("external_pause", AGENT_BODIES["external_pause"], app="agents",
                              api="agent")  # fmt: skip
        assert (reply.status, reply.error_type) == (502, "upstream_error"), reply.text
        seen.add(gw.replies)
    assert 500 not in statuses.values(), statuses
    logs = logs_of(log_stream)
    captured = capfd.readouterr()
    seen.texts += [logs, captured.out, captured.err]
    seen.assert_clean(secrets=(*SECRETS, phone_pass, phone_secret))
    assert "SELECT" not in seen.caller_view()
    assert MARKER not in logs, "a caller's parameter value was logged"


# --- a fake VICIdial that echoes the credentials it received -----------------------------------


@pytest.fixture
def up_tls(tmp_path: Path) -> TLSFiles:
    return write_leaf(trustme.CA(), tmp_path / "fake-vicidial", "fake")


CAMPAIGN_HEADER = (
    "campaign_id\tcampaign_name\tactive\tuser_group\tdial_method\tdial_level\tlead_order\t"
    "dial_statuses\tdial_timeout\tdial_prefix\tmanual_dial_prefix\tthree_way_dial_prefix"
)


def campaign_row(name: str) -> str:
    return f"TESTCAMP\t{name}\tY\t---ALL---\tRATIO\t1.0\tDOWN\tNEW\t26\t9\t\t"


SELECTFRAME = (
    "\n<HTML><head><title>NON-AGENT API</title></head><body>\n"
    '<a href="non_agent_api.php?source=crm&function=sounds_list&format=selectframe&stage=name'
    '&user={user}&pass={pass}">NAME</a> | '
    '<a href="non_agent_api.php?source=crm&function=sounds_list&format=selectframe&stage=date'
    '&user={user}&pass={pass}">DATE</a>\n'
    "<a href=\"javascript:choose_file('hello.wav','x');\">hello.wav</a><br>\n"
    "</body></HTML>\n"
)


def stream_reply(spec: FunctionSpec, secret_text: str) -> str:
    """A header row and one data row for a streamed export, free text holding the secret."""
    assert spec.rows is not None
    values = {
        "int": "12",
        "decimal": "1.5",
        "date": "2024-06-03",
        "datetime": "2024-06-03 10:00:00",
        "phone": "3125559876",
        "id": "101",
        "code": "SALE",
        "text": "txt",
    }
    row = [
        secret_text if c in spec.rows.free_text else values[field_type(c, spec.field_types)]
        for c in spec.rows.columns
    ]
    return "\t".join(spec.rows.columns) + "\n" + "\t".join(row) + "\n"


def _stream_spec() -> FunctionSpec:
    for spec in CATALOG.values():
        if streamable(spec) and spec.rows and spec.rows.request_header and spec.rows.free_text:
            return spec
    raise AssertionError("no streamed export with a free-text column in the catalog")


STREAM_SPEC = _stream_spec()
NDJSON = "application/x-ndjson"


@dataclass(frozen=True)
class Echo:
    function: str
    body: dict[str, Any]
    reply: Callable[[dict[str, str]], str]
    status: int  # the gateway's answer
    http_status: int = 200
    headers: Callable[[dict[str, str]], dict[str, str]] | None = None


# The cases the bad-login recognition does not cover: the whole reply is withheld.
WITHHELD = {"password-inside-a-data-row", "hopper-sql-echo-in-a-notice", "streamed-export-rows"}

ECHOES: dict[str, Echo] = {
    "bad-login-line": Echo(
        "campaigns_list",
        {},
        lambda f: f"ERROR: Login incorrect, please try again: |{f['user']}|{f['pass']}|BAD|\n",
        502,
    ),
    "agent-api-style-bad-login-with-sql": Echo(
        "version",
        {},
        lambda f: (
            f"ERROR: Invalid Username/Password: |{f['user']}|{f['pass']}|0|1|BAD|0|api|"
            f"SELECT count(*) from vicidial_users where user='{f['user']}' and "
            f"pass='{f['pass']}' and user_level > 0;|\n"
        ),
        502,
    ),
    "sql-debug-before-the-reply": Echo(
        "campaigns_list",
        {},
        lambda f: (
            "DEBUG: auth query - SELECT api_list_restrict,api_allowed_functions from "
            f"vicidial_users where user='{f['user']}' and pass='{f['pass']}';\n"
            f"{CAMPAIGN_HEADER}\n{campaign_row('Test')}\n"
        ),
        502,
    ),
    "sounds-list-selectframe-links": Echo(
        "sounds_list",
        {},
        lambda f: SELECTFRAME.replace("{user}", f["user"]).replace("{pass}", f["pass"]),
        502,
    ),
    # Replies holding the password outside the bad-login line are withheld whole (never edited).
    "password-inside-a-data-row": Echo(
        "campaigns_list",
        {},
        lambda f: f"{CAMPAIGN_HEADER}\n{campaign_row('Camp ' + f['pass'] + ' end')}\n",
        502,
    ),
    "hopper-sql-echo-in-a-notice": Echo(
        "add_lead",
        {"phone_number": "3125550100", "list_id": "101"},
        lambda f: (
            f"SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125550100|101|5001|-5.00|{f['user']}\n"
            "NOTICE: add_lead NOT ADDED TO HOPPER - 3125550100|5001|INSERT INTO vicidial_hopper "
            f"SET lead_id='5001',status='READY',pass='{f['pass']}',source='A';|{f['user']}\n"
        ),
        502,
    ),
    "insert-sql-echo-in-an-error": Echo(
        "add_lead",
        {"phone_number": "3125550100", "list_id": "101"},
        lambda f: (
            "ERROR: add_lead LEAD HAS NOT BEEN ADDED - 3125550100|101|INSERT INTO vicidial_list "
            f"SET phone_number='3125550100',pass='{f['pass']}';|{f['user']}\n"
        ),
        502,
    ),
    "php-error-page": Echo(
        "campaigns_list",
        {},
        lambda f: (
            "<html><body><b>Fatal error</b>: mysqli_connect(): (HY000/1045): Access denied for "
            f"user '{f['user']}'@'localhost' (using password: YES) {f['pass']}</body></html>"
        ),
        502,
    ),
    "http-500-echoing-the-form": Echo(
        "campaigns_list",
        {},
        lambda f: f"Internal Server Error user={f['user']}&pass={f['pass']}",
        502,
        http_status=500,
    ),
    "credentials-in-response-headers": Echo(
        "campaigns_list",
        {},
        lambda f: "ERROR: NO FUNCTION SPECIFIED\n",
        502,
        headers=lambda f: {
            "X-Debug": f"user={f['user']}&pass={f['pass']}",
            "Set-Cookie": f"auth={f['pass']}",
            "Location": f"https://vicidial.example/?user={f['user']}&pass={f['pass']}",
        },
    ),
    "streamed-export-rows": Echo(
        STREAM_SPEC.name,
        {},
        lambda f: stream_reply(STREAM_SPEC, f"src-{f['pass']}-end"),
        502,
    ),
}


@pytest.mark.parametrize(
    ("case", "accept"),
    [(case, "application/json") for case in ECHOES] + [("streamed-export-rows", NDJSON)],
)
async def test_credentials_echoed_by_vicidial_never_leave_the_gateway(
    up_tls: TLSFiles,
    log_stream: io.StringIO,
    capfd: pytest.CaptureFixture[str],
    case: str,
    accept: str,
) -> None:
    echo = ECHOES[case]

    def respond(seen: Seen) -> web.Response:
        assert seen.form["pass"] == API_PASS  # the fake really has the password to echo
        return web.Response(
            status=echo.http_status,
            text=echo.reply(seen.form),
            content_type="text/html",
            headers=echo.headers(seen.form) if echo.headers else None,
        )

    async with recorder(ssl_context=server_context(up_tls), respond=respond) as up:
        cfg = parse_config(sec_config_dict(up.base_url, up_tls.ca_file))
        body = echo.body or plausible_body(CATALOG[echo.function], cfg.apps["crm"])
        haystack = Haystack()
        async with serve_gateway(cfg) as gw:
            if echo.function == STREAM_SPEC.name:
                async with gw.session.post(
                    f"{gw.base_url}/v1/non-agent/{echo.function}",
                    json=body,
                    headers={"Authorization": f"Bearer {gw.token()}", "Accept": accept},
                ) as resp:
                    status, text = resp.status, await resp.text()
                    haystack.texts += [text, *(f"{k}: {v}" for k, v in resp.headers.items())]
                assert API_USER not in without_request_ids(text)
            else:
                reply = await gw.call(echo.function, body)
                status = reply.status
                text = reply.text
            if case in WITHHELD:
                assert "password, so it was withheld" in text, text
            _, metrics, _ = await gw.get_text("/metrics")
            haystack.add(gw.replies)
            haystack.texts.append(metrics)
        assert status == echo.status, haystack.caller_view()
        assert up.seen, "the fake VICIdial was never called"
    captured = capfd.readouterr()
    haystack.texts += [logs_of(log_stream), captured.out, captured.err]
    haystack.assert_clean()


@pytest.mark.parametrize("captured", captured_replies(), ids=lambda c: c.name)
def test_api_username_in_every_captured_reply_is_dropped(captured: Captured) -> None:
    """Real VICIdial replies (user 6666) with this suite's API user: it never comes out."""
    text = captured.body.replace("6666", API_USER)
    try:
        reply = parse_reply(captured.spec, text, params=captured.params)
    except ReplyShapeError:
        return  # only a scrubbed excerpt reaches the log; callers get a generic 502
    out = json.dumps([reply.message, reply.data, [n.data for n in reply.notices]], default=str)
    assert API_USER not in out


def test_every_secret_is_distinct_and_distinctive() -> None:
    """The leak searches mean something only if no secret can match by chance."""
    secrets = [API_PASS, OTHER_PASS, WRONG_PASS, CRM_SECRET, REPORTS_SECRET]
    assert len(set(secrets)) == len(secrets)
    assert all(len(s) >= 16 for s in secrets)
    assert API_USER not in json.dumps({n: [p.name for p in s.params] for n, s in CATALOG.items()})


# --- state shared between apps ------------------------------------------------------------------


async def test_idempotency_key_of_another_app_replays_nothing(sec_sim: RunningSim) -> None:
    """Stored outcomes are per app: another app guessing (or reusing) a key gets no data."""
    doc = sec_config_dict(
        sec_sim.base_url,
        sec_sim.ca_file,
        other={
            "keys": [{"kid": "other-1", "alg": "HS256", "secret": "other-app-hmac-" + "o" * 40}],
            "upstream": "main",
            "source": "other",
            "functions": ["add_lead"],
        },
    )
    lead = {"phone_number": "3125556611", "list_id": "101"}
    key = {"Idempotency-Key": "order-4711"}
    async with serve_gateway(parse_config(doc)) as gw:
        first = await gw.call("add_lead", lead, headers=key)
        assert first.status == 200, first.text
        replay = await gw.call("add_lead", lead, headers=key)
        assert replay.headers.get("Idempotent-Replayed") == "true"  # the feature is on
        assert replay.body["data"] == first.body["data"]
        hits = sec_sim.state.hits("add_lead")
        other = await gw.call("add_lead", lead, app="other", headers=key)
        assert other.status == 200, other.text
        assert "Idempotent-Replayed" not in other.headers
        assert other.body["data"]["lead_id"] != first.body["data"]["lead_id"]
        assert other.body["request_id"] != first.body["request_id"]
        assert sec_sim.state.hits("add_lead") == hits + 1
