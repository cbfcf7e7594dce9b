"""The leads area: ccc_lead_info, lead_callback_info, lead_dearchive, lead_field_info,
lead_status_search, update_log_entry, batch_update_lead, sounds_list and the HTML pickers
(moh_list, vm_list, ingroup_list, callmenu_list, container_list), agent_ingroup_info.

Three layers, each against the captured replies in ``tests/data/samples``:

1. the catalog and its custom parsers read every sample exactly (field by field);
2. the simulator answers each sample's request with the same shape, and byte for byte where its
   seed is the sample server's data;
3. every function works through the real gateway (JWT, policy, HTTPS upstream, parser).
"""

from __future__ import annotations

import json
import ssl
import urllib.parse
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from gateway.catalog import CATALOG, leads
from gateway.catalog.leads_shapes import (
    AIG_TEXT_SUCCESS,
    PICKER_END,
    PICKER_HEAD,
    parse_picker,
)
from gateway.catalog.parser import ParsedReply, ReplyShapeError, parse_reply
from gateway.errors import BadRequest
from gateway.policy import build_params
from gateway.sim import ManualClock, RunningSim, SimState, start_simulator
from gateway.sim.data_leads import UserFlags

from .conftest import API_PASS, API_USER, Gateway
from .samples import SAMPLES, Sample, assert_same_shape, samples_for

FUNCTIONS = tuple(spec.name for spec in leads.FUNCTIONS)
SAMPLE_EPOCH = 1795818978  # the reference server's clock (the version sample)
SIM_PASS = "simpass1"
RESTRICTED = ("7780", "restricted1")  # allowed only version and lead_search


def _password(sample: Sample) -> str:
    """The simulator's password of the user the capture called with."""
    return RESTRICTED[1] if f"user={RESTRICTED[0]}&" in sample.meta["params"] else SIM_PASS


SAMPLE_LIST = samples_for(FUNCTIONS)


# --- 1. the samples, parsed field by field -----------------------------------------------------

LEAD_5001 = {
    "status": "SALE",
    "user": "1001",
    "vendor_lead_code": "VL5001",
    "source_id": "WEB",
    "list_id": "101",
    "gmt_offset_now": -5.0,
    "phone_code": "1",
    "phone_number": "3125550001",
    "title": "Mr",
    "first_name": "John",
    "middle_initial": "Q",
    "last_name": "Public",
    "address1": "100 Main St",
    "address2": None,
    "address3": None,
    "city": "Chicago",
    "state": "IL",
    "province": None,
    "postal_code": "60601",
    "country_code": "USA",
    "gender": "M",
    "date_of_birth": "1980-01-15",
    "alt_phone": "3125550901",
    "email": "john.public@example.invalid",
    "security_phrase": None,
    "comments": "wants premium",
    "called_count": 2,
    "last_local_call_time": "2024-06-03 10:00:00",
    "rank": 0,
    "owner": "1001",
}
RECORD_5010 = {
    "lead_id": "5010",
    "status": "SALE",
    "user": "1002",
    "vendor_lead_code": "VL5010",
    "source_id": "LIST",
    "list_id": "1001",
    "gmt_offset_now": -5.0,
    "phone_code": "1",
    "phone_number": "3125550010",
    "title": None,
    "first_name": "Omar",
    "middle_initial": None,
    "last_name": "Haddad",
    "address1": "10 State St",
    "address2": None,
    "address3": None,
    "city": "Chicago",
    "state": "IL",
    "province": None,
    "postal_code": "60603",
    "country_code": "USA",
    "gender": "M",
    "date_of_birth": None,
    "alt_phone": None,
    "email": "omar.h@example.invalid",
    "security_phrase": None,
    "comments": "closed deal",
    "called_count": 1,
    "last_local_call_time": "2024-06-03 14:00:00",
    "rank": 0,
    "owner": "1002",
    "entry_list_id": "1001",
}
RECORD_5001 = {"lead_id": "5001", **LEAD_5001, "entry_list_id": "0"}
CALLBACKS_5004 = [
    {
        "lead_id": "5004",
        "callback_type": "ARCHIVE",
        "recipient": "USERONLY",
        "callback_status": "INACTIVE",
        "lead_status": "CALLBK",
        "callback_date": "2024-06-03 11:00:00",
        "entry_date": "2024-06-02 15:00:00",
        "user": "1001",
        "list_id": "101",
        "campaign_id": "TESTCAMP",
        "user_group": "AGENTS",
        "customer_timezone": None,
        "customer_time": None,
        "comments": "first attempt",
    },
    {
        "lead_id": "5004",
        "callback_type": "CURRENT",
        "recipient": "USERONLY",
        "callback_status": "ACTIVE",
        "lead_status": "CALLBK",
        "callback_date": "2024-06-04 10:00:00",
        "entry_date": "2024-06-03 11:00:00",
        "user": "1001",
        "list_id": "101",
        "campaign_id": "TESTCAMP",
        "user_group": "AGENTS",
        "customer_timezone": "USA-EST-Y-Eastern Time Zone",
        "customer_time": "2024-06-04 10:00:00",
        "comments": "call back tomorrow morning",
    },
]
MOH = [
    {"moh_id": "default", "moh_name": "Default Music On Hold", "random": "N", "files": ["conf"]},
    {
        "moh_id": "salesmoh",
        "moh_name": "Sales hold music",
        "random": "N",
        "files": ["oracle_hold_a"],
    },
]
VOICEMAIL = [
    {"voicemail_id": "8500", "name": "Sales voicemail", "email": None},
    {"voicemail_id": "8501", "name": "Support voicemail", "email": None},
    {"voicemail_id": "1001", "name": "1001 - Alice desk phone", "email": None},
    {"voicemail_id": "102", "name": "gs102 - Test Admin Phone", "email": None},
    {"voicemail_id": "8300", "name": "callin - Dial-in Agent Phone", "email": None},
]
INGROUPS = [
    {
        "group_id": "AGENTDIRECT",
        "group_name": "Single Agent Direct Queue",
        "group_color": "white",
    },
    {
        "group_id": "AGENTDIRECT_CHAT",
        "group_name": "Agent Direct Queue for Chats",
        "group_color": "#FFFFFF",
    },
    {"group_id": "SALESLINE", "group_name": "Sales Line", "group_color": "green"},
    {"group_id": "SUPPORT", "group_name": "Customer Support", "group_color": "blue"},
]
CALL_MENUS = [
    {"menu_id": "2FA_say_auth_code", "menu_name": "2FA_say_auth_code"},
    {
        "menu_id": "default---agent",
        "menu_name": "agent phones restricted to only internal extensions",
    },
    {"menu_id": "defaultlog", "menu_name": "logging of all outbound calls from agent phones"},
    {"menu_id": "MAINMENU", "menu_name": "Main IVR menu"},
]
CONTAINERS = [
    {"container_id": "TIMEZONES_AUSTRALIA", "container_notes": "Australian Timezone List"},
    {"container_id": "TIMEZONES_CANADA", "container_notes": "Canadian Timezone List"},
    {"container_id": "TIMEZONES_USA", "container_notes": "USA Timezone List"},
]
INGROUP_CHANGE_1001 = {
    "view": "change",
    "agent_user": "1001",
    "full_name": "Alice Agent",
    "campaign_id": "TESTCAMP",
    "on_hook_agent": False,
    "on_hook_ring_time": None,
    "ingroups": [
        {"group_id": "SALESLINE", "group_name": "Sales Line", "selected": True},
        {"group_id": "SUPPORT", "group_name": "Customer Support", "selected": True},
    ],
    "outbound_autodial": "Y",
    "outbound_autodial_disabled": False,
    "set_as_default_disabled": False,
    "manager_ingroup_set": None,
    "manager": None,
    "manager_name": None,
}


