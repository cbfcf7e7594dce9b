"""The report functions: every captured sample parsed field by field and replayed by the simulator,
their quirks, and each function through the real gateway.

Functions: recording_lookup, did_log_export, phone_number_log, agent_stats_export,
user_group_status, in_group_status, user_details, callid_info, logged_in_agents, call_status_stats,
call_dispo_report, check_phone_number.
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from gateway.catalog import CATALOG, reports
from gateway.catalog.parser import ParsedReply, ReplyShapeError, parse_reply
from gateway.catalog.reports_shapes import php_ksort
from gateway.policy import build_params
from gateway.sim import ManualClock, RunningSim, SimState, start_simulator
from gateway.sim.data_reports import AgentLogEntry, Recording
from gateway.sim.gmt import usa_dst

from .conftest import API_PASS, API_USER, Gateway, without_request_ids
from .samples import Sample, assert_same_shape, samples_for

FUNCTIONS = {spec.name for spec in reports.FUNCTIONS}
SAMPLE_EPOCH = 1795818978  # the reference server's clock when the samples were captured
SIM_PASS = "reports-sim-pass-77"


SAMPLE_LIST = samples_for(FUNCTIONS)


def parse(function: str, text: str, /, **params: str) -> ParsedReply:
    return parse_reply(CATALOG[function], text, params=params)


# --- expected parse results -------------------------------------------------------------------


def ok(data: Any) -> dict[str, Any]:
    return {"result": "SUCCESS", "message": None, "data": data, "notices": [], "error_type": None}


def err(message: str, data: dict[str, Any], error_type: str) -> dict[str, Any]:
    return {"result": "ERROR", "message": message, "data": data, "notices": [],
            "error_type": error_type}


def hours(**counts: int) -> list[int]:
    """24 hourly counts from h10=2 style keywords."""
    return [counts.get(f"h{h:02d}", 0) for h in range(24)]


def statuses(**counts: int) -> list[dict[str, Any]]:
    return [{"status": s, "calls": n} for s, n in counts.items()]


RECORDINGS_1001 = [
    {"start_time": "2024-06-03 10:00:05", "user": "1001", "recording_id": "1", "lead_id": "5001",
     "location": "http://127.0.0.1/RECORDINGS/MP3/20240603-100005_3125550001_1001-all.mp3"},
    {"start_time": "2024-06-03 13:00:12", "user": "1001", "recording_id": "2", "lead_id": "5001",
     "location": "http://127.0.0.1/RECORDINGS/MP3/20240603-130012_3125550001_1001-all.mp3"},
]
RECORDINGS_WITH_DURATION = [
    {**RECORDINGS_1001[0], "duration": 295},
    {**RECORDINGS_1001[1], "duration": 168},
]
DID_CALLS = [
    {"did_number": "3125551000", "caller_id_number": "3125550001",
     "call_date": "2024-06-03 13:00:00", "length_in_sec": 180},
    {"did_number": "3125551000", "caller_id_number": "3125550007",
     "call_date": "2024-06-03 13:20:00", "length_in_sec": 30},
]


def call_log(phone: str, date: str, list_id: str, seconds: int, lead_status: str, hangup: str,
             status: str, source_id: str, user: str) -> dict[str, Any]:
    return {"phone_number": phone, "call_date": date, "list_id": list_id,
            "length_in_sec": seconds, "lead_status": lead_status, "hangup_reason": hangup,
            "call_status": status, "source_id": source_id, "user": user}


CALLS_3125550001 = [
    call_log("3125550001", "2026-11-27 22:36:18", "101", 0, "SALE", "NONE", "INCALL", "WEB",
             "1001"),
    call_log("3125550001", "2024-06-03 10:00:00", "101", 300, "SALE", "CALLER", "SALE", "WEB",
             "1001"),
    call_log("3125550001", "2024-06-03 13:00:00", "101", 180, "SALE", "CALLER", "SALE", "WEB",
             "1001"),
]
CALLS_3125550010 = [
    call_log("3125550010", "2024-06-03 14:00:00", "1001", 300, "SALE", "CALLER", "SALE", "LIST",
             "1002"),
]
AGENT_STATS = [
    {"user": "1001", "full_name": "Alice Agent", "user_group": "AGENTS", "calls": 2,
     "login_time": 4165, "total_talk_time": 420, "avg_talk_time": 0, "avg_wait_time": 1795,
     "pct_of_queue": 40.0, "pause_time": 90, "sessions": 1, "avg_session": 4165, "pauses": 3,
     "avg_pause_time": 30, "pause_pct": 2.2, "pauses_per_session": 3, "wait_time": 3590,
     "talk_time": 420, "dispo_time": 65, "dead_time": 0},
    {"user": "1002", "full_name": "Bob Agent", "user_group": "AGENTS", "calls": 3,
     "login_time": 1412, "total_talk_time": 450, "avg_talk_time": 0, "avg_wait_time": 207,
     "pct_of_queue": 60.0, "pause_time": 280, "sessions": 1, "avg_session": 1412, "pauses": 3,
     "avg_pause_time": 93, "pause_pct": 19.8, "pauses_per_session": 3, "wait_time": 620,
     "talk_time": 450, "dispo_time": 62, "dead_time": 0},
]
USER_GROUPS = {"usergroups": ["AGENTS", "ADMIN"], "calls_waiting": 1, "agents_logged_in": 2,
               "agents_in_calls": 1, "agents_waiting": 0, "agents_paused": 1,
               "agents_in_dead_calls": 0, "agents_in_dispo": 0, "agents_in_dial": 0}
IN_GROUPS = {"ingroups": ["SALESLINE", "SUPPORT"], "total_calls": 0, "calls_waiting": 0,
             "agents_logged_in": 2, "agents_in_calls": 1, "agents_waiting": 0,
             "agents_paused": 1, "agents_in_dispo": 0, "agents_in_dial": 0}
USER_1001 = {"user": "1001", "full_name": "Alice Agent", "user_group": "AGENTS", "user_level": 1,
             "active": "Y"}
CALL_DETAIL = {"call_id": "V6031000000000005001", "custtime": 120,
               "call_date": "2024-06-03 10:00:00", "phone": "3125550001",
               "call_type": "OUTBOUND_AUTO", "campaign_id": "TESTCAMP", "list_id": "101",
               "status": "SALE", "user": "1001"}
AGENTS = [
    {"user": "1001", "campaign_id": "TESTCAMP", "session_id": "8600051", "status": "INCALL",
     "lead_id": "5001", "callerid": "M6031200000000005001", "calls_today": 3,
     "full_name": "Alice Agent", "user_group": "AGENTS", "user_level": 1},
    {"user": "1002", "campaign_id": "SALESOUT", "session_id": "8600052", "status": "PAUSED",
     "lead_id": "0", "callerid": None, "calls_today": 1, "full_name": "Bob Agent",
     "user_group": "AGENTS", "user_level": 1},
]
STATUS_STATS = [
    {"id": "SALESOUT", "total_calls": 3, "human_answered_calls": 1, "hourly": hours(h14=2, h15=1),
     "statuses": statuses(B=1, LVM=1, SALE=1)},
    {"id": "SURVEY", "total_calls": 0, "human_answered_calls": 0, "hourly": hours(),
     "statuses": []},
    {"id": "TESTCAMP", "total_calls": 7, "human_answered_calls": 5,
     "hourly": hours(h10=2, h11=2, h12=2, h16=1),
     "statuses": statuses(A=1, CALLBK=2, DNC=1, NA=1, NI=1, SALE=1)},
    {"id": "SALESLINE", "total_calls": 2, "human_answered_calls": 2, "hourly": hours(h13=2),
     "statuses": statuses(DROP=1, SALE=1)},
    {"id": "SUPPORT", "total_calls": 1, "human_answered_calls": 1, "hourly": hours(h13=1),
     "statuses": statuses(SALE=1)},
]

EXPECTED: dict[str, dict[str, Any]] = {
    "recording_lookup__err_invalid_params": err(
        "INVALID SEARCH PARAMETERS",
        {"agent_user": None, "lead_id": None, "date": None, "uniqueid": None}, "invalid_input"),
    "recording_lookup__header_yes": ok(RECORDINGS_1001),
    "recording_lookup__ok_duration": ok(RECORDINGS_WITH_DURATION),  # see HEADER_REFUSED
    "did_log_export__err_invalid_params": err(
        "INVALID SEARCH PARAMETERS", {"phone_number": "3125551000", "date": None},
        "invalid_input"),
    "did_log_export__header_yes": ok(DID_CALLS),  # see HEADER_REFUSED
    "did_log_export__ok": ok(DID_CALLS),
    "phone_number_log__err_no_records": {
        "result": "NOTICE", "message": "NO RECORDS FOUND FOR THIS PHONE NUMBER",
        "data": {"phone_number": "3125559876", "lead_id": None, "date": None}, "notices": [],
        "error_type": None},
    "phone_number_log__header_yes": ok(CALLS_3125550001),
    "phone_number_log__ok_all_multi": ok(CALLS_3125550001 + CALLS_3125550010),
    "agent_stats_export__err_invalid_params": err(
        "INVALID SEARCH PARAMETERS",
        {"agent_user": None, "datetime_start": None, "datetime_end": None, "campaign_id": None},
        "invalid_input"),
    "agent_stats_export__header_yes": ok(AGENT_STATS),
    "agent_stats_export__ok": ok(AGENT_STATS),
    "user_group_status__err_invalid_params": err(
        "INVALID SEARCH PARAMETERS", {"user_groups": None}, "invalid_input"),
    "user_group_status__header_yes": ok(USER_GROUPS),
    "user_group_status__ok": ok(USER_GROUPS),
    "in_group_status__err_invalid_params": err(
        "INVALID SEARCH PARAMETERS", {"in_groups": None}, "invalid_input"),
    "in_group_status__header_yes": ok(IN_GROUPS),
    "in_group_status__ok": ok(IN_GROUPS),
    "user_details__err_invalid_params": err(
        "INVALID SEARCH PARAMETERS", {"agent_user": None}, "invalid_input"),
    "user_details__header_yes": ok(USER_1001),
    "user_details__ok": ok(USER_1001),
    "callid_info__err_call_not_found": err("CALL NOT FOUND", {"agent_user": None}, "not_found"),
    "callid_info__header_yes": ok(CALL_DETAIL),
    "callid_info__ok": ok({"call_id": "V6031000000000005001", "custtime": 120}),
    "logged_in_agents__err_no_agents": err(
        "NO LOGGED IN AGENTS", {"agent_user": None}, "not_found"),
    "logged_in_agents__header_yes": ok(AGENTS),
    "logged_in_agents__ok": ok(AGENTS),
    "call_status_stats__err_missing_campaigns": err(
        "INVALID OR MISSING CAMPAIGNS", {"source": "test"}, "invalid_input"),
    "call_status_stats__ok_all": ok(STATUS_STATS),
    "call_dispo_report__err_missing": err(
        "INVALID OR MISSING CAMPAIGNS, INGROUPS, OR DIDS", {"source": "test"}, "invalid_input"),
    "call_dispo_report__ok_campaigns": ok({
        "rows": [{"id": "SALESOUT", "total_calls": 3, "statuses": []},
                 {"id": "TESTCAMP", "total_calls": 7, "statuses": []}],
        "total": {"total_calls": 10, "statuses": []}}),
    "check_phone_number__err_call_time": err(
        "THIS IS NOT A VALID CALL TIME", {"local_call_time": "badct"}, "invalid_input"),
    "check_phone_number__ok": ok({
        "phone_number": "3125551212", "phone_code": "1", "postal_code": None, "state": None,
        "owner": None,
        "time_zones": [{"method": "AREACODE", "dialable": True, "gmt_offset": -6.0}]}),
}

# The gateway never asks these two for a header: VICIdial's header does not name the data
# (did_log_export swaps columns 2 and 3; recording_lookup omits the duration column). Given such
# a header the parser refuses the reply rather than misread it; without the header (as the
# gateway asks) the very same rows come out keyed by their real meaning.
HEADER_REFUSED = {"did_log_export__header_yes", "recording_lookup__ok_duration"}


def shape(reply: ParsedReply) -> dict[str, Any]:
    return {
        "result": reply.result,
        "message": reply.message,
        "data": reply.data,
        "notices": [(n.result, n.message, n.data) for n in reply.notices],
        "error_type": reply.error_type,
    }


def test_the_table_covers_every_sample_of_the_reports_functions() -> None:
    assert {s.name for s in SAMPLE_LIST} == set(EXPECTED)
    assert {s.function for s in SAMPLE_LIST} == FUNCTIONS


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.name)
def test_sample_parsed_field_by_field(sample: Sample) -> None:
    spec = CATALOG[sample.function]
    want = EXPECTED[sample.name]
    if sample.name in HEADER_REFUSED:
        with pytest.raises(ReplyShapeError, match=r"header row expected|does not fit"):
            parse_reply(spec, sample.text, params=sample.params)
        header, _, rows = sample.text.partition("\n")
        assert header.startswith(("did_number|", "start_time|"))
        params = {k: v for k, v in sample.params.items() if k != "header"}
        reply = parse_reply(spec, rows, params=params)
    else:
        reply = parse_reply(spec, sample.text, params=sample.params)
    assert shape(reply) == want
    assert not reply.login_failure and not reply.generic
    assert API_USER not in repr(reply.data) and API_USER not in repr(reply.notices)


# --- the simulator replays every sample ---------------------------------------------------------


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(float(SAMPLE_EPOCH))


@pytest.fixture
def state(clock: ManualClock) -> SimState:
    return SimState.seeded({API_USER: SIM_PASS}, clock=clock)


@pytest.fixture
async def running(state: SimState) -> AsyncIterator[RunningSim]:
    sim = await start_simulator("127.0.0.1", 0, state=state)
    try:
        yield sim
    finally:
        await sim.close()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture
async def fetch(running: RunningSim) -> AsyncIterator[Any]:
    context = ssl.create_default_context(cafile=str(running.ca_file))
    async with aiohttp.ClientSession() as session:

        async def get(query: str | dict[str, str]) -> Reply:
            if isinstance(query, dict):
                base = {"source": "test", "user": API_USER, "pass": SIM_PASS}
                query = urllib.parse.urlencode({**base, **query})
            url = f"{running.api_url}?{query}"
            async with session.get(url, ssl=context) as resp:
                return Reply(resp.status, dict(resp.headers), await resp.read())

        yield get


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.name)
async def test_sample_replayed_by_the_simulator(fetch: Any, sample: Sample) -> None:
    reply = await fetch(sample.query(SIM_PASS))
    assert str(reply.status) == sample.meta["status"]
    assert_same_shape(sample, reply.body)
    assert reply.body == sample.body  # the seed is the sample server's data
    assert reply.headers["Content-Type"] == sample.meta["content-type"]


# --- parser quirks ------------------------------------------------------------------------------


def test_did_log_export_is_keyed_by_the_data_order_in_every_delimiter() -> None:
    for stage, dl in (("tab", "\t"), ("csv", ","), ("pipe", "|"), ("", "|")):
        text = f"3125551000{dl}3125550001{dl}2024-06-03 13:00:00{dl}180\n"
        assert parse("did_log_export", text, stage=stage).data == DID_CALLS[:1]


def test_recording_duration_is_a_column_only_when_asked_for() -> None:
    row = "2024-06-03 10:00:05\t1001\t1\t5001\t{}http://h/x.mp3\n"
    with_duration = parse("recording_lookup", row.format("295\t"), stage="tab", duration="Y")
    assert with_duration.data == [{"start_time": "2024-06-03 10:00:05", "user": "1001",
                                   "recording_id": "1", "lead_id": "5001", "duration": 295,
                                   "location": "http://h/x.mp3"}]
    plain = parse("recording_lookup", row.format(""), stage="tab")
    assert plain.data is not None and "duration" not in plain.data[0]
    with pytest.raises(ReplyShapeError):  # a duration VICIdial would not print is not guessed
        parse("recording_lookup", row.format("295\t"), stage="tab")


@pytest.mark.parametrize(
    ("time_format", "login", "avg"),
    [("", "1:09:25", "0:00:30"), ("HF", "1:09:25", "0:00:30"), ("H", "1:09:25", "0:00:30"),
     ("M", "69:25", "0:30"), ("S", "4165", "30"), ("X", "4165", "30")],
)
def test_agent_stats_durations_become_seconds(time_format: str, login: str, avg: str) -> None:
    zero = {"": "0:00:00", "HF": "0:00:00", "H": "0:00:00", "M": "0:00", "S": "0"}.get(
        time_format, "0:00")
    fields = ["TESTCAMP", "1001", "Alice | Agent", "AGENTS", "2", login, login, zero, avg,
              "16.7%", "90", "1", login, "3", avg, "100%", "3", avg, avg, avg, zero]
    reply = parse("agent_stats_export", "|".join(fields) + "\n", group_by_campaign="YES",
                  time_format=time_format)
    assert reply.data == [{
        "campaign_id": "TESTCAMP", "user": "1001", "full_name": "Alice | Agent",
        "user_group": "AGENTS", "calls": 2, "login_time": 4165, "total_talk_time": 4165,
        "avg_talk_time": 0, "avg_wait_time": 30, "pct_of_queue": 16.7, "pause_time": 90,
        "sessions": 1, "avg_session": 4165, "pauses": 3, "avg_pause_time": 30, "pause_pct": 100.0,
        "pauses_per_session": 3, "wait_time": 30, "talk_time": 30, "dispo_time": 30,
        "dead_time": 0}]


def test_agent_stats_refuses_what_is_not_a_duration_or_a_wrong_header() -> None:
    row = "1001|A|G|2|1:09|0:00:00|0:00:00|0:00:00|40%|90|1|0:00:00|3|0:00:00|2.2%|3" + (
        "|0:00:00" * 4) + "\n"
    with pytest.raises(ReplyShapeError, match="login_time is not a duration"):
        parse("agent_stats_export", row)
    with pytest.raises(ReplyShapeError, match="header row expected"):
        parse("agent_stats_export", "campaign_id|user\n" + row, header="YES")


def test_call_dispo_report_maps_values_to_the_sorted_statuses() -> None:
    # The header lists statuses as first seen (SALE, NA, B); the values are sorted (B, NA, SALE).
    text = ("CAMPAIGN,TOTAL CALLS,SALE,NA,B\nTESTCAMP,4,1 (25.0%),1 (25.0%),2 (50.0%)\n"
            "SALESLINE,1,0 (0.0%),0 (0.0%),1 (100.0%)\nTOTAL,5,1 (20.0%),1 (20.0%),3 (60.0%)")
    reply = parse("call_dispo_report", text, status_breakdown="Y", show_percentages="Y")
    assert reply.data == {
        "rows": [
            {"id": "TESTCAMP", "total_calls": 4, "statuses": [
                {"status": "B", "calls": 1, "percent": 25.0},
                {"status": "NA", "calls": 1, "percent": 25.0},
                {"status": "SALE", "calls": 2, "percent": 50.0}]},
            {"id": "SALESLINE", "total_calls": 1, "statuses": [
                {"status": "B", "calls": 0, "percent": 0.0},
                {"status": "NA", "calls": 0, "percent": 0.0},
                {"status": "SALE", "calls": 1, "percent": 100.0}]},
        ],
        "total": {"total_calls": 5, "statuses": [
            {"status": "B", "calls": 1, "percent": 20.0},
            {"status": "NA", "calls": 1, "percent": 20.0},
            {"status": "SALE", "calls": 3, "percent": 60.0}]},
    }


@pytest.mark.parametrize(
    ("text", "params", "reason"),
    [
        ("", {}, "empty reply"),
        ("CAMPAIGN,TOTAL CALLS\nTOTAL,0\n", {}, "TOTAL row"),  # a LF after TOTAL: not VICIdial's
        ("CAMPAIGN,TOTAL CALLS\nX,1", {}, "TOTAL row expected"),
        ("CAMPAIGNS,TOTAL CALLS\nTOTAL,0", {}, "header"),
        ("CAMPAIGN,TOTAL CALLS,SALE\nTOTAL,1,1", {}, "without status_breakdown"),
        ("CAMPAIGN,TOTAL CALLS,SALE\nA,1\nTOTAL,1,1", {"status_breakdown": "Y"}, "does not fit"),
        ("CAMPAIGN,TOTAL CALLS,SALE\nTOTAL,1,1 (100.0%)", {"status_breakdown": "Y"}, "count"),
        ("CAMPAIGN,TOTAL CALLS,9,10,5x\nTOTAL,3,1,1,1", {"status_breakdown": "Y"}, "order"),
    ],
)
def test_call_dispo_report_refuses_other_shapes(
    text: str, params: dict[str, str], reason: str
) -> None:
    with pytest.raises(ReplyShapeError, match=reason):
        parse("call_dispo_report", text, **params)


def test_php_ksort_orders_like_php() -> None:
    assert php_ksort(["SALE", "B", "NA", "CALLBK", "A"]) == ["A", "B", "CALLBK", "NA", "SALE"]
    assert php_ksort(["10", "9", "100"]) == ["9", "10", "100"]  # integer keys
    assert php_ksort(["B", "10", "9"]) == ["9", "10", "B"]
    with pytest.raises(ReplyShapeError):  # 9 < 10 numerically, but "10" < "5x" < "9" as strings
        php_ksort(["9", "10", "5x"])


def test_call_dispo_report_drops_the_copy_paste_source_line() -> None:
    text = ("ERROR: call_dispo_report INVALID OR MISSING CAMPAIGNS, INGROUPS, OR DIDS - crm\n"
            "ERROR: Invalid Source: |crm|\n")
    assert shape(parse("call_dispo_report", text)) == err(
        "INVALID OR MISSING CAMPAIGNS, INGROUPS, OR DIDS", {"source": "crm"}, "invalid_input")
    permission = ("ERROR: call_status_stats USER DOES NOT HAVE PERMISSION TO VIEW STATS: "
                  "|6666|0|\n")
    reply = parse("call_dispo_report", permission)
    assert (reply.message, reply.error_type) == (
        "USER DOES NOT HAVE PERMISSION TO VIEW STATS", "upstream_error")
    with pytest.raises(ReplyShapeError):  # a stray line is never ignored
        parse("call_status_stats", text.replace("call_dispo_report", "call_status_stats") + "x\n")


@pytest.mark.parametrize(
    "line",
    [
        "SALESOUT|3|1|00-0|B-1|",  # not 24 hours
        "SALESOUT|3|1|" + ",".join(f"{h:02d}-0" for h in range(24)) + "|B-1",  # no final pipe
        "SALESOUT|3|1|" + ",".join(f"{h:02d}-0" for h in range(1, 25)) + "||",  # hours shifted
        "SALESOUT|x|1|" + ",".join(f"{h:02d}-0" for h in range(24)) + "||",
        "SALESOUT|3|1|" + ",".join(f"{h:02d}-0" for h in range(24)) + "|B|",
    ],
)
def test_call_status_stats_refuses_malformed_rows(line: str) -> None:
    with pytest.raises(ReplyShapeError):
        parse("call_status_stats", line + "\n", campaigns="SALESOUT")


def test_call_status_stats_statuses_may_contain_dashes_and_nothing_is_an_empty_list() -> None:
    hourly = ",".join(f"{h:02d}-{1 if h == 9 else 0}" for h in range(24))
    reply = parse("call_status_stats", f"C-1|1|0|{hourly}|X-Y-1|\n")
    assert reply.data == [{"id": "C-1", "total_calls": 1, "human_answered_calls": 0,
                           "hourly": hours(h09=1), "statuses": [{"status": "X-Y", "calls": 1}]}]
    assert shape(parse("call_status_stats", "", campaigns="NONE")) == ok([])


def test_check_phone_number_segments_in_their_fixed_order() -> None:
    text = "AREACODE: 1|-5#POSTAL: 0|#TZCODE: 1|-8.00#PHONE: 3125551212|1|60601|IL|PST|\n"
    assert parse("check_phone_number", text).data == {
        "phone_number": "3125551212", "phone_code": "1", "postal_code": "60601", "state": "IL",
        "owner": "PST",
        "time_zones": [
            {"method": "AREACODE", "dialable": True, "gmt_offset": -5.0},
            {"method": "POSTAL", "dialable": False, "gmt_offset": None},
            {"method": "TZCODE", "dialable": True, "gmt_offset": -8.0},
        ],
    }
    for bad in ("POSTAL: 0|#AREACODE: 1|-5#PHONE: 1|1||||\n", "AREACODE: 2|-5#PHONE: 1|1||||\n",
                "PHONE: 1|1|||\n", "PHONE: 1|1||||", "PHONE: 1|1||||\nPHONE: 1|1||||\n"):
        with pytest.raises(ReplyShapeError):
            parse("check_phone_number", bad)


def test_the_api_user_never_reaches_the_data_of_an_error() -> None:
    for fn, line in (
        ("recording_lookup", "ERROR: recording_lookup NO RECORDINGS FOUND - 6666|1001|||"),
        ("user_group_status", "ERROR: user_group_status INVALID SEARCH PARAMETERS: 6666|A|B"),
        ("check_phone_number",
         "ERROR: check_phone_number USER DOES NOT HAVE PERMISSION TO CHECK PHONE NUMBERS: |6666||"),
    ):
        reply = parse(fn, line + "\n")
        assert reply.result == "ERROR" and "6666" not in repr(reply.data), line
    groups = parse("user_group_status", "ERROR: user_group_status INVALID SEARCH PARAMETERS: "
                   "6666|A|B\n")
    assert groups.data == {"user_groups": "A|B"}


# --- the simulator beyond the samples -----------------------------------------------------------


def sim_text(reply: Reply) -> str:
    assert reply.status == 200
    return reply.body.decode()


async def test_sim_rows_parse_the_same_in_every_delimiter_and_header(fetch: Any) -> None:
    cases = [
        ("phone_number_log", {"phone_number": "3125550001,3125550010", "type": "ALL"}),
        ("agent_stats_export", {"datetime_start": "2024-06-03 00:00:00",
                                "datetime_end": "2024-06-03 23:59:59", "group_by_campaign": "YES"}),
        ("user_group_status", {"user_groups": "AGENTS|ADMIN"}),
        ("in_group_status", {"in_groups": "SALESLINE|SUPPORT"}),
        ("user_details", {"agent_user": "1002"}),
        ("callid_info", {"call_id": "Y6031300000000005001", "detail": "YES"}),
        ("logged_in_agents", {"show_sub_status": "YES"}),
        ("recording_lookup", {"agent_user": "1002", "date": "2024-06-03"}),
    ]
    for function, params in cases:
        results = []
        for stage in ("tab", "csv", "pipe", ""):
            for header in ("YES", ""):
                form = {**params, "function": function, "stage": stage, "header": header}
                text = sim_text(await fetch(form))
                sent = {k: v for k, v in form.items() if k != "function"}
                results.append(parse_reply(CATALOG[function], text, params=sent).data)
        assert all(r == results[0] for r in results), function
        assert results[0], function


async def test_sim_agent_stats_by_campaign_and_time_formats(fetch: Any) -> None:
    base = {"function": "agent_stats_export", "datetime_start": "2024-06-03+00:00:00",
            "datetime_end": "2024-06-03+23:59:59", "group_by_campaign": "YES", "stage": "tab"}
    parsed = []
    for fmt in ("", "HF", "M", "S"):
        text = sim_text(await fetch({**base, "time_format": fmt}))
        parsed.append(parse_reply(CATALOG["agent_stats_export"], text,
                                  params={**base, "time_format": fmt}).data)
    # VICIdial averages the previous agent's *formatted* talk time: "0:07:30" counts as 0,
    # "7:30" as 7 and "450" as 450 (so the second row's avg_talk_time depends on the format).
    assert [[r["avg_talk_time"] for r in rows] for rows in parsed] == [[0, 0], [0, 0], [0, 4],
                                                                      [0, 225]]
    for rows in parsed:
        for row in rows:
            row.pop("avg_talk_time")
    assert all(p == parsed[0] for p in parsed)
    rows = parsed[0]
    assert isinstance(rows, list)
    assert [(r["campaign_id"], r["user"]) for r in rows] == [("SALESOUT", "1002"),
                                                             ("TESTCAMP", "1001")]
    # By campaign, the first row's dispo seconds are not counted twice (they are without).
    assert rows[0]["dispo_time"] == 52 and rows[0]["login_time"] == 1402
    text = sim_text(await fetch({**base, "agent_user": "1003"}))
    assert text.startswith("ERROR: agent_stats_export NO RECORDS FOUND - 6666|1003|2024-06-03 ")


async def test_sim_call_dispo_report_breakdown_in_groups_and_dids(fetch: Any) -> None:
    form = {"function": "call_dispo_report", "campaigns": "---ALL---", "query_date": "2024-06-03",
            "status_breakdown": "Y", "show_percentages": "Y"}
    text = sim_text(await fetch(form))
    assert text.split("\n")[0] == "CAMPAIGN,TOTAL CALLS,B,LVM,SALE,A,CALLBK,DNC,NA,NI"
    assert text.endswith("TOTAL,10,1 (10.0%),1 (10.0%),2 (20.0%),1 (10.0%),1 (10.0%),1 (10.0%),"
                         "1 (10.0%),2 (20.0%)")
    reply = parse_reply(CATALOG["call_dispo_report"], text, params=form)
    assert isinstance(reply.data, dict)
    assert reply.data["rows"][0]["id"] == "SALESOUT"
    assert reply.data["rows"][0]["statuses"][0] == {"status": "A", "calls": 0, "percent": 0.0}
    # In-groups alone; then the DIDs (only without in-groups), whose header repeats statuses.
    text = sim_text(await fetch({**form, "campaigns": "", "ingroups": "ALLGROUPS"}))
    assert text == ("CAMPAIGN,TOTAL CALLS,DROP,SALE\nSALESLINE,2,1 (50.0%),1 (50.0%)\n"
                    "SUPPORT,1,0 (0.0%),1 (100.0%)\nTOTAL,3,1 (33.3%),2 (66.7%)")
    text = sim_text(await fetch({**form, "campaigns": "", "did_patterns": "3125551000"}))
    assert text == ("CAMPAIGN,TOTAL CALLS,DROP,SALE\n3125551000,2,1 (50.0%),1 (50.0%)\n"
                    "TOTAL,2,1 (50.0%),1 (50.0%)")
    text = sim_text(await fetch({**form, "campaigns": "", "did_ids": "ALLDIDS"}))
    assert text.split("\n")[0] == "CAMPAIGN,TOTAL CALLS,DROP,SALE,SALE"
    reply = parse_reply(CATALOG["call_dispo_report"], text, params=form)
    assert isinstance(reply.data, dict) and reply.data["total"]["total_calls"] == 3
    # Filters: statuses by category, users by group.
    text = sim_text(await fetch({**form, "categories": "SALE", "user_groups": "AGENTS"}))
    assert text == "CAMPAIGN,TOTAL CALLS,SALE\nSALESOUT,1,1 (100.0%)\nTESTCAMP,1,1 (100.0%)\n" \
        "TOTAL,2,2 (100.0%)"


async def test_sim_call_dispo_report_download_is_an_attachment(fetch: Any) -> None:
    reply = await fetch({"function": "call_dispo_report", "campaigns": "TESTCAMP",
                         "query_date": "2024-06-03", "file_download": "1"})
    assert reply.body == b"CAMPAIGN,TOTAL CALLS\nTESTCAMP,7\nTOTAL,7"
    assert reply.headers["Content-Type"] == "application/octet-stream"
    assert reply.headers["Content-Disposition"] == (
        'attachment; filename="API_call_dispo_report_20261127223618.csv"')


async def test_sim_check_phone_number_paths(fetch: Any, state: SimState) -> None:
    base = {"function": "check_phone_number", "phone_number": "3125551212",
            "local_call_time": "24hours"}
    text = sim_text(await fetch({**base, "tz_method": "AREACODE_POSTAL_TZCODE",
                                 "postal_code": "94105", "owner": "PST", "state": "CA"}))
    assert text == ("AREACODE: 1|-6.00#POSTAL: 1|-8.00#TZCODE: 1|-8.00"
                    "#PHONE: 3125551212|1|94105|CA|PST|\n")
    # Without a 5-character postal code the POSTAL segment is empty and not dialable.
    text = sim_text(await fetch({**base, "tz_method": "POSTAL"}))
    assert text == "POSTAL: 0|#PHONE: 3125551212|1||||\n"
    # At 22:36 UTC it is 14:36 in San Francisco (inside 9am-5pm) and 17:36 in New York.
    text = sim_text(await fetch({**base, "local_call_time": "9am-5pm", "phone_number":
                                 "4155551212"}))
    assert text == "AREACODE: 1|-8.00#PHONE: 4155551212|1||||\n"
    text = sim_text(await fetch({**base, "local_call_time": "9am-5pm", "phone_number":
                                 "2125551212"}))
    assert text == "AREACODE: 0|-5.00#PHONE: 2125551212|1||||\n"  # 17:36 in New York
    errors = {
        "INVALID PHONE NUMBER LENGTH": {"phone_number": "12345"},
        "INVALID PHONE NUMBER PREFIX": {"phone_number": "3121551212", "usacan_prefix_check": "Y"},
        "INVALID PHONE NUMBER AREACODE": {"phone_number": "9995551212",
                                          "usacan_areacode_check": "Y"},
        "NANPA options disabled, NANPA prefix data not loaded": {"tz_method": "NANPA"},
        "PHONE NUMBER IN DNC": {"phone_number": "3125550199", "dnc_check": "Y"},
        "PHONE NUMBER IN CAMPAIGN DNC": {"phone_number": "3125550198",
                                         "campaign_dnc_check": "Y", "campaign_id": "TESTCAMP"},
    }
    for message, extra in errors.items():
        reply = parse_reply(CATALOG["check_phone_number"], sim_text(await fetch({**base, **extra})),
                            params=extra)
        assert (reply.result, reply.message) == ("ERROR", message)


async def test_sim_large_exports_come_from_the_tables(fetch: Any, state: SimState) -> None:
    data = state.reports
    data.add_synthetic_recordings(20_000, day="2024-07-01")
    data.add_synthetic_did_calls(20_000, day="2024-07-01")
    data.add_synthetic_calls(20_000, day="2024-07-01", phone_number="3125550002")
    data.add_synthetic_agent_log(20_000, day="2024-07-01")
    recordings = sim_text(await fetch({"function": "recording_lookup", "agent_user": "1001",
                                       "date": "2024-07-01", "stage": "tab"}))
    dids = sim_text(await fetch({"function": "did_log_export", "phone_number": "3125551000",
                                 "date": "2024-07-01"}))
    calls = sim_text(await fetch({"function": "phone_number_log", "phone_number": "3125550002"}))
    stats = sim_text(await fetch({"function": "agent_stats_export",
                                  "datetime_start": "2024-07-01 00:00:00",
                                  "datetime_end": "2024-07-01 23:59:59"}))
    assert recordings.count("\n") == 20_000 and dids.count("\n") == 20_000
    assert calls.count("\n") == 20_000 + 1  # and the 10:30 call of the seed
    assert stats.count("\n") == 4
    rows = parse("recording_lookup", recordings, stage="tab").data
    assert isinstance(rows, list) and len(rows) == 20_000
    assert rows[0]["start_time"] == "2024-07-01 00:00:00" and rows[-1]["user"] == "1001"


async def test_sim_live_counts_follow_the_live_tables(fetch: Any, state: SimState) -> None:
    state.live_agents["1002"].lead_id = 5012  # paused with a lead: in the dispo screen
    state.live_agents["1001"].call_sub_status = "DEAD"
    text = sim_text(await fetch({"function": "user_group_status", "user_groups": "AGENTS"}))
    assert text == "AGENTS|1|2|0|0|0|1|1|0\n"
    text = sim_text(await fetch({"function": "logged_in_agents", "show_sub_status": "YES"}))
    assert text.split("\n")[:2] == [
        "1001|TESTCAMP|8600051|INCALL|5001|M6031200000000005001|3|Alice Agent|AGENTS|1||DEAD",
        "1002|SALESOUT|8600052|PAUSED|5012||1|Bob Agent|AGENTS|1|BREAK|DISPO",
    ]
    # An API user whose group sees only AGENTS users and TESTCAMP/SALESOUT campaigns.
    state.add_api_user("7001", "scoped-pass-1", user_group="AGENTS")
    scoped = {"user": "7001", "pass": "scoped-pass-1", "source": "test"}
    text = sim_text(await fetch(urllib.parse.urlencode(
        {**scoped, "function": "user_details", "agent_user": "6666"})))
    assert text == "ERROR: user_details USER NOT FOUND: 7001|6666\n"
    text = sim_text(await fetch(urllib.parse.urlencode(
        {**scoped, "function": "callid_info", "call_id": "V6031100000000005099"})))
    assert text == "ERROR: callid_info CALL LOG NOT FOUND: 7001|\n"


async def test_sim_permissions_and_source(fetch: Any, state: SimState) -> None:
    state.users[API_USER].view_reports = False
    for function, line in (
        ("recording_lookup", "ERROR: recording_lookup USER DOES NOT HAVE PERMISSION TO GET "
                             "RECORDING INFO: |6666|0|\n"),
        ("call_dispo_report", "ERROR: call_status_stats USER DOES NOT HAVE PERMISSION TO VIEW "
                              "STATS: |6666|0|\n"),
    ):
        assert sim_text(await fetch({"function": function, "campaigns": "TESTCAMP"})) == line
    state.users[API_USER].vdc_agent_api_access = False
    text = sim_text(await fetch({"function": "check_phone_number", "phone_number": "3125551212"}))
    assert text == ("ERROR: check_phone_number USER DOES NOT HAVE PERMISSION TO CHECK PHONE "
                    "NUMBERS: |6666||\n")
    text = sim_text(await fetch(f"function=user_details&user={API_USER}&pass={SIM_PASS}&source=x"))
    assert text == "ERROR: Invalid Source - x\nERROR: Invalid Source: |x|\n"


def test_sim_seed_helpers_number_rows() -> None:
    state = SimState.seeded()
    rec = state.reports.add_recording(Recording(0, "2024-06-05 09:00:00", 10, "1001", 5001, "x",
                                                "loc", "1.1"))
    assert rec.recording_id == 5
    entry = state.reports.add_agent_log(AgentLogEntry(0, "1001", "2024-06-05 09:00:00", "TESTCAMP",
                                                      0, "LOGIN", 1, 2, 3, 4, 5))
    assert entry.agent_log_id == 7


# --- through the gateway ------------------------------------------------------------------------


async def call(gateway: Gateway, function: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    """A call through the gateway; the API user and password never appear in any reply."""
    status, payload, _headers = await gateway.call(function, body if body is not None else {})
    text = repr(payload)
    assert API_PASS not in text and f"'{API_USER}'" not in text and f"|{API_USER}|" not in text
    return status, payload


def assert_error(status: int, payload: dict[str, Any], want_status: int, error_type: str) -> None:
    assert status == want_status, payload
    assert payload["ok"] is False and payload["error"]["type"] == error_type


async def test_gateway_recording_lookup(gateway: Gateway) -> None:
    status, body = await call(gateway, "recording_lookup", {"lead_id": 5001, "duration": True})
    assert status == 200 and body["data"] == RECORDINGS_WITH_DURATION
    status, body = await call(gateway, "recording_lookup", {"agent_user": "1002",
                                                            "date": "2024-06-03"})
    assert status == 200 and not any("duration" in r for r in body["data"])
    assert [r["recording_id"] for r in body["data"]] == ["3", "4"]
    status, body = await call(gateway, "recording_lookup", {"date": "2024-06-03"})
    assert_error(status, body, 422, "invalid_input")
    assert body["error"]["details"] == {"agent_user": None, "lead_id": None,
                                        "date": "2024-06-03", "uniqueid": None}
    status, body = await call(gateway, "recording_lookup", {"lead_id": 4444})
    assert_error(status, body, 404, "not_found")
    # A recording added to the log is found by its call's uniqueid.
    uniqueid = gateway.sim.state.reports.outbound_calls[1].uniqueid
    gateway.sim.state.reports.add_recording(Recording(
        0, "2024-06-03 10:30:02", 12, "VDAD", 5002, "8600099", "http://h/r.wav", uniqueid))
    status, body = await call(gateway, "recording_lookup", {"uniqueid": uniqueid})
    assert status == 200 and [r["location"] for r in body["data"]] == ["http://h/r.wav"]


async def test_gateway_did_log_export(gateway: Gateway) -> None:
    status, body = await call(gateway, "did_log_export",
                              {"phone_number": "3125551000", "date": "2024-06-03"})
    assert status == 200 and body["data"] == DID_CALLS
    status, body = await call(gateway, "did_log_export",
                              {"phone_number": "3125551000", "date": "2024-06-04"})
    assert_error(status, body, 404, "not_found")
    assert body["error"]["details"] == {"agent_user": None, "lead_id": None, "date": "2024-06-04"}
    status, body = await call(gateway, "did_log_export", {"phone_number": "3125551000"})
    assert_error(status, body, 400, "bad_request")  # date is required
    status, body = await call(gateway, "did_log_export",
                              {"phone_number": "+13125551000", "date": "2024-06-03"})
    assert_error(status, body, 400, "bad_request")  # VICIdial would drop the +


async def test_gateway_phone_number_log(gateway: Gateway) -> None:
    status, body = await call(gateway, "phone_number_log",
                              {"phone_number": ["3125550001", "3125550010"], "type": "ALL"})
    assert status == 200 and body["data"] == CALLS_3125550001 + CALLS_3125550010
    status, body = await call(gateway, "phone_number_log",
                              {"phone_number": ["3125550001"], "type": "ALL", "detail": "LAST"})
    assert status == 200 and body["data"] == [CALLS_3125550001[0], CALLS_3125550001[2]]
    status, body = await call(gateway, "phone_number_log", {"phone_number": "3125559876"})
    assert status == 200 and body["result"] == "NOTICE"
    assert body["message"] == "NO RECORDS FOUND FOR THIS PHONE NUMBER"
    status, body = await call(gateway, "phone_number_log", {"phone_number": "312"})
    assert_error(status, body, 422, "invalid_input")
    # The lead's current status and source come from the lead table.
    gateway.sim.state.leads[5010].status = "CALLBK"
    status, body = await call(gateway, "phone_number_log", {"phone_number": "3125550010"})
    assert status == 200 and body["data"][0]["lead_status"] == "CALLBK"


async def test_gateway_agent_stats_export(gateway: Gateway) -> None:
    span = {"datetime_start": "2024-06-03 00:00:00", "datetime_end": "2024-06-03 23:59:59"}
    status, body = await call(gateway, "agent_stats_export", span)
    assert status == 200 and body["data"] == AGENT_STATS
    status, body = await call(gateway, "agent_stats_export",
                              {**span, "agent_user": "1002", "group_by_campaign": True})
    assert status == 200 and [(r["campaign_id"], r["user"], r["calls"], r["pct_of_queue"])
                              for r in body["data"]] == [("SALESOUT", "1002", 3, 100.0)]
    status, body = await call(gateway, "agent_stats_export",
                              {"datetime_start": "2024-06-03", "datetime_end": "2024-06-04"})
    assert_error(status, body, 422, "invalid_input")
    status, body = await call(gateway, "agent_stats_export", {**span, "campaign_id": "SURVEY"})
    assert_error(status, body, 404, "not_found")
    status, body = await call(gateway, "agent_stats_export", {**span, "time_format": "S"})
    assert_error(status, body, 400, "bad_request")  # the gateway chooses the format


async def test_gateway_user_group_and_in_group_status(gateway: Gateway) -> None:
    status, body = await call(gateway, "user_group_status", {"user_groups": ["AGENTS", "ADMIN"]})
    assert status == 200 and body["data"] == USER_GROUPS
    status, body = await call(gateway, "user_group_status", {"user_groups": ""})
    assert_error(status, body, 422, "invalid_input")
    status, body = await call(gateway, "in_group_status", {"in_groups": ["SALESLINE", "SUPPORT"]})
    assert status == 200 and body["data"] == IN_GROUPS
    gateway.sim.state.live_agents.pop("1001")  # agent 1001 logs out
    status, body = await call(gateway, "in_group_status", {"in_groups": "SALESLINE"})
    assert status == 200 and body["data"]["agents_logged_in"] == 1
    assert body["data"]["ingroups"] == ["SALESLINE"]
    status, body = await call(gateway, "in_group_status", {"in_groups": ""})
    assert_error(status, body, 422, "invalid_input")


async def test_gateway_user_details(gateway: Gateway) -> None:
    status, body = await call(gateway, "user_details", {"agent_user": "1001"})
    assert status == 200 and body["data"] == USER_1001
    gateway.sim.state.users["1001"].active = False
    status, body = await call(gateway, "user_details", {"agent_user": "1001"})
    assert status == 200 and body["data"]["active"] == "N"
    status, body = await call(gateway, "user_details", {"agent_user": "9999"})
    assert_error(status, body, 404, "not_found")
    assert body["error"]["details"] == {"agent_user": "9999"}


async def test_gateway_callid_info(gateway: Gateway) -> None:
    status, body = await call(gateway, "callid_info",
                              {"call_id": "V6031000000000005001", "detail": True})
    assert status == 200 and body["data"] == CALL_DETAIL
    status, body = await call(gateway, "callid_info", {"call_id": "Y6031300000000005001"})
    assert status == 200 and body["data"] == {"call_id": "Y6031300000000005001", "custtime": 300}
    status, body = await call(gateway, "callid_info", {"call_id": "V6039999999999999999"})
    assert_error(status, body, 404, "not_found")
    assert body["error"]["message"] == "CALL NOT FOUND"
    status, body = await call(gateway, "callid_info", {"call_id": "V6031100000000005099"})
    assert_error(status, body, 404, "not_found")
    assert body["error"]["message"] == "CALL LOG NOT FOUND"
    status, body = await call(gateway, "callid_info", {"call_id": "Q6031000000000005001"})
    assert_error(status, body, 422, "invalid_input")


async def test_gateway_logged_in_agents(gateway: Gateway) -> None:
    status, body = await call(gateway, "logged_in_agents")
    assert status == 200 and body["data"] == AGENTS
    status, body = await call(gateway, "logged_in_agents",
                              {"campaigns": ["TESTCAMP", "SURVEY"], "show_sub_status": True})
    assert status == 200 and body["data"] == [{**AGENTS[0], "pause_code": None,
                                               "sub_status": None}]
    status, body = await call(gateway, "logged_in_agents", {"campaigns": ["SURVEY"]})
    assert_error(status, body, 404, "not_found")
    gateway.sim.state.live_agents.clear()
    status, body = await call(gateway, "logged_in_agents")
    assert_error(status, body, 404, "not_found")


async def test_gateway_call_status_stats(gateway: Gateway) -> None:
    status, body = await call(gateway, "call_status_stats",
                              {"campaigns": "---ALL---", "query_date": "2024-06-03"})
    assert status == 200 and body["data"] == STATUS_STATS
    status, body = await call(gateway, "call_status_stats",
                              {"campaigns": ["TESTCAMP"], "query_date": "2024-06-03",
                               "ingroups": ["SUPPORT"], "statuses": ["SALE", "NA"]})
    assert status == 200 and [(r["id"], r["total_calls"], r["statuses"]) for r in body["data"]] \
        == [("TESTCAMP", 2, statuses(NA=1, SALE=1)), ("SUPPORT", 1, statuses(SALE=1))]
    status, body = await call(gateway, "call_status_stats", {"campaigns": "X"})
    assert_error(status, body, 422, "invalid_input")
    assert body["notices"] == []  # VICIdial's stray "Invalid Source" line is not passed on


async def test_gateway_call_dispo_report(gateway: Gateway) -> None:
    span = {"query_date": "2024-06-03", "end_date": "2024-06-03"}
    status, body = await call(gateway, "call_dispo_report",
                              {"campaigns": ["TESTCAMP", "SALESOUT"], **span})
    assert status == 200 and body["data"] == EXPECTED["call_dispo_report__ok_campaigns"]["data"]
    status, body = await call(gateway, "call_dispo_report",
                              {"ingroups": ["SALESLINE"], "status_breakdown": True,
                               "show_percentages": True, **span})
    assert status == 200 and body["data"] == {
        "rows": [{"id": "SALESLINE", "total_calls": 2, "statuses": [
            {"status": "DROP", "calls": 1, "percent": 50.0},
            {"status": "SALE", "calls": 1, "percent": 50.0}]}],
        "total": {"total_calls": 2, "statuses": [
            {"status": "DROP", "calls": 1, "percent": 50.0},
            {"status": "SALE", "calls": 1, "percent": 50.0}]}}
    status, body = await call(gateway, "call_dispo_report", span)
    assert_error(status, body, 422, "invalid_input")
    status, body = await call(gateway, "call_dispo_report",
                              {"campaigns": "TESTCAMP", "file_download": 1})
    assert_error(status, body, 400, "bad_request")  # never an attachment


async def test_gateway_check_phone_number(gateway: Gateway) -> None:
    status, body = await call(gateway, "check_phone_number",
                              {"phone_number": "3125551212", "local_call_time": "24hours"})
    assert status == 200
    gmt = -5.0 if usa_dst(time.time(), -6.0) else -6.0
    assert body["data"] == {"phone_number": "3125551212", "phone_code": "1", "postal_code": None,
                            "state": None, "owner": None,
                            "time_zones": [{"method": "AREACODE", "dialable": True,
                                            "gmt_offset": gmt}]}
    status, body = await call(gateway, "check_phone_number",
                              {"phone_number": "3125551212", "local_call_time": "badct"})
    assert_error(status, body, 422, "invalid_input")
    status, body = await call(gateway, "check_phone_number",
                              {"phone_number": "3125550199", "local_call_time": "24hours",
                               "dnc_check": "Y"})
    assert_error(status, body, 422, "invalid_input")
    assert body["error"]["message"] == "PHONE NUMBER IN DNC"


@pytest.mark.parametrize(
    "option", [{"nanpa_ac_prefix_check": True}, {"tz_method": "AREACODENANPA"}]
)
async def test_gateway_nanpa_check_on_a_vicidial_without_nanpa_data(
    gateway: Gateway, option: dict[str, Any]
) -> None:
    """Not a login or permission problem: this VICIdial has no NANPA prefix data, so it cannot
    do what the option asks (the same request without it works)."""
    body = {"phone_number": "3125551212", "local_call_time": "24hours", **option}
    status, payload = await call(gateway, "check_phone_number", body)
    assert_error(status, payload, 422, "not_configured")
    assert payload["error"]["message"] == "NANPA options disabled, NANPA prefix data not loaded"
    assert payload["error"]["details"] == {"nanpa_row_count": 0}
    status, _ = await call(gateway, "check_phone_number", {**body, **dict.fromkeys(option, "")})
    assert status == 200


async def test_gateway_permission_problems_are_502(gateway: Gateway) -> None:
    gateway.sim.state.users[API_USER].view_reports = False
    for function, params in (
        ("recording_lookup", {"lead_id": 5001}),
        ("call_status_stats", {"campaigns": "TESTCAMP"}),
        ("logged_in_agents", {}),
    ):
        status, body = await call(gateway, function, params)
        assert_error(status, body, 502, "upstream_error")
        assert body["error"]["details"] == {}


def test_gateway_owns_stage_and_header_and_lists_are_joined() -> None:
    from gateway.config_load import parse_config

    from .conftest import config_dict

    app = parse_config(config_dict()).apps["crm"]
    params = build_params(app, CATALOG["user_group_status"], {"user_groups": ["AGENTS", "ADMIN"]})
    assert params == {"user_groups": "AGENTS|ADMIN", "stage": "tab", "header": "YES"}
    params = build_params(app, CATALOG["did_log_export"],
                          {"phone_number": "3125551000", "date": "2024-06-03"})
    assert params == {"phone_number": "3125551000", "date": "2024-06-03", "stage": "tab"}
    params = build_params(app, CATALOG["call_dispo_report"],
                          {"campaigns": ["A", "B"], "status_breakdown": False})
    # false is sent empty: VICIdial's [1Y] filter would delete an N anyway.
    assert params == {"campaigns": "A-B", "status_breakdown": ""}
    for name, spec in CATALOG.items():
        if name in FUNCTIONS and spec.rows is not None and spec.custom_parse is None:
            assert spec.gateway_params, name
    assert [s.name for s in reports.FUNCTIONS if s.stream] == [
        "recording_lookup", "did_log_export", "phone_number_log", "agent_stats_export",
        "call_status_stats", "call_dispo_report"]


async def test_gateway_streams_a_large_export_as_ndjson(gateway: Gateway) -> None:
    gateway.sim.state.reports.add_synthetic_did_calls(5_000, day="2024-07-02", did="3125551001")
    async with gateway.session.post(
        f"{gateway.base_url}/v1/non-agent/did_log_export",
        json={"phone_number": "3125551001", "date": "2024-07-02"},
        headers={"Authorization": f"Bearer {gateway.token()}", "Accept": "application/x-ndjson"},
    ) as resp:
        assert resp.status == 200
        lines = (await resp.text()).splitlines()
    assert len(lines) == 5_001  # the rows, then the trailer
    assert json.loads(lines[0]) == {"did_number": "3125551001", "caller_id_number": "3120000000",
                                    "call_date": "2024-07-02 00:00:00", "length_in_sec": 0}
    trailer = json.loads(lines[-1])["trailer"]
    assert trailer["ok"] is True and trailer["rows"] == 5_000
    assert API_USER not in without_request_ids(lines[-1]) and API_PASS not in "".join(lines)
