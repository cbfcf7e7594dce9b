"""No value an app sends can change the meaning of VICIdial's SQL.

- The catalog knows, for every parameter of every function, where VICIdial pastes it into SQL
  (``Param.sql``, from ``gateway/catalog/sql_uses.py``).
- The policy refuses, with a 400 naming the parameter and the statement, any value holding the
  quote of a literal it lands in (also values stored now and pasted when read back), a value
  pasted without quotes that is more than a number, list or name, and the characters
  ``update_list`` would forward to admin_lists_custom.php unencoded.
- The simulator models VICIdial's SQL with the same facts and flags any value that would break
  out (HTTP 500, and closing it then fails the test): an exhaustive sweep of injection payloads
  through the policy meets the simulator's guard, and a second sweep goes through a running
  gateway over real sockets.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest

from gateway.catalog import CATALOG
from gateway.catalog.spec import BARE_SAFE, FunctionSpec, Param
from gateway.config_load import parse_config
from gateway.errors import BadRequest, Forbidden
from gateway.policy import DEFAULT_CHARSETS, build_params, check_value
from gateway.sim import SimState, start_simulator
from gateway.sim.params import Params
from gateway.sim.sqlguard import SqlBreakout, breakouts

from .conftest import API_PASS, API_USER, Gateway, config_dict
from .samples import ok_params

CFG = parse_config(config_dict())
APP = CFG.apps["crm"]

# Quotes, comment openers, backslash, NUL, their URL-encoded forms (VICIdial decodes some values
# a second time) and Unicode look-alikes, alone and inside typical attack strings.
PAYLOADS = [
    "'",
    '"',
    "x' -- ",
    "x'#",
    "x' /*",
    "x' OR '1'='1",
    'x" OR ""="',
    "x'),(SLEEP(5)) -- ",
    "\\",
    "x\\",
    "\x00",
    "1 OR 1=1",
    "1) -- ",
    "%27",
    "%22",
    "%5C",
    "%00",
    "%2527",
    "http%3A%2F%2Fx%27%2Clist_description%3D%27y",
    "http%3A%2F%2Fx%5C",
    "http%3A%2F%2Fx%00",
    "a&field_default=x",
    "\uff07",  # fullwidth apostrophe
    "\u2019",  # right single quotation mark
    "\u02bc",  # modifier letter apostrophe
    "\uff02",  # fullwidth quotation mark
    "\uff3c",  # fullwidth reverse solidus
    "\u2018x\u201d",
]


# --- the facts --------------------------------------------------------------------------------


def test_every_parameter_of_every_function_has_its_sql_facts() -> None:
    for spec in CATALOG.values():
        for param in spec.params:
            assert param.sql is not None, (spec.name, param.name)


def _charset_admits(param: Param, ch: str) -> bool:
    charset = param.charset or DEFAULT_CHARSETS[param.kind]
    return re.fullmatch(f"[{charset}]", ch) is not None


def test_values_pasted_without_quotes_can_only_be_numbers_lists_or_names() -> None:
    # Statically: a bare use is safe by the characters the gateway lets through at all.
    for spec in CATALOG.values():
        for param in spec.params:
            if not any(use.quote == "bare" for use in param.sql or ()):
                continue
            if param.choices is not None:
                assert all(BARE_SAFE.fullmatch(c) for c in param.choices), (spec.name, param.name)
                continue
            allowed = [chr(c) for c in range(32, 127) if _charset_admits(param, chr(c))]
            assert all(BARE_SAFE.fullmatch(ch) for ch in allowed), (spec.name, param.name, allowed)


# Conditions on parameters VICIdial reads but the gateway never sends for that function (so
# the statement never runs for a gateway call; config values still count it).
NEVER_SENT = {("update_lead", "tz_method")}


def test_sql_conditions_name_parameters_of_the_function() -> None:
    for spec in CATALOG.values():
        names = spec.param_names | set(spec.fixed_params) | set(spec.gateway_params)
        for param in spec.params:
            for use in param.sql or ():
                if use.when is not None and (spec.name, use.when[0]) not in NEVER_SENT:
                    assert use.when[0] in names, (spec.name, param.name, use.when)


# --- the policy -------------------------------------------------------------------------------


def _call(fn: str, body: dict[str, Any]) -> dict[str, str]:
    return build_params(APP, CATALOG[fn], body)


def _refused(fn: str, body: dict[str, Any]) -> BadRequest:
    with pytest.raises(BadRequest) as info:
        _call(fn, body)
    return info.value


def test_the_reviewers_examples_are_refused() -> None:
    # Reading a forbidden list through add_lead's duplicate check.
    err = _refused(
        "add_lead",
        {
            "phone_number": "3125551212",
            "list_id": "101",
            "first_name": "x' OR list_id RLIKE '1002' -- ",
            "duplicate_check": "DUPNAMEPHONESYS",
        },
    )
    assert err.details == {"parameter": "first_name", "reason": "sql", "character": "'"}
    # Rewriting update_user's WHERE clause; setting every user's password.
    for email in ("x' WHERE user RLIKE 'nosuchuserqq' -- ", "x' -- ", "ab'cd@example"):
        err = _refused(
            "update_user", {"agent_user": "1001", "email": email, "agent_pass": "newpass1"}
        )
        assert err.details["parameter"] == "email"
        assert "pastes it unescaped into SQL" in err.message
        assert "UPDATE vicidial_users" in err.message


def test_an_apostrophe_in_a_lead_is_refused_and_the_message_says_why() -> None:
    err = _refused(
        "add_lead", {"phone_number": "3125551212", "list_id": "101", "last_name": "O'Brien"}
    )
    assert err.details == {"parameter": "last_name", "reason": "sql", "character": "'"}
    assert "when it reads it back" in err.message and "lead_all_info" in err.message
    for fn, extra in (
        ("update_lead", {"lead_id": "5001"}),
        ("batch_update_lead", {"lead_ids": "5001"}),
    ):
        err = _refused(fn, {**extra, "comments": "it's fine"})
        assert err.details["parameter"] == "comments"


def test_a_statement_that_does_not_run_does_not_refuse() -> None:
    # check_phone_number pastes owner into its time-zone lookup only with tz_method=TZCODE,
    # but into api_log's result_reason always: refused either way. A quote in a parameter
    # whose only single-quoted use is conditional passes when the condition is off.
    spec = CATALOG["add_lead"]
    title = spec.param("title")
    assert title is not None and title.sql is not None
    conditional = [u for u in title.sql if u.quote == "'" and not u.stored]
    assert conditional and all(u.when is not None for u in conditional)
    assert not any(u.applies({"duplicate_check": "DUPLIST"}) for u in conditional)
    assert all(u.applies({"duplicate_check": "DUPTITLEALTPHONESYS"}) for u in conditional)


def test_list_web_form_addresses_are_checked_as_vicidial_decodes_them() -> None:
    for fn in ("add_list", "update_list"):
        base = {"list_id": "93001", "list_name": "x", "campaign_id": "TESTCAMP"}
        if fn == "update_list":
            base = {"list_id": "101"}
        ok = _call(fn, {**base, "web_form_address": "http%3A%2F%2Fexample.com%2Fform"})
        assert ok["web_form_address"] == "http%3A%2F%2Fexample.com%2Fform"
        for bad in ("http%3A%2F%2Fx%27y", "http%3A%2F%2Fx%5C", "http%3A%2F%2Fx%0Ay"):
            err = _refused(fn, {**base, "web_form_address_two": bad})
            assert err.details["parameter"] == "web_form_address_two"
        # Without the trigger VICIdial does not decode it: %27 stays three characters.
        assert _call(fn, {**base, "web_form_address": "http://x/%27"})


def test_values_forwarded_to_admin_lists_custom_cannot_add_parameters() -> None:
    base = {"list_id": "101", "custom_fields_add": "Y", "field_label": "f1", "field_name": "F"}
    spec = CATALOG["update_list"]
    checked = 0
    for param in spec.params:
        if not param.forwarded or param.name in base:
            continue
        for ch in "&%+":
            if param.choices is not None or not _charset_admits(param, ch):
                continue  # refused already as a character VICIdial deletes
            err = _refused("update_list", {**base, param.name: f"a{ch}field_default=x"})
            assert err.details == {"parameter": param.name, "reason": "forwarded", "character": ch}
            checked += 1
    assert checked >= 1  # field_help keeps "&"


def test_config_values_get_the_sql_rules_whatever_the_request() -> None:
    # allow/force values are checked once, without a request: every statement counts.
    spec = CATALOG["add_lead"]
    first_name = spec.param("first_name")
    assert first_name is not None
    check_value(first_name, "Mary")
    with pytest.raises(BadRequest):
        check_value(first_name, "O'Brien")


# --- policy against the simulator's guard -----------------------------------------------------


def _base_params(spec: FunctionSpec) -> dict[str, str]:
    return ok_params(spec, APP)


def _form(params: dict[str, str], function: str) -> Params:
    """The form the gateway posts (see gateway.upstream: source last)."""
    form = {**params, "function": function, "user": API_USER, "pass": API_PASS, "source": "crm"}
    return Params({}, form, form["source"])


TARGETS = [
    (spec.name, param.name)
    for spec in CATALOG.values()
    for param in spec.params
    if param.choices is None
]


@pytest.mark.parametrize(("function", "name"), TARGETS, ids=lambda x: str(x))
def test_every_payload_is_refused_or_harmless_in_every_parameter(function: str, name: str) -> None:
    spec = CATALOG[function]
    base = _base_params(spec)
    for payload in PAYLOADS:
        body = {**base, name: payload}
        try:
            sent = _call(function, body)
        except BadRequest as err:
            assert err.details.get("parameter") in (name, *base), (payload, err.message)
            continue
        except Forbidden:
            continue
        assert breakouts(function, _form(sent, function)) == [], (payload, sent)


# --- through a running gateway ----------------------------------------------------------------


@pytest.fixture
def gw(gateway: Gateway) -> Gateway:
    """The conftest gateway; closing its simulator raises SqlBreakout if any value broke out."""
    return gateway


def _free_text(param: Param) -> bool:
    return param.choices is None and any(_charset_admits(param, ch) for ch in "'\"%& ")


SWEPT = [
    spec.name
    for spec in CATALOG.values()
    if spec.name not in ("version", "server_refresh", "blind_monitor")
    and any(_free_text(p) for p in spec.params)
]


@pytest.mark.parametrize("function", SWEPT)
async def test_injection_payloads_through_the_gateway(gw: Gateway, function: str) -> None:
    spec = CATALOG[function]
    base = _base_params(spec)
    for param in spec.params:
        if not _free_text(param):
            continue
        for payload in PAYLOADS:
            status, body, _ = await gw.call(function, {**base, param.name: payload})
            if status == 400:
                assert body["error"]["details"].get("parameter") in (param.name, *base), body
            else:
                # Accepted: VICIdial saw it and no SQL broke (the simulator answers a breakout
                # with HTTP 500, which the gateway reports as 502).
                assert status not in (500, 502), (param.name, payload, body)
    assert gw.sim.state.sql_breakouts == []


async def test_the_guard_catches_what_would_break_out() -> None:
    # Sent straight to the simulator (no gateway): each is flagged, answered 500 and recorded.
    sim = await start_simulator(
        "127.0.0.1", 0, state=SimState.seeded(api_users={API_USER: API_PASS})
    )
    cases = [
        ("update_user", {"agent_user": "1001", "email": "x' -- "}),
        ("add_lead", {"phone_number": "3125551212", "list_id": "101", "comments": "x\\"}),
        ("add_lead", {"phone_number": "3125551212", "list_id": "101", "first_name": "O'Brien"}),
        ("add_list", {"list_id": "93001", "web_form_address": "http%3A%2F%2Fx%27"}),
        ("update_list", {"list_id": "101", "field_help": "a&field_default=x"}),
    ]
    try:
        async with aiohttp.ClientSession() as session:
            import ssl

            ctx = ssl.create_default_context(cafile=str(sim.ca_file))
            for function, params in cases:
                form = {**params, "function": function, "user": API_USER, "pass": API_PASS}
                form["source"] = "test"
                before = len(sim.state.sql_breakouts)
                async with session.post(sim.api_url, data=form, ssl=ctx) as resp:
                    assert (resp.status, await resp.read()) == (500, b""), (function, params)
                assert len(sim.state.sql_breakouts) > before, (function, params)
            # The raw last form field is what VICIdial logs unfiltered.
            form = {"function": "campaigns_list", "user": API_USER, "pass": API_PASS}
            form.update(source="test", campaign_id="x'y")
            before = len(sim.state.sql_breakouts)
            async with session.post(sim.api_url, data=form, ssl=ctx) as resp:
                assert resp.status == 500
            assert sim.state.sql_breakouts[before:] == [
                "campaigns_list: api_log value (the raw last form field)"
            ]
    finally:
        with pytest.raises(SqlBreakout):
            await sim.close()


async def test_a_gateway_never_sends_a_breakout_for_an_accepted_value(gw: Gateway) -> None:
    # The same kinds of values, the ones the gateway accepts, arrive and change nothing.
    status, body, _ = await gw.call(
        "add_lead",
        {"phone_number": "3125559001", "list_id": "101", "comments": "50% off & more (maybe)"},
    )
    assert status == 200, body
    lead_id = int(body["data"]["lead_id"])
    assert gw.sim.state.leads[lead_id].comments == "50% off & more (maybe)"