def expect(
    result: str,
    message: str | None,
    data: Any,
    error_type: str | None = None,
    *,
    generic: bool = False,
) -> dict[str, Any]:
    return {
        "result": result,
        "message": message,
        "data": data,
        "notices": [],
        "error_type": error_type,
        "generic": generic,
    }


def not_allowed(function: str) -> dict[str, Any]:
    """The generic line of an API user whose api_allowed_functions lack the function."""
    return expect(
        "ERROR",
        "USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION",
        {"function": function},
        "upstream_error",
        generic=True,
    )


# lead_field_info with an unknown column: PHP dies on the SQL error (HTTP 500, empty body); the
# gateway answers 502 before parsing and never sends such a field_name anyway.
HTTP_500 = {"http_status": 500}

EXPECTED: dict[str, dict[str, Any]] = {
    "agent_ingroup_info__err_invalid_user": expect(
        "ERROR", "INVALID USER ID", {"agent_user": "9999"}, "not_found"
    ),
    "agent_ingroup_info__ok_change_html": expect("SUCCESS", None, INGROUP_CHANGE_1001),
    "batch_update_lead__err_list_exists_check": expect(
        "ERROR",
        "NOT A DEFINED LIST ID, LIST EXISTS CHECK ENABLED",
        {"list_id_field": "4444"},
        "invalid_input",
    ),
    "batch_update_lead__ok": expect(
        "SUCCESS",
        "LEADS HAVE BEEN UPDATED",
        {"affected_rows": 3, "found_count": 3, "lead_ids": ["5018", "5017", "5016"]},
    ),
    "callmenu_list__err_function_not_allowed": not_allowed("callmenu_list"),
    "callmenu_list__ok_selectframe": expect("SUCCESS", None, CALL_MENUS),
    "ccc_lead_info__err_call_not_found": expect(
        "ERROR", "CALL NOT FOUND", {"agent_user": None}, "not_found"
    ),
    "ccc_lead_info__header_yes": expect("SUCCESS", None, LEAD_5001),
    "ccc_lead_info__ok": expect("SUCCESS", None, LEAD_5001),
    "container_list__err_no_type": expect(
        "ERROR", "NO CONTAINER TYPE DEFINED", {"type": None}, "invalid_input"
    ),
    "container_list__ok_timezone_list": expect("SUCCESS", None, CONTAINERS),
    "ingroup_list__err_function_not_allowed": not_allowed("ingroup_list"),
    "ingroup_list__ok_selectframe": expect("SUCCESS", None, INGROUPS),
    "lead_callback_info__err_callback_not_found": expect(
        "ERROR",
        "CALLBACK NOT FOUND",
        {"lead_id": "5001", "stage": "pipe", "search_location": None},
        "not_found",
    ),
    "lead_callback_info__header_yes": expect("SUCCESS", None, CALLBACKS_5004),
    "lead_callback_info__ok_all": expect("SUCCESS", None, CALLBACKS_5004),
    "lead_dearchive__err_archived_not_found": expect(
        "ERROR",
        "ARCHIVED LEAD NOT FOUND",
        {"lead_id": "4999", "stage": None, "search_location": None},
        "not_found",
    ),
    "lead_dearchive__ok": expect(
        "SUCCESS",
        "LEAD DE-ARCHIVED",
        {"lead_id": "4999", "inserted_count": 1, "deleted_count": 1},
    ),
    "lead_field_info__err_field_not_found": HTTP_500,
    "lead_field_info__ok": expect("SUCCESS", None, {"first_name": "John"}),
    "lead_status_search__err_invalid_params": expect(
        "ERROR",
        "INVALID SEARCH PARAMETERS",
        {"status": None, "date": None, "lead_id": None},
        "invalid_input",
    ),
    "lead_status_search__ok": expect("SUCCESS", None, [RECORD_5010, RECORD_5001]),
    "moh_list__err_function_not_allowed": not_allowed("moh_list"),
    "moh_list__ok_default": expect("SUCCESS", None, MOH),
    "sounds_list__err_function_not_allowed": not_allowed("sounds_list"),
    "sounds_list__format_link_stage_date": expect(
        "SUCCESS",
        None,
        [
            {
                "filename": "oracle_welcome.wav",
                "url": "http://127.0.0.1/oracle_sounds/oracle_welcome.wav",
            },
            {
                "filename": "oracle_hold_a.wav",
                "url": "http://127.0.0.1/oracle_sounds/oracle_hold_a.wav",
            },
        ],
    ),
    "update_log_entry__err_group_not_found": expect(
        "ERROR", "GROUP NOT FOUND", {"group": "NOPE"}, "not_found"
    ),
    "update_log_entry__ok": expect(
        "SUCCESS",
        "RECORD HAS BEEN UPDATED",
        {
            "group": "TESTCAMP",
            "call_id": "V6031000000000005001",
            "status": "APPT",
            "old_status": "INCALL",
            "uniqueid": "1000000009.4001",
        },
    ),
    "vm_list__err_function_not_allowed": not_allowed("vm_list"),
    "vm_list__ok_default": expect("SUCCESS", None, VOICEMAIL),
}


def test_every_sample_of_the_area_has_expectations() -> None:
    assert {s.name for s in SAMPLE_LIST} == set(EXPECTED)
    assert {s.function for s in SAMPLE_LIST} == set(FUNCTIONS)


def parse(function: str, text: str, /, **params: str) -> ParsedReply:
    return parse_reply(CATALOG[function], text, params=params)


