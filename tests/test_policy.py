"""Policy: the app's allowlist and per-parameter rules, as a pure function."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.catalog import AGENT_CATALOG, CATALOG
from gateway.config_load import parse_config
from gateway.errors import BadRequest, Forbidden
from gateway.policy import build_params

from .conftest import config_dict
from .test_documented_values import REQUIRED

CFG = parse_config(config_dict())
CRM = CFG.apps["crm"]
REPORTS = CFG.apps["reports"]


def params(fn: str, body: Any, app: Any = CRM) -> dict[str, str]:
    return build_params(app, CATALOG[fn], body)


def test_plain_values_pass_through_as_strings() -> None:
    out = params(
        "add_lead",
        {
            "phone_number": "3125551212",
            "list_id": 101,
            "rank": 5,
            "first_name": "Mary-Jo Neil",
            "comments": "a|b, c",
        },
    )
    assert out == {
        "phone_number": "3125551212",
        "list_id": "101",
        "rank": "5",
        "first_name": "Mary-Jo Neil",
        "comments": "a|b, c",
    }


def test_gateway_chooses_stage_and_header() -> None:
    assert params("campaigns_list", {}) == {"stage": "tab", "header": "YES"}
    # lead_search's header row is broken in VICIdial: never asked for.
    assert params("lead_search", {"phone_number": "3125551212"}) == {"phone_number": "3125551212"}


def test_flags_take_booleans_and_lists_take_arrays() -> None:
    out = params("list_info", {"list_id": "101", "leads_counts": True, "dialable_count": False})
    assert out["leads_counts"] == "Y" and out["dialable_count"] == "N"
    out = params("agent_status", {"agent_user": "1001", "include_ip": True})
    assert out["include_ip"] == "YES"
    out = params("lead_search", {"phone_number": ["3125551212", "3125551213"]})
    assert out["phone_number"] == "3125551212,3125551213"


def test_function_not_in_allowlist() -> None:
    with pytest.raises(Forbidden):
        params("add_lead", {"phone_number": "3125551212"}, app=REPORTS)


def test_allow_rule() -> None:
    with pytest.raises(Forbidden) as info:
        params("add_lead", {"phone_number": "3125551212", "list_id": "555"})
    assert info.value.details == {"parameter": "list_id"}


def test_force_rule_adds_value_and_refuses_another() -> None:
    doc = config_dict()
    doc["apps"]["crm"]["params"]["add_lead"]["duplicate_check"] = {"force": "DUPLIST"}
    app = parse_config(doc).apps["crm"]
    assert params("add_lead", {"phone_number": "3125551212"}, app)["duplicate_check"] == "DUPLIST"
    assert (
        params("add_lead", {"phone_number": "3125551212", "duplicate_check": "DUPLIST"}, app)[
            "duplicate_check"
        ]
        == "DUPLIST"
    )
    with pytest.raises(Forbidden):
        params("add_lead", {"phone_number": "3125551212", "duplicate_check": "DUPSYS"}, app)


@pytest.mark.parametrize("name", ["user", "pass", "source", "function", "DB"])
def test_reserved_names_are_refused(name: str) -> None:
    with pytest.raises(BadRequest) as info:
        params("add_lead", {"phone_number": "3125551212", name: "x"})
    assert info.value.details == {"parameter": name}


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"phone_number": "3125551212", "colour": "red"}, "colour"),
        ({"phone_number": "3125551212", "comments": "back\\slash"}, "comments"),
        ({"phone_number": "3125551212", "comments": "line\nbreak"}, "comments"),
        ({"phone_number": "3125551212", "comments": "nul\x00"}, "comments"),
        ({"phone_number": "3125551212", "comments": "c" * 256}, "comments"),
        ({"phone_number": "3125551212", "comments": 'quote"d'}, "comments"),
        ({"phone_number": "3125551212", "comments": "a+b"}, "comments"),
        ({"phone_number": "+13125551212"}, "phone_number"),
        ({"phone_number": "312-555-1212"}, "phone_number"),
        ({"phone_number": "3125551212", "first_name": "Zoë"}, "first_name"),
        ({"phone_number": "3125551212", "gender": "X"}, "gender"),
        ({"phone_number": "3125551212", "rank": True}, "rank"),
        ({"phone_number": "3125551212", "rank": None}, "rank"),
        ({"phone_number": "3125551212", "rank": {"a": 1}}, "rank"),
        ({"phone_number": "3125551212", "rank": [1]}, "rank"),
        ({"phone_number": "3125551212", "add_to_hopper": "y"}, "add_to_hopper"),
        ({}, "phone_number"),
    ],
)
def test_bad_values_are_400_naming_the_parameter(body: dict[str, Any], parameter: str) -> None:
    with pytest.raises(BadRequest) as info:
        params("add_lead", body)
    assert info.value.details["parameter"] == parameter


def test_non_object_body() -> None:
    with pytest.raises(BadRequest):
        params("campaigns_list", ["campaign_id"])


def test_unknown_name_is_echoed_safely() -> None:
    with pytest.raises(BadRequest) as info:
        params("campaigns_list", {"x\r\ny" * 40: "1"})
    assert "\n" not in info.value.message and len(info.value.details["parameter"]) <= 64 * 4


def _all_functions_app() -> Any:
    doc = config_dict()
    doc["apps"]["crm"]["functions"] = sorted(CATALOG)
    return parse_config(doc).apps["crm"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("312", True),
        ("IL", True),
        ("---ALL---", True),
        ("3-12", False),
        ("--ALL--", False),
        ("31_2", False),
    ],
)
def test_patterns_refuse_values_vicidial_would_alter(value: str, ok: bool) -> None:
    body = {"cid_group_id": "GRP1", "stage": "INFO", "areacode": value}
    if ok:
        assert params("update_cid_group_entry", body, _all_functions_app())["areacode"] == value
    else:
        with pytest.raises(BadRequest) as info:
            params("update_cid_group_entry", body, _all_functions_app())
        assert info.value.details["parameter"] == "areacode"


def test_line_feeds_only_where_vicidial_keeps_them() -> None:
    app = _all_functions_app()
    body = {"list_id": "1001", "field_options": "1,One\n2,Two"}
    assert params("update_list", body, app)["field_options"] == "1,One\n2,Two"
    for bad in ("1,One\r\n2,Two", "1,One\t2"):
        with pytest.raises(BadRequest):
            params("update_list", {"list_id": "1001", "field_options": bad}, app)
    with pytest.raises(BadRequest):
        params("update_list", {"list_id": "1001", "list_name": "a\nb"}, app)


@pytest.mark.parametrize(
    ("fn", "body", "parameter"),
    [
        # VICIdial splits call_dispo_report's lists on "-", user_group_status' on "|", the
        # phone lists on ",": an item holding the separator would be read as two.
        ("call_dispo_report", {"user_groups": ["TEAM-A", "B"]}, "user_groups"),
        ("call_status_stats", {"campaigns": ["TESTCAMP", "X-Y"]}, "campaigns"),
        ("user_group_status", {"user_groups": ["A|B"]}, "user_groups"),
        ("lead_search", {"phone_number": ["3125551212,3125551213"]}, "phone_number"),
    ],
)
def test_a_list_item_may_not_hold_the_separator(
    fn: str, body: dict[str, Any], parameter: str
) -> None:
    with pytest.raises(BadRequest) as info:
        params(fn, body, _all_functions_app())
    assert info.value.details == {"parameter": parameter}


def test_all_is_one_item_of_a_dash_list() -> None:
    app = _all_functions_app()
    out = params("call_status_stats", {"campaigns": ["---ALL---"], "ingroups": ["A", "B"]}, app)
    assert (out["campaigns"], out["ingroups"]) == ("---ALL---", "A-B")


@pytest.mark.parametrize(
    ("fn", "parameter", "value"),
    [
        # Found by the OpenAPI fuzz run: VICIdial reads an empty item as a name ("IN('A','','B')")
        # and echoes it ("A  B", an empty id), which no list means to ask for.
        ("in_group_status", "in_groups", ["SALESLINE", "", "SUPPORT"]),
        ("user_group_status", "user_groups", "AGENTS||ADMIN"),
        ("call_status_stats", "campaigns", "-44994"),
        ("call_status_stats", "ingroups", "A-B-"),
        ("call_dispo_report", "campaigns", "---ALL-----A"),
        ("lead_search", "phone_number", "3125551212,,3125551213"),
        ("add_user", "in_groups", "|SALESLINE"),
    ],
)
def test_a_list_may_not_hold_an_empty_item(fn: str, parameter: str, value: Any) -> None:
    app = _all_functions_app()
    with pytest.raises(BadRequest) as info:
        build_params(app, CATALOG[fn], {**REQUIRED.get(fn, {}), parameter: value})
    assert info.value.details == {"parameter": parameter}
    assert "empty item" in info.value.message


@pytest.mark.parametrize(
    ("fn", "parameter", "value"),
    [
        ("call_status_stats", "campaigns", "---ALL---"),
        ("call_dispo_report", "campaigns", "A----ALL---"),
        ("in_group_status", "in_groups", "SALESLINE|SUPPORT"),
        ("lead_search", "phone_number", "3125551212"),
    ],
)
def test_whole_items_and_plain_lists_have_no_empty_item(
    fn: str, parameter: str, value: str
) -> None:
    app = _all_functions_app()
    out = build_params(app, CATALOG[fn], {**REQUIRED.get(fn, {}), parameter: value})
    assert out[parameter] == value


def test_blank_fits_any_field_unless_vicidial_inserts_it_as_text() -> None:
    app = _all_functions_app()
    body = {"lead_id": "5001", "title": "--BLANK--", "state": "--BLANK--"}
    assert params("update_lead", body, app)["title"] == "--BLANK--"
    assert params("batch_update_lead", {"lead_ids": "5001", "title": "--BLANK--"}, app)
    # With insert_if_not_found=Y a lead may be inserted with the text itself: it must fit.
    with pytest.raises(BadRequest) as info:
        params("update_lead", {**body, "insert_if_not_found": "Y"}, app)
    assert info.value.details == {"parameter": "title"}
    fits = {"lead_id": "5001", "first_name": "--BLANK--", "insert_if_not_found": "Y"}
    assert params("update_lead", fits, app)["first_name"] == "--BLANK--"
    # add_lead has no blank value: the text is stored as it is, and must fit.
    with pytest.raises(BadRequest):
        params("add_lead", {"phone_number": "3125551212", "title": "--BLANK--"})
    # Only the blank value passes the limit.
    with pytest.raises(BadRequest):
        params("update_lead", {"lead_id": "5001", "title": "--BLANK"}, app)


@pytest.mark.parametrize(
    ("fn", "name", "raw", "sent"),
    [
        ("add_phone", "local_gmt", -5, "-5.00"),
        ("add_phone", "local_gmt", "9.5", "9.50"),
        ("add_phone", "local_gmt", "12.75", "12.75"),
        ("call_dispo_report", "status_breakdown", True, "1"),
        ("call_dispo_report", "status_breakdown", False, ""),
        ("call_dispo_report", "status_breakdown", 1, "1"),
        ("call_dispo_report", "show_percentages", "N", ""),
    ],
)
def test_spellings_vicidial_reads_the_same_are_sent_in_one_form(
    fn: str, name: str, raw: Any, sent: str
) -> None:
    body = {**REQUIRED.get(fn, {}), name: raw}
    assert params(fn, body, _all_functions_app())[name] == sent


@pytest.mark.parametrize(
    ("fn", "name", "value"),
    [
        ("add_phone", "local_gmt", "-5.5"),  # not a time zone of VICIdial's list
        ("add_phone", "local_gmt", "-05"),  # VICIdial would take it; not a documented spelling
        ("add_phone", "is_webphone", "yes"),
        ("call_dispo_report", "status_breakdown", "YES"),
        ("agent_stats_export", "datetime_start", "2024-06-03+0:00:00"),
        ("add_lead", "callback_comments", "O'Brien"),  # VICIdial deletes the apostrophe
        ("add_lead", "tz_method", "postal"),  # VICIdial's TZCODE/POSTAL checks mind the case
        ("update_cid_group_entry", "stage", ""),  # required: empty is not "not sent"
    ],
)
def test_other_spellings_stay_refused(fn: str, name: str, value: str) -> None:
    with pytest.raises(BadRequest) as info:
        params(fn, {**REQUIRED.get(fn, {}), name: value}, _all_functions_app())
    assert info.value.details["parameter"] == name


# --- the Agent API: agent_functions, agent_params, agent_users -----------------------------------

WIDGET_CFG = parse_config(
    config_dict(
        widget={
            "keys": [{"kid": "w-1", "alg": "HS256", "secret": "w" * 40}],
            "upstream": "main",
            "source": "widget",
            "agent_functions": ["external_dial", "external_pause", "send_notification"],
            "agent_users": ["10*", "2001"],
            "agent_params": {"external_pause": {"value": {"allow": ["PAUSE"]}}},
        },
        everyone={
            "keys": [{"kid": "e-1", "alg": "HS256", "secret": "e" * 40}],
            "upstream": "main",
            "source": "everyone",
            "functions": ["version"],
            "agent_functions": ["st_get_agent_active_lead", "send_notification", "version"],
            "agent_users": ["*"],
        },
    )
)
WIDGET = WIDGET_CFG.apps["widget"]
EVERYONE = WIDGET_CFG.apps["everyone"]


def agent_params(fn: str, body: Any, app: Any = WIDGET) -> dict[str, str]:
    return build_params(app, AGENT_CATALOG[fn], body)


def test_agent_functions_are_a_list_apart_from_functions() -> None:
    assert agent_params("external_pause", {"agent_user": "1001", "value": "PAUSE"}) == {
        "agent_user": "1001",
        "value": "PAUSE",
    }
    # The same name in the other API is another function: version is allowed in one list only.
    with pytest.raises(Forbidden):
        build_params(WIDGET, CATALOG["version"], {})
    with pytest.raises(Forbidden):
        agent_params("version", {})
    assert build_params(EVERYONE, CATALOG["version"], {}) == {}
    assert agent_params("version", {}, EVERYONE) == {"value": ""}  # see the next test
    # A Non-Agent app may not drive agents.
    with pytest.raises(Forbidden):
        agent_params("external_pause", {"agent_user": "1001", "value": "PAUSE"}, CRM)


@pytest.mark.parametrize(
    ("agent", "allowed"),
    [
        ("1001", True),
        ("10", True),
        ("10x", True),
        ("2001", True),
        ("20011", False),
        ("1", False),
        ("2002", False),
        ("x10", False),
    ],
)
def test_agent_users_are_exact_ids_or_globs(agent: str, allowed: bool) -> None:
    body = {"agent_user": agent, "value": "PAUSE"}
    if allowed:
        assert agent_params("external_pause", body)["agent_user"] == agent
    else:
        with pytest.raises(Forbidden) as info:
            agent_params("external_pause", body)
        assert info.value.details == {"agent_user": agent}


def test_agent_params_rules_hold_values() -> None:
    with pytest.raises(Forbidden) as info:
        agent_params("external_pause", {"agent_user": "1001", "value": "RESUME"})
    assert info.value.details == {"parameter": "value"}


def test_agent_user_is_required_and_alt_user_is_not_offered() -> None:
    with pytest.raises(BadRequest) as info:
        agent_params("external_pause", {"value": "PAUSE"})
    assert info.value.details == {"parameter": "agent_user"}
    with pytest.raises(BadRequest):
        agent_params("external_pause", {"alt_user": "crm-77", "value": "PAUSE"})


def test_functions_that_reach_agents_by_other_means_need_every_agent() -> None:
    """st_* find the agent by CRM id, send_notification by group or campaign: the gateway cannot
    check those against agent_users, so only an app with "*" may call them."""
    group = {"recipient": "AGENTS", "recipient_type": "USER_GROUP", "notification_text": "hi"}
    with pytest.raises(Forbidden):
        agent_params("send_notification", group)
    assert agent_params("send_notification", group, EVERYONE)["recipient"] == "AGENTS"
    with pytest.raises(Forbidden):
        agent_params("st_get_agent_active_lead", {"value": "crm-7", "vendor_id": "t"}, WIDGET)
    # One USER is an agent the gateway can check.
    one = {"recipient": "1001", "recipient_type": "USER", "notification_text": "hi"}
    assert agent_params("send_notification", one)["recipient"] == "1001"
    with pytest.raises(Forbidden):
        agent_params("send_notification", {**one, "recipient": "3001"})


def test_debug_output_cannot_be_asked_for() -> None:
    """format=debug (SQL in the reply) and close_window_link (HTML after it) are no parameters
    of any Agent API function: refused like any unknown parameter."""
    for name in ("format", "close_window_link", "DB", "debug"):
        with pytest.raises(BadRequest):
            agent_params("external_pause", {"agent_user": "1001", "value": "PAUSE", name: "1"})


def test_value_is_always_sent_to_the_agent_api() -> None:
    """agc/api.php's loop over the form leaves $value holding the last field's value: a request
    without value would act on the gateway's source label (on the real VICIdial,
    external_add_lead stored it as the lead's phone number; tools/oracle_agent.py)."""
    lead = {"agent_user": "1001", "phone_number": "3125551213", "phone_code": "1"}
    app = _agent_app(["external_add_lead"])
    assert build_params(app, AGENT_CATALOG["external_add_lead"], lead) == {**lead, "value": ""}
    sent = {"agent_user": "1001", "value": "PAUSE"}
    assert agent_params("external_pause", sent) == sent  # a value sent is kept


