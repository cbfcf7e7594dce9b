"""The users area: add_user, copy_user, update_user, update_remote_agent, add_group_alias,
add_phone, update_phone, add_phone_alias, update_phone_alias, server_refresh, blind_monitor,
add_dnc_phone, delete_dnc_phone, add_fpg_phone, delete_fpg_phone.

Three layers, each against the real replies in ``tests/data/samples``: the catalog parses every
sample field by field; the simulator answers every sample's request with the same shape (and here
byte for byte); and every function works through the real gateway, with its effects visible in
the simulator's state or through another function, and the gateway's VICIdial login never shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from gateway.catalog import CATALOG
from gateway.catalog import users as users_catalog
from gateway.catalog.fields import field_type
from gateway.catalog.parser import ParsedReply, ReplyShapeError, parse_reply
from gateway.policy import DEFAULT_CHARSETS
from gateway.sim import ManualClock, SimState, start_simulator
from gateway.sim.data_users import Phone, Server

from .conftest import API_PASS, API_USER, Gateway
from .samples import (
    SAMPLES,
    Sample,
    assert_same_shape,
    load_sample,
    read_sample,
    sample_paths,
)
from .test_sim import SAMPLE_EPOCH, SimClient

FUNCTIONS = tuple(spec.name for spec in users_catalog.FUNCTIONS)
SIM_PASSWORD = "simpass1"


def _sample_paths() -> list[Path]:
    return sample_paths(FUNCTIONS)


# --- the samples, parsed ------------------------------------------------------------------------

# sample -> (result, message, data, notices, error_type)
Expected = tuple[str, str | None, Any, list[tuple[str, str, dict[str, Any]]], str | None]
_OPTIONAL = ", THIS IS AN OPTIONAL FIELD"

EXPECTED: dict[str, Expected] = {
    "add_dnc_phone__err_exists": (
        "ERROR", "DNC NUMBER ALREADY EXISTS",
        {"phone_number": "3125550199", "campaign_id": "SYSTEM_INTERNAL"}, [], "conflict",
    ),
    "add_dnc_phone__ok_campaign": (
        "SUCCESS", "DNC NUMBER HAS BEEN ADDED",
        {"phone_number": "3125550178", "campaign_id": "TESTCAMP"}, [], None,
    ),
    "add_fpg_phone__err_exists": (
        "ERROR", "FILTER PHONE GROUP NUMBER ALREADY EXISTS",
        {"phone_number": "3125550197", "group": "BLOCKED"}, [], "conflict",
    ),
    "add_fpg_phone__ok": (
        "SUCCESS", "FILTER PHONE GROUP NUMBER HAS BEEN ADDED",
        {"phone_number": "3125550176", "group": "BLOCKED"}, [], None,
    ),
    "add_group_alias__err_exists": (
        "ERROR", "GROUP ALIAS ALREADY EXISTS",
        {"group_alias_id": "SALESCID", "caller_id_number": "3125550100"}, [], "conflict",
    ),
    "add_group_alias__ok": (
        "SUCCESS", "GROUP ALIAS HAS BEEN ADDED",
        {"group_alias_id": "SALESCID", "group_alias_name": "Sales CID",
         "caller_id_number": "3125550100"}, [], None,
    ),
    "add_phone__err_bad_protocol": (
        "ERROR", "YOU MUST USE ALL REQUIRED FIELDS",
        {"extension": "1106", "dialplan_number": "1101", "voicemail_id": "1101",
         "phone_login": "1106phone", "phone_pass": "test", "server_ip": "127.0.0.1",
         "protocol": "SKYPE", "registration_password": "regpass1101",
         "phone_full_name": "Api Phone 1101", "local_gmt": "-5.00",
         "outbound_cid": "3125550100"}, [], "invalid_input",
    ),
    "add_phone__ok": (
        "SUCCESS", "PHONE HAS BEEN ADDED",
        {"extension": "1101", "server_ip": "127.0.0.1", "protocol": "SIP",
         "dialplan_number": "1101"}, [], None,
    ),
    "add_phone_alias__err_exists": (
        "ERROR", "PHONE ALIAS ALREADY EXISTS", {"alias_id": "ALIAS1"}, [], "conflict",
    ),
    "add_phone_alias__ok": (
        "SUCCESS", "PHONE ALIAS HAS BEEN ADDED",
        {"alias_id": "ALIAS2", "alias_name": "Api alias", "phone_logins": "gs102,1101phone"},
        [], None,
    ),
    "add_user__err_bad_group": (
        "ERROR", "USER GROUP DOES NOT EXIST", {"agent_user_group": "NOGROUP"}, [], "not_found",
    ),
    "add_user__ok": (
        "SUCCESS", "USER HAS BEEN ADDED",
        {"agent_user": "1101", "agent_pass": "pass1101", "agent_user_level": 1,
         "agent_full_name": "Api Agent", "agent_user_group": "AGENTS"}, [], None,
    ),
    "blind_monitor__err_invalid_phone_login": (
        "ERROR", "INVALID PHONE LOGIN", {"phone_login": "nosuchphone"}, [], "not_found",
    ),
    "blind_monitor__ok_barge": (
        "SUCCESS", "HAS BEEN LAUNCHED",
        {"phone_login": "gs102", "dialstring": "127*000*000*001*8600051",
         "dialplan_number": "102", "session_id": "8600051", "manager_id": "2"}, [], None,
    ),
    "copy_user__err_exists": (
        "ERROR", "USER ALREADY EXISTS", {"agent_user": "1002"}, [], "conflict",
    ),
    "copy_user__ok": (
        "SUCCESS", "USER HAS BEEN COPIED",
        {"agent_user": "1106", "agent_pass": "pass1106", "agent_full_name": "Copied Agent",
         "source_user": "1001"}, [], None,
    ),
    "delete_dnc_phone__err_missing_fields": (
        "ERROR", "YOU MUST USE ALL REQUIRED FIELDS",
        {"phone_number": None, "campaign_id": None}, [], "invalid_input",
    ),
    "delete_dnc_phone__ok_campaign": (
        "SUCCESS", "DNC NUMBER HAS BEEN DELETED",
        {"phone_number": "3125550178", "campaign_id": "TESTCAMP"}, [], None,
    ),
    "delete_fpg_phone__err_group_not_exist": (
        "ERROR", "FILTER PHONE GROUP DOES NOT EXIST", {"group": "NOPEGROUP"}, [], "not_found",
    ),
    "delete_fpg_phone__ok": (
        "SUCCESS", "FILTER PHONE GROUP NUMBER HAS BEEN DELETED",
        {"phone_number": "3125550176", "group": "BLOCKED"}, [], None,
    ),
    "server_refresh__err_missing_stage": (
        "ERROR", "YOU MUST USE ALL REQUIRED FIELDS",
        {"alias_id": None, "alias_name": None, "phone_logins": None}, [], "invalid_input",
    ),
    "server_refresh__ok": (
        "SUCCESS", "SERVER REFRESH HAS BEEN TRIGGERED", {"affected_rows": 0}, [], None,
    ),
    # "x.com" is 5 characters, a valid length: VICIdial updates (the capture's name says error).
    "update_phone__err_bad_email": (
        "SUCCESS", "PHONE HAS BEEN UPDATED", {"extension": "1101", "server_ip": "127.0.0.1"},
        [], None,
    ),
    "update_phone__ok": (
        "SUCCESS", "PHONE HAS BEEN UPDATED", {"extension": "1101", "server_ip": "127.0.0.1"},
        [], None,
    ),
    "update_phone_alias__err_missing_fields": (
        "ERROR", "YOU MUST USE ALL REQUIRED FIELDS",
        {"alias_id": None, "alias_name": None, "phone_logins": None}, [], "invalid_input",
    ),
    "update_phone_alias__ok": (
        "SUCCESS", "PHONE ALIAS HAS BEEN UPDATED", {"alias_id": "ALIAS2"}, [], None,
    ),
    "update_remote_agent__err_bad_status": (
        "ERROR", "STATUS MUST BE ACTIVE OR INACTIVE" + _OPTIONAL, {"status": "Y"}, [],
        "invalid_input",
    ),
    "update_remote_agent__ok_activate": (
        "SUCCESS", "REMOTE AGENT HAS BEEN UPDATED", {"agent_user": "1003"}, [], None,
    ),
    "update_user__err_bad_group": (
        "ERROR", "YOU MUST USE A VALID USER GROUP" + _OPTIONAL,
        {"agent_user_group": "NOGROUP", "valid_user_group": 0}, [], "invalid_input",
    ),
    "update_user__ok": (
        "SUCCESS", "USER HAS BEEN UPDATED", {"agent_user": "1101"}, [], None,
    ),
}  # fmt: skip


def test_the_table_covers_every_sample_of_the_area() -> None:
    assert {p.stem for p in _sample_paths()} == set(EXPECTED)
    assert {p.name.split("__", 1)[0] for p in _sample_paths()} == set(FUNCTIONS)


def _notices(reply: ParsedReply) -> list[tuple[str, str, dict[str, Any]]]:
    return [(n.result, n.message, n.data) for n in reply.notices]


@pytest.mark.parametrize("path", _sample_paths(), ids=lambda p: p.stem)
def test_sample_parsed(path: Path) -> None:
    params, body = read_sample(path)
    reply = parse_reply(CATALOG[path.name.split("__", 1)[0]], body, params=params)
    result, message, data, notices, error_type = EXPECTED[path.stem]
    assert reply.result == result
    assert reply.message == message
    assert reply.data == data
    assert _notices(reply) == notices
    assert reply.error_type == error_type
    assert not reply.login_failure and not reply.generic
    assert "6666" not in repr(reply)  # the API user is in every status line, never in the result


@pytest.mark.parametrize("path", _sample_paths(), ids=lambda p: p.stem)
def test_sample_parsed_with_and_without_final_newline(path: Path) -> None:
    params, body = read_sample(path)
    spec = CATALOG[path.name.split("__", 1)[0]]
    assert parse_reply(spec, body, params=params) == parse_reply(spec, body[:-1], params=params)


def test_every_choice_passes_its_own_charset() -> None:
    for spec in users_catalog.FUNCTIONS:
        for param in spec.params:
            charset = param.charset or DEFAULT_CHARSETS[param.kind]
            for choice in param.choices or ():
                assert re.fullmatch(f"[{charset}]*", choice), (spec.name, param.name, choice)
                assert len(choice) <= param.max_len, (spec.name, param.name, choice)


def test_no_caller_param_is_reserved_or_gateway_owned() -> None:
    for spec in users_catalog.FUNCTIONS:
        assert not spec.param_names & {"user", "pass", "source", "function", "DB"}
        assert spec.gateway_params == () and not spec.stream
        assert not set(spec.fixed_params) & spec.param_names
        expected = {"stage": "REFRESH"} if spec.name == "server_refresh" else {}
        assert dict(spec.fixed_params) == expected


@pytest.mark.parametrize("spec", users_catalog.FUNCTIONS, ids=lambda s: s.name)
def test_no_template_gives_the_api_user_back(spec: Any) -> None:
    for template in spec.templates:
        values = {name: f"v{i}" for i, name in enumerate(template.fields)}
        for name in template.fields:
            if field_type(name, spec.field_types) == "int":
                values[name] = "7"
        values["user"] = "APIUSERX"
        reply = parse_reply(spec, template.render(values) + "\n", params={})
        assert "APIUSERX" not in repr(reply), template.text
        assert (reply.result, reply.message) == (template.result, template.message)


# --- the samples, replayed on the simulator ---------------------------------------------------

# Samples captured after other calls of the same session: those calls are replayed first.
BEFORE: dict[str, tuple[str, ...]] = {
    "update_user__ok": ("add_user__ok",),
    "add_phone_alias__ok": ("add_phone__ok",),
    "update_phone__ok": ("add_phone__ok",),
    "update_phone__err_bad_email": ("add_phone__ok",),
    "update_phone_alias__ok": ("add_phone__ok", "add_phone_alias__ok"),
    "delete_dnc_phone__ok_campaign": ("add_dnc_phone__ok_campaign",),
    "delete_fpg_phone__ok": ("add_fpg_phone__ok",),
    "add_group_alias__err_exists": ("add_group_alias__ok",),
}


@pytest.fixture
def sim_state() -> SimState:
    return SimState.seeded({API_USER: SIM_PASSWORD}, clock=ManualClock(float(SAMPLE_EPOCH)))


@pytest.fixture
async def sim_client(sim_state: SimState) -> AsyncIterator[SimClient]:
    running = await start_simulator("127.0.0.1", 0, state=sim_state)
    try:
        async with aiohttp.ClientSession() as session:
            yield SimClient(running, session)
    finally:
        await running.close()


def _sample(name: str) -> Sample:
    return load_sample(SAMPLES / f"{name}.txt")


@pytest.mark.parametrize("path", _sample_paths(), ids=lambda p: p.stem)
async def test_sample_replayed_on_the_simulator(sim_client: SimClient, path: Path) -> None:
    sample = load_sample(path)
    for name in BEFORE.get(sample.name, ()):
        before = await sim_client.request("GET", _sample(name).query(SIM_PASSWORD))
        assert before.body == _sample(name).body
    reply = await sim_client.request("GET", sample.query(SIM_PASSWORD))
    assert str(reply.status) == sample.meta["status"]
    assert reply.headers["Content-Type"] == sample.meta["content-type"]
    assert_same_shape(sample, reply.body)
    assert reply.body == sample.body  # every sample's data is seeded


# --- parser quirks ----------------------------------------------------------------------------


def _parse(function: str, text: str, **params: str) -> ParsedReply:
    return parse_reply(CATALOG[function], text, params=params)


@pytest.mark.parametrize(
    ("function", "line"),
    [
        (
            "update_user",
            "ERROR: update_user USER DOES NOT HAVE PERMISSION TO UPDATE THIS USER: |6666|6667|<|9",
        ),
        (
            "update_remote_agent",
            "ERROR: update_remote_agent USER DOES NOT HAVE PERMISSION TO UPDATE THIS REMOTE "
            "AGENT: |6666|1003|<=|8",
        ),
    ],
)
def test_permission_line_ending_with_two_newlines(function: str, line: str) -> None:
    reply = _parse(function, line + "\n\n")
    assert reply.result == "ERROR" and reply.error_type == "upstream_error"
    assert reply.data is not None and reply.data["op"] in ("<", "<=")
    assert reply == _parse(function, line + "\n")
    # Only that line may be followed by an empty line.
    with pytest.raises(ReplyShapeError):
        _parse(function, "ERROR: update_user NO UPDATES DEFINED: |6666|\n\n")


def test_rank_change_then_no_updates_defined_is_a_notice_result() -> None:
    text = (
        "NOTICE: update_user USER CAMPAIGN RANKS/GRADES HAVE BEEN UPDATED - 6666|1001|5|3\n"
        "NOTICE: update_user USER IN-GROUP RANKS/GRADES HAVE BEEN UPDATED - "
        "6666|1001|-2||SALESLINE|1\n"
        "ERROR: update_user NO UPDATES DEFINED: |6666|\n"
    )
    reply = _parse("update_user", text)
    assert reply.result == "NOTICE" and reply.error_type is None
    assert reply.message == "USER CAMPAIGN RANKS/GRADES HAVE BEEN UPDATED"
    assert reply.data == {"agent_user": "1001", "campaign_rank": 5, "campaign_grade": 3}
    assert _notices(reply) == [
        (
            "NOTICE",
            "USER IN-GROUP RANKS/GRADES HAVE BEEN UPDATED",
            {
                "agent_user": "1001",
                "ingroup_rank": -2,
                "ingroup_grade": None,
                "group_id": "SALESLINE",
                "ingrp_rg_only": "1",
            },
        ),
        ("ERROR", "NO UPDATES DEFINED", {}),
    ]


def test_no_updates_defined_without_a_change_stays_an_error() -> None:
    reply = _parse("update_user", "ERROR: update_user NO UPDATES DEFINED: |6666|\n")
    assert (reply.result, reply.error_type) == ("ERROR", "invalid_input")
    failed_reset = (
        "NOTICE: update_user USER PASSWORD RESET FAILED: NO VALID EMAIL PROVIDED - 6666|1001|\n"
        "ERROR: update_user NO UPDATES DEFINED: |6666|\n"
    )
    reply = _parse("update_user", failed_reset)
    assert (reply.result, reply.message, reply.error_type) == (
        "ERROR",
        "NO UPDATES DEFINED",
        "invalid_input",
    )
    assert _notices(reply) == [
        (
            "NOTICE",
            "USER PASSWORD RESET FAILED: NO VALID EMAIL PROVIDED",
            {"agent_user": "1001", "email": None},
        )
    ]


def test_remote_agent_already_in_that_status() -> None:
    text = (
        "NOTICE: update_remote_agent REMOTE AGENT IS ALREADY ACTIVE: |6666|1003\n"
        "ERROR: update_remote_agent NO UPDATES DEFINED: |6666|\n"
    )
    reply = _parse("update_remote_agent", text)
    assert (reply.result, reply.message) == ("NOTICE", "REMOTE AGENT IS ALREADY")
    assert reply.data == {"status": "ACTIVE", "agent_user": "1003"}
    assert _notices(reply) == [("ERROR", "NO UPDATES DEFINED", {})]


def test_password_reset_email_failure_message_may_hold_pipes() -> None:
    text = (
        "NOTICE: update_user USER PASSWORD RESET FAILED: EMAIL FAILURE - "
        "6666|1001|a@b.example|mail(): Failed | to connect\n"
        "ERROR: update_user NO UPDATES DEFINED: |6666|\n"
    )
    reply = _parse("update_user", text)
    assert reply.result == "ERROR"
    assert reply.notices[0].data == {
        "agent_user": "1001",
        "email": "a@b.example",
        "php_error_message": "mail(): Failed | to connect",
    }


@pytest.mark.parametrize(
    ("function", "text"),
    [
        (
            "update_phone",
            "NOTICE: update_phone USER DOES NOT HAVE PERMISSION TO DELETE PHONES: |6666|0",
        ),
        (
            "update_phone_alias",
            "NOTICE: update_phone_alias USER DOES NOT HAVE PERMISSION TO DELETE PHONE ALIASES: "
            "|6666|0",
        ),
    ],
)
def test_delete_permission_notice_is_an_error(function: str, text: str) -> None:
    reply = _parse(function, text + "\n")
    assert (reply.result, reply.error_type) == ("ERROR", "upstream_error")
    assert reply.data == {"allowed_user": "0"}


def test_update_phone_alias_no_updates_notice_is_invalid_input() -> None:
    reply = _parse("update_phone_alias", "NOTICE: update_phone_alias NO UPDATES DEFINED: |6666|\n")
    assert (reply.result, reply.message, reply.error_type) == (
        "ERROR",
        "NO UPDATES DEFINED",
        "invalid_input",
    )


def test_blind_monitor_errors() -> None:
    reply = _parse(
        "blind_monitor", "ERROR: blind_monitor INVALID SESSION ID - 8600099|127.0.0.1|6666\n"
    )
    assert reply.data == {"session_id": "8600099", "server_ip": "127.0.0.1"}
    assert reply.error_type == "not_found"
    reply = _parse(
        "blind_monitor",
        "ERROR: blind_monitor USER DOES NOT HAVE PERMISSION TO BLIND MONITOR: |6666|0|\n",
    )
    assert reply.error_type == "upstream_error"


# --- the simulator, directly ------------------------------------------------------------------


async def _sim(client: SimClient, function: str, **params: str) -> str:
    query = {"source": "test", "user": API_USER, "pass": SIM_PASSWORD, "function": function}
    reply = await client.request("GET", {**query, **params})
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    return reply.text


async def test_sim_permission_line_has_the_extra_newline(
    sim_client: SimClient, sim_state: SimState
) -> None:
    sim_state.add_api_user("6667", "other")
    sim_state.useradmin.user_details(sim_state.users[API_USER]).modify_same_user_level = False
    body = await _sim(sim_client, "update_user", agent_user="6667", agent_full_name="X")
    assert body == (
        "ERROR: update_user USER DOES NOT HAVE PERMISSION TO UPDATE THIS USER: |6666|6667|<|9\n\n"
    )
    sim_state.useradmin.remote_agents[0].user_start = "6667"
    body = await _sim(sim_client, "update_remote_agent", agent_user="6667", status="ACTIVE")
    assert body.endswith("|6666|6667|<|9\n\n")


async def test_sim_add_user_autogenerate_and_level_rules(
    sim_client: SimClient, sim_state: SimState
) -> None:
    sim_state.users["101"] = sim_state.users["1001"]  # 101 is taken: 101 + 7
    body = await _sim(
        sim_client, "add_user", agent_user="AUTOGENERATE", agent_pass="pw", agent_user_level="1",
        agent_full_name="Auto", agent_user_group="AGENTS",
    )  # fmt: skip
    assert body == "SUCCESS: add_user USER HAS BEEN ADDED - 6666|108|pw|1|Auto|AGENTS\n"
    assert sim_state.useradmin.auto_user_add_value == 108
    # A level-8 API user may create users below 8 only.
    sim_state.users[API_USER].user_level = 8
    body = await _sim(
        sim_client, "add_user", agent_user="1200", agent_pass="pw", agent_user_level="8",
        agent_full_name="Boss", agent_user_group="AGENTS",
    )  # fmt: skip
    assert body == (
        "ERROR: add_user USER DOES NOT HAVE PERMISSION TO ADD USERS IN THIS USER LEVEL: |6666|8|8\n"
    )


async def test_sim_add_user_with_password_hashing_echoes_no_password(
    sim_client: SimClient, sim_state: SimState
) -> None:
    sim_state.useradmin.pass_hash_enabled = True
    body = await _sim(
        sim_client, "add_user", agent_user="1201", agent_pass="secret12", agent_user_level="7",
        agent_full_name="Hashed", agent_user_group="ADMIN",
    )  # fmt: skip
    assert body == "SUCCESS: add_user USER HAS BEEN ADDED - 6666|1201||7|Hashed|ADMIN\n"
    assert sim_state.authenticate("1201", "secret12") == "GOOD"


async def test_sim_copy_user_of_a_missing_source(sim_client: SimClient) -> None:
    body = await _sim(
        sim_client, "copy_user", agent_user="1300", agent_pass="pw", agent_full_name="X",
        source_user="ghost",
    )  # fmt: skip
    assert body == "ERROR: copy_user USER GROUP DOES NOT EXIST: |6666|\n"


async def test_sim_update_user_ranks_reset_password_and_delete(
    sim_client: SimClient, sim_state: SimState
) -> None:
    body = await _sim(
        sim_client, "update_user", agent_user="1002", campaign_rank="5", campaign_grade="3",
        camp_rg_only="1", campaign_id="SALESOUT",
    )  # fmt: skip
    assert body == (
        "NOTICE: update_user USER CAMPAIGN RANKS/GRADES HAVE BEEN UPDATED - "
        "6666|1002|5|3|SALESOUT|1\n"
        "ERROR: update_user NO UPDATES DEFINED: |6666|\n"
    )
    ranks = sim_state.useradmin.campaign_agents
    assert (ranks[("1002", "SALESOUT")].rank, ranks[("1002", "SALESOUT")].grade) == ("5", "3")
    assert ranks[("1002", "TESTCAMP")].rank == "0"
    body = await _sim(sim_client, "update_user", agent_user="1002", reset_password="10")
    assert body.startswith("NOTICE: update_user USER PASSWORD RESET FAILED: NO VALID EMAIL")
    body = await _sim(
        sim_client, "update_user", agent_user="1002", reset_password="10",
        email="bob@example.invalid",
    )  # fmt: skip
    assert body == (
        "NOTICE: update_user USER PASSWORD HAS BEEN RESET - 6666|1002|bob@example.invalid\n"
        "SUCCESS: update_user USER HAS BEEN UPDATED - 6666|1002|\n"
    )
    (mail,) = sim_state.useradmin.mail
    temp = mail.message.rsplit(" ", 1)[-1]
    assert len(temp) == 10 and "O" not in temp and sim_state.users["1002"].password == temp
    body = await _sim(sim_client, "update_user", agent_user="1002", delete_user="Y")
    assert body == "SUCCESS: update_user USER HAS BEEN DELETED - 6666|1002|\n"
    assert "1002" not in sim_state.users


async def test_sim_blind_monitor_modes(sim_client: SimClient, sim_state: SimState) -> None:
    data = sim_state.useradmin
    data.servers["10.0.0.16"] = Server("10.0.0.16", "sim2", conf_engine="CONFBRIDGE")
    data.confbridges.add(("9600001", "10.0.0.16"))
    cases = [
        ("127.0.0.1", "8600051", "", "127*000*000*001*08600051", "LISTEN"),
        ("127.0.0.1", "8600051", "HIJACK", "127*000*000*001*8600051", "HIJACK"),
        ("127.0.0.1", "8600051", "WHISPER", "127*000*000*001*08600051", "LISTEN"),
        ("10.0.0.16", "9600001", "MONITOR", "010*000*000*016*49600001", "LISTEN"),
        ("10.0.0.16", "9600001", "BARGESWAP", "010*000*000*016*69600001", "BARGE"),
    ]
    for server_ip, session, stage, dialstring, monitor_type in cases:
        extra = {"stage": stage} if stage else {}
        body = await _sim(
            sim_client, "blind_monitor", phone_login="gs102", session_id=session,
            server_ip=server_ip, **extra,
        )  # fmt: skip
        man_id = data.originates[-1].man_id
        assert body == (
            f"SUCCESS: blind_monitor HAS BEEN LAUNCHED - "
            f"gs102|{dialstring}|102|{session}|{man_id}|6666\n"
        )
        assert data.originates[-1].monitor_type == monitor_type
    assert data.originates[-1].exten == "010*000*000*016*69600001"  # BARGESWAP swaps the legs
    data.agent_whisper_enabled = True
    body = await _sim(
        sim_client, "blind_monitor", phone_login="gs102", session_id="8600052",
        server_ip="127.0.0.1", stage="WHISPER",
    )  # fmt: skip
    assert "|127*000*000*001*473782188600052|" in body
    body = await _sim(
        sim_client, "blind_monitor", phone_login="gs102", session_id="8600099",
        server_ip="127.0.0.1",
    )  # fmt: skip
    assert body == "ERROR: blind_monitor INVALID SESSION ID - 8600099|127.0.0.1|6666\n"


async def test_sim_blind_monitor_for_queuemetrics_dials_the_login(sim_client: SimClient) -> None:
    query = {
        "source": "queuemetrics", "user": API_USER, "pass": SIM_PASSWORD,
        "function": "blind_monitor", "phone_login": "300", "session_id": "8600051",
        "server_ip": "127.0.0.1",
    }  # fmt: skip
    reply = await sim_client.request("GET", query)
    assert reply.text.startswith(
        "SUCCESS: blind_monitor HAS BEEN LAUNCHED - 300|127*000*000*001*08600051|300|8600051|"
    )


async def test_sim_update_phone_quirks(sim_client: SimClient, sim_state: SimState) -> None:
    phones = sim_state.useradmin.phones
    phones.append(
        Phone("103", "127.0.0.1", "103", "103", "gs103", "t", "SIP", "t", "P", "-5.00", "")
    )
    # Nothing to change still "updates"; a login taken on the same server is not noticed.
    assert await _sim(sim_client, "update_phone", extension="103", server_ip="127.0.0.1") == (
        "SUCCESS: update_phone PHONE HAS BEEN UPDATED - 6666|103|127.0.0.1|\n"
    )
    body = await _sim(
        sim_client, "update_phone", extension="103", server_ip="127.0.0.1", phone_login="gs102"
    )
    assert body.startswith("SUCCESS")
    body = await _sim(
        sim_client, "update_phone", extension="103", server_ip="127.0.0.1",
        phone_ring_timeout="500", outbound_alt_cid="ALT9999",
    )  # fmt: skip
    assert body == (
        "ERROR: update_phone PHONE RING TIMEOUT MUST BE FROM 2 TO 180 SECONDS, THIS IS AN "
        "OPTIONAL FIELD: |6666|ALT9999\n"
    )


async def test_sim_server_refresh_counts_changed_servers(
    sim_client: SimClient, sim_state: SimState
) -> None:
    sim_state.useradmin.servers["127.0.0.1"].rebuild_conf_files = "N"
    body = await _sim(sim_client, "server_refresh", stage="FORCEREFRESH")
    assert body == "SUCCESS: server_refresh SERVER REFRESH HAS BEEN TRIGGERED - 6666|1\n"
    body = await _sim(sim_client, "server_refresh", stage="refresh", alias_id="A1")
    assert body == "ERROR: server_refresh YOU MUST USE ALL REQUIRED FIELDS: |6666|A1||\n"


# --- through the gateway ----------------------------------------------------------------------


async def _call(gateway: Gateway, function: str, body: Mapping[str, Any]) -> tuple[int, Any]:
    status, payload, _ = await gateway.call(function, dict(body))
    # (The random request id could hold "6666" by chance: it is no VICIdial data.)
    text = json.dumps({k: v for k, v in payload.items() if k != "request_id"})
    # The gateway's own VICIdial login and password never reach a caller.
    assert API_USER not in text and API_PASS not in text, text
    return status, payload


async def _ok(gateway: Gateway, function: str, body: Mapping[str, Any]) -> dict[str, Any]:
    status, payload = await _call(gateway, function, body)
    assert status == 200, payload
    assert payload["ok"] is True and payload["function"] == function
    result: dict[str, Any] = payload
    return result


async def _fails(
    gateway: Gateway, function: str, body: Mapping[str, Any], status: int, error_type: str
) -> dict[str, Any]:
    got, payload = await _call(gateway, function, body)
    assert (got, payload["error"]["type"]) == (status, error_type), payload
    error: dict[str, Any] = payload["error"]
    return error


def _state(gateway: Gateway) -> SimState:
    return gateway.sim.state


async def test_add_user_then_log_in_as_it(gateway: Gateway) -> None:
    body = {
        "agent_user": "7101", "agent_pass": "Pass_7101", "agent_user_level": 7,
        "agent_full_name": "Api Manager", "agent_user_group": "ADMIN",
        "email": "mgr@example.invalid", "in_groups": ["SALESLINE", "SUPPORT"],
    }  # fmt: skip
    reply = await _ok(gateway, "add_user", body)
    assert (reply["result"], reply["message"]) == ("SUCCESS", "USER HAS BEEN ADDED")
    assert reply["data"] == {
        "agent_user": "7101", "agent_pass": "Pass_7101", "agent_user_level": 7,
        "agent_full_name": "Api Manager", "agent_user_group": "ADMIN",
    }  # fmt: skip
    state = _state(gateway)
    assert state.authenticate("7101", "Pass_7101") == "GOOD"
    row = state.useradmin.details["7101"]
    assert (row.email, row.closer_campaigns) == ("mgr@example.invalid", " SALESLINE SUPPORT -")
    error = await _fails(gateway, "add_user", body, 409, "conflict")
    assert error["details"] == {"agent_user": "7101"}
    error = await _fails(
        gateway, "add_user", {**body, "agent_user": "7102", "agent_user_group": "NOGROUP"},
        404, "not_found",
    )  # fmt: skip
    assert error["details"] == {"agent_user_group": "NOGROUP"}


async def test_add_user_refused_by_the_gateway_before_vicidial(gateway: Gateway) -> None:
    base = {
        "agent_user": "7103", "agent_pass": "pw_7103", "agent_user_level": 1,
        "agent_full_name": "X", "agent_user_group": "AGENTS",
    }  # fmt: skip
    hits = _state(gateway).hits("add_user")
    for change in (
        {"agent_user_level": 10},  # not a level
        {"agent_pass": "p@ss!"},  # VICIdial would delete "@" and "!"
        {"agent_full_name": "Ann|Lee"},  # a pipe would split the reply
    ):
        await _fails(gateway, "add_user", {**base, **change}, 400, "bad_request")
    assert _state(gateway).hits("add_user") == hits


async def test_copy_user_copies_permissions(gateway: Gateway) -> None:
    state = _state(gateway)
    state.users["1001"].api_allowed_functions = " agent_status "
    body = {"agent_user": "1106", "agent_pass": "pass1106", "agent_full_name": "Copied Agent",
            "source_user": "1001"}  # fmt: skip
    reply = await _ok(gateway, "copy_user", body)
    assert reply["data"] == body
    copy = state.users["1106"]
    assert (copy.user_group, copy.user_level, copy.api_allowed_functions) == (
        "AGENTS", 1, " agent_status ",
    )  # fmt: skip
    assert state.useradmin.campaign_agents[("1106", "TESTCAMP")].grade == "1"
    await _fails(gateway, "copy_user", body, 409, "conflict")
    error = await _fails(
        gateway, "copy_user", {**body, "agent_user": "1107", "source_user": "ghost"},
        404, "not_found",
    )  # fmt: skip
    assert error["details"] == {"source_user_group": None}


async def test_update_user_changes_password_and_unlocks(gateway: Gateway) -> None:
    state = _state(gateway)
    manager = state.add_api_user("7001", "old_pass", user_level=7)
    manager.failed_login_count, manager.last_login_date = 10, state.now()
    assert state.authenticate("7001", "old_pass") == "LOCK"
    reply = await _ok(
        gateway, "update_user", {"agent_user": "7001", "agent_pass": "New_Pass7", "active": True}
    )
    assert (reply["message"], reply["data"]) == ("USER HAS BEEN UPDATED", {"agent_user": "7001"})
    assert manager.failed_login_count == 0
    assert state.authenticate("7001", "New_Pass7") == "GOOD"


async def test_update_user_errors(gateway: Gateway) -> None:
    error = await _fails(gateway, "update_user", {"agent_user": "ghost"}, 404, "not_found")
    assert error["details"] == {"server_ip": None}
    error = await _fails(
        gateway, "update_user", {"agent_user": "1002", "agent_user_group": "NOGROUP"},
        422, "invalid_input",
    )  # fmt: skip
    assert error["message"] == "YOU MUST USE A VALID USER GROUP, THIS IS AN OPTIONAL FIELD"
    assert error["details"] == {"agent_user_group": "NOGROUP", "valid_user_group": 0}
    await _fails(gateway, "update_user", {"agent_user": "1002"}, 422, "invalid_input")
    # A same-level user without modify_same_user_level: VICIdial's two-LF error line.
    state = _state(gateway)
    state.useradmin.user_details(state.users[API_USER]).modify_same_user_level = False
    error = await _fails(
        gateway, "update_user", {"agent_user": "6667", "agent_full_name": "X"},
        502, "upstream_error",
    )  # fmt: skip
    assert "PERMISSION TO UPDATE THIS USER" in error["message"]
    assert error["details"] == {}


async def test_update_user_ranks_only_is_not_an_error(gateway: Gateway) -> None:
    reply = await _ok(
        gateway, "update_user", {"agent_user": "1001", "ingroup_rank": -3, "ingroup_grade": 7}
    )
    assert (reply["result"], reply["message"]) == (
        "NOTICE", "USER IN-GROUP RANKS/GRADES HAVE BEEN UPDATED",
    )  # fmt: skip
    assert reply["data"] == {"agent_user": "1001", "ingroup_rank": -3, "ingroup_grade": 7}
    assert reply["notices"] == [{"result": "ERROR", "message": "NO UPDATES DEFINED", "data": {}}]
    rank = _state(gateway).useradmin.ingroup_agents[("1001", "SUPPORT")]
    assert (rank.rank, rank.weight, rank.grade) == ("-3", "-3", "7")


async def test_update_user_resets_a_password_by_email(gateway: Gateway) -> None:
    state = _state(gateway)
    state.useradmin.details["1003"].email = "carol@example.invalid"
    reply = await _ok(gateway, "update_user", {"agent_user": "1003", "reset_password": 12})
    assert (reply["result"], reply["message"], reply["data"]) == (
        "NOTICE", "USER PASSWORD HAS BEEN RESET",
        {"agent_user": "1003", "email": "carol@example.invalid"},
    )  # fmt: skip
    assert reply["notices"] == [{"result": "ERROR", "message": "NO UPDATES DEFINED", "data": {}}]
    (mail,) = state.useradmin.mail
    temp = state.users["1003"].password
    assert len(temp) == 12 and mail.message.endswith(temp) and temp not in json.dumps(reply)
    assert state.useradmin.details["1003"].force_change_password == "Y"


async def test_update_user_deletes(gateway: Gateway) -> None:
    reply = await _ok(gateway, "update_user", {"agent_user": "1004", "delete_user": True})
    assert (reply["message"], reply["data"]) == ("USER HAS BEEN DELETED", {"agent_user": "1004"})
    assert "1004" not in _state(gateway).users
    await _fails(
        gateway, "update_user", {"agent_user": "1004", "delete_user": True}, 404, "not_found"
    )


async def test_update_remote_agent(gateway: Gateway) -> None:
    remote = _state(gateway).useradmin.remote_agents[0]
    body = {"agent_user": "1003", "status": "ACTIVE", "number_of_lines": 3}
    reply = await _ok(gateway, "update_remote_agent", body)
    assert (reply["message"], reply["data"]) == (
        "REMOTE AGENT HAS BEEN UPDATED", {"agent_user": "1003"},
    )  # fmt: skip
    assert (remote.status, remote.number_of_lines) == ("ACTIVE", "3")
    # The same status again: the state asked for holds, so it is no error.
    reply = await _ok(gateway, "update_remote_agent", {"agent_user": "1003", "status": "ACTIVE"})
    assert (reply["result"], reply["message"], reply["data"]) == (
        "NOTICE", "REMOTE AGENT IS ALREADY", {"status": "ACTIVE", "agent_user": "1003"},
    )  # fmt: skip
    assert reply["notices"] == [{"result": "ERROR", "message": "NO UPDATES DEFINED", "data": {}}]
    await _fails(
        gateway, "update_remote_agent", {"agent_user": "1001", "status": "ACTIVE"},
        404, "not_found",
    )  # fmt: skip
    error = await _fails(
        gateway, "update_remote_agent", {"agent_user": "1003", "campaign_id": "NOPE"},
        422, "invalid_input",
    )  # fmt: skip
    assert error["details"] == {"campaign_id": "NOPE", "valid_campaign": 0}


async def test_add_group_alias(gateway: Gateway) -> None:
    body = {
        "caller_id_number": "3125550100", "group_alias_id": "SALESCID",
        "group_alias_name": "Sales CID", "caller_id_name": "ACME SALES",
    }  # fmt: skip
    reply = await _ok(gateway, "add_group_alias", body)
    assert reply["data"] == {
        "group_alias_id": "SALESCID", "group_alias_name": "Sales CID",
        "caller_id_number": "3125550100",
    }  # fmt: skip
    alias = _state(gateway).useradmin.group_aliases["SALESCID"]
    assert (alias.caller_id_name, alias.active, alias.user_group) == (
        "ACME SALES",
        "Y",
        "---ALL---",
    )
    await _fails(gateway, "add_group_alias", body, 409, "conflict")
    # Without an id or name VICIdial uses the number for both.
    reply = await _ok(gateway, "add_group_alias", {"caller_id_number": "3125550111"})
    assert reply["data"]["group_alias_id"] == reply["data"]["group_alias_name"] == "3125550111"
    await _fails(gateway, "add_group_alias", {"caller_id_number": "12345"}, 422, "invalid_input")


_PHONE = {
    "extension": "1101", "dialplan_number": "1101", "voicemail_id": "1101",
    "phone_login": "1101phone", "phone_pass": "test", "server_ip": "127.0.0.1",
    "protocol": "SIP", "registration_password": "regpass1101",
    "phone_full_name": "Api Phone 1101", "local_gmt": "-5.00", "outbound_cid": "3125550100",
}  # fmt: skip


async def test_add_phone(gateway: Gateway) -> None:
    reply = await _ok(gateway, "add_phone", {**_PHONE, "is_webphone": "Y_API_LAUNCH"})
    assert reply["data"] == {
        "extension": "1101", "server_ip": "127.0.0.1", "protocol": "SIP",
        "dialplan_number": "1101",
    }  # fmt: skip
    phone = _state(gateway).useradmin.phone("1101", "127.0.0.1")
    assert phone is not None and (phone.login, phone.is_webphone) == ("1101phone", "Y_API_LAUNCH")
    error = await _fails(gateway, "add_phone", _PHONE, 409, "conflict")
    assert error["details"] == {"server_ip": "127.0.0.1", "extension": "1101"}
    error = await _fails(gateway, "add_phone", {**_PHONE, "extension": "1102"}, 409, "conflict")
    assert error["message"] == "PHONE LOGIN ALREADY EXISTS"
    await _fails(gateway, "add_phone", {**_PHONE, "server_ip": "10.9.9.9"}, 404, "not_found")
    await _fails(gateway, "add_phone", {**_PHONE, "protocol": "SKYPE"}, 400, "bad_request")
    await _fails(gateway, "add_phone", {**_PHONE, "local_gmt": "-5.5"}, 400, "bad_request")


async def test_update_phone(gateway: Gateway) -> None:
    await _ok(gateway, "add_phone", _PHONE)
    body = {"extension": "1101", "server_ip": "127.0.0.1", "phone_full_name": "Renamed",
            "outbound_cid": "3125550101", "active": False}  # fmt: skip
    reply = await _ok(gateway, "update_phone", body)
    assert (reply["message"], reply["data"]) == (
        "PHONE HAS BEEN UPDATED", {"extension": "1101", "server_ip": "127.0.0.1"},
    )  # fmt: skip
    phone = _state(gateway).useradmin.phone("1101", "127.0.0.1")
    assert phone is not None
    assert (phone.fullname, phone.outbound_cid, phone.active) == ("Renamed", "3125550101", "N")
    error = await _fails(
        gateway, "update_phone", {"extension": "1101", "server_ip": "127.0.0.1", "email": "a@b"},
        422, "invalid_input",
    )  # fmt: skip
    assert error["details"] == {"email": "a@b"}
    await _fails(
        gateway, "update_phone", {"extension": "9999", "server_ip": "127.0.0.1"}, 404, "not_found"
    )
    # Deleting needs ast_delete_phones: VICIdial says so in a NOTICE and stops.
    flags = _state(gateway).useradmin.user_details(_state(gateway).users[API_USER])
    flags.ast_delete_phones = False
    delete = {"extension": "1101", "server_ip": "127.0.0.1", "delete_phone": True}
    await _fails(gateway, "update_phone", delete, 502, "upstream_error")
    flags.ast_delete_phones = True
    reply = await _ok(gateway, "update_phone", delete)
    assert reply["message"] == "PHONE HAS BEEN DELETED"
    assert _state(gateway).useradmin.phone("1101", "127.0.0.1") is None


async def test_phone_aliases(gateway: Gateway) -> None:
    body = {"alias_id": "ALIAS2", "alias_name": "Api alias", "phone_logins": ["gs102"]}
    reply = await _ok(gateway, "add_phone_alias", body)
    assert reply["data"] == {
        "alias_id": "ALIAS2",
        "alias_name": "Api alias",
        "phone_logins": "gs102",
    }
    await _fails(gateway, "add_phone_alias", body, 409, "conflict")
    error = await _fails(
        gateway, "add_phone_alias", {**body, "alias_id": "ALIAS3", "phone_logins": "gs102,nope"},
        404, "not_found",
    )  # fmt: skip
    assert error["details"] == {"phone_login_checked": "nope"}
    reply = await _ok(gateway, "update_phone_alias", {"alias_id": "ALIAS2", "alias_name": "Desk 2"})
    assert (reply["message"], reply["data"]) == (
        "PHONE ALIAS HAS BEEN UPDATED",
        {"alias_id": "ALIAS2"},
    )
    assert _state(gateway).useradmin.phone_aliases["ALIAS2"].alias_name == "Desk 2"
    # The alias is a valid phone_login for update_user.
    await _ok(gateway, "update_user", {"agent_user": "1001", "phone_login": "ALIAS2"})
    assert _state(gateway).useradmin.details["1001"].phone_login == "ALIAS2"
    await _fails(
        gateway, "update_phone_alias", {"alias_id": "ALIAS2", "delete_alias": False},
        422, "invalid_input",
    )  # fmt: skip
    await _fails(
        gateway, "update_phone_alias", {"alias_id": "NOPE", "alias_name": "x y"}, 404, "not_found"
    )
    reply = await _ok(gateway, "update_phone_alias", {"alias_id": "ALIAS2", "delete_alias": True})
    assert (reply["message"], reply["data"]) == (
        "PHONE ALIAS HAS BEEN DELETED",
        {"alias_id": "ALIAS2"},
    )
    assert "ALIAS2" not in _state(gateway).useradmin.phone_aliases


async def test_server_refresh(gateway: Gateway) -> None:
    state = _state(gateway)
    state.useradmin.servers["127.0.0.1"].rebuild_conf_files = "N"
    reply = await _ok(gateway, "server_refresh", {})  # the gateway sends stage=REFRESH
    assert (reply["message"], reply["data"]) == (
        "SERVER REFRESH HAS BEEN TRIGGERED", {"affected_rows": 1},
    )  # fmt: skip
    assert state.useradmin.servers["127.0.0.1"].rebuild_conf_files == "Y"
    reply = await _ok(gateway, "server_refresh", {})
    assert reply["data"] == {"affected_rows": 0}
    error = await _fails(gateway, "server_refresh", {"stage": "REFRESH"}, 400, "bad_request")
    assert error["details"] == {"parameter": "stage"}
    state.useradmin.user_details(state.users[API_USER]).ast_admin_access = False
    error = await _fails(gateway, "server_refresh", {}, 502, "upstream_error")
    assert error["details"] == {}


async def test_blind_monitor(gateway: Gateway) -> None:
    body = {"phone_login": "gs102", "session_id": "8600051", "server_ip": "127.0.0.1"}
    reply = await _ok(gateway, "blind_monitor", {**body, "stage": "BARGE"})
    assert (reply["message"], reply["data"]) == (
        "HAS BEEN LAUNCHED",
        {"phone_login": "gs102", "dialstring": "127*000*000*001*8600051",
         "dialplan_number": "102", "session_id": "8600051", "manager_id": "2"},
    )  # fmt: skip
    (originate,) = _state(gateway).useradmin.originates
    assert (originate.monitor_type, originate.agent_user) == ("BARGE", "1001")
    error = await _fails(
        gateway, "blind_monitor", {**body, "session_id": "8600099"}, 404, "not_found"
    )
    assert error["details"] == {"session_id": "8600099", "server_ip": "127.0.0.1"}
    await _fails(gateway, "blind_monitor", {**body, "phone_login": "nope"}, 404, "not_found")
    await _fails(gateway, "blind_monitor", {**body, "stage": "barge"}, 400, "bad_request")


async def test_dnc_numbers_block_add_lead(gateway: Gateway) -> None:
    lead = {"phone_number": "3125550178", "list_id": "101", "dnc_check": "Y"}
    dnc = {"phone_number": "3125550178", "campaign_id": "SYSTEM_INTERNAL"}
    reply = await _ok(gateway, "add_dnc_phone", dnc)
    assert (reply["message"], reply["data"]) == ("DNC NUMBER HAS BEEN ADDED", dnc)
    assert "3125550178" in _state(gateway).dnc
    error = await _fails(gateway, "add_lead", lead, 422, "invalid_input")
    assert error["message"] == "PHONE NUMBER IN DNC"
    await _fails(gateway, "add_dnc_phone", dnc, 409, "conflict")
    reply = await _ok(gateway, "delete_dnc_phone", dnc)
    assert (reply["message"], reply["data"]) == ("DNC NUMBER HAS BEEN DELETED", dnc)
    await _ok(gateway, "add_lead", lead)
    error = await _fails(gateway, "delete_dnc_phone", dnc, 404, "not_found")
    assert error["details"] == dnc


async def test_campaign_dnc_numbers_block_add_lead(gateway: Gateway) -> None:
    dnc = {"phone_number": "3125550177", "campaign_id": "TESTCAMP"}
    await _ok(gateway, "add_dnc_phone", dnc)
    assert "3125550177" in _state(gateway).campaign_dnc["TESTCAMP"]
    lead = {"phone_number": "3125550177", "list_id": "101", "campaign_dnc_check": "Y",
            "campaign_id": "TESTCAMP"}  # fmt: skip
    error = await _fails(gateway, "add_lead", lead, 422, "invalid_input")
    assert error["message"] == "PHONE NUMBER IN CAMPAIGN DNC"
    await _ok(gateway, "delete_dnc_phone", dnc)
    await _ok(gateway, "add_lead", lead)
    await _fails(gateway, "add_dnc_phone", {"phone_number": "31255", "campaign_id": "X"}, 422,
                 "invalid_input")  # fmt: skip


async def test_dnc_delete_needs_its_permission(gateway: Gateway) -> None:
    state = _state(gateway)
    state.useradmin.user_details(state.users[API_USER]).delete_from_dnc = False
    body = {"phone_number": "3125550199", "campaign_id": "SYSTEM_INTERNAL"}
    await _fails(gateway, "delete_dnc_phone", body, 502, "upstream_error")
    assert "3125550199" in state.dnc


async def test_filter_phone_group_numbers(gateway: Gateway) -> None:
    body = {"phone_number": "3125550176", "group": "BLOCKED"}
    reply = await _ok(gateway, "add_fpg_phone", body)
    assert (reply["message"], reply["data"]) == ("FILTER PHONE GROUP NUMBER HAS BEEN ADDED", body)
    assert "3125550176" in _state(gateway).useradmin.filter_phone_groups["BLOCKED"]
    await _fails(gateway, "add_fpg_phone", body, 409, "conflict")
    error = await _fails(gateway, "add_fpg_phone", {**body, "group": "NOPE"}, 404, "not_found")
    assert error["details"] == {"group": "NOPE"}
    reply = await _ok(gateway, "delete_fpg_phone", body)
    assert (reply["message"], reply["data"]) == ("FILTER PHONE GROUP NUMBER HAS BEEN DELETED", body)
    error = await _fails(gateway, "delete_fpg_phone", body, 404, "not_found")
    assert error["message"] == "FILTER PHONE GROUP NUMBER DOES NOT EXIST"
    await _fails(gateway, "add_fpg_phone", {**body, "group": "A|B"}, 400, "bad_request")


async def test_permission_errors_hide_vicidial_details(gateway: Gateway) -> None:
    state = _state(gateway)
    flags = state.useradmin.user_details(state.users[API_USER])
    flags.modify_users = False
    error = await _fails(
        gateway, "add_user",
        {"agent_user": "7200", "agent_pass": "pw", "agent_user_level": 1,
         "agent_full_name": "X", "agent_user_group": "AGENTS"},
        502, "upstream_error",
    )  # fmt: skip
    assert error["message"].startswith("VICIdial refused the gateway's account: ")
    assert error["details"] == {}
    state.users[API_USER].modify_lists = False
    await _fails(gateway, "add_fpg_phone", {"phone_number": "3125550100", "group": "BLOCKED"},
                 502, "upstream_error")  # fmt: skip
