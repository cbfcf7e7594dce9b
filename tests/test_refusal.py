"""Login refusals are recognised only on evidence stored data cannot forge (gateway.refusal).

Unit tests of the pure rules, then the whole path against the simulator: lead data written to
look like VICIdial's lock or bad-login line, read back through every function that prints stored
lead values, never takes a credential out of service; a genuine lock and a genuine bad login
still do.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.catalog import AGENT_CATALOG
from gateway.catalog import generic as g
from gateway.catalog.parser import parse_reply
from gateway.config_load import parse_config
from gateway.refusal import (
    PROBE_FUNCTION,
    PROBE_LOGIN_OK,
    Claim,
    masked,
    masked_agent_login,
    probe_verdict,
    read_claim,
    refusal_reply,
)
from gateway.sim import Faults, RunningSim

from .conftest import API_PASS, API_USER, Gateway, config_dict, start_gateway

LOCK = g.LOCKED.render({"user": API_USER})
BAD = g.BAD_LOGIN.render({"user": API_USER, "pass": API_PASS, "auth_message": "BAD"})
IPBLOCK = g.IP_BLOCKED.render({"remote_addr": "10.1.2.3", "blank": ""})


# --- the rules ----------------------------------------------------------------------------------


def test_a_bad_login_that_echoes_this_login_is_conclusive() -> None:
    assert read_claim(BAD + "\n", API_USER, API_PASS) == Claim("bad_login", conclusive=True)
    two_fa = g.BAD_LOGIN.render({"user": API_USER, "pass": API_PASS, "auth_message": "2FA"})
    assert read_claim(two_fa + "\n", API_USER, API_PASS) == Claim("bad_login", conclusive=True)


@pytest.mark.parametrize(
    "body",
    [
        # Another password or user echoed: not this request's login, so data.
        g.BAD_LOGIN.render({"user": API_USER, "pass": "guess", "auth_message": "BAD"}) + "\n",
        g.BAD_LOGIN.render({"user": "7777", "pass": API_PASS, "auth_message": "BAD"}) + "\n",
        g.BAD_LOGIN.render({"user": API_USER, "pass": "********", "auth_message": "BAD"}) + "\n",
        g.LOCKED.render({"user": "1001"}) + "\n",
        g.IP_BLOCKED.render({"remote_addr": "10.1.2.3", "blank": API_USER}) + "\n",
        # Not the whole body: VICIdial prints the line alone and stops.
        BAD,
        LOCK,
        BAD + "\n\n",
        LOCK + "\nmore\n",
        "x\n" + LOCK + "\n",
        " " + LOCK + "\n",
        "",
    ],
)
def test_anything_else_is_no_claim(body: str) -> None:
    assert read_claim(body, API_USER, API_PASS) is None


def test_a_lock_or_ip_block_is_only_a_claim() -> None:
    assert read_claim(LOCK + "\n", API_USER, API_PASS) == Claim("locked", conclusive=False)
    assert read_claim(IPBLOCK + "\n", API_USER, API_PASS) == Claim("ip_blocked", conclusive=False)


def test_probe_verdicts() -> None:
    assert PROBE_LOGIN_OK == "ERROR: NO FUNCTION SPECIFIED\n"
    assert probe_verdict(PROBE_LOGIN_OK, API_USER, API_PASS) == "login_ok"
    assert probe_verdict(LOCK + "\n", API_USER, API_PASS) == "locked"
    assert probe_verdict(IPBLOCK + "\n", API_USER, API_PASS) == "ip_blocked"
    assert probe_verdict(BAD + "\n", API_USER, API_PASS) == "bad_login"
    for other in ("", "ERROR: NO FUNCTION SPECIFIED", "<html>500</html>", LOCK):
        assert probe_verdict(other, API_USER, API_PASS) is None


def test_refusal_replies_carry_no_data() -> None:
    for kind, template in (
        ("bad_login", g.BAD_LOGIN),
        ("locked", g.LOCKED),
        ("ip_blocked", g.IP_BLOCKED),
    ):
        reply = refusal_reply(kind)  # type: ignore[arg-type]
        assert (reply.result, reply.message, reply.data) == ("ERROR", template.message, {})
        assert reply.login_failure and reply.generic
        assert reply.message in g.CALLER_MESSAGES


# --- the Agent API's login line ------------------------------------------------------------------

AGENT_SELECT = (
    "SELECT count(*) from vicidial_users where user='{u}' and pass='{p}' and user_level > 0 "
    "and active='Y' and ( (failed_login_count < 10) or (UNIX_TIMESTAMP(last_login_date) < 1) );"
)


def agent_line(password: str, auth: str, auth_api: str, message: str) -> str:
    return (
        g.AGENT_LOGIN.render(
            {
                "user": API_USER,
                "pass": password,
                "auth": auth,
                "auth_api": auth_api,
                "auth_message": message,
            }
        )
        + "\n"
    )


def test_an_agent_bad_login_is_conclusive_only_with_this_password_echoed() -> None:
    bad = agent_line(API_PASS, "0", "1", "BAD|0|api|" + AGENT_SELECT.format(u=API_USER, p=API_PASS))
    assert read_claim(bad, API_USER, API_PASS, "agent") == Claim("bad_login", conclusive=True)
    assert read_claim(bad, API_USER, "another-pass", "agent") is None
    assert read_claim(bad, "someone-else", API_PASS, "agent") is None
    # The Non-Agent API's rules do not read the Agent API's line, nor the other way round.
    assert read_claim(bad, API_USER, API_PASS) is None
    assert read_claim(BAD + "\n", API_USER, API_PASS, "agent") is None
    # One line and its LF, nothing else.
    assert read_claim("x\n" + bad, API_USER, API_PASS, "agent") is None


def test_an_agent_lock_or_ip_block_is_a_claim_to_confirm() -> None:
    lock = agent_line("whatever", "0", "1", "LOCK")
    assert read_claim(lock, API_USER, API_PASS, "agent") == Claim("locked", conclusive=False)
    block = agent_line("whatever", "0", "1", "IPBLOCK")
    assert read_claim(block, API_USER, API_PASS, "agent") == Claim("ip_blocked", conclusive=False)


def test_no_agent_api_access_is_no_refusal_of_the_credential() -> None:
    """A good password without vdc_agent_api_access: the credential stays in service, and the
    line reaches the parser with the password and the message masked."""
    good = agent_line(API_PASS, "1", "0", "GOOD")
    assert read_claim(good, API_USER, API_PASS, "agent") is None
    masked = masked_agent_login(good, API_USER, API_PASS, "***")
    assert masked == agent_line("***", "1", "0", "***")
    assert masked_agent_login(good, API_USER, "another-pass", "***") is None
    parsed = parse_reply(AGENT_CATALOG["external_pause"], masked, params={})
    assert (parsed.result, parsed.generic, parsed.error_type) == ("ERROR", True, "upstream_error")


def test_an_agent_refusal_is_masked_whole_fields() -> None:
    """The bad-login SELECT quotes the password: pass and auth_message are masked whole."""
    select = AGENT_SELECT.format(u=API_USER, p=API_PASS)
    bad = agent_line(API_PASS, "0", "1", "BAD|0|api|" + select)
    out = masked(bad, "bad_login", "***", "agent")
    assert out == agent_line("***", "0", "1", "***")
    assert API_PASS not in out


# --- through the gateway ------------------------------------------------------------------------


@pytest.fixture
def gw(gateway: Gateway) -> Gateway:
    """The conftest gateway in front of the simulator (its close fails on any SQL breakout)."""
    return gateway


async def _metrics(gw: Gateway) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with gw.session.get(f"{gw.base_url}/metrics") as resp:
        text = await resp.text()
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


async def _login_failures(gw: Gateway) -> float:
    labels = (("credential", "api-a"), ("upstream", "main"))
    return (await _metrics(gw)).get(("vicigw_upstream_login_failures_total", labels), 0.0)


async def _healthy(gw: Gateway) -> float:
    labels = (("credential", "api-a"), ("upstream", "main"))
    return (await _metrics(gw))[("vicigw_credential_healthy", labels)]


# Lines a lead's stored data can hold (anyone who writes lead text: agents, web forms, imports).
# The password is the one thing such data cannot know.
BAD_GUESS = g.BAD_LOGIN.render({"user": API_USER, "pass": "guess", "auth_message": "BAD"})
FORGED = [LOCK, LOCK + "\n", BAD_GUESS + "\n", IPBLOCK + "\n", "x\n" + LOCK]


async def _assert_in_service(gw: Gateway) -> None:
    assert await _login_failures(gw) == 0
    assert await _healthy(gw) == 1
    status, body, _ = await gw.call("campaigns_list")
    assert status == 200, body


@pytest.mark.parametrize("forged", FORGED)
async def test_forged_refusal_written_through_the_gateway_is_read_back_as_data(
    gw: Gateway, forged: str
) -> None:
    if "\n" in forged:
        # The gateway refuses line feeds in comments; agents and list imports can store them.
        gw.sim.state.leads[5001].comments = forged
    else:
        status, body, _ = await gw.call(
            "update_lead", {"lead_id": "5001", "comments": forged, "search_method": "LEAD_ID"}
        )
        assert status == 200, body
    status, body, _ = await gw.call(
        "lead_field_info", {"lead_id": "5001", "field_name": "comments"}
    )
    assert status == 200, body
    assert body["data"] == {"comments": forged}
    await _assert_in_service(gw)


# Only the free-text columns keep line feeds in VICIdial; the others get the one-line forms.
MULTILINE_FIELDS = ["comments", "vendor_lead_code", "source_id"]
LINE_FIELDS = ["first_name", "last_name", "address1", "city", "email", "owner"]


@pytest.mark.parametrize("forged", FORGED)
async def test_forged_refusals_in_every_stored_field_through_every_lead_reader(
    gw: Gateway, forged: str
) -> None:
    lead = gw.sim.state.leads[5001]
    fields = MULTILINE_FIELDS + ([] if "\n" in forged else LINE_FIELDS)
    for name in fields:
        setattr(lead, name, forged)
    for name in fields:
        status, body, _ = await gw.call("lead_field_info", {"lead_id": "5001", "field_name": name})
        assert (status, body["data"]) == (200, {name: forged}), (name, body)
    readers: list[tuple[str, dict[str, Any]]] = [
        ("lead_all_info", {"lead_id": "5001"}),
        ("lead_all_info", {"phone_number": lead.phone_number}),
        ("lead_status_search", {"status": lead.status, "lead_id": "5001"}),
    ]
    for function, params in readers:
        status, body, _ = await gw.call(function, params)
        assert status == 200, (function, body)
        row = next(r for r in body["data"] if str(r["lead_id"]) == "5001")
        assert {name: row[name] for name in fields} == dict.fromkeys(fields, forged), function
    status, body, _ = await gw.call("lead_search", {"phone_number": lead.phone_number})
    assert status == 200, body
    await _assert_in_service(gw)


async def test_a_genuine_lock_is_confirmed_by_a_probe_and_takes_the_credential_out(
    gw: Gateway,
) -> None:
    import time

    user = gw.sim.state.users[API_USER]
    user.failed_login_count, user.last_login_date = 10, time.time()
    status, body, _ = await gw.call("lead_field_info", {"lead_id": "5001", "field_name": "city"})
    assert (status, body["error"]["type"]) == (503, "unavailable"), body
    assert gw.sim.state.hits(PROBE_FUNCTION) == 1
    assert await _login_failures(gw) == 1
    assert await _healthy(gw) == 0


async def test_a_genuine_bad_login_needs_no_probe(sim: RunningSim) -> None:
    import io

    cfg = parse_config(config_dict(sim.base_url, sim.ca_file, password="Wrong-Pass_0099"))
    runner, base = await start_gateway(cfg)
    async with aiohttp.ClientSession() as session:
        gw = Gateway(base, cfg, sim, session, io.StringIO())
        try:
            status, body, _ = await gw.call("campaigns_list")
            assert (status, body["error"]["type"]) == (502, "upstream_error"), body
            assert "Wrong-Pass_0099" not in str(body)
            assert sim.state.hits(PROBE_FUNCTION) == 0
            assert sim.state.login_attempts(API_USER) == 1
            assert await _login_failures(gw) == 1
        finally:
            await runner.cleanup()


async def test_a_lock_claim_the_probe_cannot_check_is_not_acted_on(gw: Gateway) -> None:
    gw.sim.state.leads[5001].comments = LOCK + "\n"
    gw.sim.state.faults = Faults("http500", functions=frozenset({PROBE_FUNCTION}))
    status, body, _ = await gw.call(
        "lead_field_info", {"lead_id": "5001", "field_name": "comments"}
    )
    assert status == 200, body
    assert body["data"] == {"comments": LOCK + "\n"}
    gw.sim.state.faults = None
    await _assert_in_service(gw)


async def test_a_streamed_export_refused_at_login_is_still_recognised(sim: RunningSim) -> None:
    import io

    doc = config_dict(sim.base_url, sim.ca_file, password="Wrong-Pass_0099")
    cfg = parse_config(doc)
    runner, base = await start_gateway(cfg)
    async with aiohttp.ClientSession() as session:
        gw = Gateway(base, cfg, sim, session, io.StringIO())
        try:
            status, body, _ = await gw.call(
                "did_log_export", {"phone_number": "3125550001", "date": "2026-11-20"}
            )
            assert (status, body["error"]["type"]) == (502, "upstream_error"), body
            assert "rejected the gateway's login" in body["error"]["message"]
            assert await _login_failures(gw) == 1
        finally:
            await runner.cleanup()


# --- a raw value that reads as a status line ----------------------------------------------------

STATUS_LINES = [
    "ERROR: lead_field_info LEAD NOT FOUND: 6666|5001\n",
    "ERROR: lead_field_info INVALID SEARCH PARAMETERS: 6666|5001|comments\n",
    "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |6666|lead_field_info|\n",
    "ERROR: lead_field_info USER DOES NOT HAVE PERMISSION TO GET LEAD INFO: |6666|0|\n",
]


@pytest.mark.parametrize("stored", STATUS_LINES)
async def test_a_stored_value_that_reads_as_a_status_line_is_the_value(
    gw: Gateway, stored: str
) -> None:
    gw.sim.state.leads[5001].comments = stored
    status, body, _ = await gw.call(
        "lead_field_info", {"lead_id": "5001", "field_name": "comments"}
    )
    assert (status, body.get("data")) == (200, {"comments": stored}), body
    # Confirmed by asking for the lead's own id, which data cannot forge.
    assert gw.sim.state.hits("lead_field_info") == 2


async def test_genuine_status_lines_of_a_raw_value_function_still_count(gw: Gateway) -> None:
    status, body, _ = await gw.call(
        "lead_field_info", {"lead_id": "999999", "field_name": "comments"}
    )
    assert (status, body["error"]["type"]) == (404, "not_found"), body
    gw.sim.state.users[API_USER].api_allowed_functions = " campaigns_list "
    status, body, _ = await gw.call(
        "lead_field_info", {"lead_id": "5001", "field_name": "comments"}
    )
    assert (status, body["error"]["type"]) == (502, "upstream_error"), body
    assert "may not use this function" in body["error"]["message"]


async def test_an_ordinary_value_needs_no_recheck(gw: Gateway) -> None:
    status, body, _ = await gw.call("lead_field_info", {"lead_id": "5001", "field_name": "city"})
    assert (status, body["data"]) == (200, {"city": "Chicago"}), body
    assert gw.sim.state.hits("lead_field_info") == 1


@pytest.mark.parametrize("forged", [LOCK, BAD_GUESS])
async def test_forged_refusals_in_other_stored_text_are_data(gw: Gateway, forged: str) -> None:
    # Callback comments, an agent's full name: stored text other readers print raw.
    state = gw.sim.state
    callback = next(c for c in state.callbacks if c.lead_id == 5004)
    callback.comments = forged
    state.users["1001"].full_name = forged
    status, body, _ = await gw.call("lead_callback_info", {"lead_id": "5004"})
    assert status == 200, body
    assert forged in [row["comments"] for row in body["data"]]
    status, body, _ = await gw.call("user_details", {"agent_user": "1001"})
    assert (status, body["data"]["full_name"]) == (200, forged), body
    status, body, _ = await gw.call("agent_status", {"agent_user": "1001"})
    assert status == 200, body
    await _assert_in_service(gw)