def shape(reply: ParsedReply) -> dict[str, Any]:
    return {
        "result": reply.result,
        "message": reply.message,
        "data": reply.data,
        "notices": [(n.result, n.message, n.data) for n in reply.notices],
        "error_type": reply.error_type,
        "generic": reply.generic,
    }


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.name)
def test_sample_parsed(sample: Sample) -> None:
    want = EXPECTED[sample.name]
    if want is HTTP_500:
        assert sample.meta["status"] == "500" and sample.body == b""
        # The catalog only lets the standard columns through.
        with pytest.raises(BadRequest):
            build_params(_crm_app(), CATALOG[sample.function], sample.params)
        return
    assert sample.meta["status"] == "200"
    reply = parse_reply(CATALOG[sample.function], sample.body.decode(), params=sample.params)
    assert reply.result == want["result"]
    assert reply.message == want["message"]
    assert reply.data == want["data"]
    assert [(n.result, n.message, n.data) for n in reply.notices] == want["notices"]
    assert reply.error_type == want["error_type"]
    assert reply.generic is want["generic"]
    assert not reply.login_failure
    # The API user is in the status lines of the samples and never in a result.
    assert "6666" not in repr(reply.data) and "7780" not in repr(reply.data)


def _crm_app() -> Any:
    from gateway.config_load import parse_config

    from .conftest import config_dict

    return parse_config(config_dict()).apps["crm"]


# --- 2. the simulator answers each sample's request like the reference server -----------------


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(float(SAMPLE_EPOCH))


@pytest.fixture
def state(clock: ManualClock) -> SimState:
    state = SimState.seeded({API_USER: SIM_PASS}, clock=clock)
    state.add_api_user(*RESTRICTED, allowed_functions=["version", "lead_search"])
    return state


@pytest.fixture
async def running(state: SimState) -> AsyncIterator[RunningSim]:
    sim = await start_simulator("127.0.0.1", 0, state=state)
    try:
        yield sim
    finally:
        await sim.close()


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


class SimClient:
    """GETs on the simulator over HTTPS, trusting only its CA."""

    def __init__(self, sim: RunningSim, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session
        self.ssl = ssl.create_default_context(cafile=str(sim.ca_file))

    async def get(self, query: str) -> Reply:
        url = f"{self.sim.api_url}?{query}"
        async with self.session.get(url, ssl=self.ssl) as resp:
            return Reply(resp.status, resp.headers["Content-Type"], await resp.read())

    async def api(self, function: str, **params: str) -> Reply:
        base = {"source": "test", "user": API_USER, "pass": SIM_PASS, "function": function}
        return await self.get(urllib.parse.urlencode({**base, **params}))


@pytest.fixture
async def client(running: RunningSim) -> AsyncIterator[SimClient]:
    async with aiohttp.ClientSession() as session:
        yield SimClient(running, session)


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.name)
async def test_sample_replayed(client: SimClient, sample: Sample) -> None:
    assert sample.meta["method"] == "GET"
    reply = await client.get(sample.query(_password(sample)))
    if sample.meta.get("note", "").startswith("second time"):
        reply = await client.get(sample.query(_password(sample)))
    assert str(reply.status) == sample.meta["status"]
    assert reply.content_type == sample.meta["content-type"]
    assert_same_shape(sample, reply.body, extra=(AIG_TEXT_SUCCESS,))
    # The simulator's seed is the sample server's data: every reply is the same, byte for byte.
    assert reply.body == sample.body


# --- 3. through the gateway ---------------------------------------------------------------------


def assert_clean(body: Mapping[str, Any], *, user: bool = True) -> None:
    """Neither the API user nor its password ever reaches a caller.

    ``user=False``: the data holds seeded leads that the API user entered (their ``user``
    column is 6666 as data, not VICIdial echoing the login).
    """
    text = json.dumps({k: v for k, v in body.items() if k != "request_id"})
    assert API_PASS not in text
    assert not user or API_USER not in text


async def ok(gateway: Gateway, function: str, body: Any, *, user_in_data: bool = False) -> Any:
    status, reply, _ = await gateway.call(function, body)
    assert status == 200, reply
    assert reply["ok"] is True and reply["function"] == function
    assert reply["notices"] == []
    assert_clean(reply, user=not user_in_data)
    return reply["data"]


async def fails(gateway: Gateway, function: str, body: Any, status: int, kind: str) -> Any:
    got, reply, _ = await gateway.call(function, body)
    assert (got, reply["error"]["type"]) == (status, kind), reply
    assert reply["ok"] is False
    assert_clean(reply)
    return reply["error"]


async def test_gateway_ccc_lead_info(gateway: Gateway) -> None:
    data = await ok(gateway, "ccc_lead_info", {"call_id": "M6031200000000005001"})
    assert data == LEAD_5001
    # The gateway chose the delimiter and the header row itself, in the form body.
    sent = gateway.sim.state.requests[-1]
    assert {"stage", "header"} <= set(sent.body_names) and not sent.has_query
    error = await fails(
        gateway, "ccc_lead_info", {"call_id": "V6039999999999999999"}, 404, "not_found"
    )
    assert error == {
        "type": "not_found",
        "message": "CALL NOT FOUND",
        "details": {"agent_user": None},
    }
    # A call older than 10 hours is not found; a call whose lead is gone neither.
    await fails(gateway, "ccc_lead_info", {"call_id": "V6031100000000005002"}, 404, "not_found")
    error = await fails(
        gateway, "ccc_lead_info", {"call_id": "M6031300000000009999"}, 404, "not_found"
    )
    assert error["message"] == "LEAD NOT FOUND"
    # DC call ids are looked up in the dial log.
    body = {"call_id": "DC6031400000000005003"}
    data = await ok(gateway, "ccc_lead_info", body, user_in_data=True)
    assert data["phone_number"] == "7275550003"
    error = await fails(gateway, "ccc_lead_info", {"call_id": "X12"}, 422, "invalid_input")
    assert error["details"] == {"call_id": "X12"}
    await fails(gateway, "ccc_lead_info", {"call_id": "M603-1"}, 400, "bad_request")
    await fails(
        gateway,
        "ccc_lead_info",
        {"call_id": "M6031200000000005001", "stage": "csv"},
        400,
        "bad_request",
    )


