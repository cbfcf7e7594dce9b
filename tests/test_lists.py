"""The lists area: update_list, list_custom_fields, add_list, update_campaign, update_alt_url,
update_presets, add_did, copy_did, update_did, update_cid_group_entry, hopper_list,
agent_campaigns.

Three layers, each against the real replies in ``tests/data/samples``: the catalog parses every
sample field by field; the simulator answers every sample's request with the same shape (and here
byte for byte, once the state holds what the sample's server held); and every function works
through the real gateway, with its effects visible through another function or the simulator's
state, and the gateway's VICIdial login never shown.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from gateway.catalog import CATALOG
from gateway.catalog import lists as lists_catalog
from gateway.catalog.parser import ParsedReply, ReplyShapeError, parse_reply
from gateway.config_load import parse_config
from gateway.policy import DEFAULT_CHARSETS
from gateway.sim import ManualClock, RunningSim, SimState, start_simulator
from gateway.sim.data_lists import Did, Permissions, Preset
from gateway.sim.model import HopperEntry, SimList, SimUser
from gateway.sim.params import FILTERS

from .conftest import API_PASS, API_USER, Gateway, config_dict, start_gateway, without_request_ids
from .samples import Sample, assert_same_shape, load_sample, read_sample, sample_paths
from .test_sim import SAMPLE_EPOCH, SimClient

FUNCTIONS = tuple(spec.name for spec in lists_catalog.FUNCTIONS)
SIM_PASSWORD = "simpass1"
_OPTIONAL = ", THIS IS AN OPTIONAL FIELD"


def _sample_paths() -> list[Path]:
    return sample_paths(FUNCTIONS)


def _parse(function: str, text: str, /, **params: str) -> ParsedReply:
    return parse_reply(CATALOG[function], text, params=params)


# --- the samples, parsed ------------------------------------------------------------------------

# sample -> (result, message, data, notices, error_type)
Expected = tuple[str, str | None, Any, list[tuple[str, str, dict[str, Any]]], str | None]


def _hopper_row(order: int, priority: int, lead_id: str, phone: str, state: str, gmt: float,
                source: str) -> dict[str, Any]:  # fmt: skip
    return {
        "hopper_order": order, "priority": priority, "lead_id": lead_id, "list_id": "101",
        "phone_number": phone, "phone_code": "1", "state": state, "status": "NEW", "count": 0,
        "gmt_offset": gmt, "rank": 0, "alt": "NONE", "hopper_source": source,
        "vendor_lead_code": f"VL{lead_id}", "source_id": "WEB", "age_days": 909,
        "last_call_time": "NEVER",
    }  # fmt: skip


HOPPER_ROWS = [
    _hopper_row(0, 5, "5020", "3125550001", "IL", -5.0, "A"),
    _hopper_row(1, 0, "5003", "7275550003", "FL", -4.0, "S"),
    _hopper_row(2, 0, "5006", "4155550006", "CA", -7.0, "S"),
]
AGENT_1001 = {
    "user": "1001",
    "allowed_campaigns_list": ["SALESOUT", "TESTCAMP"],
    "allowed_ingroups_list": ["SALESLINE", "SUPPORT"],
}
LIST_1001 = {
    "list_id": "1001",
    "list_name": "Sales leads June",
    "campaign_id": "SALESOUT",
    "active": "Y",
    "list_changedate": "2024-06-01 09:20:00",
    "list_lastcalldate": "2024-06-03 15:00:00",
    "custom_fields_list_space_delimited": ["favorite_color", "account_number", "api_note"],
}
ALT_URL_1 = {
    "url_id": "1",
    "campaign_id": "TESTCAMP",
    "entry_type": "campaign",
    "active": "Y",
    "url_type": "dispo",
    "url_rank": 1,
    "url_statuses": "SALE APPT",
    "url_description": "CRM sale push",
    "url_lists": None,
    "url_call_length": 0,
    "url_address": "http://127.0.0.1/crm/sale.php?lead_id=--A--lead_id--B--",
}
PRESETS = [
    {"preset_name": "BILLING", "campaign_id": "TESTCAMP", "preset_number": "3125550161",
     "preset_hide_number": "Y", "preset_dtmf": "12"},
    {"preset_name": "SUPERVISOR", "campaign_id": "TESTCAMP", "preset_number": "3125550160",
     "preset_hide_number": "N", "preset_dtmf": None},
]  # fmt: skip

EXPECTED: dict[str, Expected] = {
    "add_did__err_bad_group": (
        "ERROR", f"GROUP ID MUST BE A VALID INBOUND GROUP IN THE SYSTEM{_OPTIONAL}",
        {"group": "NOPE"}, [], "invalid_input",
    ),
    "add_did__ok": ("SUCCESS", "DID HAS BEEN ADDED", {"did_pattern": "3125551001"}, [], None),
    "add_list__err_bad_script": (
        "ERROR", f"SCRIPT DOES NOT EXIST{_OPTIONAL}", {"script": "NOSCRIPT"}, [], "invalid_input",
    ),
    "add_list__ok": (
        "SUCCESS", "LIST HAS BEEN ADDED",
        {"list_id": "1003", "list_name": "API test list", "campaign_id": "TESTCAMP"}, [], None,
    ),
    "agent_campaigns__err_missing_agent_user": (
        "ERROR", "AGENT USER DOES NOT EXIST", {"agent_user": None}, [], "not_found",
    ),
    "agent_campaigns__header_yes": ("SUCCESS", None, AGENT_1001, [], None),
    "agent_campaigns__ok": ("SUCCESS", None, AGENT_1001, [], None),
    "copy_did__err_all_exist": (
        "ERROR", "NO DIDS ADDED",
        {"source_did_pattern": "3125551000", "inserted_count": 0, "insert_error_count": 1},
        [("NOTICE", "DID ALREADY EXISTS", {"new_did": "3125551002"})], "conflict",
    ),
    "copy_did__ok": (
        "SUCCESS", "DIDS HAVE BEEN ADDED",
        {"source_did_pattern": "3125551000", "inserted_count": 2, "insert_error_count": 0},
        [
            ("NOTICE", "DID HAS BEEN ADDED", {"new_did": "3125551002",
             "source_did_pattern": "3125551000", "new_did_id": "7", "insert_count": 1}),
            ("NOTICE", "DID HAS BEEN ADDED", {"new_did": "3125551003",
             "source_did_pattern": "3125551000", "new_did_id": "8", "insert_count": 1}),
        ],
        None,
    ),
    "hopper_list__err_campaign_not_found": (
        "ERROR", "THIS CAMPAIGN DOES NOT EXIST", {"campaign_id": "NOPE"}, [], "not_found",
    ),
    "hopper_list__header_yes": ("SUCCESS", None, HOPPER_ROWS, [], None),
    "hopper_list__ok": ("SUCCESS", None, HOPPER_ROWS, [], None),
    "list_custom_fields__err_missing_fields": (
        "ERROR", "YOU MUST USE ALL REQUIRED FIELDS",
        {"list_id": None, "list_name": None, "campaign_id": None}, [], "invalid_input",
    ),
    "list_custom_fields__header_yes": ("SUCCESS", None, [LIST_1001], [], None),
    "list_custom_fields__ok": ("SUCCESS", None, [LIST_1001], [], None),
    "update_alt_url__err_bad_active": (
        "ERROR", f"ACTIVE MUST BE Y OR N{_OPTIONAL}", {"active": "U"}, [], "invalid_input",
    ),
    "update_alt_url__header_yes": ("SUCCESS", None, [ALT_URL_1], [], None),
    "update_alt_url__ok_list": ("SUCCESS", None, [ALT_URL_1], [], None),
    "update_campaign__err_bad_dial_method": (
        "ERROR", f"DIAL METHOD IS NOT VALID{_OPTIONAL}", {"dial_method": "TURBO"}, [],
        "invalid_input",
    ),
    "update_campaign__ok": (
        "SUCCESS", "CAMPAIGN HAS BEEN UPDATED", {"campaign_id": "SALESOUT"}, [], None,
    ),
    "update_cid_group_entry__err_exists": (
        "ERROR", "THIS CID GROUP ENTRY ALREADY EXISTS",
        {"cid_group_id": "CIDGRP1", "areacode": "727", "outbound_cid": "7275550101"}, [],
        "conflict",
    ),
    "update_cid_group_entry__ok_add": (
        "SUCCESS", "CID GROUP ENTRY HAS BEEN ADDED",
        {"cid_group_id": "CIDGRP1", "areacode": "212", "outbound_cid": "2125550101",
         "insert_count": 1}, [], None,
    ),
    "update_did__err_bad_menu": (
        "ERROR", f"MENU ID MUST BE A VALID CALL MENU IN THE SYSTEM{_OPTIONAL}",
        {"menu_id": "NOMENU"}, [], "invalid_input",
    ),
    "update_did__ok": ("SUCCESS", "DID HAS BEEN UPDATED", {"did_pattern": "3125551001"}, [], None),
    "update_list__err_campaign_not_exist": (
        "ERROR", f"CAMPAIGN DOES NOT EXIST{_OPTIONAL}", {"campaign_id": "NOPE"}, [],
        "invalid_input",
    ),
    "update_list__ok": ("SUCCESS", "LIST HAS BEEN UPDATED", {"list_id": "1003"}, [], None),
    "update_presets__err_campaign_not_exist": (
        "ERROR", "CAMPAIGN DOES NOT EXIST", {"campaign_id": "NOPE"}, [], "not_found",
    ),
    "update_presets__header_yes": ("SUCCESS", None, PRESETS, [], None),
    "update_presets__ok_delete": (
        "SUCCESS", "PRESET HAS BEEN DELETED",
        {"preset_name": "SALES DESK", "campaign_id": "TESTCAMP"}, [], None,
    ),
}  # fmt: skip


def test_the_table_covers_every_sample_of_the_area() -> None:
    assert {p.stem for p in _sample_paths()} == set(EXPECTED)
    assert {stem.split("__", 1)[0] for stem in EXPECTED} == set(FUNCTIONS)


@pytest.mark.parametrize("path", _sample_paths(), ids=lambda p: p.stem)
def test_sample_parsed(path: Path) -> None:
    params, body = read_sample(path)
    reply = parse_reply(CATALOG[path.stem.split("__", 1)[0]], body, params=params)
    result, message, data, notices, error_type = EXPECTED[path.stem]
    assert reply.result == result
    assert reply.message == message
    assert reply.data == data
    assert [(n.result, n.message, n.data) for n in reply.notices] == notices
    assert reply.error_type == error_type
    assert not reply.login_failure and not reply.generic
    assert API_USER not in repr(reply)


@pytest.mark.parametrize("path", _sample_paths(), ids=lambda p: p.stem)
def test_sample_parsed_with_and_without_final_newline(path: Path) -> None:
    params, body = read_sample(path)
    function = path.stem.split("__", 1)[0]
    with_lf = body if body.endswith("\n") else body + "\n"
    assert _parse(function, with_lf, **params) == _parse(function, with_lf[:-1], **params)


# VICIdial keeps "-" in these only for the exact value ---ALL---; no character set can say so.
_WHOLE_VALUE_RULES = {
    ("update_cid_group_entry", "areacode"),
    ("update_cid_group_entry", "outbound_cid"),
}


@pytest.mark.parametrize("spec", lists_catalog.FUNCTIONS, ids=lambda s: s.name)
def test_the_gateway_passes_only_what_vicidial_keeps(spec: Any) -> None:
    """Every value the gateway lets through reaches VICIdial's code unchanged by its filter."""
    for param in spec.params:
        if (spec.name, param.name) in _WHOLE_VALUE_RULES:
            continue
        keep = FILTERS[param.name]
        if param.choices is not None:
            assert all(keep(choice) == choice for choice in param.choices), param.name
            continue
        charset = re.compile(f"[{param.charset or DEFAULT_CHARSETS[param.kind]}]")
        passed = [chr(c) for c in range(32, 127) if charset.fullmatch(chr(c))]
        assert passed and all(keep(ch) == ch for ch in passed), (param.name, passed)