def _agent_app(functions: list[str], source: str = "widget", password: str = "x" * 20) -> Any:
    return parse_config(
        config_dict(
            password=password,
            w={
                "keys": [{"kid": "w-1", "alg": "HS256", "secret": "w" * 40}],
                "upstream": "main",
                "source": source,
                "agent_functions": functions,
                "agent_users": ["*"],
            },
        )
    ).apps["w"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"comments": "Frank called back"}, "rank"),  # VICIdial matches in any case
        ({"comments": "moved to another city"}, "city"),
        ({"address1": "1 Main St", "emailreload": "YES"}, "email"),  # a parameter's name
        ({"last_name": "Titleman"}, "title"),
    ],
)
def test_update_fields_refuses_a_field_name_inside_another_parameter(
    body: dict[str, str], field: str
) -> None:
    """update_fields sets every lead field whose name appears anywhere in the request body, to
    empty when it was not sent: "Frank" in a comment would empty the lead's rank."""
    app = _agent_app(["update_fields"])
    spec = AGENT_CATALOG["update_fields"]
    with pytest.raises(BadRequest) as info:
        build_params(app, spec, {"agent_user": "1001", **body})
    assert info.value.details["reason"] == "body_field" and info.value.details["field"] == field
    # Sent as its own parameter, the field is meant: nothing is emptied by surprise.
    own = {"rank": "3", "city": "Springfield", "email": "a@b.example", "title": "Mr"}[field]
    sent = {"agent_user": "1001", **body, field: own}
    assert build_params(app, spec, sent)[field] == sent[field]


def test_update_fields_passes_values_without_field_names() -> None:
    app = _agent_app(["update_fields", "refresh_panel"])
    body = {"agent_user": "1001", "comments": "called back, wants a quote", "first_name": "Ann"}
    assert build_params(app, AGENT_CATALOG["update_fields"], body) == {**body, "value": ""}
    panels = {"agent_user": "1001", "formreload": "YES", "callbacksreload": "YES"}
    assert build_params(app, AGENT_CATALOG["refresh_panel"], panels) == {**panels, "value": ""}