async def test_gateway_lead_callback_info(gateway: Gateway) -> None:
    data = await ok(gateway, "lead_callback_info", {"lead_id": 5004, "search_location": "ALL"})
    assert data == CALLBACKS_5004
    assert await ok(gateway, "lead_callback_info", {"lead_id": "5004"}) == CALLBACKS_5004[1:]
    data = await ok(gateway, "lead_callback_info", {"lead_id": 5004, "search_location": "ARCHIVE"})
    assert data == CALLBACKS_5004[:1]
    error = await fails(gateway, "lead_callback_info", {"lead_id": 5001}, 404, "not_found")
    # The gateway asked for tab-delimited rows: VICIdial echoes that stage.
    assert error["details"] == {"lead_id": "5001", "stage": "tab", "search_location": None}
    await fails(
        gateway,
        "lead_callback_info",
        {"lead_id": 5004, "search_location": "all"},
        400,
        "bad_request",
    )
    # A comment with the delimiter in it (free text, last column) comes back whole.
    gateway.sim.state.callbacks[0].comments = "call\tback | later"
    data = await ok(gateway, "lead_callback_info", {"lead_id": 5004})
    assert data[0]["comments"] == "call\tback | later"


async def test_gateway_lead_dearchive(gateway: Gateway) -> None:
    state = gateway.sim.state
    assert 4999 in state.archived_leads and 4999 not in state.leads
    data = await ok(gateway, "lead_dearchive", {"lead_id": 4999})
    assert data == {"lead_id": "4999", "inserted_count": 1, "deleted_count": 1}
    assert 4999 in state.leads and 4999 not in state.archived_leads
    # The lead is back: lead_all_info finds it in vicidial_list.
    status, reply, _ = await gateway.call("lead_all_info", {"lead_id": 4999})
    assert status == 200 and reply["data"][0]["first_name"] == "Old"
    # A repeat finds nothing to move.
    error = await fails(gateway, "lead_dearchive", {"lead_id": 4999}, 404, "not_found")
    assert error["message"] == "ARCHIVED LEAD NOT FOUND"
    # An archived copy of a lead that is also live is a conflict.
    state.archived_leads[5002] = state.leads[5002]
    error = await fails(gateway, "lead_dearchive", {"lead_id": 5002}, 409, "conflict")
    assert error["details"] == {"lead_id": "5002", "list_id": "101"}
    await fails(gateway, "lead_dearchive", {"lead_id": "123456789012"}, 400, "bad_request")


async def test_gateway_lead_field_info(gateway: Gateway) -> None:
    body = {"lead_id": 5001, "field_name": "first_name"}
    assert await ok(gateway, "lead_field_info", body) == {"first_name": "John"}
    body["field_name"] = "called_count"
    assert await ok(gateway, "lead_field_info", body) == {"called_count": 2}
    body["field_name"] = "address2"  # an empty value is an empty body
    assert await ok(gateway, "lead_field_info", body) == {"address2": None}
    gateway.sim.state.leads[5001].comments = "two\nlines\n"
    body["field_name"] = "comments"
    assert await ok(gateway, "lead_field_info", body) == {"comments": "two\nlines\n"}
    archived = {"lead_id": 4999, "field_name": "last_name", "archived_lead": True}
    assert await ok(gateway, "lead_field_info", archived) == {"last_name": "Record"}
    error = await fails(
        gateway, "lead_field_info", {"lead_id": 4999, "field_name": "last_name"}, 404, "not_found"
    )
    assert error == {
        "type": "not_found",
        "message": "LEAD NOT FOUND",
        "details": {"lead_id": "4999"},
    }
    # Only the standard columns: no SQL keyword, no other column, no custom table.
    for name in ("CURRENT_USER", "entry_date", "no_such_field"):
        body = {"lead_id": 5001, "field_name": name}
        await fails(gateway, "lead_field_info", body, 400, "bad_request")
    body = {"lead_id": 5001, "field_name": "first_name", "custom_fields": "Y"}
    await fails(gateway, "lead_field_info", body, 400, "bad_request")


async def test_gateway_lead_status_search(gateway: Gateway) -> None:
    data = await ok(gateway, "lead_status_search", {"status": "SALE", "date": "2024-06-03"})
    assert data == [RECORD_5010, RECORD_5001]
    # Inbound calls (vicidial_closer_log) come after the outbound ones.
    data = await ok(gateway, "lead_status_search", {"status": "SALE", "date": "2024-06-01"})
    assert [r["lead_id"] for r in data] == ["5001"]
    data = await ok(gateway, "lead_status_search", {"lead_id": 5002}, user_in_data=True)
    assert [r["lead_id"] for r in data] == ["5002"]
    error = await fails(gateway, "lead_status_search", {}, 422, "invalid_input")
    assert error["details"] == {"status": None, "date": None, "lead_id": None}
    error = await fails(
        gateway, "lead_status_search", {"status": "SALE", "date": "2024-01-01"}, 404, "not_found"
    )
    assert error["details"] == {"lead_id": None, "status": "SALE", "call_date": None}
    # A comment with line breaks stays one value.
    gateway.sim.state.leads[5001].comments = "wants\npremium => now"
    data = await ok(gateway, "lead_status_search", {"lead_id": 5001})
    assert data[0]["comments"] == "wants\npremium => now"


async def test_gateway_update_log_entry(gateway: Gateway) -> None:
    body = {"group": "TESTCAMP", "call_id": "V6031000000000005001", "status": "APPT"}
    data = await ok(gateway, "update_log_entry", body)
    assert data == {
        "group": "TESTCAMP",
        "call_id": "V6031000000000005001",
        "status": "APPT",
        "old_status": "INCALL",
        "uniqueid": "1000000009.4001",
    }
    # The call log changed: lead_status_search finds the lead under its new status.
    data = await ok(gateway, "lead_status_search", {"status": "APPT", "date": "2024-06-03"})
    assert [r["lead_id"] for r in data] == ["5001"]
    # The same status again changes no row.
    error = await fails(gateway, "update_log_entry", body, 409, "conflict")
    assert error["details"]["old_status"] == "APPT"
    # In-groups update the inbound log (the uniqueid field is the closecallid there).
    inbound = {"group": "SUPPORT", "call_id": "J6031000000000005003", "status": "DONE"}
    data = await ok(gateway, "update_log_entry", inbound)
    assert (data["old_status"], data["uniqueid"]) == ("XFER", "2")
    assert gateway.sim.state.leadmedia.closer_log[1].status == "DONE"
    error = await fails(gateway, "update_log_entry", {**body, "group": "NOPE"}, 404, "not_found")
    assert error["message"] == "GROUP NOT FOUND"
    missing = {**body, "call_id": "V6031000000000005014"}
    error = await fails(gateway, "update_log_entry", missing, 404, "not_found")
    assert error["message"] == "NO RECORDS FOUND"
    await fails(
        gateway, "update_log_entry", {**body, "call_id": "1717408800.1001"}, 400, "bad_request"
    )