@pytest.mark.parametrize("spec", lists_catalog.FUNCTIONS, ids=lambda s: s.name)
def test_no_template_gives_the_api_user_back(spec: Any) -> None:
    for template in spec.templates:
        values = {name: "42" for name in template.fields} | {"user": "APIUSERX"}
        reply = parse_reply(spec, template.render(values) + "\n", params={})
        assert "APIUSERX" not in repr(reply), template.text
        assert (reply.result, reply.message) == (template.result, template.message)


# --- reply shapes beyond the samples ------------------------------------------------------------

_SENDING = "NOTICE: update_list LIST DOES NOT EXIST, SENDING TO add_list FUNCTION: |6666|1005\n"


def test_update_list_insert_if_not_found_reads_add_lists_reply() -> None:
    added = "SUCCESS: add_list LIST HAS BEEN ADDED - 6666|1005|New list 1005|TESTCAMP\n"
    reply = _parse("update_list", _SENDING + added, list_id="1005", insert_if_not_found="Y")
    assert (reply.result, reply.message, reply.error_type) == (
        "SUCCESS", "LIST HAS BEEN ADDED", None,
    )  # fmt: skip
    assert reply.data == {
        "list_id": "1005",
        "list_name": "New list 1005",
        "campaign_id": "TESTCAMP",
    }
    sending = "LIST DOES NOT EXIST, SENDING TO add_list FUNCTION"
    assert [(n.result, n.message, n.data) for n in reply.notices] == [
        ("NOTICE", sending, {"list_id": "1005"})
    ]
    failed = "ERROR: add_list CAMPAIGN DOES NOT EXIST: |6666|NOPE\n"
    reply = _parse("update_list", _SENDING + failed)
    assert (reply.result, reply.error_type, reply.data) == (
        "ERROR", "not_found", {"campaign_id": "NOPE"},
    )  # fmt: skip


def test_update_list_falling_through_to_a_forbidden_add_list() -> None:
    # add_list re-checks api_allowed_functions: the generic line comes after the NOTICE.
    refused = "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |6666|add_list|\n"
    reply = _parse("update_list", _SENDING + refused)
    assert (reply.result, reply.error_type, reply.generic) == ("ERROR", "upstream_error", True)
    assert len(reply.notices) == 1 and "6666" not in repr(reply)
    # Anywhere else that line is no reply of update_list.
    with pytest.raises(ReplyShapeError):
        _parse("update_list", "SUCCESS: update_list LIST HAS BEEN UPDATED - 6666|101\n" + refused)


def test_update_list_delete_refused_is_an_error_with_the_update_as_notice() -> None:
    text = (
        "SUCCESS: update_list LIST HAS BEEN UPDATED - 6666|101\n"
        "NOTICE: update_list USER DOES NOT HAVE PERMISSION TO DELETE LISTS: |6666|0\n"
    )
    reply = _parse("update_list", text, list_id="101", delete_list="Y")
    assert (reply.result, reply.message, reply.error_type) == (
        "ERROR", "USER DOES NOT HAVE PERMISSION TO DELETE LISTS", "upstream_error",
    )  # fmt: skip
    assert [(n.result, n.message) for n in reply.notices] == [("SUCCESS", "LIST HAS BEEN UPDATED")]


