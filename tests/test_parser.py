"""The reply parser: every captured sample field by field, every quirk, and fuzzing.

Samples (``tests/data/samples/<function>__<case>.txt``) are real replies of a genuine VICIdial
server; the parser gets exactly the body bytes and the form that was sent, minus the credentials.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gateway.catalog import CATALOG
from gateway.catalog import functions as core_functions
from gateway.catalog import generic as g
from gateway.catalog.fields import field_type
from gateway.catalog.leads_shapes import LEAD_SEARCH_NO_MATCHES
from gateway.catalog.parser import Notice, ParsedReply, ReplyShapeError, parse_reply
from gateway.catalog.spec import Template

from .samples import SAMPLES, read_sample


def parse(function: str, text: str, /, **params: str) -> ParsedReply:
    return parse_reply(CATALOG[function], text, params=params)


def shape(reply: ParsedReply) -> dict[str, Any]:
    """A reply as plain data, for whole-value comparisons."""
    return {
        "result": reply.result,
        "message": reply.message,
        "data": reply.data,
        "notices": [(n.result, n.message, n.data) for n in reply.notices],
        "error_type": reply.error_type,
        "login_failure": reply.login_failure,
        "generic": reply.generic,
    }


def expect(
    result: str,
    message: str | None,
    data: Any,
    notices: list[tuple[str, str, dict[str, Any]]] | None = None,
    error_type: str | None = None,
    *,
    login_failure: bool = False,
    generic: bool = False,
) -> dict[str, Any]:
    return {
        "result": result,
        "message": message,
        "data": data,
        "notices": notices or [],
        "error_type": error_type,
        "login_failure": login_failure,
        "generic": generic,
    }


# --- the captured samples --------------------------------------------------------------------

LEAD_5001_FIELDS = [
    "SALE", "1001", "VL5001", "WEB", "101", "-5.00", "1", "3125550001", "Mr", "John", "Q",
    "Public", "100 Main St", "", "", "Chicago", "IL", "", "60601", "USA", "M", "1980-01-15",
    "3125550901", "john.public@example.invalid", "", "wants premium", "2",
    "2024-06-03 10:00:00", "0", "1001", "0", "5001",
]  # fmt: skip
LEAD_5001 = {
    "status": "SALE",
    "user": "1001",  # the lead's agent, not the API user: kept
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
    "entry_list_id": "0",
    "lead_id": "5001",
}
CAMPAIGNS = [
    {
        "campaign_id": "TESTCAMP",
        "campaign_name": "Test Campaign",
        "active": "Y",
        "user_group": "---ALL---",
        "dial_method": "RATIO",
        "dial_level": 1.0,
        "lead_order": "DOWN",
        "dial_statuses": "NEW NA B",
        "dial_timeout": 26,
        "dial_prefix": "9",
        "manual_dial_prefix": None,
        "three_way_dial_prefix": None,
    },
    {
        "campaign_id": "SALESOUT",
        "campaign_name": "Outbound Sales",
        "active": "Y",
        "user_group": "---ALL---",
        "dial_method": "RATIO",
        "dial_level": 2.0,
        "lead_order": "DOWN COUNT",
        "dial_statuses": "NEW NA",
        "dial_timeout": 30,
        "dial_prefix": "9",
        "manual_dial_prefix": None,
        "three_way_dial_prefix": None,
    },
    {
        "campaign_id": "SURVEY",
        "campaign_name": "Customer Survey",
        "active": "N",
        "user_group": "ADMIN",
        "dial_method": "MANUAL",
        "dial_level": 0.0,
        "lead_order": "UP",
        "dial_statuses": "NEW",
        "dial_timeout": 60,
        "dial_prefix": "9",
        "manual_dial_prefix": None,
        "three_way_dial_prefix": None,
    },
]
AGENT_1001 = {
    "status": "INCALL",
    "callerid": "M6031200000000005001",
    "lead_id": "5001",
    "campaign_id": "TESTCAMP",
    "calls_today": 3,
    "full_name": "Alice Agent",
    "user_group": "AGENTS",
    "user_level": 1,
    "pause_code": None,
    "real_time_sub_status": None,
    "phone_number": "3125550001",
    "vendor_lead_code": "VL5001",
    "session_id": "8600051",
}

EXPECTED: dict[str, dict[str, Any]] = {
    "version__ok_bad_password_ignored": expect(
        "SUCCESS",
        "VERSION",
        {
            "version": "2.14-194",
            "build": "241004-1518",
            "date": "2026-11-27 22:36:18",
            "epoch": 1795818978,
            "dst": 0,
            "tz": 0.0,
            "tznow": 0.0,
        },
    ),
    "add_lead__err_areacode_check": expect(
        "ERROR",
        "INVALID PHONE NUMBER AREACODE",
        {"phone_number": "0005557009"},
        error_type="invalid_input",
    ),
    "add_lead__ok_callback": expect(
        "SUCCESS",
        "LEAD HAS BEEN ADDED",
        {"phone_number": "3125557006", "list_id": "101", "lead_id": "5026", "gmt_offset": -6.0},
        [
            (
                "NOTICE",
                "SCHEDULED CALLBACK ADDED",
                {
                    "lead_id": "5026",
                    "campaign_id": "TESTCAMP",
                    "callback_datetime": "2030-01-02 10:00:00",
                    "callback_type": "USERONLY",
                    "callback_user": "1001",
                    "callback_status": "CALLBK",
                },
            )
        ],
    ),
    "update_lead__err_list_exists_check": expect(
        "ERROR",
        "NOT A DEFINED LIST ID, LIST EXISTS CHECK ENABLED",
        {"phone_number": None, "list_id_field": "4444"},
        error_type="invalid_input",
    ),
    "update_lead__ok": expect(
        "SUCCESS",
        "LEAD HAS BEEN UPDATED",
        {"lead_id": "5002", "vl_affected_rows": 1, "cb_archived_rows": None},
    ),
    # A search that finds nothing is no error: the row VICIdial prints for a number without
    # leads when another number matches (records_found 0), for every number searched.
    "lead_search__err_no_matches": expect(
        "SUCCESS",
        None,
        [{"search_key": "9995550000", "records_found": 0, "lead_ids": []}],
    ),
    "lead_search__ok_archived": expect(
        "SUCCESS",
        None,
        [{"search_key": "3125550999", "records_found": 1, "lead_ids": ["4999"]}],
    ),
    "lead_all_info__err_invalid_params": expect(
        "ERROR",
        "LEAD NOT FOUND",
        {"lead_id": None, "phone_number": None},
        error_type="not_found",
    ),
    "lead_all_info__header_yes": expect("SUCCESS", None, [LEAD_5001]),
    "lead_all_info__ok": expect("SUCCESS", None, [LEAD_5001]),
    "campaigns_list__err_campaign_not_found": expect(
        "ERROR", "THIS USER HAS NO VIEWABLE CAMPAIGNS", {}, error_type="not_found"
    ),
    "campaigns_list__header_yes": expect("SUCCESS", None, CAMPAIGNS),
    "campaigns_list__ok": expect("SUCCESS", None, CAMPAIGNS),
    "agent_status__err_agent_not_found": expect(
        "ERROR", "AGENT NOT FOUND", {"agent_user": "9999"}, error_type="not_found"
    ),
    "agent_status__header_yes": expect("SUCCESS", None, AGENT_1001),
    "agent_status__ok_incall": expect("SUCCESS", None, AGENT_1001),
    "list_info__err_missing_fields": expect(
        "ERROR",
        "YOU MUST USE ALL REQUIRED FIELDS",
        {"list_id": None, "list_name": None, "campaign_id": None},
        error_type="invalid_input",
    ),
    "list_info__header_yes": expect(
        "SUCCESS",
        None,
        {
            "list_id": "1001",
            "list_name": "Sales leads June",
            "campaign_id": "SALESOUT",
            "active": "Y",
            "list_changedate": "2024-06-01 09:20:00",
            "list_lastcalldate": "2024-06-03 15:00:00",
            "expiration_date": "2099-12-31",
            "resets_today": 0,
            "all_leads_count": 9,
            "new_leads_count": 5,
        },
    ),
    "list_info__ok": expect(
        "SUCCESS",
        None,
        {
            "list_id": "101",
            "list_name": "Test list 101",
            "campaign_id": "TESTCAMP",
            "active": "Y",
            "list_changedate": "2026-11-27 22:36:26",
            "list_lastcalldate": "2024-06-03 16:00:00",
            "expiration_date": "2099-12-31",
            "resets_today": 1,
        },
    ),
}


CORE = {spec.name for spec in core_functions.FUNCTIONS}


def _sample_files() -> list[Path]:
    """The samples of the core functions (the other areas have their own test tables)."""
    return sorted(p for p in SAMPLES.glob("*.txt") if p.name.split("__", 1)[0] in CORE)


def test_every_sample_of_the_exposed_functions_has_expectations() -> None:
    assert {p.stem for p in _sample_files()} == set(EXPECTED)


@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: p.stem)
def test_sample(path: Path) -> None:
    params, body = read_sample(path)
    function = path.name.split("__", 1)[0]
    reply = parse_reply(CATALOG[function], body, params=params)
    want = EXPECTED[path.stem]
    assert reply.result == want["result"]
    assert reply.message == want["message"]
    assert reply.data == want["data"]
    assert [(n.result, n.message, n.data) for n in reply.notices] == want["notices"]
    assert reply.error_type == want["error_type"]
    assert reply.login_failure is want["login_failure"]
    assert reply.generic is want["generic"]
    # The API user (6666) is in every status line of the samples and never in the result.
    if reply.message is not None:
        assert "6666" not in repr(reply)


@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: p.stem)
def test_sample_with_and_without_final_newline(path: Path) -> None:
    params, body = read_sample(path)
    function = path.name.split("__", 1)[0]
    with_lf = body if body.endswith("\n") else body + "\n"
    assert shape(parse(function, with_lf, **params)) == shape(
        parse(function, with_lf[:-1], **params)
    )


# --- status lines ----------------------------------------------------------------------------


def test_types_and_api_user_dropped() -> None:
    reply = parse(
        "add_lead", "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125557006|101|5026|-6.00|APIUSERX\n"
    )
    assert reply.data == {
        "phone_number": "3125557006",
        "list_id": "101",
        "lead_id": "5026",
        "gmt_offset": -6.0,
    }
    assert "APIUSERX" not in repr(reply)


def test_add_lead_duplicate_variants_told_apart_by_field_count() -> None:
    three = parse(
        "add_lead", "ERROR: add_lead DUPLICATE PHONE NUMBER IN LIST - 3125550001|101|5001\n"
    )
    four = parse(
        "add_lead", "ERROR: add_lead DUPLICATE PHONE NUMBER IN LIST - 3125550001|101|5001|ALT\n"
    )
    assert shape(three) == expect(
        "ERROR",
        "DUPLICATE PHONE NUMBER IN LIST",
        {"phone_number": "3125550001", "list_id": "101", "duplicate_lead_id": "5001"},
        error_type="conflict",
    )
    assert shape(four) == expect(
        "ERROR",
        "DUPLICATE PHONE NUMBER IN LIST",
        {
            "phone_number": "3125550001",
            "list_id": "101",
            "duplicate_lead_id": "5001",
            "duplicate_type": "ALT",
        },
        error_type="conflict",
    )
    camp = parse(
        "add_lead",
        "ERROR: add_lead DUPLICATE PHONE NUMBER IN CAMPAIGN LISTS - 3125550001|101|5001|102|PHONE",
    )
    assert camp.data == {
        "phone_number": "3125550001",
        "list_id": "101",
        "duplicate_lead_id": "5001",
        "duplicate_lead_list_id": "102",
        "duplicate_type": "PHONE",
    }
    with pytest.raises(ReplyShapeError):
        parse("add_lead", "ERROR: add_lead DUPLICATE PHONE NUMBER IN LIST - 1|2|3|4|5|6\n")


def test_notices_before_and_after_the_success_line() -> None:
    text = (
        "NOTICE: add_lead NANPA options disabled, NANPA prefix data not loaded - 0|6666\n"
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125557006|101|5026|-6.00|6666\n"
        "NOTICE: add_lead ADDED TO HOPPER - 3125557006|5026|77|6666\n"
    )
    assert shape(parse("add_lead", text)) == expect(
        "SUCCESS",
        "LEAD HAS BEEN ADDED",
        {"phone_number": "3125557006", "list_id": "101", "lead_id": "5026", "gmt_offset": -6.0},
        [
            (
                "NOTICE",
                "NANPA options disabled, NANPA prefix data not loaded",
                {"nanpa_row_count": 0},
            ),
            (
                "NOTICE",
                "ADDED TO HOPPER",
                {"phone_number": "3125557006", "lead_id": "5026", "hopper_id": "77"},
            ),
        ],
    )


def test_multi_alt_phone_debug_prefix_is_discarded() -> None:
    text = (
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 7275551212|101|193716|-5.00|6666\n"
        "7275551212|1|work7275551213|1|sister house"
        "NOTICE: add_lead MULTI-ALT-PHONE NUMBERS LOADED - 2|193716|6666\n"
    )
    reply = parse("add_lead", text, multi_alt_phones="7275551212_1_work!7275551213_1_sister house")
    assert reply.result == "SUCCESS"
    assert [(n.result, n.message, n.data) for n in reply.notices] == [
        (
            "NOTICE",
            "MULTI-ALT-PHONE NUMBERS LOADED",
            {"inserted_alt_phones": 2, "lead_id": "193716"},
        )
    ]


def test_multi_alt_phone_debug_text_shapes() -> None:
    # The notes may contain "NOTICE:" and " - " (letters, ":" and "-" survive VICIdial's filter),
    # but never "_" (it splits number_code_note) nor "!" (it splits the records).
    text = (
        "SUCCESS: update_lead LEAD HAS BEEN ADDED - 3125550000|101|5030|-5.00|6666\n"
        "7275551212|1|NOTICE: update-lead - 9|x"
        "NOTICE: update_lead MULTI-ALT-PHONE NUMBERS LOADED - 1|5030|6666\n"
    )
    reply = parse("update_lead", text)
    assert reply.notices == (
        Notice(
            "NOTICE",
            "MULTI-ALT-PHONE NUMBERS LOADED",
            {"inserted_alt_phones": 1, "lead_id": "5030"},
        ),
    )
    with pytest.raises(ReplyShapeError):
        parse("update_lead", text.replace("update-lead", "update_lead"))


def test_debug_prefix_only_for_the_multi_alt_notice() -> None:
    with pytest.raises(ReplyShapeError):
        parse("add_lead", "123|1|x SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|2|3|4|6666\n")
    with pytest.raises(ReplyShapeError):  # "<" is not in what VICIdial keeps of the notes
        parse(
            "add_lead",
            "SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|101|3|-5.00|6666\n"
            "<br>NOTICE: add_lead MULTI-ALT-PHONE NUMBERS LOADED - 1|3|6666\n",
        )


def test_echoed_sql_with_pipes_and_newlines() -> None:
    sql = (
        "INSERT INTO vicidial_hopper SET lead_id=5026,campaign_id='TESTCAMP',status='READY',"
        "list_id='101',gmt_offset_now='-6.00',state='IL',user='',priority='0',source='P',"
        'vendor_lead_code="a|b\nERROR: add_lead PHONE NUMBER IN DNC - 1|6666\nc";'
    )
    text = (
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125557006|101|5026|-6.00|6666\n"
        f"NOTICE: add_lead NOT ADDED TO HOPPER - 3125557006|5026|{sql}|6666\n"
        "NOTICE: add_lead SCHEDULED CALLBACK ADDED - 5026|TESTCAMP|2030-01-02 10:00:00|"
        "USERONLY|1001|CALLBK\n"
    )
    reply = parse("add_lead", text)
    assert reply.result == "SUCCESS"
    assert [(n.message, n.data) for n in reply.notices] == [
        (
            "NOT ADDED TO HOPPER",
            # The statement is not returned (it holds the gateway's login), but its shape still
            # decides where the notice ends.
            {"phone_number": "3125557006", "lead_id": "5026"},
        ),
        (
            "SCHEDULED CALLBACK ADDED",
            {
                "lead_id": "5026",
                "campaign_id": "TESTCAMP",
                "callback_datetime": "2030-01-02 10:00:00",
                "callback_type": "USERONLY",
                "callback_user": "1001",
                "callback_status": "CALLBK",
            },
        ),
    ]


def test_lead_not_added_error_with_multiline_sql() -> None:
    sql = 'INSERT INTO vicidial_list SET phone_code="1",comments="line 1\nline 2|x",rank="0";'
    reply = parse(
        "add_lead", f"ERROR: add_lead LEAD HAS NOT BEEN ADDED - 3125550001|101|{sql}|6666"
    )
    assert shape(reply) == expect(
        "ERROR",
        "LEAD HAS NOT BEEN ADDED",
        {"phone_number": "3125550001", "list_id": "101"},  # the statement is not returned
        error_type="upstream_error",
    )


def test_update_lead_deleted_reason_contains_a_pipe() -> None:
    reply = parse(
        "update_lead", "SUCCESS: update_lead LEAD HAS BEEN DELETED 1|2 - 6666|5002|1|2|2|"
    )
    assert shape(reply) == expect(
        "SUCCESS",
        "LEAD HAS BEEN DELETED",
        {"cb_deleted_rows": 1, "cb_archived_rows": 2, "lead_id": "5002", "vl_affected_rows": 1},
    )


def test_second_success_and_error_lines_become_notices() -> None:
    text = (
        "SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|5002|1|||\n"
        "SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|5001|0|||\n"
        "ERROR: update_lead NOT AN ALLOWED LIST ID, RESULTS - 999\n"
    )
    assert shape(parse("update_lead", text)) == expect(
        "ERROR",
        "NOT AN ALLOWED LIST ID, RESULTS",
        {"list_id": "999"},
        [
            (
                "SUCCESS",
                "LEAD HAS BEEN UPDATED",
                {"lead_id": "5002", "vl_affected_rows": 1, "cb_archived_rows": None},
            ),
            (
                "SUCCESS",
                "LEAD HAS BEEN UPDATED",
                {"lead_id": "5001", "vl_affected_rows": 0, "cb_archived_rows": None},
            ),
        ],
        error_type="upstream_error",
    )


def test_only_notices_make_a_notice_result() -> None:
    text = (
        "NOTICE: update_lead LEADS FOUND IN THE SYSTEM: |6666|5002|VL5002|3125550002|101|0\n"
        "NOTICE: update_lead NOT ADDED TO HOPPER, LEAD IS ALREADY IN THE HOPPER - "
        "3125550002|5002|6666\n"
    )
    assert shape(parse("update_lead", text, no_update="Y")) == expect(
        "NOTICE",
        "LEADS FOUND IN THE SYSTEM",
        {
            "lead_id": "5002",
            "vendor_lead_code": "VL5002",
            "phone_number": "3125550002",
            "list_id": "101",
            "entry_list_id": "0",
        },
        [
            (
                "NOTICE",
                "NOT ADDED TO HOPPER, LEAD IS ALREADY IN THE HOPPER",
                {"phone_number": "3125550002", "lead_id": "5002"},
            )
        ],
    )


def test_notice_line_containing_error_text_is_a_notice() -> None:
    text = (
        "NOTICE: update_lead NO MATCHES FOUND IN THE SYSTEM: |6666|||ERROR: x\n"
        "SUCCESS: update_lead LEAD HAS BEEN ADDED - 3125550000|101|5030|-5.00|6666\n"
    )
    reply = parse("update_lead", text, insert_if_not_found="Y")
    assert reply.result == "SUCCESS"
    assert reply.notices[0].data["phone_number"] == "ERROR: x"


def test_version_with_empty_timezone() -> None:
    reply = parse(
        "version",
        "VERSION: 2.14-194|BUILD: 241004-1518|DATE: 2026-11-27 22:36:18|EPOCH: 1795818978|"
        "DST: 1|TZ: |TZNOW: -4|\n",
    )
    assert reply.data == {
        "version": "2.14-194",
        "build": "241004-1518",
        "date": "2026-11-27 22:36:18",
        "epoch": 1795818978,
        "dst": 1,
        "tz": None,
        "tznow": -4.0,
    }


@pytest.mark.parametrize(
    ("function", "text"),
    [
        ("update_lead", "SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|5002|abc|||"),
        ("update_lead", "SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|5002|1e3|||"),
        ("add_lead", "SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|101|5|nan|6666"),
        ("add_lead", "SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|101|5|" + "9" * 400 + "|6666"),
        ("version", "VERSION: x|BUILD: y|DATE: d|EPOCH: soon|DST: 0|TZ: 0|TZNOW: 0|"),
        ("version", "VERSION: x|BUILD: y|DATE: d|EPOCH: " + "1" * 5000 + "|DST: 0|TZ: 0|TZNOW: 0|"),
    ],
)
def test_a_value_that_fails_its_type_is_a_shape_error(function: str, text: str) -> None:
    with pytest.raises(ReplyShapeError):
        parse(function, text)


@pytest.mark.parametrize(
    ("function", "text"),
    [
        ("add_lead", "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125557006|101|5026|6666"),
        ("add_lead", "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125557006|101|5026|-6|6666|x"),
        ("update_lead", "SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|5002|1||"),
        ("lead_all_info", "ERROR: lead_all_info LEAD NOT FOUND: 6666|1"),
        ("version", "VERSION: 2.14-194|BUILD: 241004-1518|DATE: x|EPOCH: 1|DST: 0|TZ: 0"),
    ],
)
def test_wrong_field_count_is_a_shape_error(function: str, text: str) -> None:
    with pytest.raises(ReplyShapeError):
        parse(function, text)


def test_unknown_line_is_a_shape_error_with_a_short_excerpt() -> None:
    line = "Warning: mysqli_query(): " + "x" * 500
    with pytest.raises(ReplyShapeError) as info:
        parse("add_lead", "SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|101|3|-5.00|6666\n" + line)
    assert info.value.excerpt == line[:200]
    with pytest.raises(ReplyShapeError):
        parse("update_lead", "<html><body>Internal error</body></html>\n")
    with pytest.raises(ReplyShapeError):  # a prefix must start the line
        parse("add_lead", " SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|101|3|-5.00|6666\n")


def test_stray_carriage_return_is_data() -> None:
    with pytest.raises(ReplyShapeError):
        parse("update_lead", "SUCCESS: update_lead LEAD HAS BEEN UPDATED - 6666|5002|1|||\r\n")
    reply = parse("campaigns_list", "TESTCAMP|Test|Y|G|RATIO|1.0|DOWN|NEW|26|9||\r\n")
    assert isinstance(reply.data, list)
    assert reply.data[0]["three_way_dial_prefix"] == "\r"


@pytest.mark.parametrize("function", sorted(n for n, s in CATALOG.items() if not s.empty_ok))
def test_empty_body_is_a_shape_error(function: str) -> None:
    # Every exposed function prints an ERROR line when nothing matches: empty means broken.
    with pytest.raises(ReplyShapeError):
        parse(function, "")


def test_empty_body_when_the_spec_allows_it() -> None:
    rows_spec = dataclasses.replace(CATALOG["campaigns_list"], empty_ok=True)
    assert parse_reply(rows_spec, "", params={}) == ParsedReply("SUCCESS", None, [], (), None)
    status_spec = dataclasses.replace(CATALOG["add_lead"], empty_ok=True)
    assert parse_reply(status_spec, "", params={}) == ParsedReply("SUCCESS", None, None, (), None)


def test_api_user_never_in_data_of_any_status_template() -> None:
    for spec in CATALOG.values():
        for template in spec.templates:
            values = {name: f"v{i}" for i, name in enumerate(template.fields)}
            values.update({"user": "APIUSERX"})
            values.update(_numeric_samples(spec, template))
            reply = parse_reply(spec, template.render(values) + "\n", params={})
            assert "APIUSERX" not in repr(reply), (spec.name, template.text)
            if (spec.name, template.message) == ("lead_search", LEAD_SEARCH_NO_MATCHES):
                # Read as the zero-count row of each number searched (none here).
                assert (reply.result, reply.data, reply.error_type) == ("SUCCESS", [], None)
                continue
            main = {"result": reply.result, "message": reply.message}
            assert main == {"result": template.result, "message": template.message}


def _numeric_samples(spec: Any, template: Template) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in template.fields:
        kind = field_type(name, spec.field_types)
        if kind in ("int", "decimal"):
            out[name] = "7"
        if name == "sql_statement":
            out[name] = "INSERT INTO t SET a=1;"
    return out


# --- generic lines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "ERROR: Login incorrect, please try again: |6666|wrongpass|BAD|",
        "ERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|",
        "ERROR: Your IP Address is not allowed: 10.1.2.3: ||IPBLOCK|",
    ],
)
@pytest.mark.parametrize("function", ["add_lead", "campaigns_list", "list_info"])
def test_login_refusal_lines_are_never_read_by_the_parser(function: str, line: str) -> None:
    # Stored data can look exactly like these lines: only gateway.refusal decides (with
    # evidence data cannot forge) that VICIdial refused the login. To the parser such a reply
    # fits no shape it knows.
    with pytest.raises(ReplyShapeError) as info:
        parse(function, line + "\n", stage="tab", header="YES")
    assert "wrongpass" not in str(info.value)


def test_refusal_lines_in_a_raw_value_are_the_value() -> None:
    # lead_field_info prints the stored value as the whole reply: a comment that reads as a
    # lock is the comment.
    for value in (
        "ERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|",
        "ERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|\n",
        "ERROR: Login incorrect, please try again: |6666|x|BAD|\n",
    ):
        reply = parse("lead_field_info", value, lead_id="5001", field_name="comments")
        assert shape(reply) == expect("SUCCESS", None, {"comments": value})


def test_function_not_allowed() -> None:
    text = "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |6666|lead_all_info|\n"
    assert shape(parse("lead_all_info", text, stage="tab", header="YES")) == expect(
        "ERROR",
        "USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION",
        {"function": "lead_all_info"},
        error_type="upstream_error",
        generic=True,
    )


def test_invalid_source_two_lines() -> None:
    text = "ERROR: Invalid Source - x\nERROR: Invalid Source: |x|\n"
    assert shape(parse("agent_status", text, agent_user="1001")) == expect(
        "ERROR",
        "Invalid Source",
        {"source": "x"},
        [("ERROR", "Invalid Source", {"source": "x"})],
        error_type="upstream_error",
        generic=True,
    )


def test_no_function_specified_and_user_group_missing() -> None:
    assert shape(parse("version", "ERROR: NO FUNCTION SPECIFIED\n")) == expect(
        "ERROR", "NO FUNCTION SPECIFIED", {}, error_type="upstream_error", generic=True
    )
    reply = parse("lead_search", "ERROR: user_group DOES NOT EXIST: |6666|NOPE|\n")
    assert shape(reply) == expect(
        "ERROR", "DOES NOT EXIST", {"user_group": "NOPE"}, error_type="upstream_error", generic=True
    )


def test_generic_lines_only_count_at_the_start_of_the_reply() -> None:
    # A lead's data can contain LFs; a "login incorrect" line after other output is never a
    # login failure (and its "password" must not come through).
    text = (
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|101|3|-5.00|6666\n"
        "ERROR: Login incorrect, please try again: |6666|hunter2|BAD|\n"
    )
    with pytest.raises(ReplyShapeError) as info:
        parse("add_lead", text)
    assert "hunter2" not in str(info.value)
    with pytest.raises(ReplyShapeError):
        parse(
            "add_lead",
            "SUCCESS: add_lead LEAD HAS BEEN ADDED - 1|101|3|-5.00|6666\n"
            "ERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|\n",
        )
    # In a row function the line is row data (here: part of a comment split by a LF), exactly.
    fields = list(LEAD_5001_FIELDS)
    for comment in (
        "x\nERROR: Too many login attempts, try again in 15 minutes: |6666|LOCK|\ny",
        "x\nERROR: Login incorrect, please try again: |6666|hunter2|BAD|\ny",
    ):
        fields[25] = comment
        reply = parse("lead_all_info", "|".join(fields) + "\n", lead_id="5001")
        assert not reply.login_failure and not reply.generic
        assert isinstance(reply.data, list)
        assert reply.data[0]["comments"] == comment


def test_data_after_a_generic_error_is_a_shape_error() -> None:
    with pytest.raises(ReplyShapeError):
        parse("campaigns_list", "ERROR: NO FUNCTION SPECIFIED\nTESTCAMP|x|Y|G|RATIO|1|UP|NEW|2|9||")


# --- rows ------------------------------------------------------------------------------------

CAMPAIGN_ROW = ["TESTCAMP", "Test Campaign", "Y", "---ALL---", "RATIO", "1.0", "DOWN", "NEW NA B"]
CAMPAIGN_ROW += ["26", "9", "", ""]
CAMPAIGN_HEADER = list(CATALOG["campaigns_list"].rows.columns)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("stage", "delim"),
    [
        ("csv", ","),
        ("tab", "\t"),
        ("pipe", "|"),
        (None, "|"),
        ("TAB", "|"),  # VICIdial compares stage exactly
        ("xml", "|"),
        ("newline", "|"),  # only lead_all_info knows stage=newline
    ],
)
@pytest.mark.parametrize("header", [True, False])
def test_every_stage_delimiter(stage: str | None, delim: str, header: bool) -> None:
    params = {} if stage is None else {"stage": stage}
    lines = [delim.join(CAMPAIGN_ROW)]
    if header:
        params["header"] = "YES"
        lines.insert(0, delim.join(CAMPAIGN_HEADER))
    reply = parse("campaigns_list", "\n".join(lines) + "\n", **params)
    assert reply.data == [CAMPAIGNS[0]]


def test_header_names_key_the_rows_and_new_columns_come_through() -> None:
    header = "\t".join([*CAMPAIGN_HEADER, "new_column"])
    row = "\t".join([*CAMPAIGN_ROW, "42"])
    reply = parse("campaigns_list", f"{header}\n{row}\n", stage="tab", header="YES")
    assert reply.data == [{**CAMPAIGNS[0], "new_column": "42"}]


def test_header_expected_but_missing() -> None:
    with pytest.raises(ReplyShapeError):
        parse("campaigns_list", "\t".join(CAMPAIGN_ROW) + "\n", stage="tab", header="YES")
    with pytest.raises(ReplyShapeError):  # repeated names
        parse("campaigns_list", "\t".join([*CAMPAIGN_HEADER, "active"]), stage="tab", header="YES")


def test_header_without_rows() -> None:
    reply = parse("campaigns_list", "\t".join(CAMPAIGN_HEADER) + "\n", stage="tab", header="YES")
    assert reply.data == []


@pytest.mark.parametrize(("stage", "delim"), [("csv", ","), ("tab", "\t"), ("pipe", "|")])
def test_single_free_text_column_containing_the_delimiter(stage: str, delim: str) -> None:
    fields = list(CAMPAIGN_ROW)
    fields[1] = f"Sales{delim} East{delim}{delim}West{delim}"
    reply = parse("campaigns_list", delim.join(fields) + "\n", stage=stage)
    assert reply.data == [{**CAMPAIGNS[0], "campaign_name": fields[1]}]


def test_free_text_value_containing_a_newline() -> None:
    fields = list(CAMPAIGN_ROW)
    fields[1] = "two\nlines|and a pipe\n"
    second = "|".join(["SURVEY", "Customer Survey", "N", "ADMIN", "MANUAL", "0", "UP", "NEW"])
    text = "|".join(fields) + "\n" + second + "|60|9||\n"
    reply = parse("campaigns_list", text)
    assert reply.data == [{**CAMPAIGNS[0], "campaign_name": fields[1]}, CAMPAIGNS[2]]


def test_fewer_fields_than_columns_is_a_shape_error() -> None:
    with pytest.raises(ReplyShapeError):
        parse("campaigns_list", "|".join(CAMPAIGN_ROW[:-1]) + "\n")
    with pytest.raises(ReplyShapeError):
        parse("lead_search", "3125550999|1\n")


def test_more_fields_without_free_text_is_a_shape_error() -> None:
    with pytest.raises(ReplyShapeError):
        parse("lead_search", "3125550999|1|4999|5000\n")


def test_typed_row_value_that_does_not_parse() -> None:
    fields = list(CAMPAIGN_ROW)
    fields[8] = "abc"  # dial_timeout
    with pytest.raises(ReplyShapeError):
        parse("campaigns_list", "|".join(fields))


def test_lead_search_rows() -> None:
    text = "9998885112|4|1949076-1946517-1943958-1941399\n9998886112|1|1946891\n4075551212|0|\n"
    reply = parse("lead_search", text, phone_number="9998885112,9998886112,4075551212")
    assert reply.data == [
        {
            "search_key": "9998885112",
            "records_found": 4,
            "lead_ids": ["1949076", "1946517", "1943958", "1941399"],
        },
        {"search_key": "9998886112", "records_found": 1, "lead_ids": ["1946891"]},
        {"search_key": "4075551212", "records_found": 0, "lead_ids": []},
    ]
    with pytest.raises(ReplyShapeError):
        parse("lead_search", "9998885112|2|1949076--1946517\n")


def test_lead_search_header_runs_together() -> None:
    reply = parse(
        "lead_search", "search_keyrecords_foundlead_ids\n3125550999|1|4999\n", header="YES"
    )
    assert reply.data == [{"search_key": "3125550999", "records_found": 1, "lead_ids": ["4999"]}]


# lead_all_info


def lead_text(*rows: list[str], delim: str = "\t", header: list[str] | None = None) -> str:
    lines: list[str] = []
    for row in rows:
        if header is not None:
            lines.append(delim.join(header))
        lines.append(delim.join(row))
    return "\n".join(lines) + "\n"


LEAD_HEADER = list(CATALOG["lead_all_info"].rows.columns)  # type: ignore[union-attr]


def test_lead_all_info_header_repeated_per_lead_with_custom_fields() -> None:
    second = list(LEAD_5001_FIELDS)
    second[-1] = "5002"
    text = (
        "\t".join([*LEAD_HEADER, "favorite_color", "budget"])
        + "\n"
        + "\t".join([*LEAD_5001_FIELDS, "blue", "100"])
        + "\n"
        + "\t".join([*LEAD_HEADER, "shoe_size"])
        + "\n"
        + "\t".join([*second, "42"])
        + "\n"
        + "\t".join(LEAD_HEADER)
        + "\n"
        + "\t".join(second)  # a lead without a custom-table row: standard columns only
        + "\n"
    )
    reply = parse(
        "lead_all_info",
        text,
        phone_number="3125550001",
        stage="tab",
        header="YES",
        custom_fields="Y",
    )
    assert reply.data == [
        {**LEAD_5001, "favorite_color": "blue", "budget": "100"},
        {**LEAD_5001, "lead_id": "5002", "shoe_size": "42"},
        {**LEAD_5001, "lead_id": "5002"},
    ]


def test_lead_all_info_errors_before_rows_become_notices() -> None:
    text = (
        "ERROR: lead_all_info LIST NOT FOUND: 6666||3125550001\n"
        + "\t".join(LEAD_HEADER)
        + "\n"
        + "\t".join(LEAD_5001_FIELDS)
        + "\n"
    )
    reply = parse("lead_all_info", text, phone_number="3125550001", stage="tab", header="YES")
    assert shape(reply) == expect(
        "SUCCESS",
        None,
        [LEAD_5001],
        [("ERROR", "LIST NOT FOUND", {"lead_id": None, "phone_number": "3125550001"})],
    )


def test_lead_all_info_all_leads_hidden() -> None:
    text = (
        "ERROR: lead_all_info LIST NOT FOUND: 6666||3125550001\n"
        "ERROR: lead_all_info LIST NOT FOUND: 6666||3125550001|999\n"
    )
    assert shape(parse("lead_all_info", text, phone_number="3125550001")) == expect(
        "ERROR",
        "LIST NOT FOUND",
        {"lead_id": None, "phone_number": "3125550001"},
        [
            (
                "ERROR",
                "LIST NOT FOUND",
                {"lead_id": None, "phone_number": "3125550001", "last_list_id": "999"},
            )
        ],
        error_type="not_found",
    )


@pytest.mark.parametrize("delim", ["\t", ",", "|"])
def test_lead_all_info_comment_containing_the_delimiter(delim: str) -> None:
    # Three free-text columns, but only one placement keeps every typed column valid.
    fields = list(LEAD_5001_FIELDS)
    fields[25] = f"wants{delim}premium{delim}{delim}now"
    stage = {"\t": "tab", ",": "csv", "|": "pipe"}[delim]
    text = lead_text(fields, delim=delim, header=LEAD_HEADER)
    reply = parse("lead_all_info", text, lead_id="5001", stage=stage, header="YES")
    assert reply.data == [{**LEAD_5001, "comments": fields[25]}]


def test_lead_all_info_comment_with_newline_and_tab() -> None:
    fields = list(LEAD_5001_FIELDS)
    fields[25] = "line one\n\tline two\n"
    second = list(LEAD_5001_FIELDS)
    second[-1] = "5002"
    text = lead_text(fields, second, header=LEAD_HEADER)
    reply = parse("lead_all_info", text, phone_number="3125550001", stage="tab", header="YES")
    assert reply.data == [{**LEAD_5001, "comments": fields[25]}, {**LEAD_5001, "lead_id": "5002"}]


def test_lead_all_info_ambiguous_free_text_is_a_shape_error() -> None:
    # vendor_lead_code and source_id are neighbours: "VL|5001|WEB" could split either way.
    fields = list(LEAD_5001_FIELDS)
    fields[2] = "VL|5001"
    with pytest.raises(ReplyShapeError, match="ambiguous"):
        parse("lead_all_info", lead_text(fields, delim="|"), lead_id="5001")


def test_lead_all_info_custom_fields_without_header_cannot_be_named() -> None:
    text = lead_text([*LEAD_5001_FIELDS, "blue"], delim="|")
    with pytest.raises(ReplyShapeError):
        parse("lead_all_info", text, lead_id="5001", custom_fields="Y")
    # ... but a lead without custom data has just the standard columns.
    reply = parse("lead_all_info", lead_text(LEAD_5001_FIELDS, delim="|"), custom_fields="Y")
    assert reply.data == [LEAD_5001]


def test_lead_all_info_stage_newline_with_header() -> None:
    second = list(LEAD_5001_FIELDS)
    second[-1] = "5002"
    second[25] = "two\nlines"
    lines = [*LEAD_HEADER, "cf1", *LEAD_5001_FIELDS, "x", *LEAD_HEADER, *second]
    reply = parse(
        "lead_all_info",
        "\n".join(lines) + "\n",
        phone_number="3125550001",
        stage="newline",
        header="YES",
        custom_fields="Y",
    )
    assert reply.data == [
        {**LEAD_5001, "cf1": "x"},
        {**LEAD_5001, "lead_id": "5002", "comments": "two\nlines"},
    ]


def test_lead_all_info_stage_newline_without_header() -> None:
    fields = list(LEAD_5001_FIELDS)
    fields[25] = "a\nb"
    reply = parse("lead_all_info", "\n".join(fields) + "\n", lead_id="5001", stage="newline")
    assert reply.data == [{**LEAD_5001, "comments": "a\nb"}]
    two = "\n".join([*LEAD_5001_FIELDS, *LEAD_5001_FIELDS]) + "\n"
    reply = parse("lead_all_info", two, phone_number="3125550001", stage="newline")
    assert reply.data == [LEAD_5001, LEAD_5001]
    with pytest.raises(ReplyShapeError):  # several leads and a LF in a value: rows unknown
        parse(
            "lead_all_info",
            "\n".join([*fields, *LEAD_5001_FIELDS]) + "\n",
            phone_number="3125550001",
            stage="newline",
        )


# agent_status

AGENT_ROW = (
    "INCALL|M6031200000000005001|5001|TESTCAMP|3|Alice Agent|AGENTS|1|||3125550001|VL5001|8600051"
)


def test_agent_status_include_ip() -> None:
    reply = parse("agent_status", AGENT_ROW + "|10.0.0.5\n", agent_user="1001", include_ip="YES")
    assert reply.data == {**AGENT_1001, "computer_ip": "10.0.0.5"}
    # No IP found: the row lacks the column the header has.
    header = "|".join([*AGENT_1001, "computer_ip"])
    reply = parse(
        "agent_status",
        f"{header}\n{AGENT_ROW}\n",
        agent_user="1001",
        include_ip="YES",
        header="YES",
    )
    assert reply.data == {**AGENT_1001, "computer_ip": None}
    # Without include_ip=YES there is no such column at all.
    assert parse("agent_status", AGENT_ROW, agent_user="1001").data == AGENT_1001
    with pytest.raises(ReplyShapeError):
        parse("agent_status", AGENT_ROW + "|10.0.0.5\n", agent_user="1001")


def test_agent_status_missing_ip_and_delimiter_in_full_name() -> None:
    row = AGENT_ROW.replace("Alice Agent", "Alice|Agent")
    reply = parse("agent_status", row, agent_user="1001", include_ip="YES")
    assert reply.data == {**AGENT_1001, "full_name": "Alice|Agent", "computer_ip": None}


def test_agent_status_exactly_one_row() -> None:
    with pytest.raises(ReplyShapeError):
        parse("agent_status", f"{AGENT_ROW}\n{AGENT_ROW}\n", agent_user="1001")


# list_info

LIST_ROW = "101|Test list 101|TESTCAMP|Y|2026-11-27 22:36:26|2024-06-03 16:00:00|2099-12-31|1"
LIST_101 = {
    "list_id": "101",
    "list_name": "Test list 101",
    "campaign_id": "TESTCAMP",
    "active": "Y",
    "list_changedate": "2026-11-27 22:36:26",
    "list_lastcalldate": "2024-06-03 16:00:00",
    "expiration_date": "2099-12-31",
    "resets_today": 1,
}


def test_list_info_trailing_delimiter() -> None:
    assert parse("list_info", LIST_ROW + "|\n", list_id="101").data == LIST_101
    with pytest.raises(ReplyShapeError):  # the slot is always printed
        parse("list_info", LIST_ROW + "\n", list_id="101")
    with pytest.raises(ReplyShapeError):  # and is empty unless dialable_count=Y
        parse("list_info", LIST_ROW + "|7\n", list_id="101")


def test_list_info_counts() -> None:
    counts = {"all_leads_count": 9, "new_leads_count": 5}
    assert parse("list_info", LIST_ROW + "|9|5|\n", leads_counts="Y").data == {**LIST_101, **counts}
    assert parse("list_info", LIST_ROW + "|7\n", dialable_count="Y").data == {
        **LIST_101,
        "dialable_count": 7,
    }
    assert parse("list_info", LIST_ROW + "|9|5|\n", leads_counts="Y", dialable_count="Y").data == {
        **LIST_101,
        **counts,
        "dialable_count": None,
    }
    header = "|".join([*LIST_101, "all_leads_count", "new_leads_count", "dialable_count"])
    reply = parse(
        "list_info",
        f"{header}\n{LIST_ROW}|9|5|3\n",
        leads_counts="Y",
        dialable_count="Y",
        header="YES",
    )
    assert reply.data == {**LIST_101, **counts, "dialable_count": 3}


def test_list_info_name_containing_the_delimiter() -> None:
    row = LIST_ROW.replace("Test list 101", "Test|list|101")
    reply = parse("list_info", row + "|\n", list_id="101")
    assert reply.data == {**LIST_101, "list_name": "Test|list|101"}


def test_list_info_dates_must_be_mysql_dates() -> None:
    with pytest.raises(ReplyShapeError):
        parse("list_info", LIST_ROW.replace("2099-12-31", "31/12/2099") + "|\n")


# --- properties ------------------------------------------------------------------------------

PARAM_SETS: list[dict[str, str]] = [
    {},
    {"stage": "tab", "header": "YES"},
    {"stage": "csv"},
    {"stage": "newline", "header": "YES", "custom_fields": "Y"},
    {"stage": "newline", "lead_id": "5001"},
    {"stage": "newline"},
    {"include_ip": "YES", "header": "YES"},
    {"leads_counts": "Y", "dialable_count": "Y"},
    {"custom_fields": "Y"},
    {"header": "YES"},
]


def _fragments() -> list[str]:
    out = ["|", "||", "\n", "\t", ",", ";", "\r", "", " - ", ": |", "6666", "-5.00", "12", "0"]
    out += ["2024-06-03 10:00:00", "1980-01-15", "10.0.0.5", "search_keyrecords_foundlead_ids"]
    for spec in CATALOG.values():
        for template in spec.templates:
            out += [p for p in _literal_parts(template) if p]
        if spec.rows is not None:
            out += list(spec.rows.columns)
            out += ["\t".join(spec.rows.columns), "|".join(spec.rows.columns)]
    for template in (*g.GENERIC, *g.LOGIN_FAILURES):
        out += [p for p in _literal_parts(template) if p]
        out.append(template.render({"user": "6666", "pass": "pw", "auth_message": "BAD"}))
    out += ["|".join(LEAD_5001_FIELDS), "\n".join(LEAD_5001_FIELDS), AGENT_ROW, LIST_ROW]
    return out


def _literal_parts(template: Template) -> list[str]:
    return re.split(r"\{[A-Za-z_][A-Za-z0-9_]*\*?\}", template.text)


FRAGMENTS = _fragments()
SPECS = sorted(CATALOG)
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _parses_or_shape_error(function: str, text: str, params: dict[str, str]) -> None:
    try:
        reply = parse_reply(CATALOG[function], text, params=params)
    except ReplyShapeError as exc:
        assert len(exc.excerpt) <= 200
        return
    assert isinstance(reply, ParsedReply)
    assert reply.result in ("SUCCESS", "ERROR", "NOTICE")
    if reply.result == "ERROR":
        assert reply.error_type is not None


@PROPERTY_SETTINGS
@given(st.sampled_from(SPECS), st.text(max_size=400), st.sampled_from(PARAM_SETS))
def test_any_text_parses_or_is_a_shape_error(
    function: str, text: str, params: dict[str, str]
) -> None:
    _parses_or_shape_error(function, text, params)


@PROPERTY_SETTINGS
@given(
    st.sampled_from(SPECS),
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join),
    st.sampled_from(PARAM_SETS),
)
def test_text_from_template_fragments_parses_or_is_a_shape_error(
    function: str, text: str, params: dict[str, str]
) -> None:
    _parses_or_shape_error(function, text, params)


_VALUE = st.text(alphabet="0123456789abcXYZ -|:\n\t.;", max_size=12)


@st.composite
def _template_lines(draw: st.DrawFn, function: str) -> str:
    spec = CATALOG[function]
    templates = [*spec.templates, *g.GENERIC, *g.LOGIN_FAILURES]
    lines = []
    for template in draw(st.lists(st.sampled_from(templates), min_size=1, max_size=5)):
        values = {name: draw(_VALUE) for name in template.fields}
        lines.append(template.render(values))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@PROPERTY_SETTINGS
@given(st.data(), st.sampled_from(SPECS), st.sampled_from(PARAM_SETS))
def test_rendered_template_lines_parse_or_are_a_shape_error(
    data: st.DataObject, function: str, params: dict[str, str]
) -> None:
    _parses_or_shape_error(function, data.draw(_template_lines(function)), params)


_SECRET = st.text(alphabet="-_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@PROPERTY_SETTINGS
@given(
    st.sampled_from(SPECS),
    _SECRET.filter(lambda s: len(s) >= 6),
    st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("".join),
    st.booleans(),
    st.sampled_from(PARAM_SETS),
)
def test_bad_login_lines_are_never_a_refusal_and_never_logged_with_the_password(
    function: str,
    secret: str,
    before: str,
    after: str,
    first: bool,
    params: dict[str, str],
) -> None:
    # A genuine refusal never reaches the parser (gateway.refusal routes it away, proven by its
    # echo of this request's own password); a line like it in a reply is data or a shape error.
    line = g.BAD_LOGIN.render({"user": "6666", "pass": secret, "auth_message": "BAD"})
    text = (line if first else f"{before}\n{line}") + f"\n{after}"
    # The secret is only inside the pass field of the bad-login line.
    assume(secret not in text.replace(line, g.BAD_LOGIN.render({"user": "6666"})))
    try:
        reply = parse_reply(CATALOG[function], text, params=params)
    except ReplyShapeError as exc:
        # Excerpts go to the log: the password field of such a line is masked there.
        assert secret not in str(exc)
        assert secret not in exc.excerpt
        return
    assert not reply.login_failure
    assert reply.message not in (g.BAD_LOGIN.message, g.LOCKED.message, g.IP_BLOCKED.message)


# Free-text values with delimiters and line breaks: the row comes back exactly, or the reply is
# refused as ambiguous; never a wrong reading. (A value needs many delimiters *and* a LF before a
# reading with fewer of them inside values can exist: those win by design, see the parser.)
_FREE_TEXT = st.text(alphabet="ab \t|,\n", max_size=5)
_STAGES = st.sampled_from([("tab", "\t"), ("csv", ","), ("pipe", "|"), (None, "|")])


def _typed(value: str) -> str | None:
    return value or None


@PROPERTY_SETTINGS
@given(st.lists(_FREE_TEXT, min_size=1, max_size=3), _STAGES, st.booleans())
def test_campaign_names_round_trip(
    names: list[str], stage: tuple[str | None, str], header: bool
) -> None:
    stage_value, delim = stage
    params = {} if stage_value is None else {"stage": stage_value}
    lines = [delim.join(CAMPAIGN_HEADER)] if header else []
    if header:
        params["header"] = "YES"
    for name in names:
        lines.append(delim.join([CAMPAIGN_ROW[0], name, *CAMPAIGN_ROW[2:]]))
    want = [{**CAMPAIGNS[0], "campaign_name": _typed(name)} for name in names]
    try:
        reply = parse("campaigns_list", "\n".join(lines) + "\n", **params)
    except ReplyShapeError:
        # One free-text column: only a LF can make a reply ambiguous.
        assert any("\n" in name for name in names)
        return
    assert reply.data == want


@PROPERTY_SETTINGS
@given(_FREE_TEXT, _FREE_TEXT, _FREE_TEXT, _STAGES, st.booleans(), st.booleans())
def test_lead_free_text_round_trips(
    vendor: str, source: str, comments: str, stage: tuple[str | None, str], header: bool, two: bool
) -> None:
    stage_value, delim = stage
    fields = list(LEAD_5001_FIELDS)
    fields[2], fields[3], fields[25] = vendor, source, comments
    params = {"stage": stage_value} if stage_value else {}
    if header:
        params["header"] = "YES"
    rows = [fields, LEAD_5001_FIELDS] if two else [fields]
    text = lead_text(*rows, delim=delim, header=LEAD_HEADER if header else None)
    want = {
        **LEAD_5001,
        "vendor_lead_code": _typed(vendor),
        "source_id": _typed(source),
        "comments": _typed(comments),
    }
    try:
        reply = parse("lead_all_info", text, phone_number="3125550001", **params)
    except ReplyShapeError:
        return
    assert reply.data == ([want, LEAD_5001] if two else [want])


@PROPERTY_SETTINGS
@given(_FREE_TEXT, _FREE_TEXT, st.booleans(), st.booleans(), _STAGES)
def test_agent_status_round_trips(
    full_name: str, vendor: str, include_ip: bool, has_ip: bool, stage: tuple[str | None, str]
) -> None:
    stage_value, delim = stage
    values = AGENT_ROW.split("|")
    values[5], values[11] = full_name, vendor
    if include_ip and has_ip:
        values.append("10.0.0.5")
    params = {"stage": stage_value} if stage_value else {}
    if include_ip:
        params["include_ip"] = "YES"
    want: dict[str, Any] = {
        **AGENT_1001,
        "full_name": _typed(full_name),
        "vendor_lead_code": _typed(vendor),
    }
    if include_ip:
        want["computer_ip"] = "10.0.0.5" if has_ip else None
    try:
        reply = parse("agent_status", delim.join(values) + "\n", **params)
    except ReplyShapeError:
        return
    assert reply.data == want


@PROPERTY_SETTINGS
@given(_FREE_TEXT, _STAGES, st.booleans(), st.booleans(), st.booleans())
def test_list_names_round_trip(
    name: str, stage: tuple[str | None, str], counts: bool, dialable: bool, header: bool
) -> None:
    stage_value, delim = stage
    values = LIST_ROW.split("|")
    values[1] = name
    names = list(LIST_101)
    want: dict[str, Any] = {**LIST_101, "list_name": _typed(name)}
    params = {"stage": stage_value} if stage_value else {}
    if counts:
        values += ["9", "5"]
        names += ["all_leads_count", "new_leads_count"]
        want.update(all_leads_count=9, new_leads_count=5)
        params["leads_counts"] = "Y"
    values.append("3" if dialable else "")
    if dialable:
        names.append("dialable_count")
        want["dialable_count"] = 3
        params["dialable_count"] = "Y"
    text = delim.join(values) + "\n"
    if header:
        params["header"] = "YES"
        text = delim.join(names) + "\n" + text
    # One free-text column and exactly one row: always exact.
    assert parse("list_info", text, **params).data == want


@PROPERTY_SETTINGS
@given(_FREE_TEXT, _STAGES, st.booleans())
def test_lead_comments_round_trip_exactly(
    comments: str, stage: tuple[str | None, str], header: bool
) -> None:
    # The gateway's own requests: header=YES (one header per lead) or a lead_id (one lead).
    stage_value, delim = stage
    fields = list(LEAD_5001_FIELDS)
    fields[25] = comments
    params = {"stage": stage_value} if stage_value else {}
    if header:
        params.update(header="YES", phone_number="3125550001")
        text = lead_text(fields, LEAD_5001_FIELDS, delim=delim, header=LEAD_HEADER)
        want = [{**LEAD_5001, "comments": _typed(comments)}, LEAD_5001]
    else:
        params["lead_id"] = "5001"
        text = lead_text(fields, delim=delim)
        want = [{**LEAD_5001, "comments": _typed(comments)}]
    assert parse("lead_all_info", text, **params).data == want


@pytest.mark.parametrize("params", [{"header": "YES", "phone_number": "1"}, {"lead_id": "5001"}])
def test_comment_spelling_a_whole_lead_row_cannot_forge_a_lead(params: dict[str, str]) -> None:
    fake = list(LEAD_5001_FIELDS)
    fake[-1] = "6666"
    fields = list(LEAD_5001_FIELDS)
    fields[25] = "x\n" + "\t".join(fake) + "\n" + "\t".join(fake[:25]) + "\ty"
    header = LEAD_HEADER if "header" in params else None
    text = lead_text(fields, delim="\t", header=header)
    # The copy can line up with the typed columns when source_id takes part of it instead of
    # comments: more than one reading, so the reply is refused. A second lead is never read.
    with pytest.raises(ReplyShapeError, match="ambiguous"):
        parse("lead_all_info", text, stage="tab", **params)
    # A comment with a line that merely looks like a row start comes back whole.
    fields[25] = "x\nSALE\t1001\tVL6666\ny"
    text = lead_text(fields, delim="\t", header=header)
    reply = parse("lead_all_info", text, stage="tab", **params)
    assert reply.data == [{**LEAD_5001, "comments": fields[25]}]


# --- lead_search: one row per number searched, always ----------------------------------------

NO_MATCHES = "ERROR: lead_search NO MATCHES FOUND IN THE SYSTEM: |6666|||{numbers}\n"


@pytest.mark.parametrize(
    ("numbers", "keys"),
    [
        ("3125550001", ["3125550001"]),
        ("3125550001,3125550002", ["3125550001", "3125550002"]),
        # VICIdial searches (and prints rows for) numbers of 6-18 characters only, repeats kept.
        ("3125550001,12345,3125550001,1234567890123456789", ["3125550001", "3125550001"]),
    ],
)
def test_lead_search_without_any_match_is_a_row_per_number(numbers: str, keys: list[str]) -> None:
    reply = parse("lead_search", NO_MATCHES.format(numbers=numbers), phone_number=numbers)
    assert shape(reply) == expect(
        "SUCCESS", None, [{"search_key": k, "records_found": 0, "lead_ids": []} for k in keys]
    )
    # The same shape VICIdial prints when one of the numbers matches.
    some = parse("lead_search", "3125550001|1|5001\n3125550002|0|\n", phone_number=numbers)
    assert isinstance(some.data, list) and some.data[1] == {
        "search_key": "3125550002",
        "records_found": 0,
        "lead_ids": [],
    }


def test_lead_search_errors_other_than_no_matches_stay_errors() -> None:
    text = "ERROR: lead_search NO VALID SEARCH METHOD - 6666|PHONE_NUMBER|(0)|(0)|123(0)\n"
    reply = parse("lead_search", text, phone_number="123")
    assert (reply.result, reply.error_type) == ("ERROR", "invalid_input")
    denied = "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |6666|lead_search|\n"
    reply = parse("lead_search", denied, phone_number="3125550001")
    assert (reply.result, reply.generic) == ("ERROR", True)


# --- MySQL zero dates are empty ----------------------------------------------------------------


@pytest.mark.parametrize("delim", ["|", "\t"])
def test_mysql_zero_dates_are_null(delim: str) -> None:
    """VICIdial stores an empty date as MySQL's zero date (add_lead without date_of_birth):
    it is returned as null, like every other empty value."""
    fields = list(LEAD_5001_FIELDS)
    fields[21] = "0000-00-00"  # date_of_birth (DATE)
    fields[27] = "0000-00-00 00:00:00"  # last_local_call_time (DATETIME)
    stage = {"|": "pipe", "\t": "tab"}[delim]
    reply = parse("lead_all_info", delim.join(fields) + "\n", lead_id="5001", stage=stage)
    want = {**LEAD_5001, "date_of_birth": None, "last_local_call_time": None}
    assert reply.data == [want]
    # A zero date still counts as a date when the parser tells free text from typed columns.
    fields[25] = f"wants{delim}premium"
    reply = parse("lead_all_info", delim.join(fields) + "\n", lead_id="5001", stage=stage)
    assert reply.data == [{**want, "comments": f"wants{delim}premium"}]


def test_zero_dates_in_status_lines_and_single_rows_are_null() -> None:
    text = (
        "SUCCESS: add_lead LEAD HAS BEEN ADDED - 3125557006|101|5026|-6.00|6666\n"
        "NOTICE: add_lead SCHEDULED CALLBACK ADDED - 5026|TESTCAMP|0000-00-00 00:00:00|USERONLY"
        "|1001|CALLBK\n"
    )
    reply = parse("add_lead", text)
    assert reply.notices[0].data["callback_datetime"] is None
    row = "101|Test list 101|TESTCAMP|Y|0000-00-00 00:00:00|0000-00-00 00:00:00|0000-00-00|1|\n"
    reply = parse("list_info", row, list_id="101")
    assert isinstance(reply.data, dict)
    assert [reply.data[k] for k in ("list_changedate", "list_lastcalldate", "expiration_date")] == [
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("date_of_birth", "2024-00-00"),
        ("date_of_birth", "0000-01-01"),
        ("last_local_call_time", "0000-00-00 10:00:00"),
        ("last_local_call_time", "2024-06-03 00:00:00"),
    ],
)
def test_only_the_whole_zero_date_is_empty(column: str, value: str) -> None:
    fields = list(LEAD_5001_FIELDS)
    fields[LEAD_HEADER.index(column)] = value
    reply = parse("lead_all_info", "|".join(fields) + "\n", lead_id="5001")
    assert isinstance(reply.data, list) and reply.data[0][column] == value