async def test_gateway_batch_update_lead(gateway: Gateway) -> None:
    body = {"lead_ids": [5016, 5017, "5018"], "comments": "batch touched", "rank": 3}
    data = await ok(gateway, "batch_update_lead", body)
    assert data == {"affected_rows": 3, "found_count": 3, "lead_ids": ["5018", "5017", "5016"]}
    leads_ = gateway.sim.state.leads
    assert [(leads_[i].comments, leads_[i].rank) for i in (5016, 5017, 5018)] == [
        ("batch touched", "3")
    ] * 3
    # lead_all_info shows the change.
    status, reply, _ = await gateway.call("lead_all_info", {"lead_id": 5017})
    assert status == 200
    assert (reply["data"][0]["comments"], reply["data"][0]["rank"]) == ("batch touched", 3)
    # Same values again: found, nothing changed. A comma string works as well as a list.
    data = await ok(gateway, "batch_update_lead", {**body, "lead_ids": "5016,5017,5018"})
    assert data == {"affected_rows": 0, "found_count": 3, "lead_ids": ["5018", "5017", "5016"]}
    # records caps the leads (newest first); --BLANK-- empties a field.
    data = await ok(
        gateway, "batch_update_lead", {"lead_ids": "5016,5017", "records": 1, "city": "--BLANK--"}
    )
    assert data == {"affected_rows": 1, "found_count": 1, "lead_ids": ["5017"]}
    assert (leads_[5017].city, leads_[5016].city) == ("", "Chicago")
    # No field to change: VICIdial prints nothing; the gateway says success without data.
    status, reply, _ = await gateway.call("batch_update_lead", {"lead_ids": [5016]})
    assert status == 200
    assert (reply["result"], reply["message"], reply["data"]) == ("SUCCESS", None, None)
    error = await fails(
        gateway, "batch_update_lead", {"lead_ids": [9998, 9999], "rank": 1}, 404, "not_found"
    )
    assert error["details"] == {"lead_ids": ["9998", "9999"]}
    checked = {"lead_ids": [5016], "list_id_field": "4444", "list_exists_check": True}
    error = await fails(gateway, "batch_update_lead", checked, 422, "invalid_input")
    assert error["details"] == {"list_id_field": "4444"}
    error = await fails(gateway, "batch_update_lead", {"lead_ids": ""}, 422, "invalid_input")
    assert error["message"] == "NO LEADS DEFINED"
    await fails(gateway, "batch_update_lead", {"lead_ids": ["5016;1"]}, 400, "bad_request")
    await fails(gateway, "batch_update_lead", {"rank": 1}, 400, "bad_request")


async def test_gateway_sounds_list(gateway: Gateway) -> None:
    body = {"stage": "date"}
    assert await ok(gateway, "sounds_list", body) == [
        {
            "index": 0,
            "filename": "oracle_welcome.wav",
            "date": "2024-06-01 09:00:00",
            "size": 48044,
            "epoch": 1717232400,
        },
        {
            "index": 1,
            "filename": "oracle_hold_a.wav",
            "date": "2024-05-20 08:00:00",
            "size": 96044,
            "epoch": 1716192000,
        },
    ]
    data = await ok(gateway, "sounds_list", {**body, "stage": "size"})
    assert [f["filename"] for f in data] == ["oracle_hold_a.wav", "oracle_welcome.wav"]
    data = await ok(gateway, "sounds_list", {**body, "stage": "name"})
    assert [f["filename"] for f in data] == ["oracle_hold_a.wav", "oracle_welcome.wav"]
    # The picker frame carries the API password in its links: the gateway fixes format=tab.
    hits = len(gateway.sim.state.requests)
    for bad in ({"format": "selectframe", "stage": "date"}, {"format": "tab", "stage": "date"}, {}):
        await fails(gateway, "sounds_list", bad, 400, "bad_request")
    assert len(gateway.sim.state.requests) == hits  # refused before VICIdial
    gateway.sim.state.leadmedia.sound_files.clear()
    assert await ok(gateway, "sounds_list", body) == []
    gateway.sim.state.leadmedia.sounds.directory_exists = False
    error = await fails(gateway, "sounds_list", body, 502, "upstream_error")
    assert error["details"] == {}  # the server path stays inside
    gateway.sim.state.leadmedia.sounds.central_control_active = 0
    # The server's setup, not the login or the caller's input.
    error = await fails(gateway, "sounds_list", body, 422, "not_configured")
    assert "CENTRAL SOUND CONTROL IS NOT ACTIVE" in error["message"]


@pytest.mark.parametrize(
    ("function", "body", "want"),
    [
        ("moh_list", {}, MOH),
        ("vm_list", {}, VOICEMAIL),
        ("ingroup_list", {}, INGROUPS),
        ("callmenu_list", {}, CALL_MENUS),
        ("container_list", {"type": "TIMEZONE_LIST"}, CONTAINERS),
    ],
)
async def test_gateway_pickers(gateway: Gateway, function: str, body: Any, want: Any) -> None:
    assert await ok(gateway, function, body) == want
    # The picker's target field name is not taken: it is echoed raw into the HTML.
    await fails(gateway, function, {**body, "comments": "x"}, 400, "bad_request")
    # An API account that may not use the function.
    gateway.sim.state.users[API_USER].api_allowed_functions = " version "
    error = await fails(gateway, function, body, 502, "upstream_error")
    assert error["message"] == "the gateway's VICIdial account may not use this function"


async def test_gateway_picker_scoping_and_errors(gateway: Gateway) -> None:
    state = gateway.sim.state
    assert await ok(gateway, "container_list", {"type": "NO_SUCH_TYPE"}) == []
    error = await fails(gateway, "container_list", {"type": ""}, 422, "invalid_input")
    assert error["message"] == "NO CONTAINER TYPE DEFINED"
    state.leadmedia.sounds.central_control_active = 0
    await fails(gateway, "moh_list", {}, 422, "not_configured")
    # Rows of user groups the API user's group may not see are left out.
    state.user_groups["ADMIN"].admin_viewable_groups = " ADMIN -"
    state.leadmedia.inbound_groups["SUPPORT"].user_group = "AGENTS"
    data = await ok(gateway, "ingroup_list", {})
    assert [g["group_id"] for g in data] == ["AGENTDIRECT", "AGENTDIRECT_CHAT", "SALESLINE"]