def test_update_list_sub_results_hold_success_and_error_words() -> None:
    text = (
        "NOTICE: update_list ADD CUSTOM FIELD COMMAND SENT - "
        "6666|1001|loyalty|TEXT|SUCCESS: Field added|\n"
        "NOTICE: update_list NO UPDATES DEFINED: |6666|\n"
        "NOTICE: update_list LEADS IN LIST HAVE BEEN RESET - 6666|1001|\n"
        "NOTICE: update_list LIST RESET FAILED, daily reset limit reached: 2 / 2 - 6666|1001\n"
        "NOTICE: update_list COPY CUSTOM FIELDS COMMAND SENT - "
        "6666|1001|101|APPEND|ERROR: Fields not copied|\n"
    )
    reply = _parse("update_list", text)
    assert (reply.result, reply.message, reply.error_type) == (
        "NOTICE", "ADD CUSTOM FIELD COMMAND SENT", None,
    )  # fmt: skip
    assert reply.data == {
        "list_id": "1001", "field_label": "loyalty", "field_type": "TEXT",
        "sub_result": "SUCCESS: Field added",
    }  # fmt: skip
    assert [n.data for n in reply.notices][1:] == [
        {"list_id": "1001", "affected_rows": None},
        {"resets_today": 2, "daily_reset_limit": 2, "list_id": "1001"},
        {"list_id": "1001", "custom_fields_copy": "101", "custom_copy_method": "APPEND",
         "sub_result": "ERROR: Fields not copied"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("function", "params", "text"),
    [
        ("update_alt_url", {"alt_url_id": "LIST"},
         "NOTICE: update_alt_url LIST, No Records Found - 6666|start|campaign|TESTCAMP|0\n"),
        ("update_presets", {"action": "LIST"},
         "NOTICE: update_presets LIST, No Records Found - 6666|SURVEY|0\n"),
    ],
)  # fmt: skip
def test_a_listing_without_records_is_an_empty_list(
    function: str, params: dict[str, str], text: str
) -> None:
    reply = _parse(function, text, **params, stage="tab", header="YES")
    assert (reply.result, reply.message, reply.data) == ("NOTICE", "LIST, No Records Found", [])
    # Only the LIST mode lists: a stray NOTICE elsewhere keeps its data.
    assert isinstance(_parse(function, text).data, dict)


def test_alt_url_lines_with_a_double_colon_and_a_section() -> None:
    text = "ERROR: update_alt_url NO VALID URL TYPE DEFINED:: |6666|addlead|campaign|TESTCAMP\n"
    reply = _parse("update_alt_url", text)
    assert (reply.message, reply.error_type) == ("NO VALID URL TYPE DEFINED:", "invalid_input")
    text = "ERROR: update_alt_url INGROUPS addlead URL IS NOT SET TO ALT: |6666|addlead|ingroup|X\n"
    reply = _parse("update_alt_url", text)
    assert reply.message == "INGROUPS addlead URL IS NOT SET TO ALT"
    assert reply.data == {"url_type": "addlead", "entry_type": "ingroup", "campaign_id": "X"}
    added = "SUCCESS: update_alt_url ALT URL HAS BEEN ADDED - 6666|NEW URL ID: 4|start|campaign|T\n"
    assert _parse("update_alt_url", added).data == {
        "new_url_id": "4", "url_type": "start", "entry_type": "campaign", "campaign_id": "T",
    }  # fmt: skip


def test_hopper_padding_is_trimmed() -> None:
    header = "\t".join(lists_catalog.HOPPER_LIST.rows.columns)  # type: ignore[union-attr]
    rows = [
        "0\t1\t7\t101\t3125550001\t1\tIL\tNA\t3\t-5.00\t0\tALT\tP\tV\tS\t2\t5 HOURS ",
        "1\t1\t8\t101\t3125550002\t1\tIL\tNA\t3\t-5.00\t0\tNONE\tP\tV\tS\t40\t12 DAYS  ",
        "2\t1\t9\t101\t3125550003\t1\tIL\tNA\t3\t-5.00\t0\tNONE\tP\tV\tS\t900\t2 YEARS ",
    ]
    text = "\n".join([header, *rows]) + "\n"
    reply = _parse("hopper_list", text, stage="tab", header="YES")
    assert isinstance(reply.data, list)
    assert [r["last_call_time"] for r in reply.data] == ["5 HOURS", "12 DAYS", "2 YEARS"]
    assert reply.data[0]["alt"] == "ALT" and reply.data[2]["age_days"] == 900


def test_hopper_free_text_that_cannot_be_placed_is_never_guessed() -> None:
    # A "|" in vendor_lead_code or in source_id: both readings fit, so neither is chosen.
    row = "0|0|7|101|3125550001|1|IL|NEW|0|-5.00|0|NONE|P|V|X|WEB|1|NEVER    \n"
    with pytest.raises(ReplyShapeError):
        _parse("hopper_list", row)


def test_cid_group_info_rows() -> None:
    text = (
        "SUCCESS: update_cid_group_entry CID GROUP INFO AS FOLLOWS CIDGRP1|727||2\n"
        "1|727|7275550101|Y|Tampa CID|2\n"
        "2|727|7275550102|N|Tampa | spare|0\n"
    )
    reply = _parse("update_cid_group_entry", text, stage="INFO")
    assert (reply.result, reply.error_type) == ("SUCCESS", None)
    assert reply.data == [
        {"entry": 1, "areacode": "727", "outbound_cid": "7275550101", "active": "Y",
         "cid_description": "Tampa CID", "call_count_today": 2},
        {"entry": 2, "areacode": "727", "outbound_cid": "7275550102", "active": "N",
         "cid_description": "Tampa | spare", "call_count_today": 0},
    ]  # fmt: skip
    assert [(n.message, n.data) for n in reply.notices] == [
        ("CID GROUP INFO AS FOLLOWS",
         {"cid_group_id": "CIDGRP1", "areacode": "727", "outbound_cid": None, "entry_count": 2}),
    ]  # fmt: skip


def test_agent_without_in_groups_and_lists_without_fields() -> None:
    header = "user\tallowed_campaigns_list\tallowed_ingroups_list\n"
    reply = _parse("agent_campaigns", header + "1003\tSURVEY\t\n", stage="tab", header="YES")
    assert reply.data == {"user": "1003", "allowed_campaigns_list": ["SURVEY"],
                          "allowed_ingroups_list": []}  # fmt: skip
    columns = lists_catalog.LIST_CUSTOM_FIELDS.rows.columns  # type: ignore[union-attr]
    text = "\t".join(columns) + "\n" + "101\tTest list 101\tTESTCAMP\tY\t\t\t\n"
    reply = _parse("list_custom_fields", text, stage="tab", header="YES")
    assert isinstance(reply.data, list)
    assert reply.data[0]["custom_fields_list_space_delimited"] == []
    assert reply.data[0]["list_changedate"] is None


def test_auto_dial_level_limit_is_a_number() -> None:
    text = (
        "ERROR: update_campaign AUTO DIAL LEVEL MUST BE FROM 0 TO 4.001, THIS IS AN OPTIONAL "
        "FIELD: |6666|9\n"
    )
    reply = _parse("update_campaign", text)
    assert reply.message == "AUTO DIAL LEVEL MUST BE FROM 0 TO"
    assert reply.data == {"auto_dial_limit": 4.001, "auto_dial_level": "9"}


# --- the simulator ------------------------------------------------------------------------------


@pytest.fixture
def sim_state() -> SimState:
    return SimState.seeded({API_USER: SIM_PASSWORD}, clock=ManualClock(float(SAMPLE_EPOCH)))


@pytest.fixture
async def sim_client(sim_state: SimState) -> AsyncIterator[SimClient]:
    sim = await start_simulator("127.0.0.1", 0, state=sim_state)
    try:
        async with aiohttp.ClientSession() as session:
            yield SimClient(sim, session)
    finally:
        await sim.close()


def _with_list_1003(state: SimState) -> None:
    """add_list__ok ran before update_list__ok on the reference server."""
    state.lists["1003"] = SimList("1003", "API test list", "TESTCAMP", "N")


def _with_did(pattern: str) -> Callable[[SimState], None]:
    def arrange(state: SimState) -> None:
        state.listadmin.add_did(Did(0, pattern, "API added DID"))

    return arrange


def _with_sales_desk(state: SimState) -> None:
    state.listadmin.presets.append(Preset("TESTCAMP", "SALES DESK", "3125550162"))


def _reference_hopper(state: SimState) -> None:
    """The reference hopper held 5006 too, and none of its leads had been called yet."""
    state.add_to_hopper(HopperEntry(0, 5006, "TESTCAMP", "101", source="S"))
    for lead_id in (5020, 5003, 5006):
        state.leads[lead_id].last_local_call_time = ""


# What each sample's server held beyond the seed (the samples were captured one after another).
ARRANGE: dict[str, Callable[[SimState], None]] = {
    "update_list__ok": _with_list_1003,
    "update_did__ok": _with_did("3125551001"),
    "update_did__err_bad_menu": _with_did("3125551001"),
    "copy_did__err_all_exist": _with_did("3125551002"),
    "update_presets__ok_delete": _with_sales_desk,
    "hopper_list__ok": _reference_hopper,
    "hopper_list__header_yes": _reference_hopper,
}


@pytest.mark.parametrize("path", _sample_paths(), ids=lambda p: p.stem)
async def test_sample_replayed_on_the_simulator(
    sim_client: SimClient, sim_state: SimState, path: Path
) -> None:
    sample: Sample = load_sample(path)
    assert sample.meta["method"] == "GET"
    arrange = ARRANGE.get(sample.name)
    if arrange is not None:
        arrange(sim_state)
    reply = await sim_client.request("GET", sample.query(SIM_PASSWORD))
    assert str(reply.status) == sample.meta["status"]
    assert reply.headers["Content-Type"] == sample.meta["content-type"]
    assert_same_shape(sample, reply.body)
    assert reply.body == sample.body


async def test_sim_update_list_settings_and_quirks(
    sim_client: SimClient, sim_state: SimState
) -> None:
    api = sim_client.api
    body = await api(
        "update_list",
        list_id="101",
        list_name="Renamed 101",
        active="N",
        reset_time="0900",
        expiration_date="2030-01-31",
        script="CALLSCRIPT",
    )
    assert body == "SUCCESS: update_list LIST HAS BEEN UPDATED - 6666|101\n"  # fmt: skip
    lst = sim_state.lists["101"]
    assert (lst.list_name, lst.active, lst.expiration_date) == ("Renamed 101", "N", "2030-01-31")
    assert lst.list_changedate == "2026-11-27 22:36:18"
    settings = sim_state.listadmin.list_settings["101"]
    # Code bug: a valid expiration_date replaces the reset_time update.
    assert (settings.agent_script_override, settings.reset_time) == ("CALLSCRIPT", "")
    assert await api("update_list", list_id="101") == (
        "NOTICE: update_list NO UPDATES DEFINED: |6666|\n"
    )
    # update_list keeps only the digits of list_id.
    assert await api("update_list", list_id="AB1") == (
        "ERROR: update_list YOU MUST USE ALL REQUIRED FIELDS: |6666|1||\n"
    )
    assert await api("update_list", list_id="4444") == (
        "ERROR: update_list LIST DOES NOT EXIST: |6666|4444\n"
    )
    assert await api("update_list", list_id="101", list_name="Short") == (
        f"ERROR: update_list LIST NAME MUST BE FROM 6 TO 30 CHARACTERS{_OPTIONAL}: |6666|Short\n"
    )
    # Moving the list to another campaign drops its rows from the old campaign's hopper.
    assert 5020 in sim_state.hopper
    await api("update_list", list_id="101", campaign_id="SALESOUT")
    assert 5020 not in sim_state.hopper and 5003 not in sim_state.hopper


async def test_sim_update_list_reset_and_deletes(
    sim_client: SimClient, sim_state: SimState
) -> None:
    api = sim_client.api
    sim_state.leads[5002].called_since_last_reset = "Y"
    # List 101 allows 2 resets a day and has used 1.
    assert await api("update_list", list_id="101", reset_list="Y") == (
        "NOTICE: update_list NO UPDATES DEFINED: |6666|\n"
        "NOTICE: update_list LEADS IN LIST HAVE BEEN RESET - 6666|101|\n"
    )
    assert sim_state.lists["101"].resets_today == "2"
    assert sim_state.leads[5002].called_since_last_reset == "N"
    assert await api("update_list", list_id="101", reset_list="Y") == (
        "NOTICE: update_list NO UPDATES DEFINED: |6666|\n"
        "NOTICE: update_list LIST RESET FAILED, daily reset limit reached: 2 / 2 - 6666|101\n"
    )
    sim_state.listadmin.permissions[API_USER] = Permissions(delete_lists=False)
    assert await api("update_list", list_id="1004", delete_list="Y") == (
        "NOTICE: update_list NO UPDATES DEFINED: |6666|\n"
        "NOTICE: update_list USER DOES NOT HAVE PERMISSION TO DELETE LISTS: |6666|0\n"
    )
    del sim_state.listadmin.permissions[API_USER]
    body = await api("update_list", list_id="1001", delete_leads="Y", delete_list="Y")
    assert body == (
        "NOTICE: update_list NO UPDATES DEFINED: |6666|\n"
        "NOTICE: update_list LIST HAS BEEN DELETED - 6666|1001|1\n"
        "NOTICE: update_list LEADS IN LIST HAVE BEEN DELETED - 6666|1001|9\n"
    )
    assert "1001" not in sim_state.lists
    assert not [lead for lead in sim_state.leads.values() if lead.list_id == "1001"]


async def test_sim_update_list_insert_if_not_found(
    sim_client: SimClient, sim_state: SimState
) -> None:
    body = await sim_client.api("update_list", list_id="1005", insert_if_not_found="Y",
                                list_name="New list 1005", campaign_id="TESTCAMP")  # fmt: skip
    assert body == (
        "NOTICE: update_list LIST DOES NOT EXIST, SENDING TO add_list FUNCTION: |6666|1005\n"
        "SUCCESS: add_list LIST HAS BEEN ADDED - 6666|1005|New list 1005|TESTCAMP\n"
    )
    assert sim_state.lists["1005"].active == "N"
    # add_list re-checks api_allowed_functions for itself.
    sim_state.add_api_user(API_USER, SIM_PASSWORD, allowed_functions=["update_list"])
    body = await sim_client.api("update_list", list_id="1006", insert_if_not_found="Y")
    assert body == (
        "NOTICE: update_list LIST DOES NOT EXIST, SENDING TO add_list FUNCTION: |6666|1006\n"
        "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |6666|add_list|\n"
    )


async def test_sim_custom_fields_and_their_listing(
    sim_client: SimClient, sim_state: SimState
) -> None:
    api = sim_client.api
    add = {"custom_fields_add": "Y", "field_label": "loyalty", "field_name": "Loyalty",
           "field_size": "10", "field_type": "TEXT", "field_rank": "4"}  # fmt: skip
    assert await api("update_list", list_id="1001", **add) == (
        "NOTICE: update_list ADD CUSTOM FIELD COMMAND SENT - "
        "6666|1001|loyalty|TEXT|SUCCESS: Field added|\n"
        "NOTICE: update_list NO UPDATES DEFINED: |6666|\n"
    )
    assert (await api("update_list", list_id="1001", **add)).startswith(
        "NOTICE: update_list ADD CUSTOM FIELD COMMAND SENT - "
        "6666|1001|loyalty|TEXT|ERROR: Field not added|\n"
    )
    assert await api("update_list", list_id="101", custom_fields_add="Y", field_label="x") == (
        "NOTICE: update_list REQUIRED CUSTOM FIELDS VARIABLES ARE MISSING, FIELD NOT ADDED"
        f"{_OPTIONAL}: |6666|101|x|||||\n"
        "NOTICE: update_list NO UPDATES DEFINED: |6666|\n"
    )
    body = await api("update_list", list_id="1001", custom_fields_delete="Y",
                     field_label="api_note")  # fmt: skip
    assert body.startswith("NOTICE: update_list DELETE CUSTOM FIELD COMMAND SENT - "
                           "6666|1001|api_note||SUCCESS: Field deleted|\n")  # fmt: skip
    body = await api("update_list", list_id="101", custom_fields_copy="1001")
    assert body == (
        "NOTICE: update_list NO UPDATES DEFINED: |6666|\n"
        "NOTICE: update_list COPY CUSTOM FIELDS COMMAND SENT - "
        "6666|101|1001|APPEND|SUCCESS: Fields copied|\n"
    )
    assert await api("list_custom_fields", list_id="101") == (
        "101|Test list 101|TESTCAMP|Y|2026-11-27 22:36:26|2024-06-03 16:00:00|"
        "favorite_color account_number loyalty\n"
    )
    # alpha_up sorts PHP's $field_list, which is not reset between lists: list 102 has no
    # custom table but prints the labels left over from list 101 (code quirk).
    body = await api("list_custom_fields", list_id="---ALL---", custom_order="alpha_up")
    lines = [line.rsplit("|", 1) for line in body.splitlines()]
    assert [(row[0].split("|", 1)[0], row[1]) for row in lines] == [
        ("101", "account_number favorite_color loyalty"),
        ("102", "account_number favorite_color loyalty"),
        ("999", "account_number favorite_color loyalty"),
        ("1001", "account_number favorite_color loyalty"),
        ("1004", "account_number favorite_color loyalty"),
    ]
    sim_state.listadmin.custom_fields_enabled = 0
    assert await api("list_custom_fields", list_id="101") == (
        "ERROR: CUSTOM LIST FIELDS ARE NOT ENABLED ON THIS SYSTEM: |6666|list_custom_fields|\n"
    )


async def test_sim_add_list_checks(sim_client: SimClient, sim_state: SimState) -> None:
    api = sim_client.api
    base = {"list_id": "1010", "list_name": "List 1010", "campaign_id": "TESTCAMP"}
    assert await api("add_list", **(base | {"campaign_id": "NOPE"})) == (
        "ERROR: add_list CAMPAIGN DOES NOT EXIST: |6666|NOPE\n"
    )
    assert await api("add_list", **(base | {"list_id": "101"})) == (
        "ERROR: add_list LIST ALREADY EXISTS: |6666|101\n"
    )
    # --BLANK-- is no keyword in add_list: it is looked up as a script id.
    assert await api("add_list", **base, script="--BLANK--") == (
        f"ERROR: add_list SCRIPT DOES NOT EXIST{_OPTIONAL}: |6666|--BLANK--\n"
    )
    assert await api("add_list", **base, custom_fields_copy="102") == (
        "ERROR: add_list CUSTOM FIELDS LIST ID TO COPY FROM HAS NO CUSTOM FIELDS"
        f"{_OPTIONAL}: |6666|1010|102|0\n"
    )
    assert await api("add_list", **base, custom_fields_copy="1001", xferconf_two="x" * 51) == (
        f"ERROR: add_list TRANSFER CONF OVERRIDE TWO IS NOT VALID{_OPTIONAL}: |6666|{'x' * 51}\n"
    )
    assert await api("add_list", **base, custom_fields_copy="1001", active="Y") == (
        "SUCCESS: add_list LIST HAS BEEN ADDED - 6666|1010|List 1010|TESTCAMP\n"
    )
    labels = [f.field_label for f in sim_state.listadmin.custom_fields["1010"]]
    assert labels == ["favorite_color", "account_number", "api_note"]


async def test_sim_update_campaign(sim_client: SimClient, sim_state: SimState) -> None:
    api = sim_client.api
    assert await api("update_campaign", campaign_id="SALESOUT", auto_dial_level="5") == (
        f"ERROR: update_campaign AUTO DIAL LEVEL MUST BE FROM 0 TO 4.001{_OPTIONAL}: |6666|5\n"
    )
    assert await api("update_campaign", campaign_id="SALESOUT", list_order="UP RANDOM") == (
        "ERROR: update_campaign LIST ORDER INCLUDING RANDOM ARE NOT ALLOWED"
        f"{_OPTIONAL}: |6666|UP RANDOM\n"
    )
    assert await api("update_campaign", campaign_id="SALESOUT", dial_status_remove="XYZ") == (
        "ERROR: update_campaign DIAL STATUS REMOVE FAILURE, NOT AN EXISTING DIAL STATUS"
        f"{_OPTIONAL}: |6666|XYZ\n"
    )
    body = await api(
        "update_campaign",
        campaign_id="SALESOUT",
        dial_status_add="CALLBK",
        dial_status_remove="na",
        list_order="DOWN RANK",
        hopper_level="500",
    )
    assert body == "SUCCESS: update_campaign CAMPAIGN HAS BEEN UPDATED - 6666|SALESOUT\n"
    campaign = sim_state.campaigns["SALESOUT"]
    assert (campaign.dial_statuses, campaign.lead_order) == (" CALLBK NEW -", "DOWN RANK")
    assert sim_state.listadmin.campaign_settings["SALESOUT"].hopper_level == "500"
    assert await api("update_campaign", campaign_id="TESTCAMP", reset_hopper="Y") == (
        "NOTICE: update_campaign NO UPDATES DEFINED: |6666|\n"
        "NOTICE: update_campaign HOPPER HAS BEEN RESET - 6666|TESTCAMP|\n"
    )
    assert not [e for e in sim_state.hopper.values() if e.campaign_id == "TESTCAMP"]
    sim_state.listadmin.permissions[API_USER] = Permissions(modify_campaigns=False)
    assert await api("update_campaign", campaign_id="TESTCAMP") == (
        "ERROR: update_campaign USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS: |6666|0\n"
    )


async def test_sim_alt_urls(sim_client: SimClient, sim_state: SimState) -> None:
    api = sim_client.api
    where = {"campaign_id": "TESTCAMP", "entry_type": "campaign", "url_type": "dispo"}
    body = await api("update_alt_url", **where, alt_url_id="NEW", url_address="http://x.example",
                     active="Y", url_rank="2")  # fmt: skip
    assert body == (
        "SUCCESS: update_alt_url ALT URL HAS BEEN ADDED - "
        "6666|NEW URL ID: 2|dispo|campaign|TESTCAMP\n"
    )
    # Two entries now: an omitted or unknown id is refused (with the count VICIdial found).
    assert await api("update_alt_url", **where, alt_url_id="9", active="N") == (
        "ERROR: update_alt_url ALT URL ID DOES NOT EXIST: |6666|9|dispo|campaign|TESTCAMP|2\n"
    )
    assert await api("update_alt_url", **where, alt_url_id="2", url_description="--BLANK--",
                     url_lists="101 102") == (
        "SUCCESS: update_alt_url ALT URL HAS BEEN UPDATED - 6666|2|dispo|campaign|TESTCAMP\n"
    )  # fmt: skip
    assert sim_state.listadmin.alt_urls[1].url_lists == "101 102"
    assert await api("update_alt_url", **where, alt_url_id="2") == (
        "NOTICE: update_alt_url NO UPDATES DEFINED: |6666|\n"
    )
    start = where | {"url_type": "start"}
    assert await api("update_alt_url", **start, alt_url_id="LIST") == (
        "NOTICE: update_alt_url LIST, No Records Found - 6666|start|campaign|TESTCAMP|0\n"
    )
    assert await api("update_alt_url", **start, alt_url_id="NEW", active="Y") == (
        "ERROR: update_alt_url CAMPAIGNS start URL IS NOT SET TO ALT: "
        "|6666|start|campaign|TESTCAMP\n"
    )
    # The in-group SUPPORT uses ALT start URLs, but the id must also be a campaign (code quirk).
    ingroup = {"campaign_id": "SUPPORT", "entry_type": "ingroup", "url_type": "start"}
    assert await api("update_alt_url", **ingroup, alt_url_id="NEW", active="Y") == (
        "ERROR: update_alt_url CAMPAIGN DOES NOT EXIST: |6666|SUPPORT\n"
    )


async def test_sim_presets(sim_client: SimClient, sim_state: SimState) -> None:
    api = sim_client.api
    assert await api("update_presets", campaign_id="TESTCAMP", action="NEW",
                     preset_name="SALES DESK", preset_number="3125550162") == (
        "SUCCESS: update_presets PRESET HAS BEEN ADDED - 6666|NEW PRESET: SALES DESK|TESTCAMP\n"
    )  # fmt: skip
    assert await api("update_presets", campaign_id="TESTCAMP", preset_name="SALES DESK",
                     preset_hide_number="Y", preset_dtmf="--BLANK--") == (
        "SUCCESS: update_presets PRESET HAS BEEN UPDATED - 6666|SALES DESK|TESTCAMP\n"
    )  # fmt: skip
    assert await api("update_presets", campaign_id="TESTCAMP", preset_name="NOBODY",
                     preset_number="1") == (
        "ERROR: update_presets PRESET NAME DOES NOT EXIST: |6666|NOBODY|TESTCAMP|2\n"
    )  # fmt: skip
    # A campaign with one preset: the name may be left out.
    sim_state.listadmin.presets.append(Preset("SALESOUT", "ONLY ONE", "3125550170"))
    assert await api("update_presets", campaign_id="SALESOUT", action="DELETE") == (
        "SUCCESS: update_presets PRESET HAS BEEN DELETED - 6666|ONLY ONE|SALESOUT\n"
    )
    assert await api("update_presets", campaign_id="SALESOUT", action="LIST") == (
        "NOTICE: update_presets LIST, No Records Found - 6666|SALESOUT|0\n"
    )


async def test_sim_dids(sim_client: SimClient, sim_state: SimState) -> None:
    api = sim_client.api
    # add_did prints the call-menu check as "update_did" (code bug).
    assert await api("add_did", did_pattern="3125551009", menu_id="NOMENU") == (
        f"ERROR: update_did MENU ID MUST BE A VALID CALL MENU IN THE SYSTEM{_OPTIONAL}"
        ": |6666|NOMENU\n"
    )
    assert await api("add_did", did_pattern="3125551009", did_route="IN_GROUP",
                     group="SALESLINE", record_call="Y_QUEUESTOP") == (
        "SUCCESS: add_did DID HAS BEEN ADDED - 6666|3125551009\n"
    )  # fmt: skip
    assert await api("add_did", did_pattern="3125551009") == (
        "ERROR: add_did DID ALREADY EXISTS: |6666|3125551009\n"
    )
    assert await api("update_did", did_pattern="3125551009") == (
        "NOTICE: update_did NO UPDATES DEFINED: |6666|\n"
    )
    # The description is checked only for DIDs still to be added, after earlier NOTICEs.
    body = await api("copy_did", source_did_pattern="3125551009",
                     new_dids="3125551009,3125551010", did_description="Bad")  # fmt: skip
    assert body == (
        "NOTICE: copy_did DID ALREADY EXISTS - 6666|3125551009\n"
        "ERROR: copy_did DID DESCRIPTION MUST BE EITHER BLANK OR FROM 6 TO 50 CHARACTERS"
        f"{_OPTIONAL}: |6666|Bad\n"
    )
    body = await api("copy_did", source_did_pattern="3125551009", new_dids="3125551010")
    assert body.endswith("SUCCESS: copy_did DIDS HAVE BEEN ADDED - 6666|3125551009|1|0\n")
    copy = sim_state.listadmin.did("3125551010")
    assert copy is not None and (copy.group_id, copy.record_call) == ("SALESLINE", "Y_QUEUESTOP")
    sim_state.listadmin.permissions[API_USER] = Permissions(delete_inbound_dids=False)
    assert await api("update_did", did_pattern="3125551010", delete_did="Y") == (
        "ERROR: update_did USER DOES NOT HAVE PERMISSION TO DELETE DIDS: |6666|0\n"
    )
    sim_state.listadmin.permissions[API_USER] = Permissions()
    assert await api("update_did", did_pattern="3125551010", delete_did="Y") == (
        f"SUCCESS: update_did DID HAS BEEN DELETED - 6666|3125551010|{copy.did_id}\n"
    )
    assert sim_state.listadmin.did("3125551010") is None


async def test_sim_cid_group_entries(sim_client: SimClient, sim_state: SimState) -> None:
    api = sim_client.api
    group = {"cid_group_id": "CIDGRP1"}
    assert await api("update_cid_group_entry", **group, stage="INFO", areacode="---ALL---") == (
        "SUCCESS: update_cid_group_entry CID GROUP INFO AS FOLLOWS CIDGRP1|---ALL---||3\n"
        "1|312|3125550101|Y|Chicago CID|4\n"
        "2|727|7275550101|Y|Tampa CID|2\n"
        "3|727|7275550102|N|Tampa spare|0\n"
    )
    # MySQL counts the rows it changed: 7275550101 is already active.
    assert await api("update_cid_group_entry", **group, stage="UPDATE", areacode="727",
                     active="Y") == (
        "SUCCESS: update_cid_group_entry CID GROUP ENTRIES HAVE BEEN UPDATED - "
        "6666|CIDGRP1|727||1\n"
    )  # fmt: skip
    assert await api("update_cid_group_entry", **group, stage="UPDATE", areacode="727") == (
        "ERROR: update_cid_group_entry NO UPDATES WERE DEFINED: |6666|CIDGRP1|727|||\n"
    )
    assert await api("update_cid_group_entry", **group, stage="ADD", areacode="---ALL---",
                     outbound_cid="3125550109") == (
        "ERROR: update_cid_group_entry YOU MUST DEFINE AN AREACODE WHEN ADDING AND ENTRY: "
        "|6666|CIDGRP1|---ALL---\n"
    )  # fmt: skip
    assert await api("update_cid_group_entry", **group, stage="DELETE", areacode="727") == (
        "SUCCESS: update_cid_group_entry CID GROUP ENTRIES HAVE BEEN DELETED - "
        "6666|CIDGRP1|727||2\n"
    )
    assert await api("update_cid_group_entry", **group, stage="INFO", areacode="727") == (
        "ERROR: update_cid_group_entry THIS CID GROUP HAS NO ENTRIES: |6666|CIDGRP1\n"
    )
    # A campaign id works as a CID group; an unknown operation prints nothing.
    assert await api("update_cid_group_entry", cid_group_id="TESTCAMP", stage="SHOW",
                     areacode="312") == ""  # fmt: skip
    assert await api("update_cid_group_entry", cid_group_id="NOPE", stage="INFO",
                     areacode="312") == (
        "ERROR: update_cid_group_entry CID GROUP DOES NOT EXIST: |6666|NOPE\n"
    )  # fmt: skip


async def test_sim_hopper_list_ages_and_block_search(
    sim_client: SimClient, sim_state: SimState
) -> None:
    sim_state.leads[5020].last_local_call_time = "2026-11-27 15:00:00"  # -5.00: 12 hours ago
    sim_state.leads[5003].last_local_call_time = "2026-10-01 12:00:00"
    body = await sim_client.api("hopper_list", campaign_id="TESTCAMP", stage="csv")
    rows = [line.split(",") for line in body.splitlines()]
    assert [row[-1] for row in rows] == ["12 HOURS ", "57 DAYS  "]
    # Per-lead lookups print a hopper row whose lead is gone; the joined query drops it.
    del sim_state.leads[5003]
    body = await sim_client.api("hopper_list", campaign_id="TESTCAMP")
    assert body.splitlines()[1].startswith("1|0|5003|101||||||||NONE|S|||")
    body = await sim_client.api("hopper_list", campaign_id="TESTCAMP", search_method="BLOCK")
    assert len(body.splitlines()) == 1
    assert await sim_client.api("hopper_list", campaign_id="SURVEY") == (
        "ERROR: hopper_list THERE ARE NO LEADS IN THE HOPPER FOR THIS CAMPAIGN: 6666|SURVEY\n"
    )


async def test_sim_agent_campaigns(sim_client: SimClient, sim_state: SimState) -> None:
    api = sim_client.api
    sim_state.listadmin.campaign_settings[
        "TESTCAMP"
    ].closer_campaigns = " SALESLINE SUPPORT AGENTDIRECT OLDQUEUE -"
    assert await api("agent_campaigns", agent_user="1001") == (
        "1001|SALESOUT-TESTCAMP|AGENTDIRECT-SALESLINE-SUPPORT\n"
    )
    assert await api("agent_campaigns", agent_user="1001", ignore_agentdirect="Y",
                     campaign_id="TESTCAMP") == "1001|TESTCAMP|SALESLINE-SUPPORT\n"  # fmt: skip
    sim_state.users["1009"] = SimUser("1009", "1234", "No Group", 1, "NOGROUP")
    assert await api("agent_campaigns", agent_user="1009") == (
        "ERROR: agent_campaigns THIS AGENT USER HAS NO AVAILABLE CAMPAIGNS: 1009|6666|\n"
    )
    sim_state.listadmin.permissions[API_USER] = Permissions(modify_users=False)
    assert await api("agent_campaigns", agent_user="1001") == (
        "ERROR: agent_campaigns USER DOES NOT HAVE PERMISSION TO GET AGENT INFO: |6666|0|\n"
    )


async def test_sim_campaign_scope_of_the_api_users_group(
    sim_client: SimClient, sim_state: SimState
) -> None:
    """An API user whose group allows TESTCAMP and SALESOUT sees nothing of SURVEY."""
    sim_state.add_api_user(API_USER, SIM_PASSWORD, user_group="AGENTS")
    api = sim_client.api
    assert await api("hopper_list", campaign_id="SURVEY") == (
        "ERROR: hopper_list THIS CAMPAIGN DOES NOT EXIST: |6666|SURVEY\n"
    )
    assert await api("update_presets", campaign_id="SURVEY", action="LIST") == (
        "ERROR: update_presets CAMPAIGN DOES NOT EXIST: |6666|SURVEY\n"
    )
    assert await api("list_custom_fields", list_id="102") == (
        "ERROR: list_custom_fields LIST DOES NOT EXIST: |6666|102\n"
    )
    body = await api("list_custom_fields", list_id="---ALL---")
    assert [line.split("|", 1)[0] for line in body.splitlines()] == ["101", "999", "1001", "1004"]


# --- through the gateway ------------------------------------------------------------------------


async def _call(
    gateway: Gateway, function: str, body: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    """One call as app crm; the gateway's VICIdial login never shows in the reply."""
    status, reply, _ = await gateway.call(function, body if body is not None else {})
    text = without_request_ids(json.dumps(reply))
    assert API_PASS not in text and API_USER not in text, text
    return status, reply


def _error(reply: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    return reply["error"]["type"], reply["error"]["message"], reply["error"]["details"]


async def test_add_list_then_read_it_back(gateway: Gateway) -> None:
    new = {"list_id": "1003", "list_name": "API test list", "campaign_id": "TESTCAMP"}
    status, body = await _call(gateway, "add_list", new)
    assert status == 200, body
    assert (body["result"], body["message"], body["data"]) == (
        "SUCCESS",
        "LIST HAS BEEN ADDED",
        new,
    )
    status, body = await _call(gateway, "list_info", {"list_id": "1003"})
    assert status == 200, body
    assert body["data"] == {
        "list_id": "1003", "list_name": "API test list", "campaign_id": "TESTCAMP",
        "active": "N", "list_changedate": None, "list_lastcalldate": None,
        "expiration_date": "2099-12-31", "resets_today": 0,
    }  # fmt: skip
    status, body = await _call(gateway, "add_list", new)
    assert status == 409 and _error(body) == (
        "conflict",
        "LIST ALREADY EXISTS",
        {"list_id": "1003"},
    )
    bad_script = {"list_id": "1006", "list_name": "Bad script", "campaign_id": "TESTCAMP",
                  "script": "NOSCRIPT"}  # fmt: skip
    status, body = await _call(gateway, "add_list", bad_script)
    assert status == 422
    assert _error(body) == (
        "invalid_input", f"SCRIPT DOES NOT EXIST{_OPTIONAL}", {"script": "NOSCRIPT"},
    )  # fmt: skip
    status, body = await _call(gateway, "add_list", new | {"campaign_id": "NOPE"})
    assert status == 404 and _error(body)[0] == "not_found"
    # VICIdial would keep only the digits of "10A3": the gateway refuses it instead.
    status, body = await _call(gateway, "add_list", new | {"list_id": "10A3"})
    assert status == 400 and body["error"]["details"]["parameter"] == "list_id"
    assert "1006" not in gateway.sim.state.lists


async def test_update_list_changes_show_in_list_info(gateway: Gateway) -> None:
    change = {"list_id": "101", "list_name": "Renamed list 101", "active": False}
    status, body = await _call(gateway, "update_list", change)
    assert status == 200 and body["data"] == {"list_id": "101"}, body
    status, body = await _call(gateway, "list_info", {"list_id": "101"})
    assert (body["data"]["list_name"], body["data"]["active"]) == ("Renamed list 101", "N")
    status, body = await _call(gateway, "update_list", {"list_id": "4444", "active": True})
    assert status == 404 and _error(body) == (
        "not_found",
        "LIST DOES NOT EXIST",
        {"list_id": "4444"},
    )
    status, body = await _call(gateway, "update_list", {"list_id": "1004", "campaign_id": "NOPE"})
    assert status == 422
    assert _error(body) == (
        "invalid_input", f"CAMPAIGN DOES NOT EXIST{_OPTIONAL}", {"campaign_id": "NOPE"},
    )  # fmt: skip


async def test_update_list_inserts_resets_and_deletes(gateway: Gateway) -> None:
    insert = {"list_id": "1005", "insert_if_not_found": True, "list_name": "Inserted list",
              "campaign_id": "SALESOUT"}  # fmt: skip
    status, body = await _call(gateway, "update_list", insert)
    assert status == 200, body
    assert (body["message"], body["data"]) == (
        "LIST HAS BEEN ADDED",
        {"list_id": "1005", "list_name": "Inserted list", "campaign_id": "SALESOUT"},
    )
    assert body["notices"] == [
        {"result": "NOTICE", "message": "LIST DOES NOT EXIST, SENDING TO add_list FUNCTION",
         "data": {"list_id": "1005"}},
    ]  # fmt: skip
    status, body = await _call(gateway, "update_list", {"list_id": "101", "reset_list": True})
    assert (status, body["result"], body["message"]) == (200, "NOTICE", "NO UPDATES DEFINED")
    assert [n["message"] for n in body["notices"]] == ["LEADS IN LIST HAVE BEEN RESET"]
    status, body = await _call(gateway, "update_list", {"list_id": "101", "reset_list": True})
    assert body["notices"][0]["data"] == {
        "resets_today": 2,
        "daily_reset_limit": 2,
        "list_id": "101",
    }
    status, body = await _call(gateway, "list_info", {"list_id": "101"})
    assert body["data"]["resets_today"] == 2
    # Without the delete_lists permission the list stays: the gateway's account is at fault.
    gateway.sim.state.listadmin.permissions[API_USER] = Permissions(delete_lists=False)
    status, body = await _call(gateway, "update_list", {"list_id": "1005", "delete_list": True})
    assert status == 502 and body["error"]["type"] == "upstream_error"
    assert body["error"]["message"].endswith("USER DOES NOT HAVE PERMISSION TO DELETE LISTS")
    assert "1005" in gateway.sim.state.lists
    gateway.sim.state.listadmin.permissions.clear()
    status, body = await _call(gateway, "update_list", {"list_id": "1005", "delete_list": True})
    assert status == 200 and body["notices"][0]["data"] == {"list_id": "1005", "affected_rows": 1}
    status, body = await _call(gateway, "list_info", {"list_id": "1005"})
    assert status == 404


async def test_custom_fields_through_update_list_and_list_custom_fields(gateway: Gateway) -> None:
    status, body = await _call(gateway, "list_custom_fields", {"list_id": "1001"})
    assert status == 200 and body["data"] == [LIST_1001], body
    field = {
        "list_id": "1001",
        "custom_fields_add": True,
        "field_label": "loyalty",
        "field_name": "Loyalty",
        "field_size": 10,
        "field_type": "TEXT",
        "field_rank": 4,
    }
    status, body = await _call(gateway, "update_list", field)
    assert (status, body["message"], body["data"]["sub_result"]) == (
        200, "ADD CUSTOM FIELD COMMAND SENT", "SUCCESS: Field added",
    )  # fmt: skip
    status, body = await _call(
        gateway, "list_custom_fields", {"list_id": "1001", "custom_order": "alpha_up"}
    )
    assert body["data"][0]["custom_fields_list_space_delimited"] == [
        "account_number", "api_note", "favorite_color", "loyalty",
    ]  # fmt: skip
    status, body = await _call(gateway, "list_custom_fields", {"list_id": "---ALL---"})
    assert [row["list_id"] for row in body["data"]] == ["101", "102", "999", "1001", "1004"]
    status, body = await _call(gateway, "list_custom_fields", {"list_id": "4444"})
    assert status == 404 and _error(body)[0] == "not_found"
    gateway.sim.state.listadmin.custom_fields_enabled = 0
    status, body = await _call(gateway, "list_custom_fields", {"list_id": "1001"})
    # The server's setup, not the login: VICIdial is not configured for custom fields.
    assert status == 422 and body["error"]["type"] == "not_configured"
    assert body["error"]["message"] == "CUSTOM LIST FIELDS ARE NOT ENABLED ON THIS SYSTEM"


async def test_update_campaign_shows_in_campaigns_list(gateway: Gateway) -> None:
    change = {"campaign_id": "SALESOUT", "campaign_name": "Outbound Sales Team",
              "auto_dial_level": "2.5", "dial_status_add": "CALLBK"}  # fmt: skip
    status, body = await _call(gateway, "update_campaign", change)
    assert status == 200 and body["data"] == {"campaign_id": "SALESOUT"}, body
    status, body = await _call(gateway, "campaigns_list", {"campaign_id": "SALESOUT"})
    row = body["data"][0]
    assert (row["campaign_name"], row["dial_level"], row["dial_statuses"]) == (
        "Outbound Sales Team", 2.5, "CALLBK NEW NA",
    )  # fmt: skip
    status, body = await _call(
        gateway, "update_campaign", {"campaign_id": "SALESOUT", "campaign_name": "Short"}
    )
    assert status == 422
    assert _error(body) == (
        "invalid_input", f"CAMPAIGN NAME MUST BE FROM 6 TO 40 CHARACTERS{_OPTIONAL}",
        {"campaign_name": "Short"},
    )  # fmt: skip
    status, body = await _call(gateway, "update_campaign", {"campaign_id": "NOPE", "active": True})
    assert status == 404 and _error(body)[0] == "not_found"
    # A dial method VICIdial does not know never reaches it.
    status, body = await _call(
        gateway, "update_campaign", {"campaign_id": "SALESOUT", "dial_method": "TURBO"}
    )
    assert status == 400 and body["error"]["details"]["parameter"] == "dial_method"
    status, body = await _call(
        gateway, "update_campaign", {"campaign_id": "TESTCAMP", "reset_hopper": True}
    )
    assert [n["message"] for n in body["notices"]] == ["HOPPER HAS BEEN RESET"]
    status, body = await _call(gateway, "hopper_list", {"campaign_id": "TESTCAMP"})
    assert status == 404


async def test_alternate_urls(gateway: Gateway) -> None:
    where = {"campaign_id": "TESTCAMP", "entry_type": "campaign", "url_type": "dispo"}
    status, body = await _call(gateway, "update_alt_url", where | {"alt_url_id": "LIST"})
    assert status == 200 and body["data"] == [ALT_URL_1], body
    new = where | {"alt_url_id": "NEW", "url_address": "http://crm.example/x?a=1&b=2",
                   "active": True, "url_statuses": "SALE"}  # fmt: skip
    status, body = await _call(gateway, "update_alt_url", new)
    assert status == 200
    assert (body["message"], body["data"]) == (
        "ALT URL HAS BEEN ADDED",
        {
            "new_url_id": "2",
            "url_type": "dispo",
            "entry_type": "campaign",
            "campaign_id": "TESTCAMP",
        },
    )
    status, body = await _call(gateway, "update_alt_url", where | {"alt_url_id": "LIST"})
    assert body["data"][1]["url_address"] == "http://crm.example/x?a=1&b=2"
    status, body = await _call(
        gateway, "update_alt_url", where | {"alt_url_id": "9", "active": False}
    )
    assert status == 404
    assert _error(body) == ("not_found", "ALT URL ID DOES NOT EXIST", {
        "alt_url_id": "9", "url_type": "dispo", "entry_type": "campaign",
        "campaign_id": "TESTCAMP", "entries_count": 2,
    })  # fmt: skip
    listing = where | {"url_type": "start", "alt_url_id": "LIST"}
    status, body = await _call(gateway, "update_alt_url", listing)
    assert (status, body["result"], body["data"]) == (200, "NOTICE", [])
    status, body = await _call(gateway, "update_alt_url",
                               where | {"campaign_id": "SALESOUT", "alt_url_id": "NEW",
                                        "active": True})  # fmt: skip
    assert status == 422 and _error(body)[1] == "CAMPAIGNS dispo URL IS NOT SET TO ALT"


async def test_transfer_presets(gateway: Gateway) -> None:
    status, body = await _call(
        gateway, "update_presets", {"campaign_id": "TESTCAMP", "action": "LIST"}
    )
    assert status == 200 and body["data"] == PRESETS, body
    new = {"campaign_id": "TESTCAMP", "action": "NEW", "preset_name": "SALES DESK",
           "preset_number": "3125550162", "preset_hide_number": True}  # fmt: skip
    status, body = await _call(gateway, "update_presets", new)
    assert (status, body["data"]) == (200, {"preset_name": "SALES DESK", "campaign_id": "TESTCAMP"})
    change = {"campaign_id": "TESTCAMP", "preset_name": "SALES DESK", "preset_dtmf": "99"}
    status, body = await _call(gateway, "update_presets", change)
    assert (status, body["message"]) == (200, "PRESET HAS BEEN UPDATED")
    status, body = await _call(
        gateway, "update_presets", {"campaign_id": "TESTCAMP", "action": "LIST"}
    )
    assert body["data"][1] == {"preset_name": "SALES DESK", "campaign_id": "TESTCAMP",
                               "preset_number": "3125550162", "preset_hide_number": "Y",
                               "preset_dtmf": "99"}  # fmt: skip
    status, body = await _call(gateway, "update_presets", {"campaign_id": "TESTCAMP",
                                                          "preset_name": "NOBODY",
                                                          "action": "DELETE"})  # fmt: skip
    assert status == 404 and _error(body)[2] == {
        "preset_name": "NOBODY", "campaign_id": "TESTCAMP", "presets_count": 2,
    }  # fmt: skip
    delete = {"campaign_id": "TESTCAMP", "preset_name": "SALES DESK", "action": "DELETE"}
    status, body = await _call(gateway, "update_presets", delete)
    assert (status, body["message"]) == (200, "PRESET HAS BEEN DELETED")
    status, body = await _call(
        gateway, "update_presets", {"campaign_id": "SURVEY", "action": "LIST"}
    )
    assert (status, body["result"], body["data"]) == (200, "NOTICE", [])
    status, body = await _call(gateway, "update_presets", {"campaign_id": "NOPE", "action": "LIST"})
    assert status == 404 and _error(body)[0] == "not_found"


async def test_dids(gateway: Gateway) -> None:
    dids = gateway.sim.state.listadmin
    status, body = await _call(gateway, "add_did", {"did_pattern": "3125551001",
                                                   "did_description": "API added DID",
                                                   "active": True})  # fmt: skip
    assert (status, body["data"]) == (200, {"did_pattern": "3125551001"})
    status, body = await _call(gateway, "add_did", {"did_pattern": "3125551001"})
    assert status == 409 and _error(body)[0] == "conflict"
    status, body = await _call(
        gateway,
        "add_did",
        {"did_pattern": "+13125551006", "did_route": "IN_GROUP", "group": "NOPE"},
    )
    assert status == 422 and _error(body)[2] == {"group": "NOPE"}
    assert dids.did("+13125551006") is None
    change = {"did_pattern": "3125551001", "did_description": "API DID updated",
              "did_route": "CALLMENU", "menu_id": "MAINMENU"}  # fmt: skip
    status, body = await _call(gateway, "update_did", change)
    assert (status, body["message"]) == (200, "DID HAS BEEN UPDATED")
    did = dids.did("3125551001")
    assert did is not None and (did.did_route, did.menu_id) == ("CALLMENU", "MAINMENU")
    status, body = await _call(
        gateway, "update_did", {"did_pattern": "3125551001", "menu_id": "NOMENU"}
    )
    assert (
        status == 422
        and _error(body)[1] == f"MENU ID MUST BE A VALID CALL MENU IN THE SYSTEM{_OPTIONAL}"
    )
    status, body = await _call(gateway, "update_did", {"did_pattern": "5555", "active": True})
    assert status == 404 and _error(body)[0] == "not_found"
    status, body = await _call(
        gateway, "update_did", {"did_pattern": "3125551001", "delete_did": True}
    )
    assert (status, body["data"]) == (200, {"did_pattern": "3125551001", "did_id": str(did.did_id)})
    assert dids.did("3125551001") is None


async def test_copy_dids(gateway: Gateway) -> None:
    copy = {"source_did_pattern": "3125551000", "new_dids": ["3125551002", "3125551003"]}
    status, body = await _call(gateway, "copy_did", copy)
    assert status == 200, body
    assert body["data"] == {"source_did_pattern": "3125551000", "inserted_count": 2,
                            "insert_error_count": 0}  # fmt: skip
    assert [n["data"]["new_did_id"] for n in body["notices"]] == ["7", "8"]
    copied = gateway.sim.state.listadmin.did("3125551003")
    assert copied is not None and copied.group_id == "SALESLINE"
    status, body = await _call(gateway, "copy_did", copy)
    assert status == 409 and _error(body)[0] == "conflict"
    assert [n["message"] for n in body["notices"]] == ["DID ALREADY EXISTS"] * 2
    status, body = await _call(gateway, "copy_did", copy | {"source_did_pattern": "5555"})
    assert status == 404 and _error(body)[1] == "SOURCE DID DOES NOT EXIST"


async def test_cid_group_entries(gateway: Gateway) -> None:
    add = {
        "stage": "ADD",
        "cid_group_id": "CIDGRP1",
        "areacode": "212",
        "outbound_cid": "2125550101",
        "cid_description": "New York CID",
        "active": True,
    }
    status, body = await _call(gateway, "update_cid_group_entry", add)
    assert (status, body["data"]) == (
        200,
        {
            "cid_group_id": "CIDGRP1",
            "areacode": "212",
            "outbound_cid": "2125550101",
            "insert_count": 1,
        },
    )
    status, body = await _call(gateway, "update_cid_group_entry", add)
    assert status == 409 and _error(body)[1] == "THIS CID GROUP ENTRY ALREADY EXISTS"
    info = {"stage": "INFO", "cid_group_id": "CIDGRP1", "areacode": "---ALL---"}
    status, body = await _call(gateway, "update_cid_group_entry", info)
    assert status == 200
    assert body["data"][0] == {"entry": 1, "areacode": "212", "outbound_cid": "2125550101",
                               "active": "Y", "cid_description": "New York CID",
                               "call_count_today": 0}  # fmt: skip
    assert body["notices"][0]["data"]["entry_count"] == 4
    update = {"stage": "UPDATE", "cid_group_id": "CIDGRP1", "areacode": "727", "active": False}
    status, body = await _call(gateway, "update_cid_group_entry", update)
    assert (status, body["data"]["modify_count"]) == (200, 1)
    delete = {"stage": "DELETE", "cid_group_id": "CIDGRP1", "areacode": "727"}
    status, body = await _call(gateway, "update_cid_group_entry", delete)
    assert (status, body["data"]["delete_count"]) == (200, 2)
    status, body = await _call(gateway, "update_cid_group_entry", delete)
    assert status == 404 and _error(body)[1] == "THIS CID GROUP HAS NO ENTRIES"
    status, body = await _call(gateway, "update_cid_group_entry", delete | {"stage": "DROP"})
    assert status == 400


async def test_hopper_list(gateway: Gateway) -> None:
    state = gateway.sim.state
    state.clock = ManualClock(float(SAMPLE_EPOCH))
    _reference_hopper(state)
    status, body = await _call(gateway, "hopper_list", {"campaign_id": "TESTCAMP"})
    assert status == 200 and body["data"] == HOPPER_ROWS, body
    # search_method=BLOCK is a heavy option: refused unless the app may use it.
    block = {"campaign_id": "TESTCAMP", "search_method": "BLOCK"}
    status, body = await _call(gateway, "hopper_list", block)
    assert status == 403 and body["error"]["details"] == {"parameter": "search_method"}
    assert state.hits("hopper_list") == 1
    status, body = await _call(gateway, "hopper_list", {"campaign_id": "NOPE"})
    assert status == 404 and _error(body) == ("not_found", "THIS CAMPAIGN DOES NOT EXIST",
                                              {"campaign_id": "NOPE"})  # fmt: skip
    status, body = await _call(gateway, "hopper_list", {"campaign_id": "SURVEY"})
    assert status == 404
    assert _error(body)[1] == "THERE ARE NO LEADS IN THE HOPPER FOR THIS CAMPAIGN"


async def test_agent_campaigns(gateway: Gateway) -> None:
    status, body = await _call(gateway, "agent_campaigns", {"agent_user": "1001"})
    assert status == 200 and body["data"] == AGENT_1001, body
    status, body = await _call(
        gateway, "agent_campaigns", {"agent_user": "1001", "campaign_id": "SURVEY"}
    )
    assert status == 404
    assert _error(body) == ("not_found", "THIS AGENT USER HAS NO AVAILABLE CAMPAIGNS",
                            {"agent_user": "1001"})  # fmt: skip
    status, body = await _call(gateway, "agent_campaigns", {"agent_user": "9999"})
    assert status == 404 and _error(body)[1] == "AGENT USER DOES NOT EXIST"
    gateway.sim.state.listadmin.permissions[API_USER] = Permissions(modify_users=False)
    status, body = await _call(gateway, "agent_campaigns", {"agent_user": "1001"})
    assert status == 502 and body["error"]["details"] == {}


async def test_block_search_for_an_app_allowed_heavy_options(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    ops = {
        "keys": [{"kid": "ops-1", "alg": "HS256", "secret": "ops-test-hmac-secret-0123456789-LMN"}],
        "upstream": "main",
        "source": "ops",
        "functions": ["hopper_list"],
        "allow_heavy": ["hopper_list"],
    }
    cfg = parse_config(config_dict(sim.base_url, sim.ca_file, ops=ops))
    sim.state.clock = ManualClock(float(SAMPLE_EPOCH))
    _reference_hopper(sim.state)
    del sim.state.leads[5003]  # the joined query drops hopper rows without a lead
    runner, base = await start_gateway(cfg)
    try:
        async with aiohttp.ClientSession() as session:
            gw = Gateway(base, cfg, sim, session, log_stream)
            block = {"campaign_id": "TESTCAMP", "search_method": "BLOCK"}
            status, body, _ = await gw.call("hopper_list", block, app="ops")
    finally:
        await runner.cleanup()
    assert status == 200, body
    assert [row["lead_id"] for row in body["data"]] == ["5020", "5006"]
    assert [row["hopper_order"] for row in body["data"]] == [0, 1]


@pytest.mark.parametrize(
    "spec", [s for s in lists_catalog.FUNCTIONS if s.gateway_params], ids=lambda s: s.name
)
async def test_the_gateway_owns_stage_and_header(gateway: Gateway, spec: Any) -> None:
    for name in ("stage", "header"):
        status, body = await _call(gateway, spec.name, {name: "csv"})
        assert status == 400 and body["error"]["details"] == {"parameter": name}
    assert gateway.sim.state.hits(spec.name) == 0