async def test_gateway_agent_ingroup_info(gateway: Gateway) -> None:
    data = await ok(gateway, "agent_ingroup_info", {"agent_user": "1001", "stage": "change"})
    assert data == INGROUP_CHANGE_1001
    data = await ok(gateway, "agent_ingroup_info", {"agent_user": "1001", "stage": "text"})
    assert data == {
        "view": "text",
        "agent_user": "1001",
        "selected_ingroups": ["SALESLINE", "SUPPORT"],
        "outbound_autodial": "Y",
        "manager_ingroup_set": "N",
        "manager": None,
    }
    data = await ok(gateway, "agent_ingroup_info", {"agent_user": "1001"})
    assert data == {
        "view": "info",
        "agent_user": "1001",
        "full_name": "Alice Agent",
        "campaign_id": "TESTCAMP",
        "ingroups": INGROUP_CHANGE_1001["ingroups"],
        "selected_ingroups": ["SALESLINE", "SUPPORT"],
        "outbound_autodial": "Y",
        "manager_ingroup_set": "N",
        "manager": None,
    }
    # Agent 1002: a campaign without inbound, a manager override.
    data = await ok(gateway, "agent_ingroup_info", {"agent_user": "1002", "stage": "change"})
    assert (data["ingroups"], data["outbound_autodial"]) == ([], "N")
    assert (data["manager_ingroup_set"], data["manager"], data["manager_name"]) == (
        "SET",
        "1001",
        "Alice Agent",
    )
    # Without change_agent_campaign the change form is the info table.
    gateway.sim.state.leadmedia.user_flags[API_USER] = UserFlags(change_agent_campaign=False)
    data = await ok(gateway, "agent_ingroup_info", {"agent_user": "1001", "stage": "change"})
    assert data["view"] == "info"
    for agent in ("9999", "1003"):  # unknown; not logged in
        error = await fails(gateway, "agent_ingroup_info", {"agent_user": agent}, 404, "not_found")
        assert error["details"] == {"agent_user": agent}
    await fails(
        gateway, "agent_ingroup_info", {"agent_user": "1001", "stage": "x"}, 400, "bad_request"
    )


async def test_gateway_vicidial_fatal_error_is_502(gateway: Gateway) -> None:
    # A restricted user group breaks lead_status_search's SQL (filter after "limit 1000"):
    # PHP dies with HTTP 500, which the gateway reports without parsing anything.
    gateway.sim.state.user_groups["ADMIN"].allowed_campaigns = " TESTCAMP -"
    body = {"status": "SALE", "date": "2024-06-03"}
    await fails(gateway, "lead_status_search", body, 502, "upstream_error")
    # The lead_id search has valid SQL and is scoped to the allowed campaigns' call log.
    data = await ok(gateway, "lead_status_search", {"lead_id": 5001})
    assert [r["lead_id"] for r in data] == ["5001"]
    await fails(gateway, "lead_status_search", {"lead_id": 5010}, 404, "not_found")


async def test_gateway_permission_lines_are_upstream_errors(gateway: Gateway) -> None:
    gateway.sim.state.users[API_USER].modify_leads = 0
    error = await fails(
        gateway, "batch_update_lead", {"lead_ids": [5016], "rank": 1}, 502, "upstream_error"
    )
    assert error["details"] == {}
    await fails(gateway, "lead_dearchive", {"lead_id": 4999}, 502, "upstream_error")
    await fails(
        gateway, "lead_field_info", {"lead_id": 5001, "field_name": "city"}, 502, "upstream_error"
    )
    gateway.sim.state.users[API_USER].view_reports = False
    await fails(
        gateway, "ccc_lead_info", {"call_id": "M6031200000000005001"}, 502, "upstream_error"
    )


# --- the parsers: quirks and shapes that must never be guessed ---------------------------------


def test_lead_field_info_value_or_status_line() -> None:
    fn = "lead_field_info"
    assert parse(fn, "", field_name="city").data == {"city": None}
    # A value never has a line end of its own: a text that looks like an error is a value...
    text = "ERROR: lead_field_info LEAD NOT FOUND: 6666|5001"
    assert parse(fn, text, field_name="comments").data == {"comments": text}
    # ... unless it is exactly one of the function's lines with its LF (VICIdial gives no other
    # way to tell them apart).
    reply = parse(fn, text + "\n", field_name="comments")
    assert (reply.result, reply.error_type, reply.data) == (
        "ERROR",
        "not_found",
        {"lead_id": "5001"},
    )
    assert parse(fn, "two\nlines\n", field_name="comments").data == {"comments": "two\nlines\n"}
    assert parse(fn, "-4.00", field_name="gmt_offset_now").data == {"gmt_offset_now": -4.0}
    with pytest.raises(ReplyShapeError):
        parse(fn, "many", field_name="called_count")
    with pytest.raises(ReplyShapeError):
        parse(fn, "2024-06-03", field_name="last_local_call_time")
    reply = parse(fn, "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |6666|x|\n")
    assert reply.generic and reply.error_type == "upstream_error"


def test_zero_dates_of_key_value_and_raw_replies_are_null() -> None:
    """lead_status_search's records and lead_field_info's bare value: MySQL's zero date is
    VICIdial's empty date, so null."""
    zero = {"date_of_birth": "0000-00-00", "last_local_call_time": "0000-00-00 00:00:00"}
    reply = parse("lead_status_search", _record(1, "7", **zero), lead_id="7")
    assert isinstance(reply.data, list)
    assert [reply.data[0][k] for k in zero] == [None, None]
    for name, value in zero.items():
        assert parse("lead_field_info", value, field_name=name).data == {name: None}
    assert parse("lead_field_info", "1980-01-15", field_name="date_of_birth").data == {
        "date_of_birth": "1980-01-15"
    }


def _record(n: int, lead_id: str, **values: str) -> str:
    fields = {k: "" for k in RECORD_5001} | {"lead_id": lead_id, "called_count": "0"} | values
    return f";---------- START OF RECORD {n} ----------\n" + "".join(
        f"{k} => {v}\n" for k, v in fields.items()
    )


def test_lead_status_search_records() -> None:
    fn = "lead_status_search"
    text = _record(1, "7", comments="a\nb => c", vendor_lead_code="x\n") + _record(2, "8")
    reply = parse(fn, text, status="SALE", date="2024-06-03")
    assert isinstance(reply.data, list) and [r["lead_id"] for r in reply.data] == ["7", "8"]
    assert (reply.data[0]["comments"], reply.data[0]["vendor_lead_code"]) == ("a\nb => c", "x\n")
    # Custom fields follow entry_list_id, only when asked for.
    custom = _record(1, "7") + "favorite_color => blue!Nand green\n"
    reply = parse(fn, custom, lead_id="7", custom_fields="Y")
    assert isinstance(reply.data, list) and reply.data[0]["favorite_color"] == "blue!Nand green"
    broken = [
        custom,  # a custom field not asked for
        _record(1, "7", city="Chi\ncago"),  # a LF in a value that cannot hold one
        _record(1, "7") + _record(3, "8"),  # records out of order
        _record(1, "7")[:-1],  # no final LF
        _record(1, "7").replace("rank => \n", ""),  # a missing field
        _record(1, "7", called_count="x"),
    ]
    for text in broken:
        with pytest.raises(ReplyShapeError):
            parse(fn, text, lead_id="7")


def test_batch_update_lead_shapes() -> None:
    fn = "batch_update_lead"
    assert shape(parse(fn, "")) == expect("SUCCESS", None, None)
    reply = parse(fn, "ERROR: batch_update_lead NO MATCHES FOUND IN THE SYSTEM: |6666|1,2\n")
    assert reply.data == {"lead_ids": ["1", "2"]}
    with pytest.raises(ReplyShapeError):
        parse(fn, "SUCCESS: batch_update_lead LEADS HAVE BEEN UPDATED - 6666|1|1|5,\n")


def test_sounds_list_shapes() -> None:
    fn = "sounds_list"
    tab = "0\ta.wav\t2024-06-01 09:00:00.\t10\t1717232400\n2\tb b.gsm\t2024-05-01 09:00:00.\t5\t7\n"
    assert parse(fn, tab, format="tab", stage="date").data == [
        {
            "index": 0,
            "filename": "a.wav",
            "date": "2024-06-01 09:00:00",
            "size": 10,
            "epoch": 1717232400,
        },
        {"index": 2, "filename": "b b.gsm", "date": "2024-05-01 09:00:00", "size": 5, "epoch": 7},
    ]
    assert parse(fn, "", format="tab", stage="date").data == []
    broken = [
        tab.replace("2\t", "0\t"),  # positions must rise
        tab + '<a href="http://x/a.wav">a.wav</a><br>\n',  # two formats at once
        tab[:-1],
        "0\ta.mp3\t2024-06-01 09:00:00.\t10\t1\n",
        '<a href="http://x/b.wav">a.wav</a><br>\n',
        PICKER_HEAD + "<td>#</td>\n",  # the selectframe page (it carries the password)
    ]
    for text in broken:
        with pytest.raises(ReplyShapeError):
            parse(fn, text, format="tab", stage="date")


def _picker_page(header: str, *rows: str) -> str:
    return PICKER_HEAD + header + "".join(rows) + PICKER_END


CALLMENU_HEADER = "<td width=30>#</td>\n<td colspan=2>Call Menus</td>\n<td>Name</td>\n</tr>\n"


def _menu_row(n: int, menu_id: str, name: str, comments: str = "") -> str:
    color = "#E6E6E6" if n % 2 else "#F6F6F6"
    return (
        f'<tr bgcolor="{color}"><td width=30><font size=1 face="Arial,Helvetica">{n}</td>\n'
        f"<td colspan=2><a href=\"javascript:choose_file('{menu_id}','{comments}');\">"
        f'<font size=2 face="Arial,Helvetica">{menu_id}</a></td>\n'
        f'<td><font size=2 face="Arial,Helvetica">{name}</td></tr>\n'
    )


def test_picker_values_are_taken_as_printed() -> None:
    page = _picker_page(
        CALLMENU_HEADER, _menu_row(1, "A", "it's <b>bold</b></td></tr>"), _menu_row(2, "B", "")
    )
    assert parse("callmenu_list", page).data == [
        {"menu_id": "A", "menu_name": "it's <b>bold</b></td></tr>"},
        {"menu_id": "B", "menu_name": None},
    ]
    assert parse("callmenu_list", _picker_page(CALLMENU_HEADER)).data == []
    comments = _picker_page(CALLMENU_HEADER, _menu_row(1, "A", "x", comments="fieldname"))
    assert parse("callmenu_list", comments, comments="fieldname").data == [
        {"menu_id": "A", "menu_name": "x"}
    ]


def test_picker_shapes_that_do_not_fit() -> None:
    row = _menu_row(1, "A", "x")
    broken = [
        _picker_page(CALLMENU_HEADER, row, row),  # numbering
        _picker_page(CALLMENU_HEADER, _menu_row(2, "A", "x")),
        _picker_page(CALLMENU_HEADER, row.replace("#E6E6E6", "#F6F6F6")),  # colour
        _picker_page(CALLMENU_HEADER, row.replace(">A</a>", ">B</a>")),  # link text != id
        _picker_page(CALLMENU_HEADER, _menu_row(1, "A", "x", comments="f")),  # not sent
        _picker_page(CALLMENU_HEADER, row, "<tr>\n"),
        _picker_page(CALLMENU_HEADER, row)[:-1],
        _picker_page(CALLMENU_HEADER.replace("Call Menus", "Inbound Groups"), row),
        _picker_page(CALLMENU_HEADER, row.replace("\n<td>", "\n<td>x\n<td>", 1)),
        "<html>oops</html>\n",
        "",
    ]
    for text in broken:
        with pytest.raises(ReplyShapeError):
            parse("callmenu_list", text)
    # Another picker's page does not fit either.
    with pytest.raises(ReplyShapeError):
        parse_picker(CATALOG["vm_list"], _picker_page(CALLMENU_HEADER, row), {})


def test_vm_list_numbering_restarts_at_the_phones() -> None:
    header = (
        "<td width=30>#</td>\n<td colspan=2>Voicemail Boxes</td>\n<td>Name</td>\n"
        "<td>Email</td>\n</tr>\n"
    )

    def row(n: int, box: str) -> str:
        return _menu_row(n, box, "n").replace("</td></tr>\n", "</td>\n") + (
            '<td><font size=2 face="Arial,Helvetica">e@x</td></tr>\n'
        )

    page = _picker_page(header, row(1, "8500"), row(2, "8501"), row(1, "1001"))
    data = parse("vm_list", page).data
    assert isinstance(data, list)
    assert [v["voicemail_id"] for v in data] == ["8500", "8501", "1001"]
    for rows in ((1, 3), (1, 1, 1), (2,)):
        with pytest.raises(ReplyShapeError):
            parse("vm_list", _picker_page(header, *(row(n, "8500") for n in rows)))


def test_agent_ingroup_info_text_and_broken_html() -> None:
    fn = "agent_ingroup_info"
    text = (
        "SUCCESS:  - 1002|text\nSELECTED INGROUPS:  -\nOUTBOUND AUTODIAL: N\n"
        "MANAGER OVERRIDE: SET\nMANAGER: 1001\n\n"
    )
    assert parse(fn, text, agent_user="1002", stage="text").data == {
        "view": "text",
        "agent_user": "1002",
        "selected_ingroups": [],
        "outbound_autodial": "N",
        "manager_ingroup_set": "SET",
        "manager": "1001",
    }
    for broken in (text[:-1], text.replace("MANAGER:", "BOSS:"), text.replace("|text", "|info")):
        with pytest.raises(ReplyShapeError):
            parse(fn, broken, agent_user="1002", stage="text")
    html = (SAMPLES / "agent_ingroup_info__ok_change_html.txt").read_text().split("\n\n", 1)[1]
    for broken in (
        html.replace(" SELECTED>SUPPORT", " SELECTED>SUPPORTX"),
        html.replace('value="NO">No', 'value="NO" SELECTED>No'),
        html.replace("submit_ingroup_changes('1001')", "submit_ingroup_changes('1002')"),
        html + "<p>\n",
        html[:-1],
    ):
        with pytest.raises(ReplyShapeError):
            parse(fn, broken, agent_user="1001", stage="change")


# --- the simulator: other options and the PHP's quirks -----------------------------------------


async def _parsed(client: SimClient, function: str, **params: str) -> ParsedReply:
    reply = await client.api(function, **params)
    assert reply.status == 200
    return parse_reply(CATALOG[function], reply.body.decode(), params=params)


@pytest.mark.parametrize("stage", ["csv", "tab", "pipe", "newline", "other"])
@pytest.mark.parametrize("header", ["YES", "NO"])
async def test_row_functions_in_every_delimiter(client: SimClient, stage: str, header: str) -> None:
    call = {"call_id": "M6031200000000005001", "stage": stage, "header": header}
    assert (await _parsed(client, "ccc_lead_info", **call)).data == LEAD_5001
    callbacks = {"lead_id": "5004", "search_location": "ALL", "stage": stage, "header": header}
    if stage == "newline":
        # Several rows with one field per line: refused, never guessed (the gateway asks for tab).
        with pytest.raises(ReplyShapeError):
            await _parsed(client, "lead_callback_info", **callbacks)
    else:
        reply = await _parsed(client, "lead_callback_info", **callbacks)
        assert reply.data == CALLBACKS_5004


async def test_lead_callback_info_header_must_be_exact(client: SimClient) -> None:
    reply = await client.api("lead_callback_info", lead_id="5004", header="yes")
    assert reply.body == b"ERROR: lead_callback_info CALLBACK NOT FOUND: 6666|5004|pipe|\n"


async def test_php_fatal_errors(client: SimClient) -> None:
    for function, params in (
        (
            "update_log_entry",
            {"group": "TESTCAMP", "call_id": "VABCDEFGHIJKLMNOPQRS", "status": "A"},
        ),
        ("batch_update_lead", {"lead_ids": "5016,,5017", "rank": "1"}),
        ("lead_field_info", {"lead_id": "5001", "field_name": "first-name"}),
        ("lead_field_info", {"lead_id": "5001", "field_name": "city", "custom_fields": "Y"}),
    ):
        reply = await client.api(function, **params)
        assert (reply.status, reply.body) == (500, b"")
        assert reply.content_type == "text/html; charset=utf-8"
    # A column name that is no name is a SQL syntax error: the simulator's SQL guard answers it
    # (and records it; the gateway never sends one, field_name is one of the lead columns).
    breakouts = client.sim.state.sql_breakouts
    assert [b.split(":")[:2] for b in breakouts] == [["lead_field_info", " field_name"]]
    breakouts.clear()
    # MySQL column names ignore case.
    reply = await client.api("lead_field_info", lead_id="5001", field_name="FIRST_NAME")
    assert reply.body == b"John"


async def test_sounds_list_formats(client: SimClient) -> None:
    reply = await client.api("sounds_list", format="tablink", stage="NAME")
    lines = reply.body.decode().split("\n")
    assert lines[0] == "0\toracle_hold_a.wav\t2024-05-20 08:00:00.\t96044\t1716192000"
    assert (
        lines[1]
        == '<a href="http://127.0.0.1/oracle_sounds/oracle_hold_a.wav">oracle_hold_a.wav</a><br>'
    )
    # No sort word in stage: no rows at all.
    assert (await client.api("sounds_list", format="tab", stage="x")).body == b""
    # selectframe: VICIdial's own leak of the API credentials, which the gateway never requests.
    page = (await client.api("sounds_list", format="selectframe", stage="date")).body.decode()
    assert page.startswith(PICKER_HEAD) and page.endswith(PICKER_END)
    assert f"&user={API_USER}&pass={SIM_PASS}&" in page


async def test_agent_ingroup_info_html_variants(client: SimClient, state: SimState) -> None:
    extra = state.leadmedia.agent_ingroups["1001"]
    extra.on_hook_agent, extra.on_hook_ring_time = "Y", 30
    extra.manager_ingroup_set, extra.external_igb_set_user = "Y", "1002"
    state.leadmedia.user_flags[API_USER] = UserFlags(modify_users=False)
    state.campaigns["TESTCAMP"].dial_method = "INBOUND_MAN"
    reply = await _parsed(client, "agent_ingroup_info", agent_user="1001", stage="change")
    assert isinstance(reply.data, dict)
    assert {k: reply.data[k] for k in list(reply.data)[4:]} == {
        "on_hook_agent": True,
        "on_hook_ring_time": 30,
        "ingroups": INGROUP_CHANGE_1001["ingroups"],
        "outbound_autodial": "N",
        "outbound_autodial_disabled": True,
        "set_as_default_disabled": True,
        "manager_ingroup_set": "Y",
        "manager": "1002",
        "manager_name": "Bob Agent",
    }
    # A manual campaign takes no inbound: no in-groups to choose from.
    state.campaigns["TESTCAMP"].dial_method = "MANUAL"
    for stage in ("change", "info"):
        reply = await _parsed(client, "agent_ingroup_info", agent_user="1001", stage=stage)
        assert isinstance(reply.data, dict) and reply.data["ingroups"] == []


async def test_update_log_entry_checks(client: SimClient) -> None:
    # The PHP's length test is inverted: long group, call_id and status together are refused.
    reply = await client.api(
        "update_log_entry", group="TESTCAMP", call_id="V6031000000000005001", status="LONGSTATUS"
    )
    assert reply.body == (
        b"ERROR: update_log_entry INVALID SEARCH PARAMETERS: "
        b"6666|TESTCAMP|V6031000000000005001|LONGSTATUS\n"
    )


async def test_lead_dearchive_scoped_to_allowed_lists(client: SimClient, state: SimState) -> None:
    state.user_groups["ADMIN"].allowed_campaigns = " SALESOUT -"
    reply = await client.api("lead_dearchive", lead_id="4999")
    assert reply.body == b"ERROR: lead_dearchive ARCHIVED LEAD NOT FOUND: 6666|4999||\n"
    assert 4999 in state.archived_leads
